-- Residents' photos (issue 5): each upload is decoded with pixel limits, turned upright,
-- re-encoded (which drops every EXIF field, GPS included) into a display size and a thumbnail.
-- Only those re-encoded JPEGs are stored; the original bytes never are. Kept in the database,
-- so that one file (and its backup) holds everything a problem is.
CREATE TABLE photos (
    id          INTEGER PRIMARY KEY,
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    display     BLOB NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    thumb       BLOB NOT NULL,
    thumb_width INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    -- A moderator hid it (personal data in the picture, a face, a number plate): then only the
    -- cabinet shows it.
    hidden_at   INTEGER,
    hidden_by   INTEGER REFERENCES officials(id)
);
CREATE INDEX photos_problem ON photos(problem_id, id);

-- Agencies and routing (issue 5): the departments, services and utilities that solve problems.
-- Each category may be routed to an agency; a problem is routed when it is published (to its
-- category's agency, unless a moderator chose another), and the agency is told by e-mail. An
-- agency official sees only their agency's problems.
CREATE TABLE agencies (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    name             TEXT NOT NULL,
    -- Where routed problems and deadline reminders are mailed (none: the cabinet only).
    email            TEXT,
    created_at       INTEGER NOT NULL,
    UNIQUE (municipality_id, name)
);

ALTER TABLE categories ADD COLUMN agency_id INTEGER REFERENCES agencies(id);

ALTER TABLE problems ADD COLUMN agency_id INTEGER REFERENCES agencies(id);
CREATE INDEX problems_agency ON problems(agency_id, id) WHERE agency_id IS NOT NULL;

-- An agency official belongs to one agency (NULL for every other role).
ALTER TABLE officials ADD COLUMN agency_id INTEGER REFERENCES agencies(id);

-- Deadline reminders to the agency (deadlines.rs): when each was queued, so each goes once.
ALTER TABLE problems ADD COLUMN reminded_before_at INTEGER;
ALTER TABLE problems ADD COLUMN reminded_after_at INTEGER;

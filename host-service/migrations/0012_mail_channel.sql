-- The e-mail channel (issue 9): agencies that do not use the cabinet get each problem as a
-- formal appeal by e-mail and answer by replying to it.

-- How an agency hears of a problem routed to it:
--   'cabinet': a short notice with the cabinet link (when it has an address);
--   'email':   a formal appeal with everything needed to act, answered by e-mail;
--   'both':    the appeal, with the cabinet link as well.
ALTER TABLE agencies ADD COLUMN delivery TEXT NOT NULL DEFAULT 'cabinet'
    CHECK (delivery IN ('cabinet', 'email', 'both'));

-- The reporter agreed that the agency may see their name and contacts (in the appeal).
ALTER TABLE reporters ADD COLUMN share_with_agency INTEGER NOT NULL DEFAULT 0
    CHECK (share_with_agency IN (0, 1));

-- What becomes of an agency's e-mailed answer: 'publish' at once, or 'moderate' first.
ALTER TABLE sites ADD COLUMN email_answers TEXT NOT NULL DEFAULT 'publish'
    CHECK (email_answers IN ('publish', 'moderate'));

-- Richer messages: an HTML part, a Reply-To, a Message-ID fixed when queued (so replies can
-- reference it), and the photos of a problem attached (read when sent: a photo hidden in the
-- meantime is not sent).
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN attach_photos_of INTEGER REFERENCES problems(id) ON DELETE SET NULL;

-- One row per appeal sent: the reply address `reply+<token>@<domain>` names it. Only a SHA-256
-- of the token is kept; the token is bound to the problem and the agency it went to.
CREATE TABLE appeals (
    id          INTEGER PRIMARY KEY,
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    token_hash  BLOB NOT NULL UNIQUE,
    message_id  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX appeals_problem ON appeals(problem_id, id);

-- Every message received (mail-in): answered, waiting for a moderator, quarantined (not
-- matched, or not from the agency), or recognised as automatic (an auto-reply, a bounce).
-- `raw` is kept while a person still has to decide (awaiting or quarantined), then dropped.
CREATE TABLE inbound_mail (
    id               INTEGER PRIMARY KEY,
    received_at      INTEGER NOT NULL,
    message_id       TEXT,
    from_addr        TEXT,
    subject          TEXT,
    appeal_id        INTEGER REFERENCES appeals(id) ON DELETE SET NULL,
    problem_id       INTEGER REFERENCES problems(id) ON DELETE SET NULL,
    -- Whose it is, for the cabinet: the appeal's municipality, else the sender agency's.
    municipality_id  INTEGER REFERENCES municipalities(id),
    state            TEXT NOT NULL CHECK (state IN
                       ('answered', 'awaiting', 'quarantined', 'automatic', 'discarded')),
    reason           TEXT,
    -- The reply's own words (quotes and signature stripped), and a status it asked for.
    text             TEXT NOT NULL DEFAULT '',
    status           TEXT,
    raw              BLOB,
    handled_at       INTEGER,
    handled_by       INTEGER REFERENCES officials(id)
);
CREATE INDEX inbound_open ON inbound_mail(municipality_id, id) WHERE state IN ('awaiting', 'quarantined');
-- A message delivered twice (a retried pipe) is taken once.
CREATE UNIQUE INDEX inbound_message_id ON inbound_mail(message_id) WHERE message_id IS NOT NULL;

-- Photos of an agency's e-mailed answer (reporters' photos have NULL).
ALTER TABLE photos ADD COLUMN inbound_id INTEGER REFERENCES inbound_mail(id);
-- The event an e-mailed answer made.
ALTER TABLE problem_events ADD COLUMN inbound_id INTEGER REFERENCES inbound_mail(id);

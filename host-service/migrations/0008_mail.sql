-- E-mail (issues 3 and 5): the transactional outbox, the anonymous reporter's confirmation, and
-- the two site settings that decide what happens to a report before it is public.

-- Every e-mail is first a row here, inserted in the transaction that caused it (a report, a
-- status change). The mail worker (mail.rs) sends due rows over SMTP, marks them sent, and on
-- failure retries with backoff: an SMTP outage delays mail but never loses it or blocks a
-- request. `to_addr` is personal data: sent rows are pruned after a retention period.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    problem_id       INTEGER REFERENCES problems(id) ON DELETE SET NULL,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    sent_at          INTEGER,
    -- Given up: a permanent refusal (no such mailbox) or retries past the time limit.
    failed_at        INTEGER
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_done ON outbox(created_at) WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL;

-- What a site does with a report from a visitor who is not signed in through its SSO:
--   'confirm_email': the visitor must give an e-mail; the report waits, invisible even to
--                    moderators, until the link sent there is followed;
--   'moderated':     accepted as it is and left to the moderators (sites from before this);
--   'off':           only signed-in residents may report.
ALTER TABLE sites ADD COLUMN anonymous_reports TEXT NOT NULL DEFAULT 'moderated'
    CHECK (anonymous_reports IN ('confirm_email', 'moderated', 'off'));
-- 1: every report waits in `new` for a moderator; 0: a report is published as soon as it is
-- accepted (a signed-in resident's at once, an anonymous one when its e-mail is confirmed).
ALTER TABLE sites ADD COLUMN premoderation INTEGER NOT NULL DEFAULT 1 CHECK (premoderation IN (0, 1));

-- 1 while an anonymous report waits for its e-mail to be confirmed. Such a report is in no list,
-- public or official, and cannot be published.
ALTER TABLE problems ADD COLUMN awaiting_confirmation INTEGER NOT NULL DEFAULT 0
    CHECK (awaiting_confirmation IN (0, 1));
CREATE INDEX problems_awaiting ON problems(created_at) WHERE awaiting_confirmation = 1;

-- The links sent to confirm a report. Only a SHA-256 of the token is stored.
CREATE TABLE email_confirmations (
    token_hash    BLOB PRIMARY KEY,
    problem_id    INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    confirmed_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX email_confirmations_problem ON email_confirmations(problem_id);

-- The cabinet's counters (0005) leave out what waits for confirmation, as its lists do.
DROP TRIGGER problem_counts_insert;
DROP TRIGGER problem_counts_delete;
DROP TRIGGER problem_counts_update;

CREATE TRIGGER problem_counts_insert AFTER INSERT ON problems WHEN NEW.awaiting_confirmation = 0
BEGIN
    INSERT INTO problem_counts (site_id, category_id, status, n)
        VALUES (NEW.site_id, NEW.category_id, NEW.status, 1)
        ON CONFLICT (site_id, category_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER problem_counts_delete AFTER DELETE ON problems WHEN OLD.awaiting_confirmation = 0
BEGIN
    UPDATE problem_counts SET n = n - 1
        WHERE site_id = OLD.site_id AND category_id = OLD.category_id AND status = OLD.status;
END;

CREATE TRIGGER problem_counts_update AFTER UPDATE OF site_id, category_id, status, awaiting_confirmation ON problems
    WHEN OLD.site_id IS NOT NEW.site_id OR OLD.category_id IS NOT NEW.category_id
        OR OLD.status IS NOT NEW.status OR OLD.awaiting_confirmation IS NOT NEW.awaiting_confirmation
BEGIN
    UPDATE problem_counts SET n = n - 1
        WHERE OLD.awaiting_confirmation = 0
          AND site_id = OLD.site_id AND category_id = OLD.category_id AND status = OLD.status;
    INSERT INTO problem_counts (site_id, category_id, status, n)
        SELECT NEW.site_id, NEW.category_id, NEW.status, 1 WHERE NEW.awaiting_confirmation = 0
        ON CONFLICT (site_id, category_id, status) DO UPDATE SET n = n + 1;
END;

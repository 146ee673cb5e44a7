-- Citizen control (issue 5): once a problem is resolved, its reporter may confirm it (it is
-- closed) or reopen it (back in progress) within the site's `control_days`, and rate the
-- solution 1-5. The verdicts feed the agencies' rating ("the people's rating of services").
ALTER TABLE sites ADD COLUMN control_days INTEGER NOT NULL DEFAULT 14
    CHECK (control_days BETWEEN 0 AND 365);

-- When it was last marked resolved (set by problems::set_status).
ALTER TABLE problems ADD COLUMN resolved_at INTEGER;
UPDATE problems SET resolved_at = updated_at WHERE status = 'resolved';

CREATE TABLE verdicts (
    id          INTEGER PRIMARY KEY,
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    -- The agency whose solution was judged (the problem's at the time).
    agency_id   INTEGER REFERENCES agencies(id),
    verdict     TEXT NOT NULL CHECK (verdict IN ('confirmed', 'reopened')),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    at          INTEGER NOT NULL
);
CREATE INDEX verdicts_problem ON verdicts(problem_id, id);
CREATE INDEX verdicts_agency ON verdicts(agency_id, at);

-- The cabinet's statistics read a period of problems by their filing date.
CREATE INDEX problems_created ON problems(created_at);

-- Moderation (issue 5): why a report was refused. A spam report is refused without an answer
-- and its reporter is not mailed.
ALTER TABLE problem_events ADD COLUMN reason TEXT
    CHECK (reason IN ('spam', 'not_city', 'personal_data', 'other'));

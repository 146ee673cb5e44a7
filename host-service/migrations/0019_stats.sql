-- The cabinet's statistics and overdue count at a million problems (issue 5's benchmark).
--
-- The time to the first public answer was looked up per problem in `problem_events` (a million
-- index probes for all time). Each problem now keeps it: `first_answer_at`, set by the trigger
-- below whenever an event with a public answer is recorded, whatever code path records it.
ALTER TABLE problems ADD COLUMN first_answer_at INTEGER;

UPDATE problems SET first_answer_at = (
    SELECT min(e.at) FROM problem_events e
    WHERE e.problem_id = problems.id AND coalesce(e.public_answer, '') <> '');

CREATE TRIGGER problems_first_answer AFTER INSERT ON problem_events
    WHEN coalesce(NEW.public_answer, '') <> ''
BEGIN
    UPDATE problems SET first_answer_at = NEW.at
    WHERE id = NEW.problem_id AND (first_answer_at IS NULL OR first_answer_at > NEW.at);
END;

-- The overdue count read the table row of every overdue problem for its site and agency; with
-- them in the index the count reads the index alone.
DROP INDEX problems_due;
CREATE INDEX problems_due ON problems(due_at, site_id, agency_id, status)
    WHERE due_at IS NOT NULL AND status IN ('published', 'in_progress');

-- The statistics (the cabinet's and the public page's, which counts only what was published)
-- read a period's problems by filing date, and all time the same way: with every
-- column they count in the index, they read the index alone, in entries a fraction of a row's
-- size (a row carries its description), never the table.
DROP INDEX problems_created;
CREATE INDEX problems_created ON problems(
    created_at, site_id, awaiting_confirmation, agency_id, status, published_at, category_id,
    district_id, first_answer_at, resolved_at, lat, lon);

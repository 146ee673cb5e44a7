-- Deadlines (issue 5, the first part): a problem is due `term_days` of its category after it was
-- published. `due_at` is set once, in the transaction that publishes the problem (the cabinet's
-- status change, the generator), and shown on the public card, in "my reports", in Open311
-- (`expected_datetime`) and in the cabinet, which marks what is overdue.
ALTER TABLE problems ADD COLUMN due_at INTEGER;

UPDATE problems SET due_at = published_at
    + 86400 * (SELECT c.term_days FROM categories c WHERE c.id = problems.category_id)
    WHERE published_at IS NOT NULL;

-- What is open and due, soonest first: the cabinet's overdue list reads only this.
CREATE INDEX problems_due ON problems(due_at)
    WHERE due_at IS NOT NULL AND status IN ('published', 'in_progress');

-- The cabinet's list at 100k+ problems: the page reads an index in the list's order (newest
-- first) and stops after one page; the total is read from counters, never by walking problems.

-- A category belongs to one municipality, so a category filter needs no site check.
CREATE INDEX problems_category ON problems(category_id, id);

-- How many problems each (site, category, status) has. Kept by triggers on `problems`, so every
-- writer (the widget, Open311, the cabinet, the demo seed, imports) changes it in the same
-- transaction as the problem itself; the cabinet's totals are sums of a few of these rows.
CREATE TABLE problem_counts (
    site_id      INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (site_id, category_id, status)
) WITHOUT ROWID;

INSERT INTO problem_counts (site_id, category_id, status, n)
    SELECT site_id, category_id, status, count(*) FROM problems GROUP BY site_id, category_id, status;

CREATE TRIGGER problem_counts_insert AFTER INSERT ON problems BEGIN
    INSERT INTO problem_counts (site_id, category_id, status, n)
        VALUES (NEW.site_id, NEW.category_id, NEW.status, 1)
        ON CONFLICT (site_id, category_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER problem_counts_delete AFTER DELETE ON problems BEGIN
    UPDATE problem_counts SET n = n - 1
        WHERE site_id = OLD.site_id AND category_id = OLD.category_id AND status = OLD.status;
END;

CREATE TRIGGER problem_counts_update AFTER UPDATE OF site_id, category_id, status ON problems
    WHEN OLD.site_id IS NOT NEW.site_id OR OLD.category_id IS NOT NEW.category_id
        OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE problem_counts SET n = n - 1
        WHERE site_id = OLD.site_id AND category_id = OLD.category_id AND status = OLD.status;
    INSERT INTO problem_counts (site_id, category_id, status, n)
        VALUES (NEW.site_id, NEW.category_id, NEW.status, 1)
        ON CONFLICT (site_id, category_id, status) DO UPDATE SET n = n + 1;
END;

-- Deadlines in working days (issue 5): a site may count its categories' terms in working days
-- (workdays.rs): Saturdays, Sundays and the site's holidays do not count.
ALTER TABLE sites ADD COLUMN working_days INTEGER NOT NULL DEFAULT 0 CHECK (working_days IN (0, 1));

CREATE TABLE site_holidays (
    site_id  INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    -- YYYY-MM-DD (UTC, as every date the service shows).
    day      TEXT NOT NULL,
    PRIMARY KEY (site_id, day)
) WITHOUT ROWID;

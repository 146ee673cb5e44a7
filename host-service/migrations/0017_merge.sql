-- Merging duplicates (issue 5): a problem marked `duplicate` points at the problem it was merged
-- into; its supporters and its reporter follow that problem (problems::merge).
ALTER TABLE problems ADD COLUMN duplicate_of INTEGER REFERENCES problems(id);
CREATE INDEX problems_duplicate_of ON problems(duplicate_of) WHERE duplicate_of IS NOT NULL;

-- The cabinet's list filtered by district (or "outside districts": `district_id IS NULL`) at a
-- million problems. The page reads this index in the list's order (newest first) from the
-- district's key and stops after one page; the trailing columns are what the list and its total
-- filter by (confirmation, status, category, agency, site), so the rows skipped by a filter and
-- the total are read from the index alone, never from the table.
CREATE INDEX problems_district_list ON problems(
    district_id, id, awaiting_confirmation, status, category_id, agency_id, site_id);

-- It leads with district_id, so it also serves the foreign key's look-up when a district is
-- deleted (ON DELETE SET NULL): the partial index of 0018 is redundant.
DROP INDEX problems_district;

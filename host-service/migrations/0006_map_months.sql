-- The map's period filter (`since`) without scanning points: the cells of the coarse zoom levels
-- (0..=`map::index::MAX_MONTH_ZOOM`) once more, split by the month (UTC) the problem was created
-- in. A view since a date sums the whole months from the cells and reads only the part of one
-- edge month from `problems_map_time`. Kept by `map::index` in the same transaction as the
-- problem; a database from before this migration is filled at start-up from `map_points`
-- (`map::index::rebuild_months_if_missing`, called by the index catch-up in `run()`).
CREATE TABLE map_cell_months (
    site_id      INTEGER NOT NULL,
    zoom         INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    -- year * 12 + month - 1
    month        INTEGER NOT NULL,
    cell_x       INTEGER NOT NULL,
    cell_y       INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    sum_lat      REAL NOT NULL,
    sum_lon      REAL NOT NULL,
    PRIMARY KEY (site_id, zoom, category_id, status, month, cell_x, cell_y)
) WITHOUT ROWID;

-- The public, placed problems (what `map_points` holds) by creation time: the edge month.
CREATE INDEX problems_map_time ON problems(site_id, created_at, lat, lon, category_id, status)
    WHERE published_at IS NOT NULL AND status <> 'new' AND lat IS NOT NULL AND lon IS NOT NULL;

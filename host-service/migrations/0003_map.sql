-- The public problem map (issue 4): a spatial index of the public problems, clusters
-- pre-aggregated per zoom level, support votes, per-category duplicate radius, per-site base map.
-- Both index tables are maintained by `map::index` in the same transaction as the change that
-- makes a problem public or changes it (never by scanning at request time).

ALTER TABLE categories ADD COLUMN duplicate_radius_m INTEGER NOT NULL DEFAULT 100
    CHECK (duplicate_radius_m BETWEEN 1 AND 5000);
ALTER TABLE sites ADD COLUMN tile_url_template TEXT;
ALTER TABLE sites ADD COLUMN tile_attribution TEXT;
ALTER TABLE problems ADD COLUMN support_count INTEGER NOT NULL DEFAULT 0;

-- One row per public problem (`published_at` set and status not `new`). Three dimensions:
-- position and the creation day (so a period filter prunes by time too). R*Tree coordinates
-- are 32-bit floats rounded outwards, so the exact values are kept in the auxiliary columns;
-- they are also what `map::index` subtracts from the cells when the problem changes.
CREATE VIRTUAL TABLE map_points USING rtree(
    id,
    min_lat, max_lat,
    min_lon, max_lon,
    min_day, max_day,
    +site_id INTEGER,
    +category_id INTEGER,
    +status TEXT,
    +lat REAL,
    +lon REAL,
    +created_at INTEGER
);

-- Counts and coordinate sums of public problems per grid cell, for every zoom level up to
-- `map::MAX_CELL_ZOOM`. At zoom z the grid has 2^(z+2) x 2^(z+2) cells over the Web Mercator
-- square, so a cell is a quarter of a map tile (64 px). Each problem is counted twice per level:
-- under its (category, status), and under the totals row (category 0, status '*') that
-- unfiltered views read, one row per cell.
CREATE TABLE map_cells (
    site_id      INTEGER NOT NULL,
    zoom         INTEGER NOT NULL,
    cell_x       INTEGER NOT NULL,
    cell_y       INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    count        INTEGER NOT NULL,
    sum_lat      REAL NOT NULL,
    sum_lon      REAL NOT NULL,
    -- (category, status) before the cell, so a view reads exactly the rows it sums: one seek per
    -- (category, status, cell column), then a range of cells down that column.
    PRIMARY KEY (site_id, zoom, category_id, status, cell_x, cell_y)
) WITHOUT ROWID;

-- «Это касается и меня»: one vote per person per problem. `voter_key` identifies a signed-in
-- user or a confirmed e-mail (see `map::VoterKey`); an e-mail is stored only as its hash.
CREATE TABLE supports (
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    voter_key   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (problem_id, voter_key)
);

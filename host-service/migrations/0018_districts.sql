-- Districts (issue 5): a municipality may divide its area into districts, each a GeoJSON
-- polygon or multipolygon (longitude, latitude). A located report gets the first district
-- that contains it (by name) when it is filed; a (district, category) pair may be routed to an
-- agency other than the category's (districts.rs, agencies::route_on_publication).
CREATE TABLE districts (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    name             TEXT NOT NULL,
    -- The geometry, normalised: {"type": "Polygon" | "MultiPolygon", "coordinates": ...}.
    polygon          TEXT NOT NULL,
    -- How many positions it has (shown in the settings without parsing the polygon).
    vertices         INTEGER NOT NULL,
    -- The bounding box, for a quick filter before the exact test.
    bbox_west        REAL NOT NULL,
    bbox_south       REAL NOT NULL,
    bbox_east        REAL NOT NULL,
    bbox_north       REAL NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (municipality_id, name)
);
CREATE INDEX districts_bbox ON districts(municipality_id, bbox_west, bbox_east);

-- Where a district's problems of a category go instead of the category's agency.
CREATE TABLE district_routes (
    district_id  INTEGER NOT NULL REFERENCES districts(id) ON DELETE CASCADE,
    category_id  INTEGER NOT NULL REFERENCES categories(id),
    agency_id    INTEGER NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (district_id, category_id)
) WITHOUT ROWID;

ALTER TABLE problems ADD COLUMN district_id INTEGER REFERENCES districts(id) ON DELETE SET NULL;
CREATE INDEX problems_district ON problems(district_id) WHERE district_id IS NOT NULL;

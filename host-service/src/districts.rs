//! Districts (issue 5): a municipality may divide its area into districts, each a GeoJSON
//! Polygon or MultiPolygon (longitude, latitude). A located report gets the first district (by
//! name) that contains it when it is filed (`problems::create`); a (district, category) pair
//! may be routed to an agency of its own, which wins over the category's on first publication
//! (`agencies::route_on_publication`).
//!
//! Here: parsing and validating what a site admin pastes or a file holds (a geometry, a Feature
//! or a FeatureCollection; bounded size; closed rings; positions on the globe; errors in
//! words), the point-in-polygon test (ray casting, holes, several polygons), and the rows:
//! add or replace, delete, route. Adding, replacing or deleting a district places the
//! municipality's located problems in its box again, so a problem's district is always the one
//! a new report at its place would get (routing is not redone).

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// At most this many positions in one district (every ring's, the closing ones included).
pub const MAX_VERTICES: usize = 20_000;
/// At most this many districts in one municipality.
pub const PER_MUNICIPALITY_MAX: i64 = 200;
/// Longest district name accepted.
pub const NAME_MAX_CHARS: usize = 100;
/// The largest GeoJSON text accepted (the cabinet's form and the command line alike).
pub const GEOJSON_MAX_BYTES: usize = 3 * 1024 * 1024;

/// Longitude, latitude.
type Position = (f64, f64);
/// The outer ring first, then the holes; each ring closed (its last position is its first).
type Polygon = Vec<Vec<Position>>;

/// A district's area: one or more polygons, each with its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    polygons: Vec<Polygon>,
}

/// West, south, east, north.
pub type Bbox = (f64, f64, f64, f64);

impl Geometry {
    /// Parses and validates GeoJSON text: a Polygon or MultiPolygon geometry, a Feature with
    /// one, or a FeatureCollection of them (the district is their union). The error says what
    /// is wrong and where, in words.
    pub fn parse(text: &str) -> Result<Geometry, String> {
        if text.len() > GEOJSON_MAX_BYTES {
            return Err(format!(
                "the GeoJSON is larger than {} MiB: simplify the boundary",
                GEOJSON_MAX_BYTES >> 20
            ));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err("no GeoJSON given: paste a Polygon or MultiPolygon geometry, a Feature or a FeatureCollection".into());
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("this is not valid JSON: {e}"))?;
        let mut geometry = Geometry {
            polygons: Vec::new(),
        };
        let mut vertices = 0;
        geometry.collect(&value, Level::Top, &mut vertices)?;
        if geometry.polygons.is_empty() {
            return Err("the GeoJSON has no polygon".into());
        }
        Ok(geometry)
    }

    fn collect(&mut self, value: &Value, level: Level, vertices: &mut usize) -> Result<(), String> {
        let Some(object) = value.as_object() else {
            return Err(format!(
                "a GeoJSON object ({{\"type\": ...}}) is expected{}, not {}",
                level.within(),
                kind(value)
            ));
        };
        let Some(t) = object.get("type").and_then(Value::as_str) else {
            return Err(format!(
                "the object{} has no \"type\": a Polygon, MultiPolygon, Feature or FeatureCollection is expected",
                level.within()
            ));
        };
        match (t, level) {
            ("Polygon", _) => {
                let n = self.polygons.len() + 1;
                let polygon = polygon(object.get("coordinates"), n, vertices)?;
                self.polygons.push(polygon);
            }
            ("MultiPolygon", _) => {
                let Some(list) = object.get("coordinates").and_then(Value::as_array) else {
                    return Err(
                        "the MultiPolygon's \"coordinates\" must be a list of polygons".into(),
                    );
                };
                if list.is_empty() {
                    return Err("the MultiPolygon has no polygons".into());
                }
                for p in list {
                    let n = self.polygons.len() + 1;
                    let polygon = polygon(Some(p), n, vertices)?;
                    self.polygons.push(polygon);
                }
            }
            ("Feature", Level::Top | Level::Collection) => match object.get("geometry") {
                None | Some(Value::Null) => {
                    return Err(format!("a Feature{} has no geometry", level.within()));
                }
                Some(g) => self.collect(g, Level::Feature, vertices)?,
            },
            ("FeatureCollection", Level::Top) => {
                let Some(features) = object.get("features").and_then(Value::as_array) else {
                    return Err("the FeatureCollection's \"features\" must be a list".into());
                };
                if features.is_empty() {
                    return Err("the FeatureCollection has no features".into());
                }
                for f in features {
                    if f.get("type").and_then(Value::as_str) != Some("Feature") {
                        return Err(
                            "every member of a FeatureCollection's \"features\" must be a Feature"
                                .into(),
                        );
                    }
                    self.collect(f, Level::Collection, vertices)?;
                }
            }
            ("Point" | "MultiPoint" | "LineString" | "MultiLineString", _) => {
                return Err(format!(
                    "a {t}{} encloses no area: a district needs a Polygon or MultiPolygon",
                    level.within()
                ));
            }
            ("GeometryCollection", _) => {
                return Err(
                    "a GeometryCollection is not accepted: give a MultiPolygon (or a FeatureCollection of polygons)".into(),
                );
            }
            (t @ ("Feature" | "FeatureCollection"), _) => {
                return Err(format!("a {t} cannot be nested{}", level.within()));
            }
            (t, _) => {
                return Err(format!(
                    "{t:?} is not a GeoJSON type: a Polygon, MultiPolygon, Feature or FeatureCollection is expected"
                ));
            }
        }
        Ok(())
    }

    /// Whether the point is inside: inside some polygon's outer ring and in none of its holes
    /// (even-odd ray casting). A point exactly on an edge may fall either way.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.polygons.iter().any(|rings| {
            let mut rings = rings.iter();
            rings.next().is_some_and(|outer| in_ring(outer, lon, lat))
                && !rings.any(|hole| in_ring(hole, lon, lat))
        })
    }

    /// The bounding box of the outer rings.
    pub fn bbox(&self) -> Bbox {
        let mut b = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for &(lon, lat) in self.polygons.iter().filter_map(|p| p.first()).flatten() {
            b = (b.0.min(lon), b.1.min(lat), b.2.max(lon), b.3.max(lat));
        }
        b
    }

    /// Every ring's positions, the closing ones included.
    pub fn vertices(&self) -> usize {
        self.polygons.iter().flatten().map(Vec::len).sum()
    }

    /// The geometry as stored: a Polygon when it is one, else a MultiPolygon; positions only.
    pub fn to_geojson(&self) -> String {
        let rings = |p: &Polygon| -> Value {
            p.iter()
                .map(|ring| {
                    ring.iter()
                        .map(|&(lon, lat)| serde_json::json!([lon, lat]))
                        .collect::<Value>()
                })
                .collect()
        };
        let value = match self.polygons.as_slice() {
            [one] => serde_json::json!({"type": "Polygon", "coordinates": rings(one)}),
            many => serde_json::json!({
                "type": "MultiPolygon",
                "coordinates": many.iter().map(rings).collect::<Vec<_>>(),
            }),
        };
        value.to_string()
    }

    /// An axis-aligned rectangle (the demo city's generated districts).
    pub fn rectangle(west: f64, south: f64, east: f64, north: f64) -> Geometry {
        Geometry {
            polygons: vec![vec![vec![
                (west, south),
                (east, south),
                (east, north),
                (west, north),
                (west, south),
            ]]],
        }
    }
}

/// Where in the GeoJSON an object is, for the errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Collection,
    Feature,
}

impl Level {
    fn within(self) -> &'static str {
        match self {
            Level::Top => "",
            Level::Collection => " in the FeatureCollection",
            Level::Feature => " as a Feature's geometry",
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One polygon's rings (`n`: its number, for the errors), validated.
fn polygon(coordinates: Option<&Value>, n: usize, vertices: &mut usize) -> Result<Polygon, String> {
    let Some(rings) = coordinates.and_then(Value::as_array) else {
        return Err(format!(
            "polygon {n}: \"coordinates\" must be a list of rings, each a list of [longitude, latitude] positions"
        ));
    };
    if rings.is_empty() {
        return Err(format!("polygon {n} has no rings"));
    }
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let at = |what: &str| {
            if r == 0 {
                format!("polygon {n}, outer ring: {what}")
            } else {
                format!("polygon {n}, hole {r}: {what}")
            }
        };
        let Some(positions) = ring.as_array() else {
            return Err(at(&format!(
                "a ring must be a list of [longitude, latitude] positions, not {}",
                kind(ring)
            )));
        };
        *vertices += positions.len();
        if *vertices > MAX_VERTICES {
            return Err(format!(
                "the district has more than {MAX_VERTICES} vertices: simplify the boundary"
            ));
        }
        if positions.len() < 4 {
            return Err(at(&format!(
                "a ring needs at least 4 positions (3 corners and the first repeated at the end), this one has {}",
                positions.len()
            )));
        }
        let mut points = Vec::with_capacity(positions.len());
        for (i, p) in positions.iter().enumerate() {
            let pair = p.as_array().filter(|a| a.len() >= 2).and_then(|a| {
                Some((a[0].as_f64()?, a[1].as_f64()?))
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
            });
            let Some((lon, lat)) = pair else {
                return Err(at(&format!(
                    "position {} is not a [longitude, latitude] pair of numbers",
                    i + 1
                )));
            };
            if !(-180.0..=180.0).contains(&lon) {
                return Err(at(&format!(
                    "position {}: longitude {lon} is outside -180..180",
                    i + 1
                )));
            }
            if !(-90.0..=90.0).contains(&lat) {
                let swapped = if (-90.0..=90.0).contains(&lon) {
                    " (GeoJSON gives the longitude first, then the latitude)"
                } else {
                    ""
                };
                return Err(at(&format!(
                    "position {}: latitude {lat} is outside -90..90{swapped}",
                    i + 1
                )));
            }
            points.push((lon, lat));
        }
        if points.first() != points.last() {
            return Err(at(
                "the ring is not closed: its last position must repeat its first",
            ));
        }
        if r == 0 && area2(&points).abs() < 1e-18 {
            return Err(at("the ring encloses no area"));
        }
        out.push(points);
    }
    Ok(out)
}

/// Twice the signed area of a closed ring (shoelace).
fn area2(ring: &[Position]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum()
}

/// Even-odd ray casting: a ray from the point towards +longitude crosses the ring's edges an
/// odd number of times when the point is inside.
fn in_ring(ring: &[Position], x: f64, y: f64) -> bool {
    let mut inside = false;
    for edge in ring.windows(2) {
        let ((xi, yi), (xj, yj)) = (edge[0], edge[1]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

/// A district as the settings and the command line show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub id: i64,
    pub name: String,
    pub vertices: i64,
}

/// The municipality's districts, by name.
pub fn list(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Vec<District>> {
    conn.prepare_cached(
        "SELECT id, name, vertices FROM districts WHERE municipality_id = ?1 ORDER BY name, id",
    )?
    .query_map([municipality_id], |r| {
        Ok(District {
            id: r.get(0)?,
            name: r.get(1)?,
            vertices: r.get(2)?,
        })
    })?
    .collect()
}

/// The municipality's (district, category) → agency routes.
pub fn routes(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    conn.prepare_cached(
        "SELECT r.district_id, r.category_id, r.agency_id FROM district_routes r
         JOIN districts d ON d.id = r.district_id WHERE d.municipality_id = ?1",
    )?
    .query_map([municipality_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// The districts whose boxes meet `bbox`, parsed, by name.
fn candidates(
    conn: &Connection,
    municipality_id: i64,
    (w, s, e, n): Bbox,
) -> rusqlite::Result<Vec<(i64, Geometry)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, polygon FROM districts
             WHERE municipality_id = ?1 AND bbox_west <= ?4 AND bbox_east >= ?2
               AND bbox_south <= ?5 AND bbox_north >= ?3
             ORDER BY name, id",
        )?
        .query_map(params![municipality_id, w, s, e, n], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Stored geometries were validated when saved; one that no longer parses is skipped.
    Ok(rows
        .into_iter()
        .filter_map(|(id, text)| Geometry::parse(&text).ok().map(|g| (id, g)))
        .collect())
}

/// The first district (by name) of the municipality that contains the place, if any.
pub fn district_of(
    conn: &Connection,
    municipality_id: i64,
    lat: f64,
    lon: f64,
) -> rusqlite::Result<Option<i64>> {
    Ok(candidates(conn, municipality_id, (lon, lat, lon, lat))?
        .into_iter()
        .find(|(_, g)| g.contains(lon, lat))
        .map(|(id, _)| id))
}

/// Places the municipality's located problems in `bbox` again: each gets the first district
/// (by name) that contains it now, or none; how many changed. After a district is added,
/// replaced or deleted, so a problem's district is always the one a new report there gets.
/// (Routing is not redone: a published problem keeps its agency.)
pub fn place_problems(
    conn: &Connection,
    municipality_id: i64,
    bbox: Bbox,
) -> rusqlite::Result<usize> {
    let districts = candidates(conn, municipality_id, bbox)?;
    let (w, s, e, n) = bbox;
    let problems = conn
        .prepare_cached(
            "SELECT p.id, p.lat, p.lon FROM problems p JOIN sites s ON s.id = p.site_id
             WHERE s.municipality_id = ?1
               AND p.lon BETWEEN ?2 AND ?4 AND p.lat BETWEEN ?3 AND ?5",
        )?
        .query_map(params![municipality_id, w, s, e, n], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, f64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut update = conn.prepare_cached(
        "UPDATE problems SET district_id = ?2 WHERE id = ?1 AND district_id IS NOT ?2",
    )?;
    let mut changed = 0;
    for (id, lat, lon) in problems {
        let district = districts
            .iter()
            .find(|(_, g)| g.contains(lon, lat))
            .map(|(d, _)| *d);
        changed += update.execute(params![id, district])?;
    }
    Ok(changed)
}

/// A district saved by [`save`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: i64,
    /// A district of that name existed: its boundary was replaced, its routes kept.
    pub replaced: bool,
    /// Problems whose district changed (to this one, or from it to another or none).
    pub placed: usize,
}

/// Adds the district `name` to the municipality, or replaces the boundary of the one of that
/// name (keeping its routes). Refused in words: a name too long, too many districts, or a
/// boundary that does not meet the municipality's area (longitude and latitude swapped?).
pub fn save(
    conn: &Connection,
    municipality_id: i64,
    name: &str,
    geometry: &Geometry,
) -> rusqlite::Result<Result<Saved, String>> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > NAME_MAX_CHARS {
        return Ok(Err(format!(
            "a district's name is 1-{NAME_MAX_CHARS} characters"
        )));
    }
    let bbox = geometry.bbox();
    let area: Option<Bbox> = conn.query_row(
        "SELECT min(bounds_west), min(bounds_south), max(bounds_east), max(bounds_north)
         FROM sites WHERE municipality_id = ?1",
        [municipality_id],
        |r| {
            Ok(match (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?) {
                (Some(w), Some(s), Some(e), Some(n)) => Some((w, s, e, n)),
                _ => None,
            })
        },
    )?;
    if let Some((w, s, e, n)) = area
        && (bbox.0 > e || bbox.2 < w || bbox.1 > n || bbox.3 < s)
    {
        return Ok(Err(format!(
            "the district (longitude {:.4}..{:.4}, latitude {:.4}..{:.4}) lies outside the municipality's area \
             (longitude {w}..{e}, latitude {s}..{n}); GeoJSON gives the longitude first, then the latitude",
            bbox.0, bbox.2, bbox.1, bbox.3
        )));
    }
    let existing: Option<(i64, f64, f64, f64, f64)> = conn
        .query_row(
            "SELECT id, bbox_west, bbox_south, bbox_east, bbox_north FROM districts
             WHERE municipality_id = ?1 AND name = ?2",
            params![municipality_id, name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let (text, vertices) = (geometry.to_geojson(), geometry.vertices() as i64);
    let (w, s, e, n) = bbox;
    let (id, affected) = match existing {
        Some((id, ow, os, oe, on)) => {
            conn.execute(
                "UPDATE districts SET polygon = ?2, vertices = ?3, bbox_west = ?4, bbox_south = ?5,
                                      bbox_east = ?6, bbox_north = ?7 WHERE id = ?1",
                params![id, text, vertices, w, s, e, n],
            )?;
            (id, (w.min(ow), s.min(os), e.max(oe), n.max(on)))
        }
        None => {
            let count: i64 = conn.query_row(
                "SELECT count(*) FROM districts WHERE municipality_id = ?1",
                [municipality_id],
                |r| r.get(0),
            )?;
            if count >= PER_MUNICIPALITY_MAX {
                return Ok(Err(format!(
                    "a municipality has at most {PER_MUNICIPALITY_MAX} districts"
                )));
            }
            conn.execute(
                "INSERT INTO districts (municipality_id, name, polygon, vertices, bbox_west, bbox_south,
                                        bbox_east, bbox_north, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![municipality_id, name, text, vertices, w, s, e, n, crate::db::now()],
            )?;
            (conn.last_insert_rowid(), bbox)
        }
    };
    let placed = place_problems(conn, municipality_id, affected)?;
    Ok(Ok(Saved {
        id,
        replaced: existing.is_some(),
        placed,
    }))
}

/// Deletes a district of the municipality (its routes go with it; its problems are placed in
/// another district that contains them, or in none). `Ok(false)`: not the municipality's.
pub fn delete(conn: &Connection, municipality_id: i64, id: i64) -> rusqlite::Result<bool> {
    let bbox: Option<Bbox> = conn
        .query_row(
            "SELECT bbox_west, bbox_south, bbox_east, bbox_north FROM districts
             WHERE id = ?1 AND municipality_id = ?2",
            params![id, municipality_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some(bbox) = bbox else {
        return Ok(false);
    };
    // Routes cascade; problems' district_id is set to NULL by the foreign key.
    conn.execute("DELETE FROM districts WHERE id = ?1", [id])?;
    place_problems(conn, municipality_id, bbox)?;
    Ok(true)
}

/// Routes a district's problems of a category to `agency_id` (`None`: they follow the
/// category's routing). District, category and agency must be the municipality's:
/// `Ok(false)` otherwise.
pub fn set_route(
    conn: &Connection,
    municipality_id: i64,
    district_id: i64,
    category_id: i64,
    agency_id: Option<i64>,
) -> rusqlite::Result<bool> {
    let own = conn
        .query_row(
            "SELECT 1 FROM districts d JOIN categories c ON c.id = ?2 AND c.municipality_id = d.municipality_id
             WHERE d.id = ?1 AND d.municipality_id = ?3",
            params![district_id, category_id, municipality_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !own {
        return Ok(false);
    }
    match agency_id {
        Some(agency) => {
            if !crate::agencies::belongs(conn, municipality_id, agency)? {
                return Ok(false);
            }
            conn.execute(
                "INSERT INTO district_routes (district_id, category_id, agency_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (district_id, category_id) DO UPDATE SET agency_id = excluded.agency_id",
                params![district_id, category_id, agency],
            )?;
        }
        None => {
            conn.execute(
                "DELETE FROM district_routes WHERE district_id = ?1 AND category_id = ?2",
                params![district_id, category_id],
            )?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE_WITH_HOLE: &str = r#"{"type": "Polygon", "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    ]}"#;

    #[test]
    fn a_point_in_a_polygon_is_inside_unless_in_a_hole() {
        let g = Geometry::parse(SQUARE_WITH_HOLE).unwrap();
        assert!(g.contains(1.0, 1.0));
        assert!(g.contains(9.5, 5.0));
        assert!(g.contains(3.9, 5.0));
        assert!(!g.contains(5.0, 5.0), "in the hole");
        assert!(!g.contains(11.0, 5.0));
        assert!(!g.contains(-0.1, 5.0));
        assert!(!g.contains(5.0, 10.1));
        assert_eq!(g.vertices(), 10);
        assert_eq!(g.bbox(), (0.0, 0.0, 10.0, 10.0));
    }

    #[test]
    fn a_concave_polygon_and_a_multipolygon() {
        // A "U": the notch between the arms is outside.
        let u = Geometry::parse(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,3],[2,3],[2,1],[1,1],[1,3],[0,3],[0,0]]]}"#,
        )
        .unwrap();
        assert!(u.contains(0.5, 2.5));
        assert!(u.contains(2.5, 2.5));
        assert!(!u.contains(1.5, 2.0), "the notch");
        assert!(u.contains(1.5, 0.5));
        let multi = Geometry::parse(
            r#"{"type": "MultiPolygon", "coordinates": [
                [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
                [[[5,5],[6,5],[6,6],[5,6],[5,5]]]
            ]}"#,
        )
        .unwrap();
        assert!(multi.contains(0.5, 0.5));
        assert!(multi.contains(5.5, 5.5));
        assert!(!multi.contains(3.0, 3.0));
        assert_eq!(multi.bbox(), (0.0, 0.0, 6.0, 6.0));
    }

    #[test]
    fn features_and_collections_are_unwrapped() {
        let feature =
            format!(r#"{{"type": "Feature", "properties": {{}}, "geometry": {SQUARE_WITH_HOLE}}}"#);
        let g = Geometry::parse(&feature).unwrap();
        assert!(g.contains(1.0, 1.0));
        let collection = format!(
            r#"{{"type": "FeatureCollection", "features": [{feature},
                {{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": [[[20,20],[21,20],[21,21],[20,20]]]}}}}]}}"#
        );
        let g = Geometry::parse(&collection).unwrap();
        assert!(g.contains(1.0, 1.0) && g.contains(20.8, 20.2) && !g.contains(5.0, 5.0));
        // What is stored parses back to the same geometry.
        assert_eq!(Geometry::parse(&g.to_geojson()).unwrap(), g);
        assert!(g.to_geojson().contains("MultiPolygon"));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |text: &str| Geometry::parse(text).unwrap_err();
        assert!(err("").contains("no GeoJSON"));
        assert!(err("{not json").contains("not valid JSON"));
        assert!(err(r#"{"type": "Point", "coordinates": [1, 2]}"#).contains("encloses no area"));
        assert!(err(r#"{"coordinates": []}"#).contains("no \"type\""));
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]}"#)
                .contains("not closed")
        );
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}"#)
                .contains("at least 4")
        );
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],[200,0],[1,1],[0,0]]]}"#)
                .contains("longitude 200 is outside")
        );
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[54,36],[54,95],[55,36],[54,36]]]}"#)
                .contains("longitude first")
        );
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],["a",0],[1,1],[0,0]]]}"#)
                .contains("position 2")
        );
        assert!(
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],[1,1],[2,2],[0,0]]]}"#)
                .contains("no area")
        );
        assert!(err(r#"{"type": "Feature", "geometry": null}"#).contains("no geometry"));
        assert!(err(r#"{"type": "FeatureCollection", "features": []}"#).contains("no features"));
        let ring: Vec<String> = (0..=MAX_VERTICES)
            .map(|i| {
                format!(
                    "[{}, {}]",
                    (i as f64 / 1000.0).sin(),
                    (i as f64 / 1000.0).cos()
                )
            })
            .collect();
        let big = format!(
            r#"{{"type": "Polygon", "coordinates": [[{}]]}}"#,
            ring.join(",")
        );
        assert!(err(&big).contains("more than 20000 vertices"));
    }
}

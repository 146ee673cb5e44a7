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

use std::collections::HashMap;
use std::sync::Arc;

use civic_wire::Lang;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use crate::i18n::{Plural, plural};

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
    pub fn parse(text: &str) -> Result<Geometry, Refusal> {
        if text.len() > GEOJSON_MAX_BYTES {
            return Err(Refusal::TooLarge {
                max_mib: GEOJSON_MAX_BYTES >> 20,
            });
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(Refusal::Empty);
        }
        let value: Value = serde_json::from_str(text).map_err(|e| Refusal::InvalidJson {
            error: e.to_string(),
            line: e.line(),
            column: e.column(),
            cut_short: e.is_eof(),
        })?;
        let mut geometry = Geometry {
            polygons: Vec::new(),
        };
        let mut vertices = 0;
        geometry.collect(&value, Level::Top, &mut vertices)?;
        if geometry.polygons.is_empty() {
            return Err(Refusal::NoPolygon);
        }
        Ok(geometry)
    }

    fn collect(
        &mut self,
        value: &Value,
        level: Level,
        vertices: &mut usize,
    ) -> Result<(), Refusal> {
        let Some(object) = value.as_object() else {
            return Err(Refusal::NotAnObject {
                at: level,
                found: Kind::of(value),
            });
        };
        let Some(t) = object.get("type").and_then(Value::as_str) else {
            return Err(Refusal::NoType { at: level });
        };
        match (t, level) {
            ("Polygon", _) => {
                let n = self.polygons.len() + 1;
                let polygon = polygon(object.get("coordinates"), n, vertices)?;
                self.polygons.push(polygon);
            }
            ("MultiPolygon", _) => {
                let Some(list) = object.get("coordinates").and_then(Value::as_array) else {
                    return Err(Refusal::PolygonsNotAList);
                };
                if list.is_empty() {
                    return Err(Refusal::NoPolygons);
                }
                for p in list {
                    let n = self.polygons.len() + 1;
                    let polygon = polygon(Some(p), n, vertices)?;
                    self.polygons.push(polygon);
                }
            }
            ("Feature", Level::Top | Level::Collection) => match object.get("geometry") {
                None | Some(Value::Null) => {
                    return Err(Refusal::NoGeometry { at: level });
                }
                Some(g) => self.collect(g, Level::Feature, vertices)?,
            },
            ("FeatureCollection", Level::Top) => {
                let Some(features) = object.get("features").and_then(Value::as_array) else {
                    return Err(Refusal::FeaturesNotAList);
                };
                if features.is_empty() {
                    return Err(Refusal::NoFeatures);
                }
                for f in features {
                    if f.get("type").and_then(Value::as_str) != Some("Feature") {
                        return Err(Refusal::NotAFeature);
                    }
                    self.collect(f, Level::Collection, vertices)?;
                }
            }
            ("Point" | "MultiPoint" | "LineString" | "MultiLineString", _) => {
                return Err(Refusal::NoArea {
                    kind: t.to_owned(),
                    at: level,
                });
            }
            ("GeometryCollection", _) => {
                return Err(Refusal::GeometryCollection);
            }
            (t @ ("Feature" | "FeatureCollection"), _) => {
                return Err(Refusal::Nested {
                    kind: t.to_owned(),
                    at: level,
                });
            }
            (t, _) => {
                return Err(Refusal::UnknownType { name: t.to_owned() });
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

/// Where in the GeoJSON an object is, for the refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Top,
    Collection,
    Feature,
}

impl Level {
    /// " in the FeatureCollection" and the like: follows what is wrong.
    fn within(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Level::Top, _) => "",
            (Level::Collection, Lang::Ru) => " в FeatureCollection",
            (Level::Collection, Lang::En) => " in the FeatureCollection",
            (Level::Feature, Lang::Ru) => " в геометрии Feature",
            (Level::Feature, Lang::En) => " as a Feature's geometry",
        }
    }
}

/// What a JSON value is, for the refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    List,
    Object,
}

impl Kind {
    fn of(value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::List,
            Value::Object(_) => Kind::Object,
        }
    }

    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Kind::Null, _) => "null",
            (Kind::Bool, Lang::Ru) => "логическое значение",
            (Kind::Bool, Lang::En) => "true or false",
            (Kind::Number, Lang::Ru) => "число",
            (Kind::Number, Lang::En) => "a number",
            (Kind::String, Lang::Ru) => "строка",
            (Kind::String, Lang::En) => "a string",
            (Kind::List, Lang::Ru) => "список",
            (Kind::List, Lang::En) => "a list",
            (Kind::Object, Lang::Ru) => "объект",
            (Kind::Object, Lang::En) => "an object",
        }
    }
}

/// What is wrong with one ring of a polygon. Positions count from 1.
#[derive(Debug, Clone, PartialEq)]
pub enum RingFault {
    /// The ring is this instead of a list.
    NotAList(Kind),
    /// It has this many positions, fewer than 4.
    TooFewPositions(usize),
    NotAPair {
        position: usize,
    },
    Longitude {
        position: usize,
        value: f64,
    },
    /// `swapped`: the latitude would do as a longitude (latitude given first?).
    Latitude {
        position: usize,
        value: f64,
        swapped: bool,
    },
    NotClosed,
    /// The outer ring's area is zero.
    NoArea,
}

/// Why a boundary or a district was refused, in words for the cabinet ([`Refusal::text`])
/// and the command line (`Display`: English). Polygons count from 1 (in the order given,
/// across features), holes from 1.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The text is larger than [`GEOJSON_MAX_BYTES`], `max_mib` MiB.
    TooLarge {
        max_mib: usize,
    },
    Empty,
    /// serde_json's error (`error`: its English text) and where it is.
    InvalidJson {
        error: String,
        line: usize,
        column: usize,
        /// The text ends too early.
        cut_short: bool,
    },
    /// A value that is not an object where a GeoJSON object is expected.
    NotAnObject {
        at: Level,
        found: Kind,
    },
    NoType {
        at: Level,
    },
    /// A MultiPolygon's "coordinates" are not a list.
    PolygonsNotAList,
    /// A MultiPolygon with an empty list.
    NoPolygons,
    NoGeometry {
        at: Level,
    },
    FeaturesNotAList,
    NoFeatures,
    NotAFeature,
    /// A Point, MultiPoint, LineString or MultiLineString (`kind`).
    NoArea {
        kind: String,
        at: Level,
    },
    GeometryCollection,
    /// A Feature or FeatureCollection (`kind`) where neither may be.
    Nested {
        kind: String,
        at: Level,
    },
    /// A "type" that GeoJSON does not have.
    UnknownType {
        name: String,
    },
    /// Polygon `polygon`'s "coordinates" are not a list.
    RingsNotAList {
        polygon: usize,
    },
    NoRings {
        polygon: usize,
    },
    /// Something is wrong with a ring: the outer one (`hole: None`) or a hole.
    Ring {
        polygon: usize,
        hole: Option<usize>,
        fault: RingFault,
    },
    /// The district has more than `max` positions.
    TooManyVertices {
        max: usize,
    },
    /// Valid GeoJSON without a polygon (an empty FeatureCollection's features, say).
    NoPolygon,
    /// The name is empty or longer than `max` characters.
    NameLength {
        max: usize,
    },
    /// The district's box does not meet the municipality's sites' area.
    OutsideArea {
        district: Bbox,
        area: Bbox,
    },
    /// The municipality has `max` districts already.
    TooManyDistricts {
        max: i64,
    },
}

/// A Russian count after "до", "больше", "не меньше": the genitive ("до 21 символа", "до 200
/// символов").
fn genitive(n: u64, one: &str, many: &str) -> String {
    let word = if plural(Lang::Ru, n) == Plural::One {
        one
    } else {
        many
    };
    format!("{n} {word}")
}

impl Refusal {
    /// The refusal as a sentence (lower-case: it follows the page's "not saved:").
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Ru => self.russian(),
            Lang::En => self.english(),
        }
    }

    fn english(&self) -> String {
        let en = Lang::En;
        match self {
            Refusal::TooLarge { max_mib } => {
                format!("the GeoJSON is larger than {max_mib} MiB: simplify the boundary")
            }
            Refusal::Empty => "no GeoJSON given: paste a Polygon or MultiPolygon geometry, a Feature or a FeatureCollection".into(),
            Refusal::InvalidJson { error, .. } => format!("this is not valid JSON: {error}"),
            Refusal::NotAnObject { at, found } => format!(
                "a GeoJSON object ({{\"type\": ...}}) is expected{}, not {}",
                at.within(en),
                found.name(en)
            ),
            Refusal::NoType { at } => format!(
                "the object{} has no \"type\": a Polygon, MultiPolygon, Feature or FeatureCollection is expected",
                at.within(en)
            ),
            Refusal::PolygonsNotAList => {
                "the MultiPolygon's \"coordinates\" must be a list of polygons".into()
            }
            Refusal::NoPolygons => "the MultiPolygon has no polygons".into(),
            Refusal::NoGeometry { at } => format!("a Feature{} has no geometry", at.within(en)),
            Refusal::FeaturesNotAList => "the FeatureCollection's \"features\" must be a list".into(),
            Refusal::NoFeatures => "the FeatureCollection has no features".into(),
            Refusal::NotAFeature => {
                "every member of a FeatureCollection's \"features\" must be a Feature".into()
            }
            Refusal::NoArea { kind, at } => format!(
                "a {kind}{} encloses no area: a district needs a Polygon or MultiPolygon",
                at.within(en)
            ),
            Refusal::GeometryCollection => "a GeometryCollection is not accepted: give a MultiPolygon (or a FeatureCollection of polygons)".into(),
            Refusal::Nested { kind, at } => format!("a {kind} cannot be nested{}", at.within(en)),
            Refusal::UnknownType { name } => format!(
                "{name:?} is not a GeoJSON type: a Polygon, MultiPolygon, Feature or FeatureCollection is expected"
            ),
            Refusal::RingsNotAList { polygon } => format!(
                "polygon {polygon}: \"coordinates\" must be a list of rings, each a list of [longitude, latitude] positions"
            ),
            Refusal::NoRings { polygon } => format!("polygon {polygon} has no rings"),
            Refusal::Ring {
                polygon,
                hole,
                fault,
            } => {
                let what = match fault {
                    RingFault::NotAList(kind) => format!(
                        "a ring must be a list of [longitude, latitude] positions, not {}",
                        kind.name(en)
                    ),
                    RingFault::TooFewPositions(n) => format!(
                        "a ring needs at least 4 positions (3 corners and the first repeated at the end), this one has {n}"
                    ),
                    RingFault::NotAPair { position } => format!(
                        "position {position} is not a [longitude, latitude] pair of numbers"
                    ),
                    RingFault::Longitude { position, value } => {
                        format!("position {position}: longitude {value} is outside -180..180")
                    }
                    RingFault::Latitude {
                        position,
                        value,
                        swapped,
                    } => format!(
                        "position {position}: latitude {value} is outside -90..90{}",
                        if *swapped {
                            " (GeoJSON gives the longitude first, then the latitude)"
                        } else {
                            ""
                        }
                    ),
                    RingFault::NotClosed => {
                        "the ring is not closed: its last position must repeat its first".into()
                    }
                    RingFault::NoArea => "the ring encloses no area".into(),
                };
                match hole {
                    None => format!("polygon {polygon}, outer ring: {what}"),
                    Some(h) => format!("polygon {polygon}, hole {h}: {what}"),
                }
            }
            Refusal::TooManyVertices { max } => {
                format!("the district has more than {max} vertices: simplify the boundary")
            }
            Refusal::NoPolygon => "the GeoJSON has no polygon".into(),
            Refusal::NameLength { max } => format!("a district's name is 1-{max} characters"),
            Refusal::OutsideArea {
                district,
                area: (w, s, e, n),
            } => format!(
                "the district (longitude {:.4}..{:.4}, latitude {:.4}..{:.4}) lies outside the municipality's area \
                 (longitude {w}..{e}, latitude {s}..{n}); GeoJSON gives the longitude first, then the latitude",
                district.0, district.2, district.1, district.3
            ),
            Refusal::TooManyDistricts { max } => {
                format!("a municipality has at most {max} districts")
            }
        }
    }

    fn russian(&self) -> String {
        let ru = Lang::Ru;
        match self {
            Refusal::TooLarge { max_mib } => {
                format!("GeoJSON больше {max_mib} МиБ: упростите границу")
            }
            Refusal::Empty => "GeoJSON не указан: вставьте геометрию Polygon или MultiPolygon, Feature или FeatureCollection".into(),
            Refusal::InvalidJson {
                line,
                column,
                cut_short,
                ..
            } => {
                let what = if *cut_short {
                    "он обрывается"
                } else {
                    "ошибка"
                };
                format!("текст не является корректным JSON: {what} в строке {line}, столбце {column}")
            }
            Refusal::NotAnObject { at, found } => format!(
                "ожидается объект GeoJSON ({{\"type\": ...}}){}, а не {}",
                at.within(ru),
                found.name(ru)
            ),
            Refusal::NoType { at } => format!(
                "у объекта{} нет поля \"type\": ожидается Polygon, MultiPolygon, Feature или FeatureCollection",
                at.within(ru)
            ),
            Refusal::PolygonsNotAList => {
                "поле \"coordinates\" в MultiPolygon должно быть списком полигонов".into()
            }
            Refusal::NoPolygons => "в MultiPolygon нет ни одного полигона".into(),
            Refusal::NoGeometry { at } => format!("у Feature{} нет геометрии", at.within(ru)),
            Refusal::FeaturesNotAList => {
                "поле \"features\" в FeatureCollection должно быть списком".into()
            }
            Refusal::NoFeatures => "в FeatureCollection нет ни одного Feature".into(),
            Refusal::NotAFeature => {
                "каждый элемент списка \"features\" в FeatureCollection должен быть Feature".into()
            }
            Refusal::NoArea { kind, at } => format!(
                "у {kind}{} нет площади: району нужен Polygon или MultiPolygon",
                at.within(ru)
            ),
            Refusal::GeometryCollection => "GeometryCollection не принимается: укажите MultiPolygon (или FeatureCollection из полигонов)".into(),
            Refusal::Nested { kind, at } => match at {
                Level::Feature => format!("{kind} не может быть геометрией Feature"),
                Level::Collection => format!("{kind} не может быть вложен в FeatureCollection"),
                Level::Top => format!("{kind} не может быть вложен"),
            },
            Refusal::UnknownType { name } => format!(
                "«{name}» — не тип GeoJSON: ожидается Polygon, MultiPolygon, Feature или FeatureCollection"
            ),
            Refusal::RingsNotAList { polygon } => format!(
                "полигон {polygon}: поле \"coordinates\" должно быть списком колец, каждое — списком точек [долгота, широта]"
            ),
            Refusal::NoRings { polygon } => format!("в полигоне {polygon} нет колец"),
            Refusal::Ring {
                polygon,
                hole,
                fault,
            } => {
                let what = match fault {
                    RingFault::NotAList(kind) => format!(
                        "кольцо должно быть списком точек [долгота, широта], а не {}",
                        kind.name(ru)
                    ),
                    RingFault::TooFewPositions(n) => {
                        let word = match plural(ru, *n as u64) {
                            Plural::One => "точка",
                            Plural::Few => "точки",
                            Plural::Many => "точек",
                        };
                        format!(
                            "в кольце должно быть не меньше 4 точек (3 вершины и первая, повторённая в конце), а в этом {n} {word}"
                        )
                    }
                    RingFault::NotAPair { position } => {
                        format!("точка {position} — не пара чисел [долгота, широта]")
                    }
                    RingFault::Longitude { position, value } => {
                        format!("точка {position}: долгота {value} вне пределов от -180 до 180")
                    }
                    RingFault::Latitude {
                        position,
                        value,
                        swapped,
                    } => format!(
                        "точка {position}: широта {value} вне пределов от -90 до 90{}",
                        if *swapped {
                            " (в GeoJSON сначала идёт долгота, затем широта)"
                        } else {
                            ""
                        }
                    ),
                    RingFault::NotClosed => {
                        "кольцо не замкнуто: последняя точка должна повторять первую".into()
                    }
                    RingFault::NoArea => "у кольца нет площади".into(),
                };
                match hole {
                    None => format!("полигон {polygon}, внешнее кольцо: {what}"),
                    Some(h) => format!("полигон {polygon}, внутреннее кольцо {h}: {what}"),
                }
            }
            Refusal::TooManyVertices { max } => format!(
                "в районе больше {}: упростите границу",
                genitive(*max as u64, "вершины", "вершин")
            ),
            Refusal::NoPolygon => "в GeoJSON нет ни одного полигона".into(),
            Refusal::NameLength { max } => format!(
                "название района должно содержать от 1 до {}",
                genitive(*max as u64, "символа", "символов")
            ),
            Refusal::OutsideArea {
                district,
                area: (w, s, e, n),
            } => format!(
                "район (долгота {:.4}..{:.4}, широта {:.4}..{:.4}) лежит вне территории муниципалитета \
                 (долгота {w}..{e}, широта {s}..{n}); в GeoJSON сначала идёт долгота, затем широта",
                district.0, district.2, district.1, district.3
            ),
            Refusal::TooManyDistricts { max } => format!(
                "у муниципалитета может быть не больше {}",
                genitive(max.unsigned_abs(), "района", "районов")
            ),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

impl std::error::Error for Refusal {}

/// One polygon's rings (`n`: its number, for the refusals), validated.
fn polygon(
    coordinates: Option<&Value>,
    n: usize,
    vertices: &mut usize,
) -> Result<Polygon, Refusal> {
    let Some(rings) = coordinates.and_then(Value::as_array) else {
        return Err(Refusal::RingsNotAList { polygon: n });
    };
    if rings.is_empty() {
        return Err(Refusal::NoRings { polygon: n });
    }
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let at = |fault: RingFault| Refusal::Ring {
            polygon: n,
            hole: (r > 0).then_some(r),
            fault,
        };
        let Some(positions) = ring.as_array() else {
            return Err(at(RingFault::NotAList(Kind::of(ring))));
        };
        *vertices += positions.len();
        if *vertices > MAX_VERTICES {
            return Err(Refusal::TooManyVertices { max: MAX_VERTICES });
        }
        if positions.len() < 4 {
            return Err(at(RingFault::TooFewPositions(positions.len())));
        }
        let mut points = Vec::with_capacity(positions.len());
        for (i, p) in positions.iter().enumerate() {
            let pair = p.as_array().filter(|a| a.len() >= 2).and_then(|a| {
                Some((a[0].as_f64()?, a[1].as_f64()?))
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
            });
            let position = i + 1;
            let Some((lon, lat)) = pair else {
                return Err(at(RingFault::NotAPair { position }));
            };
            if !(-180.0..=180.0).contains(&lon) {
                return Err(at(RingFault::Longitude {
                    position,
                    value: lon,
                }));
            }
            if !(-90.0..=90.0).contains(&lat) {
                return Err(at(RingFault::Latitude {
                    position,
                    value: lat,
                    swapped: (-90.0..=90.0).contains(&lon),
                }));
            }
            points.push((lon, lat));
        }
        if points.first() != points.last() {
            return Err(at(RingFault::NotClosed));
        }
        if r == 0 && area2(&points).abs() < 1e-18 {
            return Err(at(RingFault::NoArea));
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
) -> rusqlite::Result<Vec<(i64, Arc<Geometry>)>> {
    // Sorted here rather than by `ORDER BY`, which makes SQLite re-prepare the statement at
    // every new binding (each report looks its district up).
    let mut rows = conn
        .prepare_cached(
            "SELECT id, name, polygon FROM districts
             WHERE municipality_id = ?1 AND bbox_west <= ?4 AND bbox_east >= ?2
               AND bbox_south <= ?5 AND bbox_north >= ?3",
        )?
        .query_map(params![municipality_id, w, s, e, n], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    let rows = rows.into_iter().map(|(id, _, polygon)| (id, polygon));
    // Stored geometries were validated when saved; one that no longer parses is skipped.
    Ok(rows
        .filter_map(|(id, text)| parsed(id, text).map(|g| (id, g)))
        .collect())
}

/// Outlines parsed so far, by district id, with the text each was parsed from: every report
/// with a place looks its district up, and parsing the GeoJSON anew each time was a good part of
/// a report's cost. A text that differs (a boundary replaced; another database in the same
/// process) is parsed again; comparing texts is far cheaper than parsing them.
static PARSED: std::sync::LazyLock<std::sync::Mutex<ParsedOutlines>> =
    std::sync::LazyLock::new(Default::default);
/// District id → (the stored text, the outline parsed from it).
type ParsedOutlines = HashMap<i64, (String, Arc<Geometry>)>;
/// Entries [`PARSED`] holds at most (districts of all municipalities; it starts over beyond).
const PARSED_MAX: usize = 4096;

/// The outline stored as `text` for district `id`; `None` if it no longer parses.
fn parsed(id: i64, text: String) -> Option<Arc<Geometry>> {
    let cached = PARSED.lock().ok().and_then(|cache| {
        cache
            .get(&id)
            .filter(|(seen, _)| *seen == text)
            .map(|(_, g)| g.clone())
    });
    if cached.is_some() {
        return cached;
    }
    let geometry = Arc::new(Geometry::parse(&text).ok()?);
    if let Ok(mut cache) = PARSED.lock() {
        if cache.len() >= PARSED_MAX {
            cache.clear();
        }
        cache.insert(id, (text, geometry.clone()));
    }
    Some(geometry)
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
/// name (keeping its routes). Refused: a name too long, too many districts, or a boundary
/// that does not meet the municipality's area (longitude and latitude swapped?).
pub fn save(
    conn: &Connection,
    municipality_id: i64,
    name: &str,
    geometry: &Geometry,
) -> rusqlite::Result<Result<Saved, Refusal>> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > NAME_MAX_CHARS {
        return Ok(Err(Refusal::NameLength {
            max: NAME_MAX_CHARS,
        }));
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
        return Ok(Err(Refusal::OutsideArea {
            district: bbox,
            area: (w, s, e, n),
        }));
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
                return Ok(Err(Refusal::TooManyDistricts {
                    max: PER_MUNICIPALITY_MAX,
                }));
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
        let err = |text: &str| Geometry::parse(text).unwrap_err().to_string();
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

    /// Has Cyrillic words and no Latin word longer than 2 letters but the `allowed` ones.
    fn russian(text: &str, allowed: &[&str]) -> bool {
        let latin_ok = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .all(|w| w.len() <= 2 || allowed.contains(&w));
        latin_ok && text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я'))
    }

    #[test]
    fn refusals_are_in_russian_and_english() {
        let multi = r#"{"type": "MultiPolygon", "coordinates": [
            [[[0,0],[10,0],[10,10],[0,10],[0,0]]],
            [[[20,20],[30,20],[30,30],[20,30],[20,20]], [[21,21],[22,21],[22,95],[21,21]]]
        ]}"#;
        let refusal = Geometry::parse(multi).unwrap_err();
        assert_eq!(
            refusal,
            Refusal::Ring {
                polygon: 2,
                hole: Some(1),
                fault: RingFault::Latitude {
                    position: 3,
                    value: 95.0,
                    swapped: true
                },
            }
        );
        // The command line prints the English text.
        assert_eq!(
            refusal.to_string(),
            "polygon 2, hole 1: position 3: latitude 95 is outside -90..90 \
             (GeoJSON gives the longitude first, then the latitude)"
        );
        assert_eq!(refusal.to_string(), refusal.text(Lang::En));
        let ru = refusal.text(Lang::Ru);
        assert_eq!(
            ru,
            "полигон 2, внутреннее кольцо 1: точка 3: широта 95 вне пределов от -90 до 90 \
             (в GeoJSON сначала идёт долгота, затем широта)"
        );
        assert!(russian(&ru, &["GeoJSON"]), "{ru}");

        let ru = Geometry::parse(r#"{"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}"#)
            .unwrap_err()
            .text(Lang::Ru);
        assert!(
            ru.contains("внешнее кольцо") && ru.contains("а в этом 3 точки"),
            "{ru}"
        );
        let ru = Refusal::TooManyVertices { max: MAX_VERTICES }.text(Lang::Ru);
        assert!(
            ru.contains("больше 20000 вершин") && russian(&ru, &[]),
            "{ru}"
        );
        let ru = Refusal::TooManyDistricts { max: 21 }.text(Lang::Ru);
        assert!(ru.ends_with("не больше 21 района"), "{ru}");
        // Invalid JSON: where, in Russian; serde_json's own words in English.
        let bad = Geometry::parse("{\"type\": \"Polygon\"").unwrap_err();
        let ru = bad.text(Lang::Ru);
        assert!(
            ru.contains("обрывается в строке 1") && russian(&ru, &["JSON"]),
            "{ru}"
        );
        assert!(
            bad.to_string().starts_with("this is not valid JSON: EOF"),
            "{bad}"
        );
        let ru = Geometry::parse(r#"{"type": "Feature", "geometry": {"type": "LineString"}}"#)
            .unwrap_err()
            .text(Lang::Ru);
        assert_eq!(
            ru,
            "у LineString в геометрии Feature нет площади: району нужен Polygon или MultiPolygon"
        );
        // Every refusal is Russian in Russian.
        for refusal in [
            Refusal::TooLarge { max_mib: 3 },
            Refusal::Empty,
            Refusal::NotAnObject {
                at: Level::Collection,
                found: Kind::Bool,
            },
            Refusal::NoType { at: Level::Feature },
            Refusal::PolygonsNotAList,
            Refusal::NoPolygons,
            Refusal::NoGeometry { at: Level::Top },
            Refusal::FeaturesNotAList,
            Refusal::NoFeatures,
            Refusal::NotAFeature,
            Refusal::GeometryCollection,
            Refusal::Nested {
                kind: "Feature".into(),
                at: Level::Feature,
            },
            Refusal::UnknownType {
                name: "Circle".into(),
            },
            Refusal::RingsNotAList { polygon: 4 },
            Refusal::NoRings { polygon: 4 },
            Refusal::NoPolygon,
            Refusal::NameLength {
                max: NAME_MAX_CHARS,
            },
            Refusal::OutsideArea {
                district: (54.5, 36.2, 54.55, 36.3),
                area: (36.0, 54.0, 37.0, 55.0),
            },
        ] {
            let ru = refusal.text(Lang::Ru);
            let allowed = [
                "GeoJSON",
                "Polygon",
                "MultiPolygon",
                "Feature",
                "FeatureCollection",
                "GeometryCollection",
                "type",
                "coordinates",
                "features",
                "Circle",
            ];
            assert!(russian(&ru, &allowed), "{ru}");
            assert_ne!(ru, refusal.to_string());
        }
    }
}

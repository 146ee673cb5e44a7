//! The public problem map (issue 4): what the widget's extended mode reads.
//!
//! * `GET /api/v1/sites/{key}/map?bbox=W,S,E,N&zoom=Z[&category=..][&status=..][&since=..]`:
//!   clusters or single problems of a viewport ([`view`]), from the pre-aggregated cells and the
//!   R*Tree of [`index`]; never a scan of the whole city per request.
//! * `GET /api/v1/sites/{key}/problems/{id}`: a public problem's card ([`card`]).
//! * `GET /api/v1/sites/{key}/problems/nearby?lat=&lon=&category=`: open problems of a category
//!   within its duplicate radius ([`nearby`]).
//! * `POST /api/v1/sites/{key}/problems/{id}/support`: a signed-in resident's "this affects me
//!   too" ([`support`]), once per resident and problem. It needs the widget session of the same
//!   site (`Authorization: Bearer`, [`crate::sso::bearer_resident`]); the voter is
//!   [`VoterKey::user`] (site, `sub`). Votes by confirmed e-mail ([`VoterKey::email`]) have no
//!   endpoint yet.
//!
//! Only public problems appear (`published_at` set, status not `new`), and no answer type has a
//! field about the reporter; officials appear as the administration, never by name.

pub mod bench;
pub mod generate;
pub mod index;

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::HeaderMap;
use civic_wire::{
    Bounds, CardEvent, Category, FieldError, FieldErrorCode, Lang, LatLon, MapCluster, MapProblem,
    MapView, NearbyProblem, NearbyProblems, OfficialAnswer, ProblemCard, Status, SupportResult,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiError, ApiJsonOrEmpty};
use crate::db::{Db, DbError, now};
use crate::sites::{Site, find_site};
use index::{ALL_CATEGORIES, ALL_STATUSES, MAX_CELL_ZOOM, PUBLIC_SQL, cell_of};

/// The most cells one view may sum. Past it a coarser level is used, so a huge bbox at a high
/// zoom costs no more than a normal screen: ~ a 1920×1080 screen of 64 px cells.
pub const MAX_VIEW_CELLS: i64 = 512;
/// A viewport holding at most this many problems shows them one by one.
pub const SINGLES_MAX: usize = 300;
/// With a period filter at a level above [`index::MAX_MONTH_ZOOM`] (no month cells there) the
/// R*Tree is scanned instead (pruned by the creation day too), at most this many points.
pub const PERIOD_SCAN_MAX: usize = 20_000;
/// The deepest zoom a map may ask for.
pub const MAX_ZOOM: u8 = 20;
/// Most categories or statuses one filter may list.
const FILTER_MAX_ITEMS: usize = 50;
/// Most suggestions of [`nearby`].
pub const NEARBY_MAX: usize = 5;
/// Length of the description excerpt in a nearby suggestion.
const EXCERPT_CHARS: usize = 200;
/// The largest body a support vote may carry (it needs none; `{}` is accepted).
const SUPPORT_BODY_MAX_BYTES: usize = 1024;
/// The statuses a public problem can have.
const PUBLIC_STATUSES: [Status; 6] = [
    Status::Published,
    Status::InProgress,
    Status::Resolved,
    Status::Refused,
    Status::Duplicate,
    Status::Closed,
];

pub fn router() -> OpenApiRouter<AppState> {
    let cached = || axum::middleware::from_fn(crate::http::public_cache);
    OpenApiRouter::new()
        .routes(routes!(map_view).layer(cached()))
        .routes(routes!(nearby_problems).layer(cached()))
        .routes(routes!(problem_card).layer(cached()))
        .routes(routes!(crate::cabinet::stats::site_stats).layer(cached()))
        .routes(routes!(support_vote).layer(DefaultBodyLimit::max(SUPPORT_BODY_MAX_BYTES)))
}

// ---------------------------------------------------------------- requests

/// The parameters of the map endpoint, as sent (checked by [`MapRequest::parse`]).
#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// The viewport: `west,south,east,north` in degrees (WGS 84), west < east, south < north.
    #[param(required = true, value_type = String, example = "36.15,54.45,36.38,54.58")]
    pub bbox: Option<String>,
    /// The map's zoom level, 0–20 (Web Mercator tiles).
    #[param(required = true, value_type = u8, minimum = 0, maximum = 20, example = 12)]
    pub zoom: Option<String>,
    /// Only these categories: comma-separated ids.
    #[param(value_type = Option<String>, example = "1,3")]
    pub category: Option<String>,
    /// Only these statuses: comma-separated, of `published`, `in_progress`, `resolved`,
    /// `refused`, `duplicate`, `closed`.
    #[param(value_type = Option<String>, example = "published,in_progress")]
    pub status: Option<String>,
    /// Only problems reported on or after this day (`YYYY-MM-DD`, UTC).
    #[param(value_type = Option<String>, format = Date, example = "2026-01-01")]
    pub since: Option<String>,
}

/// A checked map request.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRequest {
    pub bbox: Bounds,
    pub zoom: u8,
    pub categories: Vec<i64>,
    pub statuses: Vec<Status>,
    /// Unix seconds.
    pub since: Option<i64>,
}

fn invalid(field: &str, code: FieldErrorCode, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code,
        message: message.into(),
    }
}

fn parse_list<T>(
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    message: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    let items: Option<Vec<T>> = raw.split(',').map(|s| parse(s.trim())).collect();
    match items {
        Some(items) if items.len() <= FILTER_MAX_ITEMS => items,
        Some(_) => {
            errors.push(invalid(field, FieldErrorCode::TooLong, "at most 50 values"));
            Vec::new()
        }
        None => {
            errors.push(invalid(field, FieldErrorCode::Invalid, message));
            Vec::new()
        }
    }
}

fn parse_categories(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Vec<i64> {
    parse_list(
        "category",
        raw,
        |s| s.parse::<i64>().ok().filter(|id| *id > 0),
        "comma-separated category ids",
        errors,
    )
}

fn parse_since(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<i64> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(raw, format) {
        Ok(date) => Some(date.midnight().assume_utc().unix_timestamp()),
        Err(_) => {
            errors.push(invalid(
                "since",
                FieldErrorCode::Invalid,
                "a date YYYY-MM-DD",
            ));
            None
        }
    }
}

impl MapRequest {
    /// Checks every parameter and names each wrong one.
    pub fn parse(q: &MapQuery) -> Result<MapRequest, ApiError> {
        let mut errors = Vec::new();
        let bbox = match q.bbox.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.push(invalid(
                    "bbox",
                    FieldErrorCode::Required,
                    "give the viewport as west,south,east,north",
                ));
                None
            }
            Some(raw) => {
                let v: Vec<f64> = raw
                    .split(',')
                    .filter_map(|s| s.trim().parse::<f64>().ok())
                    .filter(|x| x.is_finite())
                    .collect();
                let ok = raw.split(',').count() == 4
                    && v.len() == 4
                    && v[0] < v[2]
                    && v[1] < v[3]
                    && (-180.0..=180.0).contains(&v[0])
                    && (-180.0..=180.0).contains(&v[2])
                    && (-90.0..=90.0).contains(&v[1])
                    && (-90.0..=90.0).contains(&v[3]);
                if ok {
                    Some(Bounds {
                        west: v[0],
                        south: v[1],
                        east: v[2],
                        north: v[3],
                    })
                } else {
                    errors.push(invalid(
                        "bbox",
                        FieldErrorCode::Invalid,
                        "four numbers west,south,east,north with west < east and south < north, within -180..180 and -90..90",
                    ));
                    None
                }
            }
        };
        let zoom = match q.zoom.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.push(invalid(
                    "zoom",
                    FieldErrorCode::Required,
                    "give the zoom, 0-20",
                ));
                None
            }
            Some(raw) => match raw.parse::<f64>() {
                Ok(z) if z.is_finite() && (0.0..=MAX_ZOOM as f64).contains(&z) => {
                    Some(z.floor() as u8)
                }
                _ => {
                    errors.push(invalid(
                        "zoom",
                        FieldErrorCode::Invalid,
                        "a number from 0 to 20",
                    ));
                    None
                }
            },
        };
        let categories = parse_categories(q.category.as_deref(), &mut errors);
        let statuses = parse_list(
            "status",
            q.status.as_deref(),
            |s| Status::parse(s).filter(|s| *s != Status::New),
            "comma-separated public statuses: published, in_progress, resolved, refused, duplicate, closed",
            &mut errors,
        );
        let since = parse_since(q.since.as_deref(), &mut errors);
        match (bbox, zoom) {
            (Some(bbox), Some(zoom)) if errors.is_empty() => Ok(MapRequest {
                bbox,
                zoom,
                categories,
                statuses,
                since,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

// ---------------------------------------------------------------- the map view

/// Clusters and single problems of a public map.
///
/// Below street level, clusters with counts are summed from pre-aggregated grid cells (a
/// cell is 64 px on screen), so the cost depends on the screen, not on the city's size; a
/// viewport holding at most 300 problems gets them one by one instead. From zoom 18 single
/// problems are always listed (at most 300; `truncated` says there were more). The bbox is
/// clipped to the site's area. Public and cacheable (`ETag`, 60 s).
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/map",
    tag = "map",
    params(("key" = String, Path, description = "The site's public key (`data-site`)"), MapQuery),
    responses(
        (status = 200, description = "What to draw in the viewport", body = MapView, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
        (status = 422, description = "A wrong parameter, named in `error.fields`", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
async fn map_view(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<MapQuery>,
) -> Result<axum::Json<MapView>, ApiError> {
    let request = MapRequest::parse(&q);
    let answer = state
        .db
        .read(move |conn| {
            let site = find_site(conn, &key)?.ok_or(ApiError::UnknownSite)?;
            let request = request?;
            Ok::<_, ApiError>(view(conn, &site, &request)?)
        })
        .await?;
    Ok(axum::Json(answer))
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The intersection of two rectangles, if they overlap.
fn clip(a: Bounds, b: Bounds) -> Option<Bounds> {
    let c = Bounds {
        west: a.west.max(b.west),
        south: a.south.max(b.south),
        east: a.east.min(b.east),
        north: a.north.min(b.north),
    };
    (c.west <= c.east && c.south <= c.north).then_some(c)
}

/// The cell ranges `(x0, x1, y0, y1)` of `bbox` in the grid of `zoom`.
fn cell_range(bbox: Bounds, zoom: u8) -> (i64, i64, i64, i64) {
    let (x0, y0) = cell_of(zoom, bbox.north, bbox.west);
    let (x1, y1) = cell_of(zoom, bbox.south, bbox.east);
    (x0, x1, y0, y1)
}

/// The cell level a view reads: the map's zoom (at most [`MAX_CELL_ZOOM`]), made coarser until
/// the viewport covers at most [`MAX_VIEW_CELLS`] cells.
pub fn view_level(bbox: Bounds, zoom: u8) -> u8 {
    let mut level = zoom.min(MAX_CELL_ZOOM);
    loop {
        let (x0, x1, y0, y1) = cell_range(bbox, level);
        if level == 0 || (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_VIEW_CELLS {
            return level;
        }
        level -= 1;
    }
}

fn sql_list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn status_list(statuses: &[Status]) -> String {
    // Statuses are our own enum's names, so quoting them cannot inject anything.
    sql_list(statuses.iter().map(|s| format!("'{}'", s.as_str())))
}

/// What a view computes, for any site and request: the whole endpoint minus HTTP. The
/// benchmark calls this.
pub fn view(conn: &Connection, site: &Site, req: &MapRequest) -> rusqlite::Result<MapView> {
    let empty = MapView {
        clusters: Vec::new(),
        problems: Vec::new(),
        total: 0,
        truncated: false,
    };
    let Some(bbox) = clip(req.bbox, site.bounds) else {
        return Ok(empty);
    };
    if req.zoom > MAX_CELL_ZOOM {
        return singles_view(conn, site, req, bbox);
    }
    let level = view_level(bbox, req.zoom);
    let cells = match req.since {
        None => read_cells(conn, site, req, bbox, level)?,
        Some(since) if level <= index::MAX_MONTH_ZOOM => {
            read_month_cells(conn, site, req, bbox, level, since)?
        }
        Some(_) => return period_view(conn, site, req, bbox),
    };
    let total: i64 = cells.values().map(|c| c.0).sum();
    if total as usize <= SINGLES_MAX {
        return singles_view(conn, site, req, bbox);
    }
    let expansion_zoom = (level + 2).max(req.zoom + 1).min(MAX_ZOOM);
    let mut clusters: Vec<MapCluster> = cells
        .into_iter()
        .filter(|(_, c)| c.0 > 0)
        .map(|(_, (count, sum_lat, sum_lon))| MapCluster {
            lat: round6(sum_lat / count as f64),
            lon: round6(sum_lon / count as f64),
            count: count as u64,
            expansion_zoom,
        })
        .collect();
    // A stable order keeps the body (and so its ETag) the same for the same data.
    clusters.sort_by(|a, b| {
        (a.lat, a.lon)
            .partial_cmp(&(b.lat, b.lon))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(MapView {
        clusters,
        problems: Vec::new(),
        total: total.max(0) as u64,
        truncated: false,
    })
}

/// A cell's count, sum of latitudes and sum of longitudes.
type CellSum = (i64, f64, f64);

/// The `WHERE` terms choosing the cell rows of the request's categories and statuses: the totals
/// rows when unfiltered.
fn cell_filter(conn: &Connection, site: &Site, req: &MapRequest) -> rusqlite::Result<String> {
    Ok(if req.categories.is_empty() && req.statuses.is_empty() {
        format!("category_id = {ALL_CATEGORIES} AND status = '{ALL_STATUSES}'")
    } else {
        let categories = if req.categories.is_empty() {
            let mut stmt =
                conn.prepare_cached("SELECT id FROM categories WHERE municipality_id = ?1")?;
            stmt.query_map([site.municipality_id], |r| r.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?
        } else {
            req.categories.clone()
        };
        let statuses = if req.statuses.is_empty() {
            PUBLIC_STATUSES.to_vec()
        } else {
            req.statuses.clone()
        };
        format!(
            "category_id IN ({}) AND status IN ({})",
            sql_list(categories),
            status_list(&statuses)
        )
    })
}

/// The cells of a view since `since` at `level` (at most [`index::MAX_MONTH_ZOOM`]), exact:
/// the whole months from `map_cell_months`, and the part of the month holding `since` from
/// `problems_map_time` — added (the days from `since` to the month's end) or subtracted (the days
/// from the month's start to `since`) from that month's cells, whichever reads fewer days.
fn read_month_cells(
    conn: &Connection,
    site: &Site,
    req: &MapRequest,
    bbox: Bounds,
    level: u8,
    since: i64,
) -> rusqlite::Result<HashMap<(i64, i64), CellSum>> {
    let (x0, x1, y0, y1) = cell_range(bbox, level);
    let first = index::month_of(since);
    let (start, next) = (index::month_start(first), index::month_start(first + 1));
    // (first whole month, edge from, edge to, sign of the edge)
    let (from_month, edge) = if since == start {
        (first, None)
    } else if next - since <= since - start {
        (first + 1, Some((since, next, 1.0)))
    } else {
        (first, Some((start, since, -1.0)))
    };
    let last: Option<i64> = conn
        .prepare_cached(&format!(
            "SELECT max(month) FROM map_cell_months WHERE site_id = ?1 AND zoom = 0
               AND category_id = {ALL_CATEGORIES} AND status = '{ALL_STATUSES}'"
        ))?
        .query_row([site.id], |r| r.get(0))?;
    let mut cells: HashMap<(i64, i64), CellSum> = HashMap::new();
    let last = last.unwrap_or(i64::MIN);
    if from_month <= last {
        let filter = cell_filter(conn, site, req)?;
        let sql = format!(
            "SELECT cell_x, cell_y, count, sum_lat, sum_lon FROM map_cell_months
             WHERE site_id = ?1 AND zoom = ?2 AND {filter} AND month IN ({})
               AND cell_x IN ({}) AND cell_y BETWEEN ?3 AND ?4",
            sql_list(from_month..=last),
            sql_list(x0..=x1)
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params![site.id, level, y0, y1])?;
        while let Some(r) = rows.next()? {
            let e = cells.entry((r.get(0)?, r.get(1)?)).or_insert((0, 0.0, 0.0));
            e.0 += r.get::<_, i64>(2)?;
            e.1 += r.get::<_, f64>(3)?;
            e.2 += r.get::<_, f64>(4)?;
        }
    }
    if let Some((from, to, sign)) = edge {
        let mut sql = format!(
            "SELECT lat, lon FROM problems INDEXED BY problems_map_time
             WHERE site_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND {PUBLIC_SQL}
               AND lat IS NOT NULL AND lon IS NOT NULL"
        );
        if !req.categories.is_empty() {
            sql.push_str(&format!(
                " AND category_id IN ({})",
                sql_list(&req.categories)
            ));
        }
        if !req.statuses.is_empty() {
            sql.push_str(&format!(" AND status IN ({})", status_list(&req.statuses)));
        }
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params![site.id, from, to])?;
        while let Some(r) = rows.next()? {
            let (lat, lon): (f64, f64) = (r.get(0)?, r.get(1)?);
            let (x, y) = cell_of(level, lat, lon);
            if !((x0..=x1).contains(&x) && (y0..=y1).contains(&y)) {
                continue;
            }
            let e = cells.entry((x, y)).or_insert((0, 0.0, 0.0));
            e.0 += sign as i64;
            e.1 += sign * lat;
            e.2 += sign * lon;
        }
    }
    Ok(cells)
}

/// Sums the cells of `bbox` at `level`, per cell: (count, sum of lat, sum of lon).
fn read_cells(
    conn: &Connection,
    site: &Site,
    req: &MapRequest,
    bbox: Bounds,
    level: u8,
) -> rusqlite::Result<HashMap<(i64, i64), CellSum>> {
    let (x0, x1, y0, y1) = cell_range(bbox, level);
    let filter = cell_filter(conn, site, req)?;
    // `cell_x IN (...)` (not BETWEEN) so SQLite seeks each column of cells, then reads only the
    // viewport's range down it.
    let sql = format!(
        "SELECT cell_x, cell_y, count, sum_lat, sum_lon FROM map_cells
         WHERE site_id = ?1 AND zoom = ?2 AND {filter}
           AND cell_x IN ({}) AND cell_y BETWEEN ?3 AND ?4",
        sql_list(x0..=x1)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![site.id, level, y0, y1])?;
    let mut cells: HashMap<(i64, i64), CellSum> = HashMap::new();
    while let Some(r) = rows.next()? {
        let e = cells.entry((r.get(0)?, r.get(1)?)).or_insert((0, 0.0, 0.0));
        e.0 += r.get::<_, i64>(2)?;
        e.1 += r.get::<_, f64>(3)?;
        e.2 += r.get::<_, f64>(4)?;
    }
    Ok(cells)
}

/// The R*Tree query of a viewport with the request's filters, and its parameters.
fn points_sql(req: &MapRequest, columns: &str) -> String {
    let mut sql = format!(
        "SELECT {columns} FROM map_points
         WHERE min_lat <= ?1 AND max_lat >= ?2 AND min_lon <= ?3 AND max_lon >= ?4
           AND lat BETWEEN ?2 AND ?1 AND lon BETWEEN ?4 AND ?3 AND site_id = ?5"
    );
    if !req.categories.is_empty() {
        sql.push_str(&format!(
            " AND category_id IN ({})",
            sql_list(&req.categories)
        ));
    }
    if !req.statuses.is_empty() {
        sql.push_str(&format!(" AND status IN ({})", status_list(&req.statuses)));
    }
    if req.since.is_some() {
        sql.push_str(" AND max_day >= ?6 AND created_at >= ?7");
    }
    sql.push_str(" LIMIT ?8");
    sql
}

fn map_problem(r: &rusqlite::Row<'_>) -> rusqlite::Result<MapProblem> {
    Ok(MapProblem {
        id: r.get(0)?,
        lat: round6(r.get(1)?),
        lon: round6(r.get(2)?),
        status: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::Published),
        category_id: r.get(4)?,
    })
}

fn points_params(
    site: &Site,
    req: &MapRequest,
    bbox: Bounds,
    limit: usize,
) -> [rusqlite::types::Value; 8] {
    use rusqlite::types::Value;
    let since = req.since.unwrap_or(0);
    [
        Value::Real(bbox.north),
        Value::Real(bbox.south),
        Value::Real(bbox.east),
        Value::Real(bbox.west),
        Value::Integer(site.id),
        Value::Real(since.div_euclid(86_400) as f64),
        Value::Integer(since),
        Value::Integer(limit as i64),
    ]
}

fn singles_view(
    conn: &Connection,
    site: &Site,
    req: &MapRequest,
    bbox: Bounds,
) -> rusqlite::Result<MapView> {
    let sql = points_sql(req, "id, lat, lon, status, category_id");
    let mut stmt = conn.prepare(&sql)?;
    let mut problems: Vec<MapProblem> = stmt
        .query_map(
            rusqlite::params_from_iter(points_params(site, req, bbox, SINGLES_MAX + 1)),
            map_problem,
        )?
        .collect::<Result<_, _>>()?;
    let truncated = problems.len() > SINGLES_MAX;
    problems.truncate(SINGLES_MAX);
    problems.sort_by_key(|p| p.id);
    Ok(MapView {
        clusters: Vec::new(),
        total: problems.len() as u64,
        problems,
        truncated,
    })
}

/// A view with a period filter at a level without month cells (above
/// [`index::MAX_MONTH_ZOOM`]): the R*Tree is scanned (pruned by day as well as by place), at most
/// [`PERIOD_SCAN_MAX`] points, and grouped into the same grid as the cells. A recent period
/// touches few points; a long one over a dense part of a city hits the cap and answers
/// `truncated: true`. Coarser levels sum month cells instead ([`read_month_cells`]).
fn period_view(
    conn: &Connection,
    site: &Site,
    req: &MapRequest,
    bbox: Bounds,
) -> rusqlite::Result<MapView> {
    let sql = points_sql(req, "id, lat, lon, status, category_id");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(points_params(
        site,
        req,
        bbox,
        PERIOD_SCAN_MAX + 1,
    )))?;
    let level = view_level(bbox, req.zoom);
    let mut singles = Vec::new();
    let mut cells: HashMap<(i64, i64), (u64, f64, f64)> = HashMap::new();
    let mut scanned = 0usize;
    while let Some(r) = rows.next()? {
        scanned += 1;
        if scanned > PERIOD_SCAN_MAX {
            break;
        }
        let p = map_problem(r)?;
        let e = cells
            .entry(cell_of(level, p.lat, p.lon))
            .or_insert((0, 0.0, 0.0));
        e.0 += 1;
        e.1 += p.lat;
        e.2 += p.lon;
        if singles.len() <= SINGLES_MAX {
            singles.push(p);
        }
    }
    let truncated = scanned > PERIOD_SCAN_MAX;
    if singles.len() <= SINGLES_MAX || req.zoom > MAX_CELL_ZOOM {
        let more = singles.len() > SINGLES_MAX;
        singles.truncate(SINGLES_MAX);
        singles.sort_by_key(|p| p.id);
        return Ok(MapView {
            clusters: Vec::new(),
            total: singles.len() as u64,
            problems: singles,
            truncated: more,
        });
    }
    let expansion_zoom = (level + 2).max(req.zoom + 1).min(MAX_ZOOM);
    let total = scanned.min(PERIOD_SCAN_MAX) as u64;
    let mut clusters: Vec<MapCluster> = cells
        .into_values()
        .map(|(count, lat, lon)| MapCluster {
            lat: round6(lat / count as f64),
            lon: round6(lon / count as f64),
            count,
            expansion_zoom,
        })
        .collect();
    clusters.sort_by(|a, b| {
        (a.lat, a.lon)
            .partial_cmp(&(b.lat, b.lon))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(MapView {
        clusters,
        problems: Vec::new(),
        total,
        truncated,
    })
}

/// The raw R*Tree bounding-box count of a viewport, all sites (the benchmark's yardstick: what
/// the map would cost if it counted points per request).
pub fn raw_count(conn: &Connection, bbox: Bounds) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM map_points
         WHERE min_lat <= ?1 AND max_lat >= ?2 AND min_lon <= ?3 AND max_lon >= ?4",
    )?
    .query_row(params![bbox.north, bbox.south, bbox.east, bbox.west], |r| {
        r.get(0)
    })
}

// ---------------------------------------------------------------- the card

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LangQuery {
    /// `ru` or `en` (a BCP 47 tag); anything else means the site's default language.
    lang: Option<String>,
}

/// A published problem's public card: text, place, status with its history and the
/// administration's public answers, support count. Never the reporter, never an official's
/// name, never internal notes. Unpublished problems and other sites' problems are 404.
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/problems/{id}",
    tag = "map",
    params(
        ("key" = String, Path, description = "The site's public key (`data-site`)"),
        ("id" = i64, Path, description = "The problem's public number"),
        LangQuery,
    ),
    responses(
        (status = 200, description = "The problem's public card", body = ProblemCard, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 404, description = "No such site, or no such public problem on it", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key, problem.id = %id))]
async fn problem_card(
    State(state): State<AppState>,
    Path((key, id)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<axum::Json<ProblemCard>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::UnknownProblem)?;
    let base = state.config.public_base();
    let answer = state
        .db
        .read(move |conn| {
            let site = find_site(conn, &key)?.ok_or(ApiError::UnknownSite)?;
            let lang = q
                .lang
                .as_deref()
                .and_then(Lang::from_tag)
                .unwrap_or(site.default_lang);
            card(conn, &site, id, lang, &base)?.ok_or(ApiError::UnknownProblem)
        })
        .await?;
    Ok(axum::Json(answer))
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// How the public card names whoever acted for the municipality: a role, never a person.
pub fn administration(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Администрация",
        Lang::En => "Administration",
    }
}

/// The public card of problem `id` of `site`, or `None` if it is not public there.
pub fn card(
    conn: &Connection,
    site: &Site,
    id: i64,
    lang: Lang,
    base: &str,
) -> rusqlite::Result<Option<ProblemCard>> {
    let (name, hint) = match lang {
        Lang::Ru => ("c.name_ru", "c.hint_ru"),
        Lang::En => ("c.name_en", "c.hint_en"),
    };
    let row = conn
        .prepare_cached(&format!(
            "SELECT p.id, p.category_id, {name}, {hint}, p.description, p.address, p.lat, p.lon, p.status,
                    p.created_at, p.published_at, p.updated_at, p.support_count, p.due_at
             FROM problems p JOIN categories c ON c.id = p.category_id
             WHERE p.id = ?1 AND p.site_id = ?2 AND p.{}",
            PUBLIC_SQL.replace(" AND status", " AND p.status")
        ))?
        .query_row(params![id, site.id], |r| {
            let lat: Option<f64> = r.get(6)?;
            let lon: Option<f64> = r.get(7)?;
            let status = Status::parse(&r.get::<_, String>(8)?).unwrap_or(Status::Published);
            Ok(ProblemCard {
                id: r.get(0)?,
                category: Category {
                    id: r.get(1)?,
                    name: r.get(2)?,
                    hint: r.get(3)?,
                },
                description: r.get(4)?,
                address: r.get(5)?,
                location: lat.zip(lon).map(|(lat, lon)| LatLon { lat, lon }),
                status,
                status_label: status.label(lang).to_owned(),
                created_at: rfc3339(r.get(9)?),
                published_at: rfc3339(r.get::<_, Option<i64>>(10)?.unwrap_or_default()),
                updated_at: rfc3339(r.get(11)?),
                deadline: r.get::<_, Option<i64>>(13)?.map(|t| rfc3339(t)[..10].to_owned()),
                support_count: r.get::<_, i64>(12)?.max(0) as u64,
                history: Vec::new(),
                answers: Vec::new(),
                photos: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut card) = row else {
        return Ok(None);
    };
    card.photos = crate::photos::visible(conn, id)?
        .into_iter()
        .map(|photo| civic_wire::CardPhoto {
            url: crate::photos::public_url(base, photo, "display"),
            thumb_url: crate::photos::public_url(base, photo, "thumb"),
        })
        .collect();
    // Internal notes and who the official was are not even read.
    let mut stmt = conn.prepare_cached(
        "SELECT at, official_id IS NOT NULL, from_status, to_status, public_answer
         FROM problem_events WHERE problem_id = ?1 ORDER BY id",
    )?;
    let events = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for event in events {
        let (at, by_official, from, to, answer) = event?;
        let answer = answer
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        // A change that only added an internal note is not a public event.
        if from.as_deref() == Some(to.as_str()) && answer.is_none() {
            continue;
        }
        let status = Status::parse(&to).unwrap_or(Status::New);
        let by = by_official.then(|| administration(lang).to_owned());
        if let Some(text) = &answer {
            card.answers.push(OfficialAnswer {
                at: rfc3339(at),
                by: administration(lang).to_owned(),
                text: text.clone(),
            });
        }
        card.history.push(CardEvent {
            at: rfc3339(at),
            status,
            status_label: status.label(lang).to_owned(),
            by,
            answer,
        });
    }
    Ok(Some(card))
}

// ---------------------------------------------------------------- nearby

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
struct NearbyQuery {
    /// Latitude of the pin, degrees.
    #[param(required = true, value_type = f64, minimum = -90, maximum = 90, example = 54.5138)]
    lat: Option<String>,
    /// Longitude of the pin, degrees.
    #[param(required = true, value_type = f64, minimum = -180, maximum = 180, example = 36.2612)]
    lon: Option<String>,
    /// The category chosen in the form.
    #[param(required = true, value_type = i64, minimum = 1, example = 1)]
    category: Option<String>,
}

/// Open problems (published or in progress) of the category within its duplicate radius of
/// the point, nearest first, at most 5: the widget offers to support one instead of filing a
/// duplicate. A point outside the site's area has no neighbours.
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/problems/nearby",
    tag = "map",
    params(("key" = String, Path, description = "The site's public key (`data-site`)"), NearbyQuery),
    responses(
        (status = 200, description = "Nearby open problems, nearest first", body = NearbyProblems, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
        (status = 422, description = "A wrong parameter, named in `error.fields`", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
async fn nearby_problems(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<NearbyQuery>,
) -> Result<axum::Json<NearbyProblems>, ApiError> {
    let mut errors = Vec::new();
    let mut number =
        |field: &str, raw: Option<&str>, range: std::ops::RangeInclusive<f64>| match raw
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                errors.push(invalid(
                    field,
                    FieldErrorCode::Required,
                    "this parameter is required",
                ));
                None
            }
            Some(raw) => match raw.parse::<f64>() {
                Ok(x) if x.is_finite() && range.contains(&x) => Some(x),
                _ => {
                    errors.push(invalid(
                        field,
                        FieldErrorCode::Invalid,
                        "not a valid coordinate",
                    ));
                    None
                }
            },
        };
    let lat = number("lat", q.lat.as_deref(), -90.0..=90.0);
    let lon = number("lon", q.lon.as_deref(), -180.0..=180.0);
    let category = match q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            errors.push(invalid(
                "category",
                FieldErrorCode::Required,
                "this parameter is required",
            ));
            None
        }
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(invalid(
                    "category",
                    FieldErrorCode::Invalid,
                    "a category id",
                ));
                None
            }
        },
    };
    let answer = state
        .db
        .read(move |conn| {
            let site = find_site(conn, &key)?.ok_or(ApiError::UnknownSite)?;
            let (Some(lat), Some(lon), Some(category)) = (lat, lon, category) else {
                return Err(ApiError::Validation(errors));
            };
            nearby(conn, &site, LatLon { lat, lon }, category)?.ok_or_else(|| {
                ApiError::Validation(vec![invalid(
                    "category",
                    FieldErrorCode::UnknownCategory,
                    "no such category on this site",
                )])
            })
        })
        .await?;
    Ok(axum::Json(answer))
}

/// Great-circle distance in metres.
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Open problems of `category_id` within its duplicate radius of `at`, nearest first; `None`
/// when the category is not an active one of the site's municipality.
pub fn nearby(
    conn: &Connection,
    site: &Site,
    at: LatLon,
    category_id: i64,
) -> rusqlite::Result<Option<NearbyProblems>> {
    let radius: Option<i64> = conn
        .prepare_cached(
            "SELECT duplicate_radius_m FROM categories WHERE id = ?1 AND municipality_id = ?2 AND active = 1",
        )?
        .query_row(params![category_id, site.municipality_id], |r| r.get(0))
        .optional()?;
    let Some(radius) = radius else {
        return Ok(None);
    };
    let radius_m = radius.clamp(1, 5000) as f64;
    let mut answer = NearbyProblems {
        radius_m: radius_m as u32,
        problems: Vec::new(),
    };
    if !site.bounds.contains(at) {
        return Ok(Some(answer));
    }
    // A box a little larger than the circle; the exact distance decides.
    let dlat = radius_m / 111_000.0 * 1.01;
    let dlon = dlat / at.lat.to_radians().cos().max(0.01);
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.lat, m.lon, m.status, p.description, p.address, p.created_at, p.support_count
         FROM map_points m JOIN problems p ON p.id = m.id
         WHERE m.min_lat <= ?1 AND m.max_lat >= ?2 AND m.min_lon <= ?3 AND m.max_lon >= ?4
           AND m.site_id = ?5 AND m.category_id = ?6 AND m.status IN ('published', 'in_progress')",
    )?;
    let rows = stmt.query_map(
        params![
            at.lat + dlat,
            at.lat - dlat,
            at.lon + dlon,
            at.lon - dlon,
            site.id,
            category_id
        ],
        |r| {
            let description: String = r.get(4)?;
            Ok(NearbyProblem {
                id: r.get(0)?,
                lat: round6(r.get(1)?),
                lon: round6(r.get(2)?),
                status: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::Published),
                category_id,
                distance_m: 0,
                excerpt: excerpt(&description, EXCERPT_CHARS),
                address: r.get(5)?,
                created_at: rfc3339(r.get(6)?),
                support_count: r.get::<_, i64>(7)?.max(0) as u64,
            })
        },
    )?;
    let mut found: Vec<(f64, NearbyProblem)> = Vec::new();
    for p in rows {
        let mut p = p?;
        let d = haversine_m(
            at,
            LatLon {
                lat: p.lat,
                lon: p.lon,
            },
        );
        if d <= radius_m {
            p.distance_m = d.round() as u32;
            found.push((d, p));
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    answer.problems = found.into_iter().take(NEARBY_MAX).map(|(_, p)| p).collect();
    Ok(Some(answer))
}

fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

// ---------------------------------------------------------------- support votes

/// Who supports a problem: a signed-in user of a site, or a confirmed e-mail. An e-mail is kept
/// only as a SHA-256 of its normalised form, so the table holds no contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterKey(String);

impl VoterKey {
    /// A user signed in through the site's SSO (`sub` of its identity token).
    pub fn user(site_key: &str, sub: &str) -> VoterKey {
        VoterKey(format!("sso:{site_key}:{sub}"))
    }

    /// A confirmed e-mail address.
    pub fn email(address: &str) -> VoterKey {
        use sha2::Digest;
        let normal = address.trim().to_lowercase();
        let digest = sha2::Sha256::digest(normal.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        VoterKey(format!("email:{hex}"))
    }

    /// A key as [`VoterKey::as_str`] gave it, read back (a pending e-mail confirmation).
    pub fn from_stored(key: String) -> VoterKey {
        VoterKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What [`support`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportOutcome {
    /// The vote was counted; the new count.
    Counted(u64),
    /// This voter had already supported the problem; the unchanged count.
    AlreadyCounted(u64),
}

/// Records `voter`'s support of public problem `problem_id`, once: a second call by the same
/// voter changes nothing. `None` when the problem is not public. It does not check the problem's
/// site: callers do (`POST .../problems/{id}/support` answers 404 for another site's problem).
pub fn support(
    conn: &Connection,
    problem_id: i64,
    voter: &VoterKey,
) -> rusqlite::Result<Option<SupportOutcome>> {
    let public = conn
        .prepare_cached(&format!(
            "SELECT 1 FROM problems WHERE id = ?1 AND {PUBLIC_SQL}"
        ))?
        .query_row([problem_id], |_| Ok(()))
        .optional()?
        .is_some();
    if !public {
        return Ok(None);
    }
    let added = conn
        .prepare_cached(
            "INSERT INTO supports (problem_id, voter_key, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (problem_id, voter_key) DO NOTHING",
        )?
        .execute(params![problem_id, voter.as_str(), now()])?;
    if added == 1 {
        conn.prepare_cached("UPDATE problems SET support_count = support_count + 1 WHERE id = ?1")?
            .execute([problem_id])?;
    }
    let count: i64 = conn
        .prepare_cached("SELECT support_count FROM problems WHERE id = ?1")?
        .query_row([problem_id], |r| r.get(0))?;
    let count = count.max(0) as u64;
    Ok(Some(if added == 1 {
        SupportOutcome::Counted(count)
    } else {
        SupportOutcome::AlreadyCounted(count)
    }))
}

/// "This affects me too": a resident supports a published problem of the site, once.
///
/// A signed-in resident sends `Authorization: Bearer <session>` (from `POST
/// /api/v1/sso/exchange` for this site) and no body (or `{}`): the vote counts at once; voting
/// again changes nothing and answers the same count with `counted: false`. A visitor who is
/// not signed in sends `{"email": "…", "lang": "ru"}`: a link is e-mailed there (`202`,
/// `confirmation_sent: true`), and the vote counts once that link's button is pressed, once per
/// address. A problem that is not public, or of another site, is 404.
#[utoipa::path(
    post,
    path = "/api/v1/sites/{key}/problems/{id}/support",
    tag = "map",
    params(
        ("key" = String, Path, description = "The site's public key (`data-site`)"),
        ("id" = i64, Path, description = "The problem's public number"),
    ),
    responses(
        (status = 200, description = "The vote is recorded (or was already): the problem's support count", body = SupportResult),
        (status = 202, description = "Not signed in: the confirmation link is e-mailed; the vote counts once it is followed", body = SupportResult),
        (status = 400, description = "A body that is not JSON, or not `Content-Type: application/json`", body = civic_wire::ApiError),
        (status = 401, description = "No valid widget session for this site, and no e-mail to confirm the vote by", body = civic_wire::ApiError),
        (status = 403, description = "This origin may not use the site's widget", body = civic_wire::ApiError),
        (status = 404, description = "No such site, or no such public problem on it", body = civic_wire::ApiError),
        (status = 413, description = "The body is larger than 1 KiB", body = civic_wire::ApiError),
        (status = 422, description = "A body that is JSON but not an object, or an `email` that is not an address", body = civic_wire::ApiError),
        (status = 429, description = "Too many requests from this address; `Retry-After` says when to retry", body = civic_wire::ApiError),
    ),
    request_body(content = Option<civic_wire::SupportRequest>, content_type = "application/json"),
    security((), ("widget_session" = []))
)]
#[tracing::instrument(skip_all, fields(site.key = %key, problem.id = %id, resident.id))]
async fn support_vote(
    State(state): State<AppState>,
    crate::ratelimit::ClientIp(client): crate::ratelimit::ClientIp,
    Path((key, id)): Path<(String, String)>,
    headers: HeaderMap,
    // Read as an object (an array is refused), then as a `SupportRequest`.
    body: Result<ApiJsonOrEmpty<serde_json::Map<String, serde_json::Value>>, ApiError>,
) -> Result<(axum::http::StatusCode, axum::Json<SupportResult>), ApiError> {
    let lookup = key.clone();
    let site = state
        .db
        .read(move |conn| find_site(conn, &lookup).map_err(ApiError::from))
        .await?
        .ok_or(ApiError::UnknownSite)?;
    // The session first: without one (or an address to confirm by), nothing else about the
    // request is answered.
    let resident = crate::sso::bearer_resident(&state, &headers, site.id).await?;
    let Some(resident) = resident else {
        let ApiJsonOrEmpty(request) = body.map_err(|_| ApiError::Unauthenticated)?;
        let field = |name: &str| request.get(name).and_then(|v| v.as_str()).map(str::trim);
        let email = field("email")
            .filter(|e| !e.is_empty())
            .ok_or(ApiError::Unauthenticated)?
            .to_owned();
        let lang = field("lang")
            .and_then(civic_wire::Lang::from_tag)
            .unwrap_or_default();
        return support_by_email(&state, client, &site, &id, email, lang).await;
    };
    tracing::Span::current().record("resident.id", resident.id);
    body?;
    let id: i64 = id.parse().map_err(|_| ApiError::UnknownProblem)?;
    let outcome = state
        .db
        .write(move |conn| {
            let of_site = conn
                .prepare_cached("SELECT 1 FROM problems WHERE id = ?1 AND site_id = ?2")?
                .query_row(params![id, site.id], |_| Ok(()))
                .optional()?
                .is_some();
            if !of_site {
                return Ok(None);
            }
            let sub: String = conn
                .prepare_cached("SELECT sub FROM residents WHERE id = ?1 AND site_id = ?2")?
                .query_row(params![resident.id, site.id], |r| r.get(0))
                .optional()?
                .ok_or(ApiError::Unauthenticated)?;
            Ok::<_, ApiError>(support(conn, id, &VoterKey::user(&site.key, &sub))?)
        })
        .await?
        .ok_or(ApiError::UnknownProblem)?;
    let (support_count, counted) = match outcome {
        SupportOutcome::Counted(n) => (n, true),
        SupportOutcome::AlreadyCounted(n) => (n, false),
    };
    tracing::info!(counted, "problem supported");
    Ok((
        axum::http::StatusCode::OK,
        axum::Json(SupportResult {
            support_count,
            counted,
            confirmation_sent: false,
        }),
    ))
}

/// The vote of a visitor who is not signed in: a confirmation link to `email`
/// (`crate::supporters`).
async fn support_by_email(
    state: &AppState,
    client: std::net::IpAddr,
    site: &crate::sites::Site,
    id: &str,
    email: String,
    lang: civic_wire::Lang,
) -> Result<(axum::http::StatusCode, axum::Json<SupportResult>), ApiError> {
    if email.chars().count() > civic_wire::limits::EMAIL_MAX_CHARS
        || !civic_wire::looks_like_email(&email)
    {
        return Err(ApiError::Validation(vec![civic_wire::FieldError {
            field: "email".into(),
            code: civic_wire::FieldErrorCode::Invalid,
            message: "not an e-mail address".into(),
        }]));
    }
    let id: i64 = id.parse().map_err(|_| ApiError::UnknownProblem)?;
    // Each request may send a message: it spends the address's report allowance.
    state.limits.check_ip(client)?;
    let (site_id, base) = (site.id, state.config.public_base());
    let requested = state
        .db
        .write(move |conn| {
            crate::supporters::request(conn, &base, site_id, id, &email, lang)
                .map_err(DbError::from)
        })
        .await?;
    match requested {
        crate::supporters::Requested::NotFound => Err(ApiError::UnknownProblem),
        crate::supporters::Requested::Sent {
            support_count,
            mailed,
        } => {
            if mailed {
                state.outbox.wake();
            }
            tracing::info!(mailed, "support to be confirmed by e-mail");
            Ok((
                axum::http::StatusCode::ACCEPTED,
                axum::Json(SupportResult {
                    support_count,
                    counted: false,
                    confirmation_sent: true,
                }),
            ))
        }
    }
}

/// [`support`] in its own write transaction.
pub async fn support_problem(
    db: &Db,
    problem_id: i64,
    voter: VoterKey,
) -> Result<Option<SupportOutcome>, DbError> {
    db.write(move |conn| support(conn, problem_id, &voter).map_err(DbError::from))
        .await
}

/// Support counts of problems, for the cabinet's lists (any status: officials see them all).
pub fn support_counts(conn: &Connection, ids: &[i64]) -> rusqlite::Result<HashMap<i64, u64>> {
    let mut stmt = conn.prepare_cached("SELECT support_count FROM problems WHERE id = ?1")?;
    let mut counts = HashMap::new();
    for id in ids {
        if let Some(n) = stmt.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
            counts.insert(*id, n.max(0) as u64);
        }
    }
    Ok(counts)
}

/// Indexes public problems the index lacks (a database from before the map), at start-up.
pub async fn index_missing(db: &Db) -> Result<usize, DbError> {
    db.write(|conn| index::index_missing(conn).map_err(DbError::from))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(bbox: &str, zoom: &str) -> MapQuery {
        MapQuery {
            bbox: Some(bbox.into()),
            zoom: Some(zoom.into()),
            ..MapQuery::default()
        }
    }

    fn fields(q: &MapQuery) -> Vec<String> {
        match MapRequest::parse(q) {
            Err(ApiError::Validation(f)) => f.into_iter().map(|f| f.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn each_wrong_parameter_is_named() {
        for (bbox, zoom, field) in [
            ("1,2,3", "5", "bbox"),
            ("3,2,1,4", "5", "bbox"),
            ("1,4,3,2", "5", "bbox"),
            ("1,2,3,NaN", "5", "bbox"),
            ("-181,2,3,4", "5", "bbox"),
            ("1,2,3,91", "5", "bbox"),
            ("1,2,3,4,5", "5", "bbox"),
            ("1,2,3,4", "21", "zoom"),
            ("1,2,3,4", "-1", "zoom"),
            ("1,2,3,4", "x", "zoom"),
        ] {
            assert_eq!(
                fields(&q(bbox, zoom)),
                vec![field.to_string()],
                "{bbox} {zoom}"
            );
        }
        let mut bad = q("1,2,3,4", "3");
        bad.status = Some("new".into());
        bad.category = Some("a".into());
        bad.since = Some("2026-13-01".into());
        assert_eq!(fields(&bad), vec!["category", "status", "since"]);
        assert_eq!(fields(&MapQuery::default()), vec!["bbox", "zoom"]);
    }

    #[test]
    fn a_good_request_parses() {
        let mut good = q("36.1,54.4,36.4,54.6", "12.7");
        good.status = Some("published,in_progress".into());
        good.category = Some("3, 4".into());
        good.since = Some("2026-01-01".into());
        let r = MapRequest::parse(&good).unwrap();
        assert_eq!(r.zoom, 12);
        assert_eq!(r.categories, vec![3, 4]);
        assert_eq!(r.statuses, vec![Status::Published, Status::InProgress]);
        assert_eq!(r.since, Some(1_767_225_600));
    }

    #[test]
    fn a_huge_bbox_at_a_high_zoom_reads_a_coarser_level() {
        let city = Bounds {
            west: 36.15,
            south: 54.45,
            east: 36.38,
            north: 54.58,
        };
        let level = view_level(city, 17);
        let (x0, x1, y0, y1) = cell_range(city, level);
        assert!((x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_VIEW_CELLS);
        assert!(level < 17);
        let street = Bounds {
            west: 36.26,
            south: 54.513,
            east: 36.265,
            north: 54.515,
        };
        assert_eq!(view_level(street, 17), 17);
    }

    #[test]
    fn distances() {
        let a = LatLon {
            lat: 54.5138,
            lon: 36.2612,
        };
        let b = LatLon {
            lat: 54.5138 + 50.0 / 111_195.0,
            lon: 36.2612,
        };
        assert!((haversine_m(a, b) - 50.0).abs() < 0.5);
    }
}

//! The map's index: the R*Tree of public problems (`map_points`) and the clusters
//! pre-aggregated per zoom level (`map_cells`), kept in step with `problems` by [`sync`] inside
//! the transaction that changes a problem.
//!
//! Why pre-aggregate: counting a whole-city viewport in the R*Tree visits every point in it
//! (about 60 ms at p99 with 1M problems), while summing the cells of that viewport visits at most
//! [`super::MAX_VIEW_CELLS`] rows whatever the city's size. The price is paid on writes: each
//! change touches two rows per zoom level (its (category, status) row and the totals row).

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

/// Cells exist for zoom levels `0..=MAX_CELL_ZOOM`. Above it the map shows single problems.
pub const MAX_CELL_ZOOM: u8 = 17;
/// Sub-divisions of a tile per axis in the cell grid: 2^2 = 4, so a cell is 64 px on screen.
pub const CELL_SHIFT: u8 = 2;
/// Cells split by the month of creation (`map_cell_months`) exist for zoom levels
/// `0..=MAX_MONTH_ZOOM`, where cells are big; a period filter (`since`) sums whole months there.
pub const MAX_MONTH_ZOOM: u8 = 14;
/// `category_id` and `status` of the per-cell totals rows.
pub const ALL_CATEGORIES: i64 = 0;
pub const ALL_STATUSES: &str = "*";

/// The state of a public problem as the index records it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedPoint {
    pub id: i64,
    pub site_id: i64,
    pub category_id: i64,
    pub status: String,
    pub lat: f64,
    pub lon: f64,
    pub created_at: i64,
}

/// Web Mercator x of a longitude, in 0..1.
pub fn mercator_x(lon: f64) -> f64 {
    ((lon + 180.0) / 360.0).clamp(0.0, 1.0)
}

/// Web Mercator y of a latitude, in 0..1 (0 at the north edge).
pub fn mercator_y(lat: f64) -> f64 {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0).clamp(0.0, 1.0)
}

/// Cells per axis of the grid of zoom level `zoom`.
pub fn grid_size(zoom: u8) -> i64 {
    1i64 << (zoom + CELL_SHIFT)
}

/// The cell of the grid of `zoom` holding (`lat`, `lon`).
pub fn cell_of(zoom: u8, lat: f64, lon: f64) -> (i64, i64) {
    let n = grid_size(zoom);
    let x = ((mercator_x(lon) * n as f64) as i64).min(n - 1);
    let y = ((mercator_y(lat) * n as f64) as i64).min(n - 1);
    (x, y)
}

/// Whether a row of `problems` is public: moderated (`published_at` set) and not back to `new`.
/// A report refused straight from `new` never had `published_at`, so it never shows.
pub const PUBLIC_SQL: &str = "published_at IS NOT NULL AND status <> 'new'";

/// A row of `map_cells` in its primary key's order: site, zoom, category, status, x, y.
type CellKey = (i64, u8, i64, &'static str, i64, i64);
/// A row of `map_cell_months` in its primary key's order: site, zoom, category, status, month,
/// x, y.
type MonthCellKey = (i64, u8, i64, &'static str, i64, i64, i64);

/// The month (UTC) of a unix time, counted from January of year 0: `year * 12 + month - 1`.
pub fn month_of(unix: i64) -> i64 {
    let date = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1
}

/// The first second (UTC) of `month` (as [`month_of`] counts).
pub fn month_start(month: i64) -> i64 {
    let year = month.div_euclid(12) as i32;
    let m = time::Month::try_from((month.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(year, m, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(0)
}

/// Changes to `map_cells` gathered in memory and written once: one problem's change in the live
/// path, a whole batch in the generator. Both go through [`CellDeltas::add`] and
/// [`CellDeltas::flush`], so generated data is aggregated exactly as live data.
#[derive(Debug, Default)]
pub struct CellDeltas {
    // Ordered, so a large flush walks the table's B-tree in key order.
    cells: BTreeMap<CellKey, (i64, f64, f64)>,
    months: BTreeMap<MonthCellKey, (i64, f64, f64)>,
}

impl CellDeltas {
    /// Counts `point` in (`sign` = 1) or out of (`sign` = -1) every level's cell.
    pub fn add(&mut self, point: &IndexedPoint, sign: i64) {
        for zoom in 0..=MAX_CELL_ZOOM {
            let (x, y) = cell_of(zoom, point.lat, point.lon);
            for (category, status) in [
                (point.category_id, static_status(&point.status)),
                (ALL_CATEGORIES, ALL_STATUSES),
            ] {
                let e = self
                    .cells
                    .entry((point.site_id, zoom, category, status, x, y))
                    .or_insert((0, 0.0, 0.0));
                e.0 += sign;
                e.1 += sign as f64 * point.lat;
                e.2 += sign as f64 * point.lon;
            }
        }
        self.add_months(point, sign);
    }

    /// Counts `point` in or out of its month's cells only (the month rebuild uses it alone).
    pub fn add_months(&mut self, point: &IndexedPoint, sign: i64) {
        let month = month_of(point.created_at);
        for zoom in 0..=MAX_MONTH_ZOOM {
            let (x, y) = cell_of(zoom, point.lat, point.lon);
            for (category, status) in [
                (point.category_id, static_status(&point.status)),
                (ALL_CATEGORIES, ALL_STATUSES),
            ] {
                let e = self
                    .months
                    .entry((point.site_id, zoom, category, status, month, x, y))
                    .or_insert((0, 0.0, 0.0));
                e.0 += sign;
                e.1 += sign as f64 * point.lat;
                e.2 += sign as f64 * point.lon;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.cells.len() + self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.months.is_empty()
    }

    /// Writes the gathered changes; cells left empty are deleted.
    pub fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO map_cells (site_id, zoom, cell_x, cell_y, category_id, status, count, sum_lat, sum_lon)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT DO UPDATE SET count = count + excluded.count,
                 sum_lat = sum_lat + excluded.sum_lat, sum_lon = sum_lon + excluded.sum_lon",
        )?;
        let mut prune = conn.prepare_cached(
            "DELETE FROM map_cells WHERE site_id = ?1 AND zoom = ?2 AND category_id = ?5 AND status = ?6
                 AND cell_x = ?3 AND cell_y = ?4 AND count <= 0",
        )?;
        for ((site, zoom, category, status, x, y), (count, lat, lon)) in
            std::mem::take(&mut self.cells)
        {
            if count == 0 && lat == 0.0 && lon == 0.0 {
                continue;
            }
            upsert.execute(params![site, zoom, x, y, category, status, count, lat, lon])?;
            if count < 0 {
                prune.execute(params![site, zoom, x, y, category, status])?;
            }
        }
        let mut upsert = conn.prepare_cached(
            "INSERT INTO map_cell_months (site_id, zoom, category_id, status, month, cell_x, cell_y, count, sum_lat, sum_lon)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT DO UPDATE SET count = count + excluded.count,
                 sum_lat = sum_lat + excluded.sum_lat, sum_lon = sum_lon + excluded.sum_lon",
        )?;
        let mut prune = conn.prepare_cached(
            "DELETE FROM map_cell_months WHERE site_id = ?1 AND zoom = ?2 AND category_id = ?3
                 AND status = ?4 AND month = ?5 AND cell_x = ?6 AND cell_y = ?7 AND count <= 0",
        )?;
        for ((site, zoom, category, status, month, x, y), (count, lat, lon)) in
            std::mem::take(&mut self.months)
        {
            if count == 0 && lat == 0.0 && lon == 0.0 {
                continue;
            }
            upsert.execute(params![
                site, zoom, category, status, month, x, y, count, lat, lon
            ])?;
            if count < 0 {
                prune.execute(params![site, zoom, category, status, month, x, y])?;
            }
        }
        Ok(())
    }
}

/// The stored status name as a `'static` string (the cells key on it).
fn static_status(s: &str) -> &'static str {
    civic_wire::Status::parse(s).map_or("published", civic_wire::Status::as_str)
}

/// Adds `point` to the R*Tree (the caller adds it to the cells).
pub fn insert_point(conn: &Connection, p: &IndexedPoint) -> rusqlite::Result<()> {
    let day = (p.created_at.div_euclid(86_400)) as f64;
    conn.prepare_cached(
        "INSERT INTO map_points (id, min_lat, max_lat, min_lon, max_lon, min_day, max_day,
                                 site_id, category_id, status, lat, lon, created_at)
         VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?4, ?5, ?6, ?7, ?2, ?3, ?8)",
    )?
    .execute(params![
        p.id,
        p.lat,
        p.lon,
        day,
        p.site_id,
        p.category_id,
        p.status,
        p.created_at
    ])?;
    Ok(())
}

/// Reads `id, site_id, category_id, status, lat, lon, created_at`, in that order.
fn point_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexedPoint> {
    Ok(IndexedPoint {
        id: r.get(0)?,
        site_id: r.get(1)?,
        category_id: r.get(2)?,
        status: r.get(3)?,
        lat: r.get(4)?,
        lon: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// What the index holds for problem `id` now.
fn indexed(conn: &Connection, id: i64) -> rusqlite::Result<Option<IndexedPoint>> {
    conn.prepare_cached(
        "SELECT id, site_id, category_id, status, lat, lon, created_at FROM map_points WHERE id = ?1",
    )?
    .query_row([id], point_from_row)
    .optional()
}

/// What the index should hold for problem `id`: `None` unless it is public and placed.
fn wanted(conn: &Connection, id: i64) -> rusqlite::Result<Option<IndexedPoint>> {
    conn.prepare_cached(&format!(
        "SELECT id, site_id, category_id, status, lat, lon, created_at FROM problems
         WHERE id = ?1 AND {PUBLIC_SQL} AND lat IS NOT NULL AND lon IS NOT NULL"
    ))?
    .query_row([id], point_from_row)
    .optional()
}

/// Brings the index in step with problem `id` after any change to it (publication, status,
/// position, category). Call it inside the transaction that made the change; it is idempotent.
pub fn sync(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    let before = indexed(conn, id)?;
    let after = wanted(conn, id)?;
    if before == after {
        return Ok(());
    }
    let mut deltas = CellDeltas::default();
    if let Some(old) = &before {
        deltas.add(old, -1);
        conn.prepare_cached("DELETE FROM map_points WHERE id = ?1")?
            .execute([id])?;
    }
    if let Some(new) = &after {
        deltas.add(new, 1);
        insert_point(conn, new)?;
    }
    deltas.flush(conn)
}

/// Fills `map_cell_months` from `map_points` when it is empty but points exist (a database
/// from before migration 0006). Returns how many points were counted.
pub fn rebuild_months_if_missing(conn: &Connection) -> rusqlite::Result<usize> {
    let missing: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM map_cell_months) AND EXISTS (SELECT 1 FROM map_points)",
        [],
        |r| r.get(0),
    )?;
    if !missing {
        return Ok(0);
    }
    let mut stmt = conn
        .prepare("SELECT id, site_id, category_id, status, lat, lon, created_at FROM map_points")?;
    let mut rows = stmt.query([])?;
    let mut deltas = CellDeltas::default();
    let mut counted = 0;
    while let Some(r) = rows.next()? {
        deltas.add_months(
            &IndexedPoint {
                id: r.get(0)?,
                site_id: r.get(1)?,
                category_id: r.get(2)?,
                status: r.get(3)?,
                lat: r.get(4)?,
                lon: r.get(5)?,
                created_at: r.get(6)?,
            },
            1,
        );
        counted += 1;
        // Bounded memory on big databases: the upserts add up.
        if deltas.len() > 1_000_000 {
            deltas.flush(conn)?;
        }
    }
    deltas.flush(conn)?;
    Ok(counted)
}

/// Indexes public problems the index does not hold yet (a database from before the map
/// existed), after filling the month cells of a database from before them. Returns how many
/// problems were added.
pub fn index_missing(conn: &Connection) -> rusqlite::Result<usize> {
    rebuild_months_if_missing(conn)?;
    let ids: Vec<i64> = conn
        .prepare(&format!(
            "SELECT id FROM problems WHERE {PUBLIC_SQL} AND lat IS NOT NULL AND id NOT IN (SELECT id FROM map_points)"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        sync(conn, *id)?;
    }
    Ok(ids.len())
}

//! `/cabinet/stats`: the municipality's figures for a period (problems filed in the last 30,
//! 90 or 365 days, or all): counts by status, category, agency and district (when the
//! municipality has districts); median and 90th percentile time to the first public answer and
//! to resolution; how many are overdue now; and the
//! residents' rating of each agency from citizen control (average rating, share reopened) —
//! "the people's rating of services". An agency official sees their agency's figures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use civic_wire::{Lang, Status};
use maud::{Markup, html};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{CabinetError, CabinetFailure, InLang, Session, header_bar};
use crate::AppState;
use crate::api::ApiError;
use crate::db::{DbError, now};
use crate::i18n::Msg;
use crate::pages::{PageLang, layout, message_page, page};
use crate::sites::find_site;

#[derive(Deserialize, Default)]
pub(crate) struct StatsQuery {
    /// 30, 90, 365 or `all`.
    days: Option<String>,
}

/// The figures of one period.
pub struct Stats {
    pub by_status: Vec<(Status, i64)>,
    pub by_category: Vec<(String, i64)>,
    pub by_agency: Vec<(Option<String>, i64)>,
    /// By district (`None`: outside every district); empty when the municipality has none.
    pub by_district: Vec<(Option<String>, i64)>,
    /// Seconds from filing to the first public answer, of the problems that have one.
    pub first_answer: Vec<i64>,
    /// Seconds from filing to "resolved", of the problems resolved.
    pub resolution: Vec<i64>,
    pub overdue: i64,
    /// Agency, average rating, verdicts, of which reopened.
    pub ratings: Vec<(String, f64, i64, i64)>,
    pub heat: Heat,
}

/// Columns and rows of the heat map's grid.
pub const HEAT_COLS: i64 = 24;
pub const HEAT_ROWS: i64 = 16;

/// Where the period's problems are: counts on a grid over the municipality's area (the union
/// of its sites' bounds), row 0 in the north.
#[derive(Debug, Default)]
pub struct Heat {
    /// West, south, east, north.
    pub bounds: Option<(f64, f64, f64, f64)>,
    /// Column, row, problems.
    pub cells: Vec<(i64, i64, i64)>,
}

impl Heat {
    /// The centre of a cell, as latitude and longitude.
    pub fn centre(&self, col: i64, row: i64) -> Option<(f64, f64)> {
        let (w, s, e, n) = self.bounds?;
        let lon = w + (col as f64 + 0.5) * (e - w) / HEAT_COLS as f64;
        let lat = n - (row as f64 + 0.5) * (n - s) / HEAT_ROWS as f64;
        Some((lat, lon))
    }
}

/// The grid over the municipality's area (the union of its sites' bounds), or `None` when it
/// has no area.
fn heat_bounds(
    conn: &Connection,
    municipality_id: i64,
) -> rusqlite::Result<Option<(f64, f64, f64, f64)>> {
    let bounds: Option<(f64, f64, f64, f64)> = conn.query_row(
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
    Ok(bounds.filter(|(w, s, e, n)| e > w && n > s))
}

impl Heat {
    /// The cell of a point inside the bounds, `None` outside them.
    fn cell(&self, lat: f64, lon: f64) -> Option<(i64, i64)> {
        let (w, s, e, n) = self.bounds?;
        if !(s..=n).contains(&lat) || !(w..=e).contains(&lon) {
            return None;
        }
        let col = ((lon - w) * HEAT_COLS as f64 / (e - w)) as i64;
        let row = ((n - lat) * HEAT_ROWS as f64 / (n - s)) as i64;
        Some((col.clamp(0, HEAT_COLS - 1), row.clamp(0, HEAT_ROWS - 1)))
    }
}

/// The heat map: an SVG grid shaded by how many problems each cell has, and, for those who do
/// not see it, the busiest places as a table.
fn heat_map(lang: PageLang, heat: &Heat) -> Markup {
    let max = heat.cells.iter().map(|c| c.2).max().unwrap_or(0);
    let mut busiest: Vec<&(i64, i64, i64)> = heat.cells.iter().collect();
    busiest.sort_by_key(|c| std::cmp::Reverse(c.2));
    busiest.truncate(10);
    html! {
        section.heat aria-labelledby="heat-title" {
            h2 id="heat-title" { (lang.m(Msg::HeatMap)) }
            @if max == 0 {
                p.muted { (lang.m(Msg::HeatMapEmpty)) }
            } @else {
                svg id="heat-map" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="heat-desc"
                    viewBox=(format!("0 0 {HEAT_COLS} {HEAT_ROWS}")) width="480" height="320"
                    preserveAspectRatio="none" class="heat-map" {
                    desc id="heat-desc" { (lang.tn(Msg::HeatMapDesc, max)) }
                    @for (col, row, n) in &heat.cells {
                        rect x=(col) y=(row) width="1" height="1" fill="#c0392b"
                            fill-opacity=(format!("{:.2}", 0.15 + 0.85 * *n as f64 / max as f64))
                            data-count=(n) {}
                    }
                }
                details {
                    summary { (lang.m(Msg::BusiestPlaces)) }
                    table.stats id="stats-heat" {
                        thead { tr {
                            th scope="col" { (lang.m(Msg::Coordinates)) }
                            th scope="col" { (lang.m(Msg::Problems)) }
                        } }
                        tbody {
                            @for (col, row, n) in busiest {
                                tr {
                                    td { @if let Some((lat, lon)) = heat.centre(*col, *row) { (format!("{lat:.4}, {lon:.4}")) } }
                                    td { (n) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The `q`-quantile (0..=1) of `values`, sorted in place; `None` when empty.
pub fn quantile(values: &mut [i64], q: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((values.len() as f64 - 1.0) * q).round() as usize;
    Some(values[rank.min(values.len() - 1)])
}

/// How the period's problems are read: by filing date, on `problems_created`, which holds
/// every column the statistics count (migration 0019), so neither a period nor all time reads the
/// table. Left to itself SQLite starts from the sites and reads each one's problems by rowid.
const BY_FILING_DATE: &str = "INDEXED BY problems_created";

/// Counts keyed by a row's id (`None`: the column is empty).
#[derive(Default)]
struct Tally(HashMap<Option<i64>, i64>);

impl Tally {
    fn add(&mut self, key: Option<i64>) {
        *self.0.entry(key).or_default() += 1;
    }

    /// `(name, count)`, most first, ties by `order`; `names` maps an id to its name and order.
    fn named<N: Clone, O: Ord + Clone>(
        &self,
        names: &HashMap<i64, (N, O)>,
        missing: (Option<N>, O),
    ) -> Vec<(Option<N>, i64)> {
        let mut rows: Vec<(Option<N>, O, i64)> = self
            .0
            .iter()
            .map(|(id, n)| match id.and_then(|id| names.get(&id)) {
                Some((name, order)) => (Some(name.clone()), order.clone(), *n),
                None => (missing.0.clone(), missing.1.clone(), *n),
            })
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        rows.into_iter().map(|(name, _, n)| (name, n)).collect()
    }
}

/// `id → (name, order)` of a small table's rows for the municipality.
fn names<O: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    municipality_id: i64,
) -> rusqlite::Result<HashMap<i64, (String, O)>> {
    conn.prepare_cached(sql)?
        .query_map([municipality_id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .collect()
}

/// Whose figures: what an official sees, or what everyone may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every problem of the municipality (its site admins, moderators and analysts).
    Municipality,
    /// The problems routed to one agency (its officials).
    Agency(i64),
    /// The published problems only, as on the public map (the public statistics page).
    Public,
}

impl Scope {
    /// The cabinet's scope for an official: their agency's problems, or all of them.
    pub fn of(agency: Option<i64>) -> Scope {
        agency.map_or(Scope::Municipality, Scope::Agency)
    }
}

/// The period's figures, read in one pass over its problems (`first_answer_at` is kept on the
/// problem by a trigger, so no answer is looked up per problem) plus the overdue count and the
/// ratings; the names of categories, agencies and districts are read once, not joined per row.
pub fn compute(
    conn: &Connection,
    municipality_id: i64,
    scope: Scope,
    since: i64,
    lang: Lang,
) -> rusqlite::Result<Stats> {
    let (agency, public) = match scope {
        Scope::Municipality => (None, false),
        Scope::Agency(id) => (Some(id), false),
        Scope::Public => (None, true),
    };
    let mut heat = Heat {
        bounds: heat_bounds(conn, municipality_id)?,
        cells: Vec::new(),
    };
    let (mut by_status, mut by_category, mut by_agency, mut by_district) = (
        HashMap::<String, i64>::new(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let (mut first_answer, mut resolution) = (Vec::new(), Vec::new());
    let mut cells = HashMap::<(i64, i64), i64>::new();
    let mut rows = conn.prepare_cached(&format!(
        "SELECT p.status, p.category_id, p.agency_id, p.district_id,
                    p.first_answer_at - p.created_at, p.resolved_at - p.created_at, p.lat, p.lon
             FROM problems p {BY_FILING_DATE} JOIN sites s ON s.id = p.site_id
             WHERE s.municipality_id = ?1 AND p.created_at >= ?2 AND p.awaiting_confirmation = 0
               AND (?3 IS NULL OR p.agency_id = ?3)
               AND (?4 = 0 OR (p.published_at IS NOT NULL AND p.status <> 'new'))"
    ))?;
    let mut rows = rows.query(params![municipality_id, since, agency, public])?;
    while let Some(r) = rows.next()? {
        let status = r.get_ref(0)?.as_str()?;
        match by_status.get_mut(status) {
            Some(n) => *n += 1,
            None => {
                by_status.insert(status.to_owned(), 1);
            }
        }
        by_category.add(r.get(1)?);
        by_agency.add(r.get(2)?);
        by_district.add(r.get(3)?);
        if let Some(t) = r.get::<_, Option<i64>>(4)? {
            first_answer.push(t);
        }
        if let Some(t) = r.get::<_, Option<i64>>(5)? {
            resolution.push(t);
        }
        if let (Some(lat), Some(lon)) = (r.get(6)?, r.get(7)?)
            && let Some(cell) = heat.cell(lat, lon)
        {
            *cells.entry(cell).or_default() += 1;
        }
    }
    heat.cells = cells.into_iter().map(|((c, r), n)| (c, r, n)).collect();
    heat.cells.sort_unstable();
    let mut by_status: Vec<(String, i64)> = by_status.into_iter().collect();
    by_status.sort();
    let by_status = by_status
        .into_iter()
        .map(|(s, n)| (Status::parse(&s).unwrap_or(Status::New), n))
        .collect();
    let name = super::category_name_column(lang);
    let categories: HashMap<i64, (String, i64)> = names(
        conn,
        &format!("SELECT c.id, {name}, c.position FROM categories c WHERE c.municipality_id = ?1"),
        municipality_id,
    )?;
    let agencies: HashMap<i64, (String, String)> = names(
        conn,
        "SELECT id, name, name FROM agencies WHERE municipality_id = ?1",
        municipality_id,
    )?;
    let districts: HashMap<i64, (String, String)> = names(
        conn,
        "SELECT id, name, name FROM districts WHERE municipality_id = ?1",
        municipality_id,
    )?;
    let by_category = by_category
        .named(&categories, (None, i64::MAX))
        .into_iter()
        .filter_map(|(name, n)| Some((name?, n)))
        .collect();
    let by_agency = by_agency.named(&agencies, (None, String::new()));
    let by_district = if districts.is_empty() {
        Vec::new()
    } else {
        by_district.named(&districts, (None, String::new()))
    };
    let overdue = crate::deadlines::overdue_count(conn, municipality_id, agency, now())?;
    let ratings = conn
        .prepare_cached(
            "SELECT a.name, avg(v.rating), count(*), sum(v.verdict = 'reopened')
             FROM verdicts v JOIN agencies a ON a.id = v.agency_id
             WHERE a.municipality_id = ?1 AND v.at >= ?2 AND (?3 IS NULL OR a.id = ?3)
             GROUP BY a.id ORDER BY avg(v.rating) DESC, a.name",
        )?
        .query_map(params![municipality_id, since, agency], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
                r.get(2)?,
                r.get(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Stats {
        by_status,
        by_category,
        by_agency,
        by_district,
        first_answer,
        resolution,
        overdue,
        ratings,
        heat,
    })
}

/// A duration in days (one decimal), as people read it.
fn days(lang: PageLang, seconds: Option<i64>) -> String {
    match seconds {
        None => "—".to_owned(),
        Some(s) => lang.tn(Msg::DaysShort, format!("{:.1}", s as f64 / 86_400.0)),
    }
}

fn counts<T>(
    lang: PageLang,
    id: &str,
    caption: Msg,
    rows: &[(T, i64)],
    label: impl Fn(&T) -> String,
) -> Markup {
    html! {
        table.stats id=(id) {
            caption { (lang.m(caption)) }
            thead { tr { th scope="col" { (lang.m(caption)) } th scope="col" { (lang.m(Msg::Count)) } } }
            tbody {
                @for (key, n) in rows {
                    tr { th scope="row" { (label(key)) } td { (n) } }
                }
            }
        }
    }
}

/// A period of the statistics page: the last `N` days, or all time (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period(pub Option<i64>);

impl Period {
    /// Reads `?days=` (30, 90, 365 or `all`; anything else: 30).
    fn of(query: &StatsQuery) -> Period {
        Period::parse(query.days.as_deref().unwrap_or("30")).unwrap_or(Period(Some(30)))
    }

    /// `30`, `90`, `365` or `all`; `None` for anything else.
    fn parse(days: &str) -> Option<Period> {
        match days {
            "all" => Some(Period(None)),
            "30" => Some(Period(Some(30))),
            "90" => Some(Period(Some(90))),
            "365" => Some(Period(Some(365))),
            _ => None,
        }
    }

    /// The first filing moment the period counts, as of `now`.
    fn since(self, now: i64) -> i64 {
        self.0.map_or(i64::MIN, |d| now - d * 86_400)
    }

    fn value(self) -> String {
        self.0.map_or("all".to_owned(), |d| d.to_string())
    }
}

/// The figures as shown: the times reduced to their median and 90th percentile (the lists of
/// times are dropped, so a cached copy is small).
pub struct Figures {
    pub stats: Stats,
    pub first_answer: (Option<i64>, Option<i64>),
    pub resolution: (Option<i64>, Option<i64>),
}

impl From<Stats> for Figures {
    fn from(mut stats: Stats) -> Figures {
        let spread = |values: &mut Vec<i64>| {
            let spread = (quantile(values, 0.5), quantile(values, 0.9));
            *values = Vec::new();
            spread
        };
        let first_answer = spread(&mut stats.first_answer);
        let resolution = spread(&mut stats.resolution);
        Figures {
            stats,
            first_answer,
            resolution,
        }
    }
}

/// The period chooser, the summary, the heat map and the tables: the same on the cabinet's
/// page and on the public one. `action` is the page's own path.
fn figures(lang: PageLang, period: Period, action: &str, f: &Figures) -> Markup {
    let s = &f.stats;
    let total: i64 = s.by_status.iter().map(|(_, n)| n).sum();
    let option = |value: &str, label: Msg| {
        html! { option value=(value) selected[period.value() == value] { (lang.m(label)) } }
    };
    html! {
        form.filters method="get" action=(action) {
            @if lang.explicit { input type="hidden" name="lang" value=(lang.lang.code()); }
            label for="days" { (lang.m(Msg::Period)) }
            select id="days" name="days" {
                (option("30", Msg::Last30Days)) (option("90", Msg::Last90Days))
                (option("365", Msg::LastYear)) (option("all", Msg::AllTime))
            }
            button type="submit" { (lang.m(Msg::Show)) }
        }
        dl.facts id="stats-summary" {
            dt { (lang.m(Msg::FiledInPeriod)) } dd id="stats-total" { (total) }
            dt { (lang.m(Msg::OverdueNow)) } dd id="stats-overdue" { (s.overdue) }
            dt { (lang.m(Msg::FirstAnswerTime)) }
            dd id="stats-first-answer" { (days(lang, f.first_answer.0)) " / " (days(lang, f.first_answer.1)) }
            dt { (lang.m(Msg::ResolutionTime)) }
            dd id="stats-resolution" { (days(lang, f.resolution.0)) " / " (days(lang, f.resolution.1)) }
        }
        (heat_map(lang, &s.heat))
        (counts(lang, "stats-status", Msg::Status, &s.by_status, |st| st.label(lang.lang).to_owned()))
        (counts(lang, "stats-category", Msg::Category, &s.by_category, |c| c.clone()))
        (counts(lang, "stats-agency", Msg::Agency, &s.by_agency, |a| a.clone().unwrap_or_else(|| lang.m(Msg::NotRouted).to_owned())))
        @if !s.by_district.is_empty() {
            table.stats id="stats-district" {
                caption { (lang.m(Msg::ByDistrict)) }
                thead { tr { th scope="col" { (lang.m(Msg::District)) } th scope="col" { (lang.m(Msg::Count)) } } }
                tbody {
                    @for (district, n) in &s.by_district {
                        tr { th scope="row" { (district.as_deref().unwrap_or(lang.m(Msg::OutsideDistricts))) } td { (n) } }
                    }
                }
            }
        }
        table.stats id="stats-rating" {
            caption { (lang.m(Msg::PeoplesRating)) }
            thead { tr {
                th scope="col" { (lang.m(Msg::Agency)) }
                th scope="col" { (lang.m(Msg::AverageRating)) }
                th scope="col" { (lang.m(Msg::Verdicts)) }
                th scope="col" { (lang.m(Msg::ReopenedShare)) }
            } }
            tbody {
                @for (agency, avg, n, reopened) in &s.ratings {
                    tr {
                        th scope="row" { (agency) }
                        td { (format!("{avg:.1}")) }
                        td { (n) }
                        td { (format!("{}%", reopened * 100 / (*n).max(1))) }
                    }
                }
            }
        }
    }
}

pub(super) async fn stats(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> Result<Response, CabinetFailure> {
    let period = Period::of(&q);
    let since = period.since(now());
    let (municipality_id, scope) = (session.municipality_id, Scope::of(session.agency_scope()));
    let f: Figures = state
        .db
        .read(move |conn| {
            compute(conn, municipality_id, scope, since, lang.lang).map_err(CabinetError::from)
        })
        .await
        .in_lang(lang)?
        .into();
    let title = lang.m(Msg::Stats);
    let content = html! {
        p { a href=(lang.href("/cabinet")) { "← " (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        (figures(lang, period, "/cabinet/stats", &f))
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}

/// How long the public page's figures are reused: a page anyone may ask for must not read a
/// million problems per visit.
pub const PUBLIC_TTL: Duration = Duration::from_secs(300);
/// Most figures kept (municipalities × periods × languages); beyond it the oldest half goes.
const PUBLIC_CACHE_MAX: usize = 256;

/// The public page's figures, per municipality, period and language, for [`PUBLIC_TTL`].
#[derive(Default)]
pub struct PublicCache(Mutex<HashMap<FiguresKey, (Instant, Arc<Figures>)>>);

/// Whose figures, of which period, in which language.
type FiguresKey = (i64, Period, Lang);

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicCache")
    }
}

impl PublicCache {
    fn get(&self, key: FiguresKey) -> Option<Arc<Figures>> {
        let cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(&key)
            .filter(|(at, _)| at.elapsed() < PUBLIC_TTL)
            .map(|(_, f)| f.clone())
    }

    fn put(&self, key: FiguresKey, figures: Arc<Figures>) {
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= PUBLIC_CACHE_MAX {
            let mut ages: Vec<Instant> = cache.values().map(|(at, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            cache.retain(|_, (at, _)| *at > cut);
        }
        cache.insert(key, (Instant::now(), figures));
    }
}

/// `/stats/{site}`: the municipality's public statistics, as the site's residents may see them:
/// only published problems, no one's name or contacts; the people's rating of its services.
pub(crate) async fn public_stats(
    State(state): State<AppState>,
    lang: PageLang,
    Path(site): Path<String>,
    Query(q): Query<StatsQuery>,
) -> Response {
    let period = Period::of(&q);
    let key = site.clone();
    let found = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT municipality_id, name FROM sites WHERE key = ?1",
                [&key],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(DbError::from)
        })
        .await;
    let (municipality_id, name) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            return message_page(
                lang,
                StatusCode::NOT_FOUND,
                lang.m(Msg::SiteNotFound),
                lang.m(Msg::SiteNotFoundText),
                Some(("/", lang.m(Msg::Home))),
            );
        }
        Err(e) => return failed(lang, &e),
    };
    let f = match public_figures(&state, municipality_id, period, lang.lang).await {
        Ok(f) => f,
        Err(e) => return failed(lang, &e),
    };
    let title = format!("{} — {name}", lang.m(Msg::PublicStats));
    let content = html! {
        h1 { (title) }
        p.muted { (lang.m(Msg::PublicStatsNote)) }
        (figures(lang, period, &format!("/stats/{site}"), &f))
    };
    let mut response = page(StatusCode::OK, layout(lang, &title, html! {}, content));
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The municipality's public figures for the period, from the cache while they are fresh.
async fn public_figures(
    state: &AppState,
    municipality_id: i64,
    period: Period,
    lang: Lang,
) -> Result<Arc<Figures>, DbError> {
    let key = (municipality_id, period, lang);
    if let Some(f) = state.public_stats.get(key) {
        return Ok(f);
    }
    let since = period.since(now());
    let s = state
        .db
        .read(move |conn| {
            compute(conn, municipality_id, Scope::Public, since, lang).map_err(DbError::from)
        })
        .await?;
    let f = Arc::new(Figures::from(s));
    state.public_stats.put(key, f.clone());
    Ok(f)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ApiStatsQuery {
    /// `30` (the default), `90`, `365` or `all`: problems filed in the last so many days.
    days: Option<String>,
    /// `ru` or `en` (a BCP 47 tag); anything else means the site's default language.
    lang: Option<String>,
}

/// `GET /api/v1/sites/{key}/stats`: the municipality's public figures, for a portal that shows
/// them itself — the same as its `/stats/{site}` page: published problems only, no person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicFigures {
    /// The period in days; `null`: all time.
    pub period_days: Option<i64>,
    /// Published problems filed in the period.
    pub total: i64,
    /// Open problems past their deadline now.
    pub overdue: i64,
    /// Days from filing to the first public answer, of those answered.
    pub first_answer_days: Spread,
    /// Days from filing to "resolved", of those resolved.
    pub resolution_days: Spread,
    pub by_status: Vec<StatusCount>,
    pub by_category: Vec<NamedCount>,
    /// `name` null: not routed to an agency.
    pub by_agency: Vec<NamedCount>,
    /// Empty where the municipality has no districts; `name` null: outside them.
    pub by_district: Vec<NamedCount>,
    /// The people's rating of each agency, from the residents' verdicts on solutions.
    pub ratings: Vec<AgencyRating>,
}

/// A median and a 90th percentile, in days; null when nothing was measured.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Spread {
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: Status,
    /// `status` in the language asked for.
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedCount {
    pub name: Option<String>,
    pub count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyRating {
    pub agency: String,
    /// The average rating, 1 to 5.
    pub average: f64,
    /// How many residents judged a solution.
    pub verdicts: i64,
    /// How many of them reopened it.
    pub reopened: i64,
}

impl PublicFigures {
    fn new(f: &Figures, period: Period, lang: Lang) -> PublicFigures {
        let s = &f.stats;
        let days = |(median, p90): (Option<i64>, Option<i64>)| {
            let round = |v: i64| (v as f64 / 8_640.0).round() / 10.0;
            Spread {
                median: median.map(round),
                p90: p90.map(round),
            }
        };
        let named = |rows: &[(Option<String>, i64)]| {
            rows.iter()
                .map(|(name, count)| NamedCount {
                    name: name.clone(),
                    count: *count,
                })
                .collect()
        };
        PublicFigures {
            period_days: period.0,
            total: s.by_status.iter().map(|(_, n)| n).sum(),
            overdue: s.overdue,
            first_answer_days: days(f.first_answer),
            resolution_days: days(f.resolution),
            by_status: s
                .by_status
                .iter()
                .map(|(status, count)| StatusCount {
                    status: *status,
                    label: status.label(lang).to_owned(),
                    count: *count,
                })
                .collect(),
            by_category: s
                .by_category
                .iter()
                .map(|(name, count)| NamedCount {
                    name: Some(name.clone()),
                    count: *count,
                })
                .collect(),
            by_agency: named(&s.by_agency),
            by_district: named(&s.by_district),
            ratings: s
                .ratings
                .iter()
                .map(|(agency, average, verdicts, reopened)| AgencyRating {
                    agency: agency.clone(),
                    average: (average * 10.0).round() / 10.0,
                    verdicts: *verdicts,
                    reopened: *reopened,
                })
                .collect(),
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/stats",
    tag = "map",
    params(
        ("key" = String, Path, description = "The site's public key (`data-site`)"),
        ApiStatsQuery,
    ),
    responses(
        (status = 200, description = "The municipality's public figures for the period (reused for up to 5 minutes)", body = PublicFigures, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 404, description = "No such site", body = civic_wire::ApiError),
        (status = 422, description = "`days` is not 30, 90, 365 or `all`", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
pub(crate) async fn site_stats(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<ApiStatsQuery>,
) -> Result<axum::Json<PublicFigures>, ApiError> {
    let period = match q.days.as_deref() {
        None => Period(Some(30)),
        Some(days) => Period::parse(days).ok_or_else(|| {
            ApiError::Validation(vec![civic_wire::FieldError {
                field: "days".into(),
                code: civic_wire::FieldErrorCode::Invalid,
                message: "days is 30, 90, 365 or all".into(),
            }])
        })?,
    };
    let site = state
        .db
        .read(move |conn| find_site(conn, &key).map_err(ApiError::from))
        .await?
        .ok_or(ApiError::UnknownSite)?;
    let lang = q
        .lang
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(site.default_lang);
    let f = public_figures(&state, site.municipality_id, period, lang).await?;
    Ok(axum::Json(PublicFigures::new(&f, period, lang)))
}

/// The public page when the database failed: said in words, logged.
fn failed(lang: PageLang, e: &DbError) -> Response {
    tracing::error!(error = %e, "public statistics failed");
    message_page(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        lang.m(Msg::Error),
        lang.m(Msg::StatsFailed),
        None,
    )
}

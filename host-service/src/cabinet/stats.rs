//! `/cabinet/stats`: the municipality's figures for a period (problems filed in the last 30,
//! 90 or 365 days, or all): counts by status, category, agency and district (when the
//! municipality has districts); median and 90th percentile time to the first public answer and
//! to resolution; how many are overdue now; and the
//! residents' rating of each agency from citizen control (average rating, share reopened) —
//! "the people's rating of services". An agency official sees their agency's figures.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use civic_wire::{Lang, Status};
use maud::{Markup, html};
use rusqlite::{Connection, params};
use serde::Deserialize;

use super::{CabinetError, CabinetFailure, InLang, Session, header_bar};
use crate::AppState;
use crate::db::now;
use crate::i18n::Msg;
use crate::pages::{PageLang, layout, page};

#[derive(Deserialize, Default)]
pub(super) struct StatsQuery {
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

fn heat(
    conn: &Connection,
    municipality_id: i64,
    agency: Option<i64>,
    since: i64,
) -> rusqlite::Result<Heat> {
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
    let Some((w, s, e, n)) = bounds.filter(|(w, s, e, n)| e > w && n > s) else {
        return Ok(Heat::default());
    };
    let index = by_filing_date(since);
    let cells = conn
        .prepare_cached(&format!(
            "SELECT CAST((p.lon - ?4) * ?8 / (?6 - ?4) AS INTEGER) AS col,
                    CAST((?7 - p.lat) * ?9 / (?7 - ?5) AS INTEGER) AS row, count(*)
             FROM problems p {index} JOIN sites s ON s.id = p.site_id
             WHERE s.municipality_id = ?1 AND p.created_at >= ?2 AND p.awaiting_confirmation = 0
               AND (?3 IS NULL OR p.agency_id = ?3)
               AND p.lat BETWEEN ?5 AND ?7 AND p.lon BETWEEN ?4 AND ?6
             GROUP BY col, row"
        ))?
        .query_map(
            params![
                municipality_id,
                since,
                agency,
                w,
                s,
                e,
                n,
                HEAT_COLS,
                HEAT_ROWS
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .map(|c| {
            c.map(|(col, row, k)| (col.clamp(0, HEAT_COLS - 1), row.clamp(0, HEAT_ROWS - 1), k))
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Heat {
        bounds: Some((w, s, e, n)),
        cells,
    })
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
                    preserveAspectRatio="none" style="max-width: 100%; height: auto; background: #eef1f5; border: 1px solid #c5cbd3" {
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

/// How the period's problems are read: a period by filing date (`problems_created`); all time
/// by a scan, which beats the index then. Left to itself SQLite reads every problem of the site
/// for a period too.
fn by_filing_date(since: i64) -> &'static str {
    if since > i64::MIN {
        "INDEXED BY problems_created"
    } else {
        ""
    }
}

pub fn compute(
    conn: &Connection,
    municipality_id: i64,
    agency: Option<i64>,
    since: i64,
    lang: Lang,
) -> rusqlite::Result<Stats> {
    let scope = format!(
        "FROM problems p {} JOIN sites s ON s.id = p.site_id
         WHERE s.municipality_id = ?1 AND p.created_at >= ?2 AND p.awaiting_confirmation = 0
           AND (?3 IS NULL OR p.agency_id = ?3)",
        by_filing_date(since)
    );
    let args = params![municipality_id, since, agency];
    let by_status = conn
        .prepare_cached(&format!(
            "SELECT p.status, count(*) {scope} GROUP BY p.status"
        ))?
        .query_map(args, |r| {
            Ok((
                Status::parse(&r.get::<_, String>(0)?).unwrap_or(Status::New),
                r.get(1)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let name = super::category_name_column(lang);
    let by_category = conn
        .prepare_cached(&format!(
            "SELECT {name}, n FROM (SELECT p.category_id AS cid, count(*) AS n {scope} GROUP BY p.category_id)
             JOIN categories c ON c.id = cid ORDER BY n DESC, c.position"
        ))?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let by_agency = conn
        .prepare_cached(&format!(
            "SELECT a.name, n FROM (SELECT p.agency_id AS aid, count(*) AS n {scope} GROUP BY p.agency_id)
             LEFT JOIN agencies a ON a.id = aid ORDER BY n DESC"
        ))?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_districts: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM districts WHERE municipality_id = ?1)",
        [municipality_id],
        |r| r.get(0),
    )?;
    let by_district = if has_districts {
        conn.prepare_cached(&format!(
            "SELECT d.name, n FROM (SELECT p.district_id AS did, count(*) AS n {scope} GROUP BY p.district_id)
             LEFT JOIN districts d ON d.id = did ORDER BY n DESC, d.name"
        ))?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let first_answer = conn
        .prepare_cached(&format!(
            "SELECT (SELECT min(e.at) FROM problem_events e
                     WHERE e.problem_id = p.id AND coalesce(e.public_answer, '') <> '') - p.created_at
             {scope}"
        ))?
        .query_map(args, |r| r.get::<_, Option<i64>>(0))?
        .filter_map(Result::transpose)
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let resolution = conn
        .prepare_cached(&format!(
            "SELECT p.resolved_at - p.created_at {scope} AND p.resolved_at IS NOT NULL"
        ))?
        .query_map(args, |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let overdue = crate::deadlines::overdue_count(conn, municipality_id, agency, now())?;
    let ratings = conn
        .prepare_cached(
            "SELECT a.name, avg(v.rating), count(*), sum(v.verdict = 'reopened')
             FROM verdicts v JOIN agencies a ON a.id = v.agency_id
             WHERE a.municipality_id = ?1 AND v.at >= ?2 AND (?3 IS NULL OR a.id = ?3)
             GROUP BY a.id ORDER BY avg(v.rating) DESC, a.name",
        )?
        .query_map(args, |r| {
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
        heat: heat(conn, municipality_id, agency, since)?,
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

pub(super) async fn stats(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> Result<Response, CabinetFailure> {
    let chosen = match q.days.as_deref() {
        Some("all") => None,
        Some("90") => Some(90),
        Some("365") => Some(365),
        _ => Some(30),
    };
    let since = chosen.map_or(i64::MIN, |d: i64| now() - d * 86_400);
    let (municipality_id, agency) = (session.municipality_id, session.agency_scope());
    let mut s = state
        .db
        .read(move |conn| {
            compute(conn, municipality_id, agency, since, lang.lang).map_err(CabinetError::from)
        })
        .await
        .in_lang(lang)?;
    let total: i64 = s.by_status.iter().map(|(_, n)| n).sum();
    let (answer_median, answer_p90) = (
        quantile(&mut s.first_answer, 0.5),
        quantile(&mut s.first_answer, 0.9),
    );
    let (fix_median, fix_p90) = (
        quantile(&mut s.resolution, 0.5),
        quantile(&mut s.resolution, 0.9),
    );
    let title = lang.m(Msg::Stats);
    let period = |value: &str, label: Msg| {
        let current = chosen.map_or("all".to_owned(), |d| d.to_string()) == value;
        html! { option value=(value) selected[current] { (lang.m(label)) } }
    };
    let content = html! {
        p { a href=(lang.href("/cabinet")) { "← " (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        form.filters method="get" action="/cabinet/stats" {
            @if lang.explicit { input type="hidden" name="lang" value=(lang.lang.code()); }
            label for="days" { (lang.m(Msg::Period)) }
            select id="days" name="days" {
                (period("30", Msg::Last30Days)) (period("90", Msg::Last90Days))
                (period("365", Msg::LastYear)) (period("all", Msg::AllTime))
            }
            button type="submit" { (lang.m(Msg::Show)) }
        }
        dl.facts id="stats-summary" {
            dt { (lang.m(Msg::FiledInPeriod)) } dd id="stats-total" { (total) }
            dt { (lang.m(Msg::OverdueNow)) } dd id="stats-overdue" { (s.overdue) }
            dt { (lang.m(Msg::FirstAnswerTime)) }
            dd id="stats-first-answer" { (days(lang, answer_median)) " / " (days(lang, answer_p90)) }
            dt { (lang.m(Msg::ResolutionTime)) }
            dd id="stats-resolution" { (days(lang, fix_median)) " / " (days(lang, fix_p90)) }
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
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}

//! `/cabinet/export.csv` and `/cabinet/export.geojson`: the list as filtered (status, category,
//! district; an agency official's own agency), newest first, at most [`EXPORT_MAX_ROWS`] rows.
//! Never the reporters' contacts: an export leaves the audited cabinet. Every export is audited.
//!
//! The CSV is what a Russian Excel opens as is: UTF-8 with a byte-order mark, `;` between
//! fields, CRLF lines; a field starting with `=`, `+`, `-` or `@` gets a leading `'` so that no
//! resident's text becomes a formula.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use civic_wire::{Lang, Status};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::{
    CabinetError, CabinetFailure, DistrictFilter, InLang, ListFilter, ListQuery, Session, audit,
    district_term,
};
use crate::AppState;
use crate::i18n::Msg;
use crate::pages::{PageLang, iso_time};

/// Most rows one export holds (newest first).
pub const EXPORT_MAX_ROWS: i64 = 100_000;

struct Row {
    id: i64,
    created_at: i64,
    site: String,
    category: String,
    status: Status,
    agency: Option<String>,
    /// The district its place is in (`None`: outside every district, or no place).
    district: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    due_at: Option<i64>,
    description: String,
}

/// The rows of the municipality's list as `filter` filters it (its agency is the session's).
fn rows(
    conn: &Connection,
    municipality_id: i64,
    filter: ListFilter,
    lang: Lang,
) -> rusqlite::Result<Vec<Row>> {
    let name = super::category_name_column(lang);
    let district = district_term(filter.district, "?6");
    conn.prepare_cached(&format!(
        "SELECT p.id, p.created_at, s.name, {name}, p.status, a.name, p.address, p.lat, p.lon,
                p.due_at, p.description, d.name
         FROM problems p JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
         LEFT JOIN agencies a ON a.id = p.agency_id LEFT JOIN districts d ON d.id = p.district_id
         WHERE s.municipality_id = ?1 AND p.awaiting_confirmation = 0
           AND (?2 IS NULL OR p.status = ?2) AND (?3 IS NULL OR p.category_id = ?3)
           AND (?4 IS NULL OR p.agency_id = ?4) AND {district}
         ORDER BY p.id DESC LIMIT ?5"
    ))?
    .query_map(
        params![
            municipality_id,
            filter.status.map(Status::as_str),
            filter.category,
            filter.agency,
            EXPORT_MAX_ROWS,
            filter.district.and_then(DistrictFilter::id)
        ],
        |r| {
            Ok(Row {
                id: r.get(0)?,
                created_at: r.get(1)?,
                site: r.get(2)?,
                category: r.get(3)?,
                status: Status::parse(&r.get::<_, String>(4)?).unwrap_or(Status::New),
                agency: r.get(5)?,
                address: r.get(6)?,
                lat: r.get(7)?,
                lon: r.get(8)?,
                due_at: r.get(9)?,
                description: r.get(10)?,
                district: r.get(11)?,
            })
        },
    )?
    .collect()
}

/// One CSV field: quoted when it must be, and never a formula.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

async fn load(
    state: &AppState,
    lang: PageLang,
    session: Session,
    q: ListQuery,
    kind: &'static str,
) -> Result<Vec<Row>, CabinetFailure> {
    // An agency official's export is their agency's, whatever the query says.
    let filter = q.filter(session.agency_scope());
    state
        .db
        .write(move |conn| {
            let rows = rows(conn, session.municipality_id, filter, lang.lang)?;
            let detail = format!("{kind}: {} rows", rows.len());
            audit(
                conn,
                Some(session.official_id),
                "export",
                None,
                Some(&detail),
            )?;
            Ok::<_, CabinetError>(rows)
        })
        .await
        .in_lang(lang)
}

fn download(content_type: &'static str, name: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static(name)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}

pub(super) async fn csv(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, CabinetFailure> {
    let rows = load(&state, lang, session, q, "csv").await?;
    let m = |msg| lang.m(msg);
    let mut out = String::from("\u{feff}");
    let head = [
        m(Msg::NumberSign),
        m(Msg::Date),
        m(Msg::Site),
        m(Msg::Category),
        m(Msg::Status),
        m(Msg::Agency),
        m(Msg::District),
        m(Msg::Address),
        m(Msg::Latitude),
        m(Msg::Longitude),
        m(Msg::DueBy),
        m(Msg::Description),
    ];
    out += &head.map(field).join(";");
    out += "\r\n";
    for r in &rows {
        let cells = [
            r.id.to_string(),
            iso_time(r.created_at),
            r.site.clone(),
            r.category.clone(),
            r.status.label(lang.lang).to_owned(),
            r.agency.clone().unwrap_or_default(),
            r.district.clone().unwrap_or_default(),
            r.address.clone().unwrap_or_default(),
            r.lat.map(|v| format!("{v:.6}")).unwrap_or_default(),
            r.lon.map(|v| format!("{v:.6}")).unwrap_or_default(),
            r.due_at.map(iso_time).unwrap_or_default(),
            r.description.clone(),
        ];
        out += &cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(";");
        out += "\r\n";
    }
    Ok(download(
        "text/csv; charset=utf-8",
        "attachment; filename=\"problems.csv\"",
        out.into_bytes(),
    ))
}

pub(super) async fn geojson(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, CabinetFailure> {
    let rows = load(&state, lang, session, q, "geojson").await?;
    let features: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let (lat, lon) = (r.lat?, r.lon?);
            Some(json!({
                "type": "Feature",
                "id": r.id,
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": {
                    "id": r.id,
                    "created": iso_time(r.created_at),
                    "site": r.site,
                    "category": r.category,
                    "status": r.status.as_str(),
                    "status_label": r.status.label(lang.lang),
                    "agency": r.agency,
                    "district": r.district,
                    "address": r.address,
                    "deadline": r.due_at.map(iso_time),
                    "description": r.description,
                }
            }))
        })
        .collect();
    let body = json!({ "type": "FeatureCollection", "features": features });
    Ok(download(
        "application/geo+json",
        "attachment; filename=\"problems.geojson\"",
        serde_json::to_vec(&body).unwrap_or_default(),
    ))
}

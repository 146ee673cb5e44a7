//! «Районы» on the settings page (issue 5): the site admin adds a district by pasting its
//! boundary as GeoJSON (the page has no scripts, so no file picker is read in the browser),
//! replaces one by giving the same name, deletes one, and routes each district's categories to
//! agencies. The rules are in districts.rs; here the section and its CSRF-checked, audited
//! POSTs. Another municipality's district, category or agency is "not found".

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use rusqlite::Connection;
use serde::Deserialize;

use super::settings::require_admin;
use super::{CabinetError, CabinetFailure, InLang, NoFields, Posted, Session, audit};
use crate::AppState;
use crate::agencies::Agency;
use crate::districts::{self, District, Geometry};
use crate::i18n::Msg;
use crate::pages::PageLang;

/// The add form's body limit: a boundary of [`districts::GEOJSON_MAX_BYTES`], URL-encoded.
pub const FORM_MAX_BYTES: usize = 2 * districts::GEOJSON_MAX_BYTES;

/// What the section shows: the districts and their routes.
pub struct Section {
    pub districts: Vec<District>,
    /// District, category, agency.
    pub routes: Vec<(i64, i64, i64)>,
}

pub fn load(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Section> {
    Ok(Section {
        districts: districts::list(conn, municipality_id)?,
        routes: districts::routes(conn, municipality_id)?,
    })
}

const EXAMPLE: &str = r#"{"type": "Polygon", "coordinates": [[[36.15, 54.45], [36.23, 54.45], [36.23, 54.58], [36.15, 54.58], [36.15, 54.45]]]}"#;

/// The settings page's section: the list with a delete button each, the form to add or
/// replace one, and each district's routing form.
pub fn section(
    lang: PageLang,
    session: &Session,
    data: &Section,
    categories: &[(i64, String, Option<i64>)],
    agencies: &[Agency],
) -> Markup {
    let routed = |district: i64, category: i64| {
        data.routes
            .iter()
            .find(|(d, c, _)| *d == district && *c == category)
            .map(|r| r.2)
    };
    html! {
        section.districts aria-labelledby="districts-title" {
            h2 id="districts-title" { (lang.m(Msg::Districts)) }
            p.muted { (lang.m(Msg::DistrictsHint)) }
            @if data.districts.is_empty() {
                p.muted { (lang.m(Msg::NoDistricts)) }
            } @else {
                table.district-list aria-labelledby="districts-title" {
                    thead { tr {
                        th scope="col" { (lang.m(Msg::DistrictName)) }
                        th scope="col" { (lang.m(Msg::Vertices)) }
                        td {}
                    } }
                    tbody {
                        @for d in &data.districts {
                            tr data-district=(d.id) {
                                td { (d.name) }
                                td { (d.vertices) }
                                td {
                                    form method="post" action=(lang.href(&format!("/cabinet/settings/districts/{}/delete", d.id))) {
                                        input type="hidden" name="csrf" value=(session.csrf);
                                        button type="submit" aria-label=(format!("{}: {}", lang.m(Msg::Delete), d.name)) { (lang.m(Msg::Delete)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.add-district method="post" action=(lang.href("/cabinet/settings/districts")) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="district-name" { (lang.m(Msg::DistrictName)) }
                input id="district-name" name="name" required maxlength=(districts::NAME_MAX_CHARS);
                label for="district-geojson" { (lang.m(Msg::DistrictBoundary)) }
                textarea id="district-geojson" name="geojson" rows="8" required spellcheck="false"
                    aria-describedby="district-geojson-hint" {}
                p.muted id="district-geojson-hint" {
                    (lang.tn(Msg::DistrictBoundaryHint, districts::MAX_VERTICES)) " " code { (EXAMPLE) }
                }
                div { button type="submit" { (lang.m(Msg::AddDistrict)) } }
            }
            @if !data.districts.is_empty() && !agencies.is_empty() {
                h3 id="district-routing-title" { (lang.m(Msg::DistrictRouting)) }
                @for d in &data.districts {
                    form.district-routing data-district=(d.id) method="post"
                        action=(lang.href(&format!("/cabinet/settings/districts/{}/routing", d.id))) {
                        input type="hidden" name="csrf" value=(session.csrf);
                        fieldset {
                            legend { (d.name) }
                            @for (c, name, _) in categories {
                                @let id = format!("district-{}-route-{c}", d.id);
                                @let current = routed(d.id, *c);
                                label for=(id) { (name) }
                                select id=(id) name=(format!("category_{c}")) {
                                    option value="" selected[current.is_none()] { (lang.m(Msg::AsTheCategory)) }
                                    @for a in agencies {
                                        option value=(a.id) selected[current == Some(a.id)] { (a.name) }
                                    }
                                }
                            }
                        }
                        div { button type="submit" aria-label=(format!("{}: {}", lang.m(Msg::SaveRouting), d.name)) { (lang.m(Msg::SaveRouting)) } }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct DistrictForm {
    name: Option<String>,
    geojson: Option<String>,
}

/// Adds a district, or replaces the boundary of the one of that name.
pub(super) async fn add(
    State(state): State<AppState>,
    Posted(session, lang, form): Posted<DistrictForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let refused = move |e: districts::Refusal| {
        CabinetError::BadInput(format!(
            "{}: {}",
            lang.m(Msg::DistrictRefused),
            e.text(lang.lang)
        ))
    };
    let name = form.name.unwrap_or_default();
    let text = form.geojson.unwrap_or_default();
    // Parsed here, not on the writer.
    let geometry = Geometry::parse(&text).map_err(refused).in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let saved =
                districts::save(conn, municipality_id, &name, &geometry)?.map_err(refused)?;
            let detail = format!(
                "district {}: {} vertices, {} problems placed",
                saved.id,
                geometry.vertices(),
                saved.placed
            );
            let action = if saved.replaced {
                "district_replaced"
            } else {
                "district_added"
            };
            audit(conn, Some(official_id), action, None, Some(&detail))?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

/// Deletes a district of the municipality.
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, _): Posted<NoFields>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            if !districts::delete(conn, municipality_id, id)? {
                return Err(CabinetError::NotFound);
            }
            let detail = format!("district {id}");
            audit(
                conn,
                Some(official_id),
                "district_deleted",
                None,
                Some(&detail),
            )?;
            Ok(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

/// A district's routing form: `category_{id}` = an agency id, or empty for the category's own.
pub(super) async fn save_routing(
    State(state): State<AppState>,
    Path(district): Path<i64>,
    Posted(session, lang, pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let routes = super::settings::routing_form(lang, &pairs)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            // One that is not the municipality's rolls back the whole form (the job's savepoint).
            for (category, agency) in &routes {
                if !districts::set_route(conn, municipality_id, district, *category, *agency)? {
                    return Err(CabinetError::NotFound);
                }
            }
            let detail = format!("district {district}: {} categories", routes.len());
            audit(
                conn,
                Some(official_id),
                "district_routing",
                None,
                Some(&detail),
            )?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

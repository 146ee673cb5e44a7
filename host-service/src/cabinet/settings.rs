//! The site admin's settings page, `/cabinet/settings`: the municipality's agencies and which
//! category goes to which; its districts and their routing (districts.rs); for each site, what happens to reports before they are public
//! (anonymous reports, pre-moderation), and the keys its backend signs single sign-on tokens
//! with (add one, revoke one). The same as the command line's `agency`, `site set-reports` and
//! `site sso`, for an admin without a shell.
//!
//! Only a site admin reaches it (others: 403 in words); a site of another municipality is "not
//! found"; every change is a CSRF-checked POST and is written to the audit log.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;

use super::{CabinetError, CabinetFailure, InLang, Posted, Session, audit, header_bar};
use crate::AppState;
use crate::appeals::Delivery;
use crate::i18n::Msg;
use crate::pages::{PageLang, format_time, layout, page};
use crate::sso::SsoKey;

/// A site as its settings page shows it.
struct SiteSettings {
    key: String,
    name: String,
    anonymous: String,
    premoderation: bool,
    control_days: i64,
    /// Agencies' e-mailed answers wait for a moderator.
    moderate_email_answers: bool,
    /// Terms count working days; the holidays that do not count, `YYYY-MM-DD`.
    working_days: bool,
    holidays: Vec<String>,
    keys: Vec<KeyRow>,
}

struct KeyRow {
    kid: String,
    alg: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

/// Settings are the site admin's (also templates.rs and districts.rs): other roles get 403.
pub(super) fn require_admin(session: &Session) -> Result<(), CabinetError> {
    if session.role == "site_admin" {
        Ok(())
    } else {
        Err(CabinetError::Forbidden)
    }
}

/// A routing form's pairs, `category_{id}` = an agency id or empty (none): the routes, or the
/// refusal in words. Used by the categories' routing and by each district's (districts.rs).
pub(super) fn routing_form(
    lang: PageLang,
    pairs: &[(String, String)],
) -> Result<Vec<(i64, Option<i64>)>, CabinetFailure> {
    let mut routes = Vec::new();
    for (key, value) in pairs {
        let Some(category) = key.strip_prefix("category_") else {
            continue;
        };
        let agency = match value.trim() {
            "" => Ok(None),
            v => v.parse::<i64>().map(Some),
        };
        match (category.parse::<i64>(), agency) {
            (Ok(c), Ok(a)) => routes.push((c, a)),
            _ => {
                return Err(CabinetError::BadInput(lang.m(Msg::ChooseAgency).into())).in_lang(lang);
            }
        }
    }
    Ok(routes)
}

fn load(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Vec<SiteSettings>> {
    let mut sites = conn
        .prepare_cached(
            "SELECT id, key, name, anonymous_reports, premoderation, control_days,
                    email_answers = 'moderate', working_days FROM sites
             WHERE municipality_id = ?1 ORDER BY name, key",
        )?
        .query_map([municipality_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                SiteSettings {
                    key: r.get(1)?,
                    name: r.get(2)?,
                    anonymous: r.get(3)?,
                    premoderation: r.get(4)?,
                    control_days: r.get(5)?,
                    moderate_email_answers: r.get(6)?,
                    working_days: r.get(7)?,
                    holidays: Vec::new(),
                    keys: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut keys = conn.prepare_cached(
        "SELECT kid, alg, created_at, revoked_at FROM site_sso_keys WHERE site_id = ?1
         ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC",
    )?;
    for (id, site) in &mut sites {
        site.holidays = crate::workdays::holidays(conn, *id)?
            .iter()
            .map(ToString::to_string)
            .collect();
        site.keys = keys
            .query_map([*id], |r| {
                Ok(KeyRow {
                    kid: r.get(0)?,
                    alg: r.get(1)?,
                    created_at: r.get(2)?,
                    revoked_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(sites.into_iter().map(|(_, s)| s).collect())
}

/// The site `key` if it belongs to the municipality; "not found" otherwise.
fn own_site(conn: &Connection, municipality_id: i64, key: &str) -> Result<(), CabinetError> {
    conn.query_row(
        "SELECT 1 FROM sites WHERE key = ?1 AND municipality_id = ?2",
        params![key, municipality_id],
        |_| Ok(()),
    )
    .optional()?
    .ok_or(CabinetError::NotFound)
}

pub(super) async fn settings_page(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let municipality_id = session.municipality_id;
    let name_col = super::category_name_column(lang.lang);
    let (sites, agencies, categories) = state
        .db
        .read(move |conn| {
            let categories = conn
                .prepare_cached(&format!(
                    "SELECT c.id, {name_col}, c.agency_id FROM categories c
                     WHERE c.municipality_id = ?1 AND c.active = 1 ORDER BY c.position, c.id"
                ))?
                .query_map([municipality_id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let templates = super::templates::of_municipality(conn, municipality_id)?;
            let districts = super::districts::load(conn, municipality_id)?;
            Ok::<_, CabinetError>((
                load(conn, municipality_id)?,
                crate::agencies::list(conn, municipality_id)?,
                (categories, templates, districts),
            ))
        })
        .await
        .in_lang(lang)?;
    let (categories, templates, districts) = categories;
    let title = lang.m(Msg::Settings);
    let content = html! {
        p { a href=(lang.href("/cabinet")) { (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        section.agencies aria-labelledby="agencies-title" {
            h2 id="agencies-title" { (lang.m(Msg::Agencies)) }
            p.muted { (lang.m(Msg::AgenciesHint)) }
            @if agencies.is_empty() {
                p.muted { (lang.m(Msg::NoAgencies)) }
            } @else {
                table.agency-list aria-labelledby="agencies-title" {
                    thead { tr {
                        th scope="col" { (lang.m(Msg::AgencyName)) }
                        th scope="col" { (lang.m(Msg::AgencyEmail)) }
                        th scope="col" { (lang.m(Msg::Delivery)) }
                        td {}
                    } }
                    tbody {
                        @for a in &agencies {
                            @let form_id = format!("agency-{}", a.id);
                            tr data-agency=(a.id) data-delivery=(a.delivery.as_str()) {
                                td { (a.name) }
                                td {
                                    input form=(form_id) name="email" type="email" autocomplete="off"
                                        aria-label=(format!("{}: {}", a.name, lang.m(Msg::AgencyEmail)))
                                        value=[a.email.as_deref()];
                                }
                                td { (delivery_select(lang, &format!("{form_id}-delivery"), a.delivery, &form_id, &a.name)) }
                                td {
                                    form id=(form_id) method="post" action=(lang.href(&format!("/cabinet/settings/agencies/{}", a.id))) {
                                        input type="hidden" name="csrf" value=(session.csrf);
                                        button type="submit" { (lang.m(Msg::Save)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.add-agency method="post" action=(lang.href("/cabinet/settings/agencies")) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="agency-name" { (lang.m(Msg::AgencyName)) }
                input id="agency-name" name="name" required maxlength=(crate::agencies::NAME_MAX_CHARS);
                label for="agency-email" { (lang.m(Msg::AgencyEmail)) }
                input id="agency-email" name="email" type="email" autocomplete="off";
                label for="agency-delivery" { (lang.m(Msg::Delivery)) }
                (delivery_select(lang, "agency-delivery", Delivery::Cabinet, "", ""))
                div { button type="submit" { (lang.m(Msg::AddAgency)) } }
            }
            @if !agencies.is_empty() {
                h3 id="routing-title" { (lang.m(Msg::Routing)) }
                form.routing method="post" action=(lang.href("/cabinet/settings/routing")) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    @for (id, name, routed) in &categories {
                        label for=(format!("route-{id}")) { (name) }
                        select id=(format!("route-{id}")) name=(format!("category_{id}")) {
                            option value="" selected[routed.is_none()] { (lang.m(Msg::NotRouted)) }
                            @for a in &agencies {
                                option value=(a.id) selected[*routed == Some(a.id)] { (a.name) }
                            }
                        }
                    }
                    div { button type="submit" { (lang.m(Msg::SaveRouting)) } }
                }
            }
        }
        (super::districts::section(lang, &session, &districts, &categories, &agencies))
        (super::templates::section(lang, &session, &categories, &templates))
        @for site in &sites {
            (site_section(lang, &session, site))
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}

/// The choice of how an agency gets problems. `form` (when not empty) ties the select to a
/// form elsewhere in the row; `agency` names it for screen readers.
fn delivery_select(
    lang: PageLang,
    id: &str,
    current: Delivery,
    form: &str,
    agency: &str,
) -> Markup {
    let label = |d: Delivery| match d {
        Delivery::Cabinet => Msg::DeliveryCabinet,
        Delivery::Email => Msg::DeliveryEmail,
        Delivery::Both => Msg::DeliveryBoth,
    };
    html! {
        select id=(id) name="delivery" form=[(!form.is_empty()).then_some(form)]
            aria-label=[(!agency.is_empty()).then(|| format!("{agency}: {}", lang.m(Msg::Delivery)))] {
            @for d in Delivery::ALL {
                option value=(d.as_str()) selected[d == current] { (lang.m(label(d))) }
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct AgencyUpdateForm {
    email: Option<String>,
    delivery: Option<String>,
}

/// Changes an agency's address and how it gets problems.
pub(super) async fn update_agency(
    State(state): State<AppState>,
    Path(agency_id): Path<i64>,
    Posted(session, lang, form): Posted<AgencyUpdateForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let delivery = form
        .delivery
        .as_deref()
        .and_then(Delivery::parse)
        .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::Delivery).into()))
        .in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let found = crate::agencies::update(
                conn,
                municipality_id,
                agency_id,
                form.email.as_deref(),
                delivery,
            )
            .map_err(|e| {
                CabinetError::BadInput(format!(
                    "{}: {}",
                    lang.m(Msg::AgencyNotChanged),
                    e.text(lang.lang)
                ))
            })?;
            if !found {
                return Err(CabinetError::NotFound);
            }
            let detail = format!("agency {agency_id}: delivery={}", delivery.as_str());
            audit(
                conn,
                Some(official_id),
                "agency_changed",
                None,
                Some(&detail),
            )?;
            Ok(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

fn site_section(lang: PageLang, session: &Session, site: &SiteSettings) -> Markup {
    let base = format!("/cabinet/settings/sites/{}", site.key);
    let id = |part: &str| format!("{}-{part}", site.key);
    let choice = |value: &str, label: Msg| {
        html! {
            label.check {
                input type="radio" name="anonymous" value=(value) checked[site.anonymous == value];
                " " (lang.m(label))
            }
        }
    };
    html! {
        section.site-settings data-site=(site.key) aria-labelledby=(id("title")) {
            h2 id=(id("title")) { (site.name) " " small { "(" code { (site.key) } ")" } }
            form method="post" action=(lang.href(&format!("{base}/reports"))) {
                input type="hidden" name="csrf" value=(session.csrf);
                fieldset {
                    legend { (lang.m(Msg::AnonymousReports)) }
                    (choice("confirm_email", Msg::AnonymousConfirmEmail))
                    (choice("moderated", Msg::AnonymousModerated))
                    (choice("off", Msg::AnonymousOff))
                }
                label.check {
                    input type="checkbox" name="premoderation" value="on" checked[site.premoderation];
                    " " (lang.m(Msg::Premoderation))
                }
                label for=(id("control")) { (lang.m(Msg::ControlDays)) }
                input id=(id("control")) type="number" name="control_days" min="0" max="365" value=(site.control_days);
                label.check {
                    input type="checkbox" name="working_days" value="on" checked[site.working_days];
                    " " (lang.m(Msg::WorkingDays))
                }
                label for=(id("holidays")) { (lang.m(Msg::Holidays)) }
                textarea id=(id("holidays")) name="holidays" rows="3" spellcheck="false"
                    aria-describedby=(id("holidays-hint")) { (site.holidays.join("\n")) }
                p.muted id=(id("holidays-hint")) { (lang.m(Msg::HolidaysHint)) }
                label for=(id("email-answers")) { (lang.m(Msg::EmailAnswers)) }
                select id=(id("email-answers")) name="email_answers" {
                    option value="publish" selected[!site.moderate_email_answers] { (lang.m(Msg::EmailAnswersPublish)) }
                    option value="moderate" selected[site.moderate_email_answers] { (lang.m(Msg::EmailAnswersModerate)) }
                }
                div { button type="submit" { (lang.m(Msg::Save)) } }
            }
            h3 id=(id("keys")) { (lang.m(Msg::SsoKeys)) }
            p.muted { (lang.m(Msg::SsoKeysHint)) }
            @if site.keys.is_empty() {
                p.muted { (lang.m(Msg::NoSsoKeys)) }
            } @else {
                table.sso-keys aria-labelledby=(id("keys")) {
                    thead { tr {
                        th scope="col" { "kid" }
                        th scope="col" { (lang.m(Msg::Algorithm)) }
                        th scope="col" { (lang.m(Msg::Added)) }
                        th scope="col" { (lang.m(Msg::Status)) }
                    } }
                    tbody {
                        @for key in &site.keys {
                            tr data-kid=(key.kid) {
                                td { code { (key.kid) } }
                                td { (key.alg) }
                                td { (format_time(key.created_at, lang)) }
                                td {
                                    @if let Some(at) = key.revoked_at {
                                        (lang.m(Msg::Revoked)) " " (format_time(at, lang))
                                    } @else {
                                        form.inline method="post" action=(lang.href(&format!("{base}/sso-keys/revoke"))) {
                                            input type="hidden" name="csrf" value=(session.csrf);
                                            input type="hidden" name="kid" value=(key.kid);
                                            (lang.m(Msg::Active)) " "
                                            button type="submit" aria-label=(format!("{} {}", lang.m(Msg::Revoke), key.kid)) { (lang.m(Msg::Revoke)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.add-key method="post" action=(lang.href(&format!("{base}/sso-keys"))) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for=(id("kid")) { "kid" }
                input id=(id("kid")) name="kid" required maxlength="64" autocomplete="off";
                label for=(id("pem")) { (lang.m(Msg::PublicKeyPem)) }
                textarea id=(id("pem")) name="public_key" rows="5" spellcheck="false" {}
                label for=(id("secret")) { (lang.m(Msg::Hs256Secret)) }
                input id=(id("secret")) name="hs256_secret" type="password" autocomplete="off";
                div { button type="submit" { (lang.m(Msg::AddKey)) } }
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct AgencyForm {
    name: Option<String>,
    email: Option<String>,
    delivery: Option<String>,
}

pub(super) async fn add_agency(
    State(state): State<AppState>,
    Posted(session, lang, form): Posted<AgencyForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let name = form.name.unwrap_or_default();
            let delivery = form
                .delivery
                .as_deref()
                .and_then(Delivery::parse)
                .unwrap_or_default();
            let id = crate::agencies::add(
                conn,
                municipality_id,
                &name,
                form.email.as_deref(),
                delivery,
            )
            .map_err(|e| {
                CabinetError::BadInput(format!(
                    "{}: {}",
                    lang.m(Msg::AgencyRefused),
                    e.text(lang.lang)
                ))
            })?;
            let detail = format!("agency {id}");
            audit(conn, Some(official_id), "agency_added", None, Some(&detail))?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

/// The routing form: `category_{id}` = an agency id or empty, for each category shown.
pub(super) async fn save_routing(
    State(state): State<AppState>,
    Posted(session, lang, pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let routes = routing_form(lang, &pairs)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            for (category, agency) in &routes {
                if !crate::agencies::route_category(conn, municipality_id, *category, *agency)? {
                    return Err(CabinetError::BadInput(lang.m(Msg::ChooseAgency).into()));
                }
            }
            let detail = format!("{} categories", routes.len());
            audit(conn, Some(official_id), "routing", None, Some(&detail))?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

#[derive(Deserialize)]
pub(super) struct ReportsForm {
    anonymous: Option<String>,
    premoderation: Option<String>,
    control_days: Option<String>,
    email_answers: Option<String>,
    working_days: Option<String>,
    holidays: Option<String>,
}

pub(super) async fn save_reports(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Posted(session, lang, form): Posted<ReportsForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let anonymous = form.anonymous.unwrap_or_default();
    if !matches!(anonymous.as_str(), "confirm_email" | "moderated" | "off") {
        return Err(CabinetError::BadInput(lang.m(Msg::ChooseAnonymous).into())).in_lang(lang);
    }
    let premoderation = form.premoderation.as_deref() == Some("on");
    let working_days = form.working_days.as_deref() == Some("on");
    let holidays = crate::workdays::parse_days(form.holidays.as_deref().unwrap_or_default())
        .map_err(|bad| CabinetError::BadInput(lang.tn(Msg::HolidayNotADay, bad)))
        .in_lang(lang)?;
    // Absent (an older form): left as it is.
    let email_answers = form
        .email_answers
        .filter(|a| matches!(a.as_str(), "publish" | "moderate"));
    let control_days = match form.control_days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            d.parse::<i64>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::ControlDaysRange).into()))
                .in_lang(lang)?,
        ),
    };
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    let site = key.clone();
    state
        .db
        .write(move |conn| {
            own_site(conn, municipality_id, &site)?;
            conn.execute(
                "UPDATE sites SET anonymous_reports = ?2, premoderation = ?3,
                                  control_days = coalesce(?4, control_days),
                                  email_answers = coalesce(?5, email_answers) WHERE key = ?1",
                params![site, anonymous, premoderation, control_days, email_answers],
            )?;
            let site_id: i64 =
                conn.query_row("SELECT id FROM sites WHERE key = ?1", [&site], |r| r.get(0))?;
            crate::workdays::set(conn, site_id, working_days, &holidays)?;
            let detail = format!(
                "{site}: anonymous={anonymous} premoderation={premoderation} email_answers={} working_days={working_days} holidays={}",
                email_answers.as_deref().unwrap_or("unchanged"),
                holidays.len()
            );
            audit(conn, Some(official_id), "site_reports", None, Some(&detail))?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    tracing::info!(site.key = %key, "report settings changed in the cabinet");
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

#[derive(Deserialize)]
pub(super) struct KeyForm {
    kid: Option<String>,
    public_key: Option<String>,
    hs256_secret: Option<String>,
}

pub(super) async fn add_key(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Posted(session, lang, form): Posted<KeyForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let kid = form.kid.unwrap_or_default().trim().to_owned();
    let pem = form.public_key.unwrap_or_default().trim().to_owned();
    let secret = form.hs256_secret.unwrap_or_default();
    let material = match (pem.is_empty(), secret.is_empty()) {
        (false, true) => SsoKey::public_pem(&pem),
        (true, false) => SsoKey::hs256(secret.as_bytes()),
        _ => Err(String::new()),
    };
    let sso_key = material
        .map_err(|detail| {
            let text = lang.m(Msg::KeyRefused);
            CabinetError::BadInput(if detail.is_empty() {
                text.to_owned()
            } else {
                format!("{text} ({detail})")
            })
        })
        .in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    let site = key.clone();
    state
        .db
        .write(move |conn| {
            own_site(conn, municipality_id, &site)?;
            crate::sso::insert_key(conn, &site, &kid, &sso_key).map_err(|e| {
                CabinetError::BadInput(format!("{} ({e})", lang.m(Msg::KeyRefused)))
            })?;
            let detail = format!("{site}: kid={kid} alg={}", sso_key.alg.as_str());
            audit(
                conn,
                Some(official_id),
                "sso_key_added",
                None,
                Some(&detail),
            )?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    tracing::info!(site.key = %key, "SSO key added in the cabinet");
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

pub(super) async fn revoke_key(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Posted(session, lang, form): Posted<KeyForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let kid = form.kid.unwrap_or_default().trim().to_owned();
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    let site = key.clone();
    state
        .db
        .write(move |conn| {
            own_site(conn, municipality_id, &site)?;
            if !crate::sso::revoke_key(conn, &site, &kid)? {
                return Err(CabinetError::NotFound);
            }
            let detail = format!("{site}: kid={kid}");
            audit(
                conn,
                Some(official_id),
                "sso_key_revoked",
                None,
                Some(&detail),
            )?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    tracing::info!(site.key = %key, "SSO key revoked in the cabinet");
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

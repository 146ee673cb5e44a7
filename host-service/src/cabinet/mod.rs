//! The officials' cabinet: server-rendered pages to log in, list a municipality's problems,
//! read one (with the reporter's contacts — every such read is audited) and change its status.
//!
//! Security: a `__Host-` session cookie (`Secure; HttpOnly; SameSite=Strict`) whose SHA-256 is
//! stored; every POST carries the session's CSRF token and must not come from another origin;
//! an official sees only their municipality, and anything else is "not found" (not "forbidden",
//! which would confirm it exists).

use std::sync::OnceLock;

use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, RawForm, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use civic_wire::{Lang, Status};
use maud::{Markup, html};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::db::{DbError, now};
use crate::http::SESSION_TTL;
use crate::i18n::{self, Msg};
use crate::pages::{PageLang, format_time, iso_time, language_switch, layout, message_page, page};
use crate::{AppState, Config, secrets};

mod districts;
mod export;
mod inbox;
mod overdue;
mod settings;
pub mod stats;
mod templates;

/// Problems per list page.
pub const PAGE_SIZE: i64 = 50;
/// Longest public answer or internal note accepted.
pub(super) const ANSWER_MAX_CHARS: usize = 4000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cabinet", get(list))
        .route(
            "/cabinet/",
            get(|lang: PageLang| async move { Redirect::to(&lang.href("/cabinet")) }),
        )
        .route("/cabinet/login", get(login_form).post(login))
        .route("/cabinet/logout", post(logout))
        .route("/cabinet/problems/{id}", get(detail))
        .route("/cabinet/problems/{id}/status", post(change_status))
        .route("/cabinet/bulk", post(bulk_change))
        .route("/cabinet/problems/{id}/agency", post(change_agency))
        .route("/cabinet/problems/{id}/description", post(redact))
        .route("/cabinet/photos/{id}/{file}", get(photo))
        .route("/cabinet/photos/{id}/visibility", post(photo_visibility))
        .route("/cabinet/overdue", get(overdue::overdue))
        .route("/cabinet/stats", get(stats::stats))
        .route("/cabinet/export.csv", get(export::csv))
        .route("/cabinet/export.geojson", get(export::geojson))
        .route("/cabinet/mail", get(inbox::mail_page))
        .route("/cabinet/mail/{id}/publish", post(inbox::publish))
        .route("/cabinet/mail/{id}/discard", post(inbox::discard))
        .route("/cabinet/settings", get(settings::settings_page))
        .route("/cabinet/settings/templates", post(templates::add))
        .route(
            "/cabinet/settings/districts",
            post(districts::add).layer(axum::extract::DefaultBodyLimit::max(
                districts::FORM_MAX_BYTES,
            )),
        )
        .route(
            "/cabinet/settings/districts/{id}/delete",
            post(districts::delete),
        )
        .route(
            "/cabinet/settings/districts/{id}/routing",
            post(districts::save_routing),
        )
        .route(
            "/cabinet/settings/templates/{id}/delete",
            post(templates::delete),
        )
        .route(
            "/cabinet/settings/agencies/{id}",
            post(settings::update_agency),
        )
        .route("/cabinet/settings/agencies", post(settings::add_agency))
        .route("/cabinet/settings/routing", post(settings::save_routing))
        .route(
            "/cabinet/settings/sites/{key}/reports",
            post(settings::save_reports),
        )
        .route(
            "/cabinet/settings/sites/{key}/sso-keys",
            post(settings::add_key),
        )
        .route(
            "/cabinet/settings/sites/{key}/sso-keys/revoke",
            post(settings::revoke_key),
        )
}

#[derive(Debug, thiserror::Error)]
pub enum CabinetError {
    #[error("login required")]
    LoginRequired,
    #[error("not found")]
    NotFound,
    #[error("cross-site or token-less form refused")]
    CsrfRefused,
    /// The official's role does not allow this page or action.
    #[error("not allowed for this role")]
    Forbidden,
    #[error("{0}")]
    BadInput(String),
    #[error("database: {0}")]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for CabinetError {
    fn from(e: rusqlite::Error) -> Self {
        CabinetError::Db(DbError::Sqlite(e))
    }
}

/// A [`CabinetError`] with the language its page is written in.
#[derive(Debug)]
pub struct CabinetFailure {
    pub lang: PageLang,
    pub error: CabinetError,
}

impl IntoResponse for CabinetFailure {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let back = Some((lang.href("/cabinet"), lang.m(Msg::BackToTheList).to_owned()));
        let back = back.as_ref().map(|(h, l)| (h.as_str(), l.as_str()));
        match self.error {
            CabinetError::LoginRequired => {
                Redirect::to(&lang.href("/cabinet/login")).into_response()
            }
            CabinetError::NotFound => message_page(
                lang,
                StatusCode::NOT_FOUND,
                lang.m(Msg::NotFound),
                lang.m(Msg::NoSuchReport),
                back,
            ),
            CabinetError::CsrfRefused => message_page(
                lang,
                StatusCode::FORBIDDEN,
                lang.m(Msg::RequestRefused),
                lang.m(Msg::RequestRefusedText),
                back,
            ),
            CabinetError::Forbidden => message_page(
                lang,
                StatusCode::FORBIDDEN,
                lang.m(Msg::Forbidden),
                lang.m(Msg::ForbiddenText),
                back,
            ),
            CabinetError::BadInput(text) => message_page(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.m(Msg::NotSaved),
                &text,
                back,
            ),
            CabinetError::Db(e) => {
                tracing::error!(error = %e, "cabinet request failed");
                message_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang.m(Msg::Error),
                    lang.m(Msg::SomethingWentWrong),
                    back,
                )
            }
        }
    }
}

trait InLang<T> {
    fn in_lang(self, lang: PageLang) -> Result<T, CabinetFailure>;
}

impl<T, E: Into<CabinetError>> InLang<T> for Result<T, E> {
    fn in_lang(self, lang: PageLang) -> Result<T, CabinetFailure> {
        self.map_err(|e| CabinetFailure {
            lang,
            error: e.into(),
        })
    }
}

/// The logged-in official, found from the session cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub official_id: i64,
    pub municipality_id: i64,
    pub display_name: String,
    /// `site_admin`, `moderator`, `agency_official` or `analyst`.
    pub role: String,
    /// An agency official's agency.
    pub agency_id: Option<i64>,
    pub csrf: String,
    token_hash: Vec<u8>,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = CabinetFailure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = PageLang::from_request(&parts.uri, &parts.headers);
        let name = state.config.session_cookie_name();
        let token = cookie(&parts.headers, name)
            .ok_or(CabinetError::LoginRequired)
            .in_lang(lang)?;
        let token_hash = secrets::token_hash(&token);
        let found = state
            .db
            .read(move |conn| {
                conn.query_row(
                    "SELECT o.id, o.municipality_id, o.display_name, s.csrf_token, o.role, o.agency_id
                     FROM official_sessions s JOIN officials o ON o.id = s.official_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                    params![token_hash, now()],
                    |r| {
                        Ok(Session {
                            official_id: r.get(0)?,
                            municipality_id: r.get(1)?,
                            display_name: r.get(2)?,
                            csrf: r.get(3)?,
                            role: r.get(4)?,
                            agency_id: r.get(5)?,
                            token_hash: token_hash.clone(),
                        })
                    },
                )
                .optional()
                .map_err(CabinetError::from)
            })
            .await
            .in_lang(lang)?;
        found.ok_or(CabinetError::LoginRequired).in_lang(lang)
    }
}

impl Session {
    /// The agency an agency official is limited to (`Some(-1)`, nothing, if theirs is
    /// missing); `None` for the roles that see the whole municipality.
    pub fn agency_scope(&self) -> Option<i64> {
        (self.role == "agency_official").then(|| self.agency_id.unwrap_or(-1))
    }

    /// Whether the official may route problems to agencies (site admins and moderators).
    pub fn routes(&self) -> bool {
        matches!(self.role.as_str(), "site_admin" | "moderator")
    }

    /// Whether the official may change problems (their status): every role but the analyst,
    /// who only reads.
    pub fn changes(&self) -> bool {
        matches!(
            self.role.as_str(),
            "site_admin" | "moderator" | "agency_official"
        )
    }

    /// Whether the official sees a reporter's contacts (each view audited): not the analyst.
    pub fn sees_contacts(&self) -> bool {
        matches!(
            self.role.as_str(),
            "site_admin" | "moderator" | "agency_official"
        )
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Refuses a POST that a browser says came from another site, or whose `Origin` is not ours.
fn check_origin(headers: &HeaderMap, config: &Config) -> Result<(), CabinetError> {
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| origin != config.public_origin());
    if cross_site || foreign_origin {
        Err(CabinetError::CsrfRefused)
    } else {
        Ok(())
    }
}

/// A cabinet POST that passed the CSRF check: the logged-in official (else the login page),
/// the page's language and the form, sent from our origin with the session's token in its
/// `csrf` field (else 403). The token is read from the same body, so `T` need not name it; an
/// unreadable form (another content type, too long, a bad field) is refused like a missing
/// token. Role checks are the handler's.
pub(super) struct Posted<T>(pub Session, pub PageLang, pub T);

/// The form of a POST that sends nothing but its token.
#[derive(Deserialize)]
pub(super) struct NoFields {}

/// The token of any cabinet form (its other fields ignored).
#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = CabinetFailure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let lang = PageLang::from_request(&parts.uri, &parts.headers);
        let session = Session::from_request_parts(&mut parts, state).await?;
        check_origin(&parts.headers, &state.config).in_lang(lang)?;
        let body = RawForm::from_request(Request::from_parts(parts, body), state).await;
        let read = body.ok().and_then(|RawForm(bytes)| {
            let form = serde_urlencoded::from_bytes::<T>(&bytes).ok()?;
            let CsrfField { csrf } = serde_urlencoded::from_bytes(&bytes).ok()?;
            Some((form, csrf?))
        });
        match read {
            Some((form, sent)) if constant_time_eq(sent.as_bytes(), session.csrf.as_bytes()) => {
                Ok(Posted(session, lang, form))
            }
            _ => Err(CabinetError::CsrfRefused).in_lang(lang),
        }
    }
}

/// Refuses (403) what the official's role does not allow: `allowed` is a role check of
/// [`Session`], such as [`Session::routes`].
fn allow(allowed: bool) -> Result<(), CabinetError> {
    if allowed {
        Ok(())
    } else {
        Err(CabinetError::Forbidden)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn header_bar(lang: PageLang, session: &Session) -> Markup {
    html! {
        a.overdue-link href=(lang.href("/cabinet/overdue")) { (lang.m(Msg::OverdueTitle)) }
        " "
        a.stats-link href=(lang.href("/cabinet/stats")) { (lang.m(Msg::Stats)) }
        " "
        @if session.routes() {
            a.mail-link href=(lang.href("/cabinet/mail")) { (lang.m(Msg::MailTitle)) }
            " "
        }
        @if session.role == "site_admin" {
            a.settings href=(lang.href("/cabinet/settings")) { (lang.m(Msg::Settings)) }
        }
        span.official { (session.display_name) }
        form.inline method="post" action=(lang.href("/cabinet/logout")) {
            input type="hidden" name="csrf" value=(session.csrf);
            button.link type="submit" id="logout" { (lang.m(Msg::LogOut)) }
        }
    }
}

// ---------------------------------------------------------------- login and logout

#[derive(Deserialize, Default)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

fn login_page(lang: PageLang, status: StatusCode, error: Option<&str>, login: &str) -> Response {
    let title = lang.m(Msg::LoginTitle);
    page(
        status,
        layout(
            lang,
            title,
            language_switch(lang),
            html! {
                h1 { (title) }
                @if let Some(error) = error {
                    p.error role="alert" id="login-error" { (error) }
                }
                form id="login" method="post" action=(lang.href("/cabinet/login")) {
                    label for="login-name" { (lang.m(Msg::Login)) }
                    input type="text" id="login-name" name="login" value=(login) autocomplete="username" required autofocus;
                    label for="login-password" { (lang.m(Msg::Password)) }
                    input type="password" id="login-password" name="password" autocomplete="current-password" required;
                    div { button type="submit" { (lang.m(Msg::LogIn)) } }
                }
            },
        ),
    )
}

async fn login_form(lang: PageLang) -> Response {
    login_page(lang, StatusCode::OK, None, "")
}

/// A hash to verify against when the login is unknown, so that a wrong login takes as long
/// as a wrong password and logins cannot be probed by timing.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| secrets::hash_password("not a real password").unwrap_or_default())
}

#[tracing::instrument(skip_all, fields(official.id))]
async fn login(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, CabinetFailure> {
    // There is no session yet, so no token to check; the origin check stops login CSRF.
    check_origin(&headers, &state.config).in_lang(lang)?;
    let Form(form) = form
        .map_err(|_| CabinetError::BadInput(lang.m(Msg::FormUnreadable).into()))
        .in_lang(lang)?;
    let login = form.login.trim().to_owned();
    let lookup = login.clone();
    let official: Option<(i64, String)> = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT id, password_hash FROM officials WHERE login = ?1",
                [lookup],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(CabinetError::from)
        })
        .await
        .in_lang(lang)?;
    let password = form.password;
    let (official_id, phc) = official.clone().unwrap_or((0, dummy_hash().to_owned()));
    let verified = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &phc))
        .await
        .unwrap_or(false);
    if !verified || official.is_none() {
        tracing::info!("cabinet login refused");
        let error = lang.m(Msg::WrongLogin);
        return Ok(login_page(
            lang,
            StatusCode::UNAUTHORIZED,
            Some(error),
            &login,
        ));
    }
    tracing::Span::current().record("official.id", official_id);
    let token = secrets::token();
    let token_hash = secrets::token_hash(&token);
    let csrf = secrets::token();
    state
        .db
        .write(move |conn| {
            let at = now();
            // Expired sessions are swept here, at the moment new ones are made.
            conn.execute("DELETE FROM official_sessions WHERE expires_at <= ?1", [at])?;
            conn.execute(
                "INSERT INTO official_sessions (token_hash, official_id, csrf_token, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, official_id, csrf, at, at + SESSION_TTL.as_secs() as i64],
            )?;
            audit(conn, Some(official_id), "login", None, None)?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    tracing::info!("cabinet login");
    let mut response = Redirect::to(&lang.href("/cabinet")).into_response();
    let cookie = session_cookie(&state.config, &token, false);
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("token is hex"),
    );
    Ok(response)
}

fn session_cookie(config: &Config, token: &str, clear: bool) -> String {
    let mut cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict",
        config.session_cookie_name()
    );
    if config.secure_cookies() {
        cookie.push_str("; Secure");
    }
    if clear {
        cookie.push_str("; Max-Age=0");
    }
    cookie
}

async fn logout(
    State(state): State<AppState>,
    Posted(session, lang, _): Posted<NoFields>,
) -> Result<Response, CabinetFailure> {
    let hash = session.token_hash.clone();
    let official_id = session.official_id;
    state
        .db
        .write(move |conn| {
            conn.execute(
                "DELETE FROM official_sessions WHERE token_hash = ?1",
                [hash],
            )?;
            audit(conn, Some(official_id), "logout", None, None)?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    let mut response = Redirect::to(&lang.href("/cabinet/login")).into_response();
    let cookie = session_cookie(&state.config, "", true);
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("ascii"),
    );
    Ok(response)
}

fn audit(
    conn: &Connection,
    official_id: Option<i64>,
    action: &str,
    problem_id: Option<i64>,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, official_id, action, problem_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now(), official_id, action, problem_id, detail],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- the list

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    category: Option<String>,
    /// A district's id, or [`DistrictFilter::OUTSIDE`].
    district: Option<String>,
    /// The page's number, as shown; the rows are chosen by `before` / `after`.
    page: Option<i64>,
    /// Keyset cursor: the rows older than this problem id (the "older" link).
    before: Option<i64>,
    /// Keyset cursor: the rows newer than this problem id (the "newer" link).
    after: Option<i64>,
}

impl ListQuery {
    /// The filter chosen (empty or unreadable values: all), within `agency` (an agency
    /// official's own agency: [`Session::agency_scope`]).
    fn filter(&self, agency: Option<i64>) -> ListFilter {
        let status = self
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .and_then(Status::parse);
        let category = self
            .category
            .as_deref()
            .filter(|s| !s.is_empty())
            .and_then(|c| c.parse::<i64>().ok());
        let district = self.district.as_deref().and_then(DistrictFilter::parse);
        ListFilter {
            status,
            category,
            agency,
            district,
        }
    }
}

/// One row of the cabinet's list.
pub struct ListRow {
    pub id: i64,
    created_at: i64,
    site: String,
    category: String,
    status: Status,
    excerpt: String,
    /// The district its place is in (`None`: outside every district, or no place).
    district: Option<String>,
    /// The agency it is routed to.
    agency: Option<String>,
    /// Its deadline, once published.
    due_at: Option<i64>,
}

/// What the list is filtered by.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub category: Option<i64>,
    /// Only this agency's problems (an agency official's list).
    pub agency: Option<i64>,
    /// Only one district's problems, or those outside every district.
    pub district: Option<DistrictFilter>,
}

/// The list's district filter (districts.rs places each located problem in one district).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistrictFilter {
    /// The problems of this district.
    In(i64),
    /// The problems in no district: outside all of them, or without a place.
    Outside,
}

impl DistrictFilter {
    /// The query value of [`DistrictFilter::Outside`]; a district is its id.
    pub const OUTSIDE: &str = "none";

    /// Reads a query value (empty or unreadable: no filter).
    fn parse(value: &str) -> Option<DistrictFilter> {
        match value {
            DistrictFilter::OUTSIDE => Some(DistrictFilter::Outside),
            id => id.parse().ok().map(DistrictFilter::In),
        }
    }

    /// The query value, as [`DistrictFilter::parse`] reads it.
    fn param(self) -> String {
        match self {
            DistrictFilter::In(id) => id.to_string(),
            DistrictFilter::Outside => DistrictFilter::OUTSIDE.to_owned(),
        }
    }

    /// The `district_id` it matches with `IS`: the district's id, or NULL for outside.
    fn id(self) -> Option<i64> {
        match self {
            DistrictFilter::In(id) => Some(id),
            DistrictFilter::Outside => None,
        }
    }
}

/// The `WHERE` term of a district filter on `p`, naming the parameter `param` in every case (as
/// rusqlite binds every parameter): bind it to the filter's [`DistrictFilter::id`].
fn district_term(filter: Option<DistrictFilter>, param: &str) -> String {
    match filter {
        Some(_) => format!("p.district_id IS {param}"),
        None => format!("{param} IS NULL"),
    }
}

/// The query string of a list filter (agency aside: that is the session's), for the pages'
/// and the exports' links.
fn filter_query(filter: &ListFilter) -> Vec<String> {
    let mut query = Vec::new();
    if let Some(s) = filter.status {
        query.push(format!("status={}", s.as_str()));
    }
    if let Some(c) = filter.category {
        query.push(format!("category={c}"));
    }
    if let Some(d) = filter.district {
        query.push(format!("district={}", d.param()));
    }
    query
}

/// Which page of the list: keyset pagination, so a page costs the same at any depth.
#[derive(Debug, Clone, Copy)]
pub enum ListCursor {
    /// The newest problems.
    First,
    /// The problems older than (with an id below) this one.
    Before(i64),
    /// The problems newer than (with an id above) this one.
    After(i64),
}

/// One page of the list, newest first: the rows, and whether newer and older rows exist.
pub struct ListPage {
    pub rows: Vec<ListRow>,
    pub has_newer: bool,
    pub has_older: bool,
}

fn category_name_column(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "c.name_ru",
        Lang::En => "c.name_en",
    }
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

/// One page of a municipality's problems (the list query of `/cabinet`).
///
/// `problems` is the outer loop (`CROSS JOIN` fixes the order), read newest first by its primary
/// key, or by `problems_status` / `problems_category` when filtered, or by
/// `problems_district_list` (migration 0020) when filtered by district, and the scan stops after
/// one page: no sort, no `OFFSET`.
pub fn list_page(
    conn: &Connection,
    municipality_id: i64,
    filter: ListFilter,
    cursor: ListCursor,
    lang: Lang,
) -> rusqlite::Result<ListPage> {
    let name_col = category_name_column(lang);
    // Reports waiting for their e-mail confirmation are nobody's business yet.
    let mut wheres = vec![
        "s.municipality_id = ?1",
        "p.id > ?2",
        "p.id < ?3",
        "p.awaiting_confirmation = 0",
    ];
    if filter.status.is_some() {
        wheres.push("p.status = ?4");
    }
    if filter.category.is_some() {
        wheres.push("p.category_id = ?5");
    }
    // ?7 is always bound, so it is always named (a constant `?7 IS NULL` when unused).
    wheres.push(if filter.agency.is_some() {
        "p.agency_id = ?7"
    } else {
        "?7 IS NULL"
    });
    let district = district_term(filter.district, "?8");
    wheres.push(&district);
    // A district's problems are read from its own index: the planner might otherwise walk the
    // status's or the agency's, with the whole city's rows between the district's.
    let index = if filter.district.is_some() {
        "INDEXED BY problems_district_list"
    } else {
        ""
    };
    let (low, high, order) = match cursor {
        ListCursor::First => (i64::MIN, i64::MAX, "DESC"),
        ListCursor::Before(id) => (i64::MIN, id, "DESC"),
        ListCursor::After(id) => (id, i64::MAX, "ASC"),
    };
    let sql = format!(
        "SELECT p.id, p.created_at, s.name, {name_col}, p.status, p.description, d.name, a.name, p.due_at
         FROM problems p {index} CROSS JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
         LEFT JOIN districts d ON d.id = p.district_id LEFT JOIN agencies a ON a.id = p.agency_id
         WHERE {}
         ORDER BY p.id {order} LIMIT ?6",
        wheres.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt
        .query_map(
            params![
                municipality_id,
                low,
                high,
                filter.status.map(Status::as_str),
                filter.category,
                PAGE_SIZE + 1,
                filter.agency,
                filter.district.and_then(DistrictFilter::id)
            ],
            |r| {
                Ok(ListRow {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    site: r.get(2)?,
                    category: r.get(3)?,
                    status: Status::parse(&r.get::<_, String>(4)?).unwrap_or(Status::New),
                    excerpt: excerpt(&r.get::<_, String>(5)?, 120),
                    district: r.get(6)?,
                    agency: r.get(7)?,
                    due_at: r.get(8)?,
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(match cursor {
        ListCursor::First => ListPage {
            rows,
            has_newer: false,
            has_older: more,
        },
        ListCursor::Before(_) => ListPage {
            rows,
            has_newer: true,
            has_older: more,
        },
        ListCursor::After(_) => {
            rows.reverse();
            ListPage {
                rows,
                has_newer: more,
                has_older: true,
            }
        }
    })
}

/// How many problems of the municipality match the filter: a sum over the `problem_counts` rows
/// of its sites (a few dozen), which the triggers of migration 0005 keep exact; a district's (or
/// an agency's) share is counted on its index.
pub fn list_total(
    conn: &Connection,
    municipality_id: i64,
    filter: ListFilter,
) -> rusqlite::Result<i64> {
    if let Some(district) = filter.district {
        // One district's share (or what is outside them all), agency scope included: counted on
        // `problems_district_list` alone, whose trailing columns hold every filter. A problem's
        // district is its municipality's (districts.rs places it so), so a district is checked
        // once, not per problem; the problems outside every district are every municipality's,
        // told apart by their site. (?2 is always bound, so it is always named.)
        let whose = match district {
            DistrictFilter::In(id) => {
                let ours = conn
                    .prepare_cached(
                        "SELECT 1 FROM districts WHERE id = ?1 AND municipality_id = ?2",
                    )?
                    .exists(params![id, municipality_id])?;
                if !ours {
                    return Ok(0);
                }
                "?2 IS NOT NULL"
            }
            DistrictFilter::Outside => {
                "p.site_id IN (SELECT s.id FROM sites s WHERE s.municipality_id = ?2)"
            }
        };
        return conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM problems p INDEXED BY problems_district_list
                 WHERE p.district_id IS ?1 AND {whose} AND p.awaiting_confirmation = 0
                   AND (?3 IS NULL OR p.status = ?3) AND (?4 IS NULL OR p.category_id = ?4)
                   AND (?5 IS NULL OR p.agency_id = ?5)"
            ))?
            .query_row(
                params![
                    district.id(),
                    municipality_id,
                    filter.status.map(Status::as_str),
                    filter.category,
                    filter.agency
                ],
                |r| r.get(0),
            );
    }
    if let Some(agency) = filter.agency {
        // One agency's share: counted on its index (`problems_agency`), a fraction of the city.
        return conn
            .prepare_cached(
                "SELECT count(*) FROM problems p JOIN sites s ON s.id = p.site_id
                 WHERE p.agency_id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0
                   AND (?3 IS NULL OR p.status = ?3) AND (?4 IS NULL OR p.category_id = ?4)",
            )?
            .query_row(
                params![
                    agency,
                    municipality_id,
                    filter.status.map(Status::as_str),
                    filter.category
                ],
                |r| r.get(0),
            );
    }
    conn.prepare_cached(
        "SELECT coalesce(sum(pc.n), 0) FROM problem_counts pc JOIN sites s ON s.id = pc.site_id
         WHERE s.municipality_id = ?1 AND (?2 IS NULL OR pc.status = ?2)
           AND (?3 IS NULL OR pc.category_id = ?3)",
    )?
    .query_row(
        params![
            municipality_id,
            filter.status.map(Status::as_str),
            filter.category
        ],
        |r| r.get(0),
    )
}

#[tracing::instrument(skip_all, fields(official.id = session.official_id))]
async fn list(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, CabinetFailure> {
    let filter = q.filter(session.agency_scope());
    let ListFilter {
        status,
        category,
        district,
        ..
    } = filter;
    let cursor = match (q.before, q.after) {
        (Some(id), _) => ListCursor::Before(id),
        (None, Some(id)) => ListCursor::After(id),
        (None, None) => ListCursor::First,
    };
    let municipality_id = session.municipality_id;
    let name_col = category_name_column(lang.lang);
    let (list, total, categories, districts) = state
        .db
        .read(move |conn| {
            let list = list_page(conn, municipality_id, filter, cursor, lang.lang)?;
            let total = list_total(conn, municipality_id, filter)?;
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT c.id, {name_col} FROM categories c WHERE c.municipality_id = ?1 ORDER BY c.position, c.id"
            ))?;
            let categories = stmt
                .query_map([municipality_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let districts = crate::districts::list(conn, municipality_id)?;
            Ok::<_, CabinetError>((list, total, categories, districts))
        })
        .await
        .in_lang(lang)?;
    // The shown number: 1 on the newest page, else what the link said.
    let page_no = if list.has_newer {
        q.page.unwrap_or(2).max(2)
    } else {
        1
    };
    let rows = &list.rows;
    let page_href = |n: i64, cursor: &str| {
        let mut query = vec![format!("page={n}"), cursor.to_owned()];
        query.extend(filter_query(&filter));
        lang.href(&format!("/cabinet?{}", query.join("&")))
    };
    let newer_href = rows
        .first()
        .filter(|_| list.has_newer)
        .map(|r| page_href(page_no - 1, &format!("after={}", r.id)));
    let older_href = rows
        .last()
        .filter(|_| list.has_older)
        .map(|r| page_href(page_no + 1, &format!("before={}", r.id)));
    let export_href = |ext: &str| {
        let query = filter_query(&filter);
        lang.href(&format!("/cabinet/export.{ext}?{}", query.join("&")))
    };
    // The district select and column: only where the municipality has districts.
    let by_district = !districts.is_empty();
    // Ticks and the form for the ticked: for those who change statuses.
    let bulk = session.changes();
    let now = now();
    let back = filter_query(&filter).join("&");
    let title = lang.m(Msg::Reports);
    let content = html! {
        h1 { (title) }
        form.filters id="filters" method="get" action="/cabinet" {
            @if lang.explicit { input type="hidden" name="lang" value=(lang.lang.code()); }
            div {
                label for="filter-status" { (lang.m(Msg::Status)) }
                select id="filter-status" name="status" {
                    option value="" { (lang.m(Msg::All)) }
                    @for s in Status::ALL {
                        option value=(s.as_str()) selected[status == Some(s)] { (s.label(lang.lang)) }
                    }
                }
            }
            div {
                label for="filter-category" { (lang.m(Msg::Category)) }
                select id="filter-category" name="category" {
                    option value="" { (lang.m(Msg::All)) }
                    @for (id, name) in &categories {
                        option value=(id) selected[category == Some(*id)] { (name) }
                    }
                }
            }
            @if by_district {
                div {
                    label for="filter-district" { (lang.m(Msg::District)) }
                    select id="filter-district" name="district" {
                        option value="" { (lang.m(Msg::All)) }
                        @for d in &districts {
                            option value=(d.id) selected[district == Some(DistrictFilter::In(d.id))] { (d.name) }
                        }
                        option value=(DistrictFilter::OUTSIDE) selected[district == Some(DistrictFilter::Outside)] {
                            (lang.m(Msg::OutsideDistricts))
                        }
                    }
                }
            }
            div { button type="submit" { (lang.m(Msg::Show)) } }
        }
        p id="problem-count" { (i18n::reports_count(lang.lang, total.unsigned_abs())) }
        p.exports {
            (lang.m(Msg::Download)) " "
            a href=(export_href("csv")) download { "CSV" }
            " · "
            a href=(export_href("geojson")) download { "GeoJSON" }
        }
        @if rows.is_empty() {
            p.notice id="no-problems" { (lang.m(Msg::NoReports)) }
        } @else {
            table.problems {
                caption.muted { (lang.m(Msg::NewestFirst)) }
                thead { tr {
                    @if bulk { th scope="col" { span.visually-hidden { (lang.m(Msg::Tick)) } "✓" } }
                    th scope="col" { (lang.m(Msg::NumberSign)) }
                    th scope="col" { (lang.m(Msg::Date)) }
                    th scope="col" { (lang.m(Msg::Site)) }
                    th scope="col" { (lang.m(Msg::Category)) }
                    @if by_district { th scope="col" { (lang.m(Msg::District)) } }
                    th scope="col" { (lang.m(Msg::Agency)) }
                    th scope="col" { (lang.m(Msg::Status)) }
                    th scope="col" { (lang.m(Msg::DueBy)) }
                    th scope="col" { (lang.m(Msg::Description)) }
                } }
                tbody {
                    @for row in rows {
                        tr data-problem-id=(row.id) {
                            @if bulk {
                                td.tick {
                                    input type="checkbox" name="id" value=(row.id) form="bulk"
                                        aria-label=(lang.tn(Msg::TickReport, row.id));
                                }
                            }
                            td.problem-number { a href=(lang.href(&format!("/cabinet/problems/{}", row.id))) { (row.id) } }
                            td { time datetime=(iso_time(row.created_at)) { (format_time(row.created_at, lang)) } }
                            td { (row.site) }
                            td { (row.category) }
                            @if by_district {
                                td.problem-district {
                                    @if let Some(name) = &row.district { (name) }
                                    @else { span.muted { (lang.m(Msg::OutsideDistricts)) } }
                                }
                            }
                            td.problem-agency {
                                @if let Some(name) = &row.agency { (name) }
                                @else { span.muted { (lang.m(Msg::NotRouted)) } }
                            }
                            td { span.status data-status=(row.status.as_str()) { (row.status.label(lang.lang)) } }
                            td.problem-due {
                                @if let Some(due) = row.due_at {
                                    time datetime=(iso_time(due)) { (format_time(due, lang)) }
                                    @if due < now && matches!(row.status, Status::Published | Status::InProgress) {
                                        " " strong.overdue { (lang.m(Msg::Overdue)) }
                                    }
                                }
                            }
                            td.problem-excerpt { (row.excerpt) }
                        }
                    }
                }
            }
        }
        @if bulk && !rows.is_empty() {
            form.bulk id="bulk" method="post" action=(lang.href("/cabinet/bulk")) {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="back" value=(back);
                fieldset {
                    legend { (lang.m(Msg::BulkLegend)) }
                    label for="bulk-status" { (lang.m(Msg::NewStatus)) }
                    select id="bulk-status" name="status" {
                        @for s in Status::ALL.into_iter().filter(|s| *s != Status::Duplicate) {
                            option value=(s.as_str()) { (s.label(lang.lang)) }
                        }
                    }
                    label for="bulk-reason" { (lang.m(Msg::RefusalReason)) }
                    select id="bulk-reason" name="reason" {
                        option value="" { (lang.m(Msg::NotGiven)) }
                        @for (code, label) in REFUSAL_REASONS {
                            option value=(code) { (lang.m(label)) }
                        }
                    }
                    label for="bulk-answer" { (lang.m(Msg::PublicAnswer)) }
                    textarea id="bulk-answer" name="public_answer" maxlength=(ANSWER_MAX_CHARS) {}
                    div { button type="submit" { (lang.m(Msg::BulkApply)) } }
                }
            }
        }
        nav.pager aria-label=(lang.m(Msg::Pages)) {
            @if let Some(href) = &newer_href { a rel="prev" href=(href) { (lang.m(Msg::Newer)) } }
            @if newer_href.is_some() || older_href.is_some() { span aria-current="page" { (lang.tn(Msg::PageN, page_no)) } }
            @if let Some(href) = &older_href { a rel="next" href=(href) { (lang.m(Msg::Older)) } }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}

// ---------------------------------------------------------------- one problem

struct ProblemView {
    id: i64,
    site: String,
    category: String,
    status: Status,
    description: String,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    tracking_code: String,
    origin: Option<String>,
    created_at: i64,
    published_at: Option<i64>,
    /// The deadline: set when it was published, the category's term later.
    due_at: Option<i64>,
    agency_id: Option<i64>,
    agency: Option<String>,
    category_id: i64,
    /// Merged into this problem (marked a duplicate).
    duplicate_of: Option<i64>,
    /// The district its place is in (districts.rs).
    district: Option<String>,
}

struct EventView {
    at: i64,
    official: Option<String>,
    from: Option<Status>,
    to: Status,
    public_answer: Option<String>,
    internal_note: Option<String>,
}

/// The reporter's contacts; exists only inside the cabinet, never serialized.
struct Contacts {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// The reporter agreed that the agency may see them (in its e-mailed appeal).
    shared: bool,
}

fn load_problem(
    conn: &Connection,
    id: i64,
    session: &Session,
    lang: Lang,
) -> rusqlite::Result<Option<ProblemView>> {
    let name_col = category_name_column(lang);
    conn.query_row(
        &format!(
            "SELECT p.id, s.name, {name_col}, p.status, p.description, p.address, p.lat, p.lon, p.tracking_code,
                    p.origin, p.created_at, p.published_at, p.due_at, p.agency_id, a.name, p.category_id,
                    p.duplicate_of, d.name
             FROM problems p JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
             LEFT JOIN agencies a ON a.id = p.agency_id LEFT JOIN districts d ON d.id = p.district_id
             WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0
               AND (?3 IS NULL OR p.agency_id = ?3)"
        ),
        params![id, session.municipality_id, session.agency_scope()],
        |r| {
            Ok(ProblemView {
                id: r.get(0)?,
                site: r.get(1)?,
                category: r.get(2)?,
                status: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::New),
                description: r.get(4)?,
                address: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
                tracking_code: r.get(8)?,
                origin: r.get(9)?,
                created_at: r.get(10)?,
                published_at: r.get(11)?,
                due_at: r.get(12)?,
                agency_id: r.get(13)?,
                agency: r.get(14)?,
                category_id: r.get(15)?,
                duplicate_of: r.get(16)?,
                district: r.get(17)?,
            })
        },
    )
    .optional()
}

#[tracing::instrument(skip_all, fields(official.id = session.official_id, problem.id = id))]
async fn detail(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, CabinetFailure> {
    let official_id = session.official_id;
    let viewer = session.clone();
    // One write transaction: the audit row and the read of the contacts stand or fall together,
    // so contacts are never shown without their read being logged.
    let (problem, events, contacts, supporters) = state
        .db
        .write(move |conn| {
            let problem = load_problem(conn, id, &viewer, lang.lang)?.ok_or(CabinetError::NotFound)?;
            let mut stmt = conn.prepare_cached(
                "SELECT e.at, o.display_name, e.from_status, e.to_status, e.public_answer, e.internal_note
                 FROM problem_events e LEFT JOIN officials o ON o.id = e.official_id
                 WHERE e.problem_id = ?1 ORDER BY e.id",
            )?;
            let events = stmt
                .query_map([id], |r| {
                    Ok(EventView {
                        at: r.get(0)?,
                        official: r.get(1)?,
                        from: r.get::<_, Option<String>>(2)?.as_deref().and_then(Status::parse),
                        to: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::New),
                        public_answer: r.get(4)?,
                        internal_note: r.get(5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            // An analyst's page has no contacts: none are read, so no view is logged.
            let contacts = if viewer.sees_contacts() {
                let contacts = conn
                    .query_row(
                        "SELECT name, email, phone, share_with_agency FROM reporters WHERE problem_id = ?1",
                        [id],
                        |r| Ok(Contacts { name: r.get(0)?, email: r.get(1)?, phone: r.get(2)?, shared: r.get(3)? }),
                    )
                    .optional()?;
                let sso_sub = crate::sso::problem_resident_sub(conn, id)?;
                audit(conn, Some(official_id), "view_reporter", Some(id), None)?;
                Some((contacts, sso_sub))
            } else {
                None
            };
            let supporters = crate::map::support_counts(conn, &[id])?.get(&id).copied().unwrap_or(0);
            let agencies = crate::agencies::list(conn, viewer.municipality_id)?;
            let photos = crate::photos::of_problem(conn, id)?;
            let templates = templates::of_category(conn, problem.category_id)?;
            let merged: Vec<i64> = conn
                .prepare_cached("SELECT id FROM problems WHERE duplicate_of = ?1 ORDER BY id")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok::<_, CabinetError>((problem, events, contacts, (supporters, agencies, photos, (templates, merged))))
        })
        .await
        .in_lang(lang)?;
    let (supporters, agencies, photos, (templates, merged)) = supporters;
    let title = lang.tn(Msg::ReportNo, problem.id);
    let none = lang.m(Msg::NotGiven);
    let tracking = format!("/t/{}", problem.tracking_code);
    let content = html! {
        p { a href=(lang.href("/cabinet")) { "← " (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        dl.facts.problem {
            dt { (lang.m(Msg::Status)) } dd { span.status data-status=(problem.status.as_str()) { (problem.status.label(lang.lang)) } }
            dt { (lang.m(Msg::Date)) } dd { time datetime=(iso_time(problem.created_at)) { (format_time(problem.created_at, lang)) } }
            @if let Some(at) = problem.published_at {
                dt { (lang.m(Msg::Published)) } dd { (format_time(at, lang)) }
            }
            @if let Some(due) = problem.due_at {
                dt { (lang.m(Msg::DueBy)) }
                dd.problem-due {
                    time datetime=(iso_time(due)) { (format_time(due, lang)) }
                    @if due < now() && matches!(problem.status, Status::Published | Status::InProgress) {
                        " " strong.overdue { (lang.m(Msg::Overdue)) }
                    }
                }
            }
            dt { (lang.m(Msg::Site)) } dd { (problem.site) }
            dt { (lang.m(Msg::Category)) } dd { (problem.category) }
            @if let Some(district) = &problem.district {
                dt { (lang.m(Msg::District)) } dd.problem-district { (district) }
            }
            dt { (lang.m(Msg::Agency)) } dd.problem-agency { (problem.agency.as_deref().unwrap_or(lang.m(Msg::NotRouted))) }
            dt { (lang.m(Msg::Description)) } dd.problem-description { (problem.description) }
            dt { (lang.m(Msg::Address)) } dd.problem-address { (problem.address.as_deref().unwrap_or(none)) }
            dt { (lang.m(Msg::Coordinates)) }
            dd { @if let (Some(lat), Some(lon)) = (problem.lat, problem.lon) { (format!("{lat:.6}, {lon:.6}")) } @else { (none) } }
            dt { (lang.m(Msg::SentFrom)) } dd { (problem.origin.as_deref().unwrap_or(none)) }
            dt { (lang.m(Msg::ResidentsPage)) } dd { a href=(tracking) { (tracking) } }
            dt { (lang.m(Msg::Supporters)) } dd.support-count { (supporters) }
            @if let Some(root) = problem.duplicate_of {
                dt { (lang.m(Msg::MergedIntoLabel)) }
                dd.duplicate-of { a href=(lang.href(&format!("/cabinet/problems/{root}"))) { "№ " (root) } }
            }
            @if !merged.is_empty() {
                dt { (lang.m(Msg::MergedHere)) }
                dd.merged {
                    @for (n, m) in merged.iter().enumerate() {
                        @if n > 0 { ", " }
                        a href=(lang.href(&format!("/cabinet/problems/{m}"))) { "№ " (m) }
                    }
                }
            }
        }
        @if !photos.is_empty() {
            section.photos aria-labelledby="photos-title" {
                h2 id="photos-title" { (lang.m(Msg::Photos)) }
                ul.photo-list {
                    @for (n, p) in photos.iter().enumerate() {
                        li data-photo=(p.id) data-hidden=(p.hidden) {
                            a href=(lang.href(&format!("/cabinet/photos/{}/display.jpg", p.id))) {
                                img src=(format!("/cabinet/photos/{}/thumb.jpg", p.id)) width=(p.thumb_width) height=(p.thumb_height)
                                    alt=(lang.tn(Msg::PhotoN, n + 1));
                            }
                            @if p.hidden { " " strong { (lang.m(Msg::PhotoHidden)) } }
                            @if session.routes() {
                                form.inline method="post" action=(lang.href(&format!("/cabinet/photos/{}/visibility", p.id))) {
                                    input type="hidden" name="csrf" value=(session.csrf);
                                    input type="hidden" name="hidden" value=(if p.hidden { "0" } else { "1" });
                                    button type="submit" { (lang.m(if p.hidden { Msg::ShowPhoto } else { Msg::HidePhoto })) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.reporter aria-labelledby="reporter-title" {
            h2 id="reporter-title" { (lang.m(Msg::Reporter)) }
            @if let Some((contacts, sso_sub)) = contacts {
                p.muted { (lang.m(Msg::PersonalDataLogged)) }
                @let c = contacts.unwrap_or(Contacts { name: None, email: None, phone: None, shared: false });
                dl.facts {
                    dt { (lang.m(Msg::Name)) } dd.reporter-name { (c.name.as_deref().unwrap_or(none)) }
                    dt { (lang.m(Msg::Email)) } dd.reporter-email { (c.email.as_deref().unwrap_or(none)) }
                    dt { (lang.m(Msg::Phone)) } dd.reporter-phone { (c.phone.as_deref().unwrap_or(none)) }
                    @if let Some(sub) = &sso_sub {
                        dt { (lang.m(Msg::SignedInViaSite)) } dd.reporter-sso { "sub " code { (sub) } }
                    }
                }
                @if c.shared {
                    p.reporter-shares { (lang.m(Msg::ShareWithAgency)) }
                }
            } @else {
                p.reporter-hidden { (lang.m(Msg::ContactsHidden)) }
            }
        }
        h2 { (lang.m(Msg::History)) }
        ol.events {
            @for e in &events {
                li.event {
                    time datetime=(iso_time(e.at)) { (format_time(e.at, lang)) }
                    " · "
                    (e.official.as_deref().unwrap_or(lang.m(Msg::Resident)))
                    " · "
                    @if let Some(from) = e.from { (from.label(lang.lang)) " → " }
                    span.status { (e.to.label(lang.lang)) }
                    @if let Some(a) = e.public_answer.as_deref().filter(|a| !a.is_empty()) {
                        p.answer.public-answer { strong { (lang.m(Msg::AnswerLabel)) } (a) }
                    }
                    @if let Some(n) = e.internal_note.as_deref().filter(|n| !n.is_empty()) {
                        p.answer.internal-note { strong { (lang.m(Msg::NoteLabel)) } (n) }
                    }
                }
            }
        }
        @if session.routes() && !agencies.is_empty() {
            h2 { (lang.m(Msg::RouteTo)) }
            form id="agency-form" method="post" action=(lang.href(&format!("/cabinet/problems/{}/agency", problem.id))) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="agency" { (lang.m(Msg::Agency)) }
                select id="agency" name="agency" {
                    option value="" selected[problem.agency_id.is_none()] { (lang.m(Msg::NotRouted)) }
                    @for a in &agencies {
                        option value=(a.id) selected[problem.agency_id == Some(a.id)] { (a.name) }
                    }
                }
                div { button type="submit" { (lang.m(Msg::Route)) } }
            }
        }
        @if problem.status == Status::New && session.routes() {
            h2 { (lang.m(Msg::RedactTitle)) }
            p.muted { (lang.m(Msg::RedactHint)) }
            form id="redact-form" method="post" action=(lang.href(&format!("/cabinet/problems/{}/description", problem.id))) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="description" { (lang.m(Msg::Description)) }
                textarea id="description" name="description" rows="5" maxlength=(civic_wire::limits::DESCRIPTION_MAX_CHARS) required { (problem.description) }
                div { button type="submit" { (lang.m(Msg::SaveText)) } }
            }
        }
        // An analyst only reads: no form they could not use.
        @if session.changes() { h2 { (lang.m(Msg::ChangeStatus)) } }
        @if session.changes() { form id="status-form" method="post" action=(lang.href(&format!("/cabinet/problems/{}/status", problem.id))) {
            input type="hidden" name="csrf" value=(session.csrf);
            label for="status" { (lang.m(Msg::NewStatus)) }
            select id="status" name="status" {
                @for s in Status::ALL {
                    option value=(s.as_str()) selected[s == problem.status] { (s.label(lang.lang)) }
                }
            }
            label for="reason" { (lang.m(Msg::RefusalReason)) }
            select id="reason" name="reason" {
                option value="" { (lang.m(Msg::NotGiven)) }
                @for (code, label) in REFUSAL_REASONS {
                    option value=(code) { (lang.m(label)) }
                }
            }
            label for="duplicate_of" { (lang.m(Msg::DuplicateOf)) }
            input id="duplicate_of" name="duplicate_of" type="number" min="1" inputmode="numeric";
            (templates::choice(lang, &templates))
            label for="public_answer" { (lang.m(Msg::PublicAnswer)) }
            textarea id="public_answer" name="public_answer" maxlength=(ANSWER_MAX_CHARS) {}
            label for="internal_note" { (lang.m(Msg::InternalNote)) }
            textarea id="internal_note" name="internal_note" maxlength=(ANSWER_MAX_CHARS) {}
            div {
                button type="submit" { (lang.m(Msg::Save)) }
                " "
                button type="submit" name="next" value="1" { (lang.m(Msg::SaveAndNext)) }
            }
        } }
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, &title, header_bar(lang, &session), content),
    ))
}

/// The problem of photo `id` if the official may see it (municipality, agency).
fn photo_problem(conn: &Connection, id: i64, session: &Session) -> Result<i64, CabinetError> {
    conn.query_row(
        "SELECT p.id FROM photos f JOIN problems p ON p.id = f.problem_id
         JOIN sites s ON s.id = p.site_id
         WHERE f.id = ?1 AND s.municipality_id = ?2 AND (?3 IS NULL OR p.agency_id = ?3)",
        params![id, session.municipality_id, session.agency_scope()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(CabinetError::NotFound)
}

/// A photo as the cabinet sees it: hidden ones too; never cached by shared caches.
async fn photo(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, CabinetFailure> {
    let column = match file.as_str() {
        "display.jpg" => "display",
        "thumb.jpg" => "thumb",
        _ => return Err(CabinetError::NotFound).in_lang(lang),
    };
    let bytes = state
        .db
        .read(move |conn| {
            photo_problem(conn, id, &session)?;
            Ok::<_, CabinetError>(conn.query_row(
                &format!("SELECT {column} FROM photos WHERE id = ?1"),
                [id],
                |r| r.get::<_, Vec<u8>>(0),
            )?)
        })
        .await
        .in_lang(lang)?;
    Ok(crate::photos::jpeg_response(bytes, "private, no-store"))
}

#[derive(Deserialize)]
struct VisibilityForm {
    /// `1` hides the photo from the public, `0` shows it again.
    hidden: Option<String>,
}

/// A moderator hides a photo from the public (personal data in it) or shows it again; audited.
async fn photo_visibility(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, form): Posted<VisibilityForm>,
) -> Result<Response, CabinetFailure> {
    allow(session.routes()).in_lang(lang)?;
    let hide = form.hidden.as_deref() != Some("0");
    let official_id = session.official_id;
    let problem = state
        .db
        .write(move |conn| {
            let problem = photo_problem(conn, id, &session)?;
            conn.execute(
                "UPDATE photos SET hidden_at = CASE WHEN ?2 THEN ?3 END,
                                   hidden_by = CASE WHEN ?2 THEN ?4 END WHERE id = ?1",
                params![id, hide, now(), official_id],
            )?;
            let action = if hide { "photo_hidden" } else { "photo_shown" };
            audit(
                conn,
                Some(official_id),
                action,
                Some(problem),
                Some(&format!("photo {id}")),
            )?;
            Ok::<_, CabinetError>(problem)
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href(&format!("/cabinet/problems/{problem}"))).into_response())
}

#[derive(Deserialize)]
struct AgencyForm {
    /// An agency id, or empty for none.
    agency: Option<String>,
}

/// Routes a problem to an agency (or to none), as a moderator or site admin; the agency is
/// mailed in the same transaction.
#[tracing::instrument(skip_all, fields(official.id = session.official_id, problem.id = id))]
async fn change_agency(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, form): Posted<AgencyForm>,
) -> Result<Response, CabinetFailure> {
    allow(session.routes()).in_lang(lang)?;
    let agency = match form.agency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| CabinetError::BadInput(lang.m(Msg::ChooseAgency).into()))
                .in_lang(lang)?,
        ),
    };
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    let base = state.config.public_base();
    let mailed = state
        .db
        .write(move |conn| {
            conn.query_row(
                "SELECT 1 FROM problems p JOIN sites s ON s.id = p.site_id
                 WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0",
                params![id, municipality_id],
                |_| Ok(()),
            )
            .optional()?
            .ok_or(CabinetError::NotFound)?;
            if let Some(a) = agency
                && !crate::agencies::belongs(conn, municipality_id, a)?
            {
                return Err(CabinetError::BadInput(lang.m(Msg::ChooseAgency).into()));
            }
            let mailed = crate::agencies::assign(conn, &base, id, agency)?;
            let detail = agency.map_or("none".to_owned(), |a| format!("agency {a}"));
            audit(conn, Some(official_id), "route", Some(id), Some(&detail))?;
            Ok::<_, CabinetError>(mailed)
        })
        .await
        .in_lang(lang)?;
    if mailed {
        state.outbox.wake();
    }
    tracing::info!(agency = ?agency, "problem routed");
    Ok(Redirect::to(&lang.href(&format!("/cabinet/problems/{id}"))).into_response())
}

#[derive(Deserialize, Default)]
struct StatusForm {
    status: Option<String>,
    public_answer: Option<String>,
    internal_note: Option<String>,
    /// Why it is refused: `spam`, `not_city`, `personal_data`, `other`.
    reason: Option<String>,
    /// A response template of the problem's category: the answer when none is typed.
    template: Option<String>,
    /// For `duplicate`: the number of the problem to merge into.
    duplicate_of: Option<String>,
    /// Set by «Сохранить и к следующему»: then on to the next problem of the same queue.
    next: Option<String>,
}

#[derive(Deserialize)]
struct RedactForm {
    description: Option<String>,
}

/// A moderator corrects a report's text before it is published (personal data, insults): the
/// public sees only the corrected text. Audited, with the lengths, not the removed words.
#[tracing::instrument(skip_all, fields(official.id = session.official_id, problem.id = id))]
async fn redact(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, form): Posted<RedactForm>,
) -> Result<Response, CabinetFailure> {
    allow(session.routes()).in_lang(lang)?;
    let text = form.description.unwrap_or_default().trim().to_owned();
    let n = text.chars().count();
    let allowed =
        civic_wire::limits::DESCRIPTION_MIN_CHARS..=civic_wire::limits::DESCRIPTION_MAX_CHARS;
    if !allowed.contains(&n) {
        return Err(CabinetError::BadInput(lang.m(Msg::RedactLength).into())).in_lang(lang);
    }
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let old: String = conn
                .query_row(
                    "SELECT p.description FROM problems p JOIN sites s ON s.id = p.site_id
                     WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0
                       AND p.status = 'new'",
                    params![id, municipality_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(CabinetError::NotFound)?;
            conn.execute(
                "UPDATE problems SET description = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, text, now()],
            )?;
            let detail = format!("{} -> {} characters", old.chars().count(), n);
            audit(conn, Some(official_id), "redact", Some(id), Some(&detail))?;
            Ok::<_, CabinetError>(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href(&format!("/cabinet/problems/{id}"))).into_response())
}

/// The reasons a moderator may give for a refusal, with their labels.
const REFUSAL_REASONS: [(&str, Msg); 4] = [
    ("spam", Msg::ReasonSpam),
    ("not_city", Msg::ReasonNotCity),
    ("personal_data", Msg::ReasonPersonalData),
    ("other", Msg::ReasonOther),
];

#[tracing::instrument(skip_all, fields(official.id = session.official_id, problem.id = id))]
async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, form): Posted<StatusForm>,
) -> Result<Response, CabinetFailure> {
    allow(session.changes()).in_lang(lang)?;
    let next = form.next.is_some();
    let change = Change::read(lang, form).in_lang(lang)?;
    let (actor, base) = (Actor::of(&session), state.config.public_base());
    let status = change.status;
    let applied = state
        .db
        .write(move |conn| apply_change(conn, &base, actor, id, &change, lang))
        .await
        .in_lang(lang)?;
    if applied.mailed {
        state.outbox.wake();
    }
    tracing::info!(status = status.as_str(), "problem status changed");
    if !next {
        return Ok(Redirect::to(&lang.href(&format!("/cabinet/problems/{id}"))).into_response());
    }
    // On through the queue this problem was in: the next older one with the status it had, or,
    // at its end, the list of that status.
    let from = applied.from.clone();
    let following: Option<i64> = state
        .db
        .read(move |conn| {
            conn.prepare_cached(
                "SELECT p.id FROM problems p CROSS JOIN sites s ON s.id = p.site_id
                 WHERE p.status = ?1 AND p.id < ?2 AND s.municipality_id = ?3
                   AND p.awaiting_confirmation = 0 AND (?4 IS NULL OR p.agency_id = ?4)
                 ORDER BY p.id DESC LIMIT 1",
            )?
            .query_row(
                params![from, id, actor.municipality_id, actor.agency],
                |r| r.get(0),
            )
            .optional()
            .map_err(CabinetError::from)
        })
        .await
        .in_lang(lang)?;
    let to = match following {
        Some(next) => format!("/cabinet/problems/{next}"),
        None => format!("/cabinet?status={}", applied.from),
    };
    Ok(Redirect::to(&lang.href(&to)).into_response())
}

/// What [`apply_change`] did.
struct Applied {
    /// Mail was queued: wake the outbox after the commit.
    mailed: bool,
    /// The status the problem had.
    from: String,
}

/// Who changes a problem: the official, their municipality and, for an agency official, the
/// agency whose problems are all they may touch.
#[derive(Debug, Clone, Copy)]
struct Actor {
    official_id: i64,
    municipality_id: i64,
    agency: Option<i64>,
}

impl Actor {
    fn of(session: &Session) -> Actor {
        Actor {
            official_id: session.official_id,
            municipality_id: session.municipality_id,
            agency: session.agency_scope(),
        }
    }
}

/// A status change as an official asked for it, checked: what [`apply_change`] does.
#[derive(Debug)]
struct Change {
    status: Status,
    answer: Option<String>,
    note: Option<String>,
    /// Why it is refused: a code of [`REFUSAL_REASONS`].
    reason: Option<&'static str>,
    /// A response template of the problem's category: the answer when none is typed.
    template: Option<i64>,
    /// For `duplicate`: the problem to merge into.
    duplicate_of: Option<i64>,
}

impl Change {
    /// Reads and checks a status form (the problem page's, or the list's for the ticked ones).
    fn read(lang: PageLang, form: StatusForm) -> Result<Change, CabinetError> {
        let status = form
            .status
            .as_deref()
            .and_then(Status::parse)
            .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::ChooseStatus).into()))?;
        let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let answer = clean(form.public_answer);
        let note = clean(form.internal_note);
        // A template answers when nothing is typed (checked against the problem's category).
        let template = match clean(form.template).filter(|_| answer.is_none()) {
            None => None,
            Some(t) => Some(
                t.parse::<i64>()
                    .map_err(|_| CabinetError::BadInput(lang.m(Msg::TemplateInvalid).into()))?,
            ),
        };
        let too_long = |s: &Option<String>| {
            s.as_ref()
                .is_some_and(|s| s.chars().count() > ANSWER_MAX_CHARS)
        };
        if too_long(&answer) || too_long(&note) {
            return Err(CabinetError::BadInput(
                lang.tn(Msg::AnswerTooLong, ANSWER_MAX_CHARS),
            ));
        }
        let reason = match form.reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) => Some(
                REFUSAL_REASONS
                    .iter()
                    .map(|(code, _)| *code)
                    .find(|code| *code == r)
                    .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::ChooseReason).into()))?,
            ),
        };
        if reason.is_some() && status != Status::Refused {
            return Err(CabinetError::BadInput(
                lang.m(Msg::ReasonOnlyForRefusal).into(),
            ));
        }
        let duplicate_of = match status {
            Status::Duplicate => Some(
                clean(form.duplicate_of)
                    .and_then(|d| d.trim_start_matches('№').trim().parse::<i64>().ok())
                    .ok_or_else(|| {
                        CabinetError::BadInput(lang.m(Msg::DuplicateNeedsTarget).into())
                    })?,
            ),
            _ => None,
        };
        // Refusing is explained to the resident, but a bot's spam is refused without a word.
        if status == Status::Refused && answer.is_none() && template.is_none() && !spam(reason) {
            return Err(CabinetError::BadInput(
                lang.m(Msg::RefusalNeedsAnswer).into(),
            ));
        }
        Ok(Change {
            status,
            answer,
            note,
            reason,
            template,
            duplicate_of,
        })
    }
}

/// Spam is refused without an answer, and its reporter is not mailed.
fn spam(reason: Option<&str>) -> bool {
    reason == Some("spam")
}

/// Applies `change` to problem `id`, in the writer's transaction: the merge, the status, its
/// event, the audit line and the reporter's mail. A problem the actor may not see is
/// [`CabinetError::NotFound`].
fn apply_change(
    conn: &Connection,
    base: &str,
    actor: Actor,
    id: i64,
    change: &Change,
    lang: PageLang,
) -> Result<Applied, CabinetError> {
    let (from, category_id): (String, i64) = conn
        .query_row(
            "SELECT p.status, p.category_id FROM problems p JOIN sites s ON s.id = p.site_id
             WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0
               AND (?3 IS NULL OR p.agency_id = ?3)",
            params![id, actor.municipality_id, actor.agency],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(CabinetError::NotFound)?;
    let answer = match change.template {
        Some(t) => Some(
            templates::text_for(conn, t, category_id)?
                .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::TemplateInvalid).into()))?,
        ),
        None => change.answer.clone(),
    };
    let (status, at) = (change.status, now());
    if let Some(into) = change.duplicate_of {
        crate::problems::merge(conn, actor.municipality_id, id, into, at)?
            .map_err(|_| CabinetError::BadInput(lang.m(Msg::DuplicateNeedsTarget).into()))?;
    }
    let routed = crate::problems::set_status(conn, base, id, status, at)?;
    conn.execute(
        "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status, public_answer, internal_note, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, at, actor.official_id, from, status.as_str(), answer, change.note, change.reason],
    )?;
    let detail = match change.reason {
        Some(r) => format!("{from} -> {} ({r})", status.as_str()),
        None => format!("{from} -> {}", status.as_str()),
    };
    audit(
        conn,
        Some(actor.official_id),
        "change_status",
        Some(id),
        Some(&detail),
    )?;
    // The reporter hears of every public change: a new status or an answer (an internal note
    // alone is not theirs to read).
    let public_change = (from != status.as_str() || answer.is_some()) && !spam(change.reason);
    let mailed = public_change
        && crate::problems::queue_reporter_mail(conn, base, id, status, answer.as_deref())?;
    Ok(Applied {
        mailed: mailed || routed,
        from,
    })
}

/// Most problems one change of the list may name: two pages' worth.
const BULK_MAX: usize = 2 * PAGE_SIZE as usize;

/// `POST /cabinet/bulk`: one status change (with its answer) for every problem ticked in the
/// list, in one transaction: all of them, or, when one cannot take it, none, and the page says
/// which. Merging is one problem at a time, on its page.
async fn bulk_change(
    State(state): State<AppState>,
    Posted(session, lang, pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, CabinetFailure> {
    allow(session.changes()).in_lang(lang)?;
    let (mut ids, mut form, mut back) = (Vec::new(), StatusForm::default(), String::new());
    for (key, value) in pairs {
        match key.as_str() {
            "id" => ids.push(
                value
                    .parse::<i64>()
                    .map_err(|_| CabinetError::BadInput(lang.m(Msg::BulkNoneTicked).into()))
                    .in_lang(lang)?,
            ),
            "status" => form.status = Some(value),
            "public_answer" => form.public_answer = Some(value),
            "internal_note" => form.internal_note = Some(value),
            "reason" => form.reason = Some(value),
            "template" => form.template = Some(value),
            "back" => back = value,
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(CabinetError::BadInput(lang.m(Msg::BulkNoneTicked).into())).in_lang(lang);
    }
    if ids.len() > BULK_MAX {
        return Err(CabinetError::BadInput(lang.tn(Msg::BulkTooMany, BULK_MAX))).in_lang(lang);
    }
    if form.status.as_deref() == Some(Status::Duplicate.as_str()) {
        return Err(CabinetError::BadInput(lang.m(Msg::BulkNoDuplicate).into())).in_lang(lang);
    }
    let change = Change::read(lang, form).in_lang(lang)?;
    let (actor, base, count) = (Actor::of(&session), state.config.public_base(), ids.len());
    let mailed = state
        .db
        .write(move |conn| {
            let mut mailed = false;
            for &id in &ids {
                mailed |= apply_change(conn, &base, actor, id, &change, lang)
                    .map(|applied| applied.mailed)
                    .map_err(|e| match e {
                        CabinetError::NotFound => {
                            CabinetError::BadInput(lang.tn(Msg::BulkNotFound, id))
                        }
                        CabinetError::BadInput(text) => {
                            CabinetError::BadInput(format!("№ {id}: {text}"))
                        }
                        e => e,
                    })?;
            }
            Ok::<_, CabinetError>(mailed)
        })
        .await
        .in_lang(lang)?;
    if mailed {
        state.outbox.wake();
    }
    tracing::info!(problems = count, "problems changed together");
    // Back to the list as it was filtered: a query of the list's own parameters only.
    let query = Some(back).filter(|q| {
        !q.is_empty()
            && q.chars()
                .all(|c| c.is_ascii_alphanumeric() || "=&_-".contains(c))
    });
    let to = query.map_or("/cabinet".to_owned(), |q| format!("/cabinet?{q}"));
    Ok(Redirect::to(&lang.href(&to)).into_response())
}

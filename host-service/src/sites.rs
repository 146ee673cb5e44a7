//! Sites: the widget's configuration endpoint, the site lookups other features use, and the
//! per-site CORS policy of the widget API.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use civic_wire::{
    AnonymousReports, Bounds, Category, Lang, LatLon, Mode, SiteConfig, SiteConfigAnswer,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::ApiError;

/// A site as the host knows it (not serializable: the wire type is [`SiteConfig`]).
#[derive(Debug, Clone)]
pub struct Site {
    pub id: i64,
    pub key: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub name: String,
    pub centre: LatLon,
    pub bounds: Bounds,
    pub default_lang: Lang,
    pub default_mode: Mode,
    pub privacy_policy_url: String,
    /// What happens to a report from a visitor who is not signed in.
    pub anonymous: AnonymousReports,
    /// Reports wait for a moderator before they are public.
    pub premoderation: bool,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(site_config).layer(axum::middleware::from_fn(crate::http::public_cache)))
        .routes(routes!(first_screen).layer(axum::middleware::from_fn(crate::http::public_cache)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LangQuery {
    /// `ru` or `en` (a BCP 47 tag); anything else means the site's default language.
    lang: Option<String>,
}

/// Everything the widget needs to render a site's form: names, map area, categories.
///
/// Public and cacheable: answers carry a strong `ETag` and `Cache-Control`; send the `ETag`
/// back in `If-None-Match` to get `304 Not Modified`.
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}",
    tag = "sites",
    params(("key" = String, Path, description = "The site's public key (`data-site`)"), LangQuery),
    responses(
        (status = 200, description = "The site's configuration", body = SiteConfigAnswer, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
async fn site_config(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<axum::Json<SiteConfigAnswer>, ApiError> {
    let config = state
        .db
        .read(move |conn| configuration(conn, &key, q.lang.as_deref().and_then(Lang::from_tag)))
        .await?;
    config.map(axum::Json).ok_or(ApiError::UnknownSite)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FirstScreenQuery {
    /// The widget's `data-lang`: `ru` or `en` (a BCP 47 tag); anything else is ignored.
    lang: Option<String>,
    /// The page's language around the widget (its nearest `lang` attribute), used when `lang`
    /// names none we speak; Russian otherwise.
    page_lang: Option<String>,
    /// The widget's `data-accent` (`#rgb`, `#rrggbb` or `rgb(r, g, b)`); anything else is ignored.
    accent: Option<String>,
    /// The prefix of the widget's element ids on the page: `civic` and up to 7 digits.
    id: Option<String>,
}

/// The first screen of a basic widget, rendered by the host: the report form with the site's
/// categories, labels and hints in the visitor's language, the consent text and the accent
/// colour, plus the configuration the widget takes it over with. The loader puts the HTML into
/// the widget's shadow root as soon as it arrives; the form can be used before the widget's
/// bundle has loaded.
///
/// Public and cacheable like the configuration (strong `ETag`, `Cache-Control`, `304`).
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/widget",
    tag = "sites",
    params(("key" = String, Path, description = "The site's public key (`data-site`)"), FirstScreenQuery),
    responses(
        (status = 200, description = "The first screen", body = civic_wire::FirstScreenAnswer, headers(
            ("ETag" = String, description = "Strong validator of this body"),
            ("Cache-Control" = String, description = "How long the answer may be reused"),
        )),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
async fn first_screen(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<FirstScreenQuery>,
) -> Result<axum::Json<civic_wire::FirstScreenAnswer>, ApiError> {
    let raw = widget::options::RawOptions {
        site: key.clone(),
        lang: q.lang.unwrap_or_default(),
        page_lang: q.page_lang.unwrap_or_default(),
        mode: String::new(),
        accent: q.accent.unwrap_or_default(),
        api: String::new(),
        id: q.id.unwrap_or_default(),
    };
    let lang = raw.resolve_lang();
    let answer = state
        .db
        .read(move |conn| configuration(conn, &key, Some(lang)))
        .await?
        .ok_or(ApiError::UnknownSite)?;
    Ok(axum::Json(render_first_screen(raw, answer).await))
}

/// The first screen for the loader's options `raw`, rendered for the site's configuration
/// `answer` (read in the language `raw` resolves to), with that configuration.
async fn render_first_screen(
    raw: widget::options::RawOptions,
    answer: SiteConfigAnswer,
) -> civic_wire::FirstScreenAnswer {
    let screen = widget::ssr::first_screen(raw, answer.config.clone()).await;
    civic_wire::FirstScreenAnswer {
        config: answer,
        html: screen.html,
        css: screen.css,
        lang: screen.lang.code().to_owned(),
    }
}

/// `GET /w/{key}.js`: the loader with the site's first screen inside, so that a page with the
/// per-site snippet gets the form with the loader itself, one request fewer before it shows.
pub fn loader_router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/w/{file}",
        axum::routing::get(site_loader).layer(axum::middleware::from_fn(crate::http::public_cache)),
    )
}

#[derive(Deserialize)]
struct LoaderQuery {
    lang: Option<String>,
    accent: Option<String>,
}

/// The loader (`dist/widget.js`) preceded by the first screen of the site's first widget on a
/// page, in the language of `?lang=` (else the site's default) and the accent of `?accent=`,
/// keyed as the loader looks it up (site, language, accent, id prefix). A page whose widget asks
/// for something else (`data-lang`, `data-accent`), or a second widget, fetches its own first
/// screen as with `/widget.js`. An unknown site gets the plain loader: the widget says the site
/// is unknown in words.
async fn site_loader(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<LoaderQuery>,
) -> Response {
    let loader = crate::assets::loader_js();
    let Some(key) = file.strip_suffix(".js").map(str::to_owned) else {
        return ApiError::NotFound.into_response();
    };
    let asked = q.lang.as_deref().and_then(Lang::from_tag);
    let read_key = key.clone();
    let answer = state
        .db
        .read(move |conn| configuration(conn, &read_key, asked))
        .await;
    let prefix = match answer {
        Ok(Some(answer)) => {
            let lang = asked.unwrap_or(answer.config.default_lang);
            let accent = q.accent.unwrap_or_default();
            let raw = widget::options::RawOptions {
                site: key.clone(),
                lang: lang.code().to_owned(),
                accent: accent.clone(),
                id: FIRST_ID.to_owned(),
                ..Default::default()
            };
            let first = render_first_screen(raw, answer).await;
            let slot = [key.as_str(), lang.code(), &accent, FIRST_ID].join("|");
            // JSON is JavaScript; `</` is escaped so that the text can never close a script
            // element if someone inlines it.
            format!(
                "(function(c){{(c.__first=c.__first||{{}})[{}]={};}})(window.CivicWidget=window.CivicWidget||{{}});\n",
                js_json(&slot),
                js_json(&first),
            )
        }
        Ok(None) => String::new(),
        Err(e) => return e.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                "cross-origin",
            ),
        ],
        prefix + loader,
    )
        .into_response()
}

/// The id prefix of a page's first widget (the loader numbers its widgets from 1).
const FIRST_ID: &str = "civic1";

/// `value` as JSON, which is JavaScript; `</` escaped so that it can never close a script
/// element if someone inlines it.
fn js_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_owned())
        .replace("</", "<\\/")
}

/// A site's configuration as the widget gets it, in `lang` (else the site's default language);
/// `None` when no site has this key.
fn configuration(
    conn: &Connection,
    key: &str,
    lang: Option<Lang>,
) -> Result<Option<SiteConfigAnswer>, ApiError> {
    let Some(site) = find_site(conn, key)? else {
        return Ok(None);
    };
    let lang = lang.unwrap_or(site.default_lang);
    let categories = active_categories(conn, site.municipality_id, lang)?;
    let (tile_url_template, tile_attribution) = conn.query_row(
        "SELECT tile_url_template, tile_attribution FROM sites WHERE id = ?1",
        [site.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let config = SiteConfig {
        key: site.key,
        name: site.name,
        municipality: site.municipality,
        centre: site.centre,
        bounds: site.bounds,
        default_lang: site.default_lang,
        default_mode: site.default_mode,
        privacy_policy_url: site.privacy_policy_url,
        categories,
        anonymous: site.anonymous,
    };
    Ok(Some(SiteConfigAnswer {
        config,
        tile_url_template,
        tile_attribution,
    }))
}

pub fn find_site(conn: &Connection, key: &str) -> rusqlite::Result<Option<Site>> {
    conn.prepare_cached(
        // The municipality's name by a subquery, not a join: SQLite re-prepares this join at
        // every new binding (its plan could depend on the key), and every report reads this.
        "SELECT s.id, s.key, s.municipality_id,
                (SELECT m.name FROM municipalities m WHERE m.id = s.municipality_id), s.name,
                s.centre_lat, s.centre_lon,
                s.bounds_west, s.bounds_south, s.bounds_east, s.bounds_north,
                s.default_lang, s.default_mode, s.privacy_policy_url, s.anonymous_reports, s.premoderation
         FROM sites s
         WHERE s.key = ?1",
    )?
    .query_row(
        [key],
        |r| {
            Ok(Site {
                id: r.get(0)?,
                key: r.get(1)?,
                municipality_id: r.get(2)?,
                municipality: r.get(3)?,
                name: r.get(4)?,
                centre: LatLon {
                    lat: r.get(5)?,
                    lon: r.get(6)?,
                },
                bounds: Bounds {
                    west: r.get(7)?,
                    south: r.get(8)?,
                    east: r.get(9)?,
                    north: r.get(10)?,
                },
                default_lang: Lang::from_tag(&r.get::<_, String>(11)?).unwrap_or_default(),
                default_mode: if r.get::<_, String>(12)? == "extended" {
                    Mode::Extended
                } else {
                    Mode::Basic
                },
                privacy_policy_url: r.get(13)?,
                anonymous: match r.get_ref(14)?.as_str()? {
                    "confirm_email" => AnonymousReports::ConfirmEmail,
                    "off" => AnonymousReports::Off,
                    _ => AnonymousReports::Moderated,
                },
                premoderation: r.get(15)?,
            })
        },
    )
    .optional()
}

/// The categories a visitor may pick, named in `lang`, in the municipality's order.
pub fn active_categories(
    conn: &Connection,
    municipality_id: i64,
    lang: Lang,
) -> rusqlite::Result<Vec<Category>> {
    let sql = match lang {
        Lang::Ru => {
            "SELECT id, name_ru, hint_ru FROM categories WHERE municipality_id = ?1 AND active = 1 ORDER BY position, id"
        }
        Lang::En => {
            "SELECT id, name_en, hint_en FROM categories WHERE municipality_id = ?1 AND active = 1 ORDER BY position, id"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![municipality_id], |r| {
        Ok(Category {
            id: r.get(0)?,
            name: r.get(1)?,
            hint: r.get(2)?,
        })
    })?;
    rows.collect()
}

pub fn site_allows_origin(
    conn: &Connection,
    key: &str,
    origin: &str,
) -> rusqlite::Result<Option<bool>> {
    let site_id: Option<i64> = conn
        .query_row("SELECT id FROM sites WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    let Some(site_id) = site_id else {
        return Ok(None);
    };
    let allowed = conn
        .query_row(
            "SELECT 1 FROM site_origins WHERE site_id = ?1 AND origin = ?2",
            params![site_id, origin],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    Ok(Some(allowed))
}

/// Normalises an origin as browsers send it: lower-case scheme and host, default port dropped,
/// no path. `None` for something that is not an http(s) origin.
pub fn normalize_origin(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

const SITES_PREFIX: &str = "/api/v1/sites/";

/// Per-site CORS for `/api/v1/sites/{key}/…`. tower-http's `CorsLayer` cannot be used: the
/// allowed origins depend on the site named in the path and live in the database.
///
/// * no `Origin` (server-to-server, same-origin GET): passes untouched;
/// * a registered origin: `Access-Control-Allow-Origin: <origin>`, preflights answered;
/// * any other origin: no CORS headers; everything but GET/HEAD refused with 403, so a page of
///   site B cannot file reports into site A even with a "simple" request that skips preflight.
///
/// Never `Access-Control-Allow-Credentials`: the widget uses no cookies.
pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(rest) = req.uri().path().strip_prefix(SITES_PREFIX) else {
        return next.run(req).await;
    };
    let key = rest.split('/').next().unwrap_or_default().to_owned();
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(req).await;
    };
    let preflight = req.method() == Method::OPTIONS;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    let lookup_origin = normalize_origin(&origin).unwrap_or_default();
    let allowed = state
        .db
        .read(move |conn| site_allows_origin(conn, &key, &lookup_origin).map_err(ApiError::from))
        .await;
    let allowed = match allowed {
        Ok(Some(allowed)) => allowed,
        // An unknown site: let the handler answer its 404 (with no CORS headers).
        Ok(None) if !preflight => false,
        Ok(None) => return with_vary(ApiError::UnknownSite.into_response()),
        Err(e) => return e.into_response(),
    };
    if !allowed {
        if safe {
            return with_vary(next.run(req).await);
        }
        return with_vary(ApiError::OriginNotAllowed.into_response());
    }
    let mut response = if preflight {
        preflight_answer(
            "GET, POST, OPTIONS",
            "content-type, authorization, x-tracking-code",
        )
    } else {
        next.run(req).await
    };
    if let Ok(value) = HeaderValue::from_str(&origin) {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    with_vary(response)
}

fn with_vary(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// The answer to an allowed CORS preflight: which methods and request headers may follow, cached
/// by the browser for ten minutes. The caller adds `Access-Control-Allow-Origin` and `Vary`.
pub(crate) fn preflight_answer(methods: &'static str, headers: &'static str) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(headers),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

//! What our HTML pages share (language choice, layout, dates, error pages) and the small pages
//! that belong to no feature: the health check and the placeholder privacy policy.

use std::convert::Infallible;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use civic_wire::Lang;
use maud::{DOCTYPE, Markup, html};

use crate::AppState;
use crate::api::ApiError;
use crate::assets::SITE_CSS_PATH;

use crate::i18n::{self, Msg};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/privacy", get(privacy))
}

/// The language of a page: `?lang=en|ru` first, then `Accept-Language`, else Russian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLang {
    pub lang: Lang,
    /// Chosen with `?lang=`, so our links and forms carry it on.
    pub explicit: bool,
}

impl PageLang {
    pub fn from_request(uri: &Uri, headers: &HeaderMap) -> PageLang {
        let from_query = uri.query().and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("lang="))
                .and_then(Lang::from_tag)
        });
        if let Some(lang) = from_query {
            return PageLang {
                lang,
                explicit: true,
            };
        }
        let from_header = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|part| Lang::from_tag(part.split(';').next().unwrap_or("")))
            });
        PageLang {
            lang: from_header.unwrap_or_default(),
            explicit: false,
        }
    }

    pub fn en(self) -> bool {
        self.lang == Lang::En
    }

    /// The catalogue's text of `msg` in this page's language.
    pub fn m(self, msg: Msg) -> &'static str {
        i18n::t(self.lang, msg)
    }

    /// [`PageLang::m`] with `{n}` replaced by `n`.
    pub fn tn(self, msg: Msg, n: impl std::fmt::Display) -> String {
        i18n::tn(self.lang, msg, n)
    }

    /// Picks the Russian or the English text. Our pages take their words from the catalogue
    /// ([`PageLang::m`]); this stays for pages outside it that still pair texts inline.
    pub fn t<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        if self.en() { en } else { ru }
    }

    /// The other language (the one a "switch language" link offers).
    pub fn other(self) -> Lang {
        match self.lang {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }

    /// `path` with `lang=` appended when the language was chosen explicitly.
    pub fn href(self, path: &str) -> String {
        if !self.explicit {
            return path.to_owned();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang={}", self.lang.code())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang::from_request(&parts.uri, &parts.headers))
    }
}

/// The frame of every page: `lang` attribute, our stylesheet, a header and the content.
pub fn layout(lang: PageLang, title: &str, header_extra: Markup, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(SITE_CSS_PATH);
            }
            body {
                header.top {
                    strong { (lang.m(Msg::Brand)) }
                    span.spacer {}
                    (header_extra)
                }
                main { (content) }
            }
        }
    }
}

pub fn page(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A page that says in words what went wrong, with a way back.
pub fn message_page(
    lang: PageLang,
    status: StatusCode,
    title: &str,
    text: &str,
    back: Option<(&str, &str)>,
) -> Response {
    page(
        status,
        layout(
            lang,
            title,
            html! {},
            html! {
                h1 { (title) }
                p.error role="alert" { (text) }
                @if let Some((href, label)) = back {
                    p { a href=(href) { (label) } }
                }
            },
        ),
    )
}

pub fn not_found_page(req: &Request) -> Response {
    let lang = PageLang::from_request(req.uri(), req.headers());
    message_page(
        lang,
        StatusCode::NOT_FOUND,
        lang.m(Msg::PageNotFound),
        lang.m(Msg::PageNotFoundText),
        Some(("/", lang.m(Msg::Home))),
    )
}

/// A date as people read it ("25 ноября 2026, 14:05 UTC"); all times are shown in UTC so they
/// are unambiguous.
pub fn format_time(unix: i64, lang: PageLang) -> String {
    i18n::date_time(lang.lang, unix)
}

/// A link to the same page in the other language, marked up in that language (screen readers
/// then read its name with the right voice).
pub fn language_switch(lang: PageLang) -> Markup {
    let other = lang.other();
    html! {
        a href=(format!("?lang={}", other.code())) lang=(other.code()) hreflang=(other.code()) {
            (i18n::t(other, Msg::LanguageName))
        }
    }
}

/// A machine-readable timestamp for `<time datetime>`.
pub fn iso_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Liveness and readiness in one: the database answers a read.
async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state
        .db
        .read(|conn| {
            conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                .map_err(ApiError::from)
        })
        .await;
    match ok {
        Ok(_) => axum::Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// A placeholder personal-data policy (152-FZ) for the demo site; a real municipality links
/// its own from the site settings.
async fn privacy(lang: PageLang) -> Response {
    let content = html! {
        h1 { (lang.m(Msg::PrivacyHeading)) }
        p.notice { (lang.m(Msg::PrivacyNotice)) }
        p { (lang.m(Msg::PrivacyUse)) }
        p { (lang.m(Msg::PrivacyStorage)) }
        p { (language_switch(lang)) }
    };
    let title = lang.m(Msg::PrivacyTitle);
    page(StatusCode::OK, layout(lang, title, html! {}, content))
}

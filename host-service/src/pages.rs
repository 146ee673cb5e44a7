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

    /// Picks the Russian or the English text.
    pub fn t<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        if self.en() { en } else { ru }
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
                    strong { "Civic Widget" }
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
        lang.t("Страница не найдена", "Page not found"),
        lang.t(
            "Такой страницы нет. Проверьте адрес.",
            "There is no such page. Check the address.",
        ),
        Some(("/", lang.t("На главную", "Home"))),
    )
}

/// A date as people read it; all times are shown in UTC so they are unambiguous.
pub fn format_time(unix: i64, lang: PageLang) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let fmt = if lang.en() {
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")
    } else {
        time::macros::format_description!("[day].[month].[year] [hour]:[minute] UTC")
    };
    t.format(&fmt).unwrap_or_default()
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
    let content = if lang.en() {
        html! {
            h1 { "Personal data processing policy (demo)" }
            p.notice { "This is a placeholder for the demo city. A real municipality publishes its own policy." }
            p { "When you report a problem, your name, e-mail and phone are optional. If you give them, the municipality uses them only to answer your report. They are stored separately from the report, are never published, and every access by an official is logged." }
            p { "The data is stored on servers in Russia, in accordance with Federal Law No. 152-FZ “On Personal Data”. You may ask the municipality to delete it at any time." }
            p { a href="/privacy?lang=ru" { "Русская версия" } }
        }
    } else {
        html! {
            h1 { "Политика обработки персональных данных (демо)" }
            p.notice { "Это заглушка для демонстрационного города. Настоящая администрация публикует свою политику." }
            p { "Сообщая о проблеме, вы можете не указывать имя, электронную почту и телефон. Если вы их укажете, администрация использует их только для ответа на ваше обращение. Они хранятся отдельно от обращения, никогда не публикуются, а каждый их просмотр сотрудником записывается в журнал." }
            p { "Данные хранятся на серверах в России в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». Вы можете в любой момент попросить администрацию удалить их." }
            p { a href="/privacy?lang=en" { "English version" } }
        }
    };
    let title = lang.t(
        "Политика обработки персональных данных",
        "Personal data processing policy",
    );
    page(StatusCode::OK, layout(lang, title, html! {}, content))
}

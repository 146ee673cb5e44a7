//! What every `/api/v1` route shares: the one error shape ([`civic_wire::ApiError`]) and JSON
//! extractors ([`ApiJson`]; [`ApiJsonOrEmpty`] where the body is optional) whose every rejection
//! has that shape too.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use civic_wire::{ErrorBody, FieldError, FieldErrorCode};
use serde::de::DeserializeOwned;

use crate::db::DbError;

/// Everything that can go wrong on the widget API. Client errors say what is wrong; server
/// errors answer a generic message and put the details in the log only.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no site with this key")]
    UnknownSite,
    #[error("no such problem")]
    UnknownProblem,
    #[error("the request has {} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the body is not valid JSON")]
    MalformedJson,
    #[error("expected Content-Type: application/json")]
    UnsupportedContentType,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("this origin may not use this site's widget")]
    OriginNotAllowed,
    #[error("no such API route")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("could not read the request body")]
    BadBody,
    #[error("too many reports from here; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Any SSO token refusal; the reason is logged, never answered.
    #[error("sign-in failed")]
    SsoFailed,
    /// A route that needs a widget session (`Authorization: Bearer`) got none, or a dead one.
    #[error("sign in again")]
    Unauthenticated,
    /// An upload that is not a usable photo.
    #[error("{0}")]
    BadPhoto(String),
    /// The report takes no more photos.
    #[error("this report takes no more photos (3 at most, within a day, before moderation)")]
    NoMorePhotos,
    /// The site takes reports from signed-in residents only.
    #[error("this site accepts reports from signed-in residents only")]
    SignInRequired,
    #[error("database: {0}")]
    Db(#[from] DbError),
}

impl From<crate::ratelimit::RateLimited> for ApiError {
    fn from(r: crate::ratelimit::RateLimited) -> Self {
        ApiError::RateLimited {
            retry_after_secs: r.retry_after_secs,
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Db(DbError::Sqlite(e))
    }
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::UnknownSite => (StatusCode::NOT_FOUND, "unknown_site"),
            ApiError::UnknownProblem => (StatusCode::NOT_FOUND, "unknown_problem"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::MalformedJson => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::UnsupportedContentType => {
                (StatusCode::BAD_REQUEST, "unsupported_content_type")
            }
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::OriginNotAllowed => (StatusCode::FORBIDDEN, "origin_not_allowed"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::BadBody => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::SsoFailed => (StatusCode::UNAUTHORIZED, "sso_failed"),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::SignInRequired => (StatusCode::UNAUTHORIZED, "sign_in_required"),
            ApiError::BadPhoto(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_photo"),
            ApiError::NoMorePhotos => (StatusCode::CONFLICT, "no_more_photos"),
            ApiError::Db(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let bearer_challenge = matches!(self, ApiError::Unauthenticated | ApiError::SignInRequired);
        let retry_after = match self {
            ApiError::RateLimited { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let (message, fields) = match self {
            ApiError::Validation(fields) => ("the request has invalid fields".to_owned(), fields),
            ref e if status.is_server_error() => {
                tracing::error!(error = %e, "API request failed");
                ("internal error".to_owned(), Vec::new())
            }
            e => (e.to_string(), Vec::new()),
        };
        let mut response = error_response(status, code, message, fields);
        if bearer_challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        response
    }
}

/// Builds an `/api` error response; also used by the middleware that gives errors produced
/// outside our handlers (405, 408, 413, 503) the same shape.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: String,
    fields: Vec<FieldError>,
) -> Response {
    let body = civic_wire::ApiError {
        error: ErrorBody {
            code: code.to_owned(),
            message,
            fields,
        },
    };
    (status, axum::Json(body)).into_response()
}

/// `axum::Json` with our rejections: 400 for a wrong content type or broken JSON, 413 for an
/// oversized body, 422 naming the field for JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedContentType);
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// [`ApiJson`] for a body that may be left out: no body (or only whitespace) is `T::default()`,
/// whatever the `Content-Type`; any other body must be JSON, refused as [`ApiJson`] refuses it.
pub struct ApiJsonOrEmpty<T>(pub T);

impl<S, T> FromRequest<S> for ApiJsonOrEmpty<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(req.headers());
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(ApiJsonOrEmpty(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedContentType);
        }
        parse_json(&bytes).map(ApiJsonOrEmpty)
    }
}

/// `Content-Type: application/json` (or `application/*+json`), any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadBody
        }
    })
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(json_error)?;
    // Trailing bytes after the JSON value make the body malformed, as `axum::Json` says too.
    de.end().map_err(|_| ApiError::MalformedJson)?;
    Ok(value)
}

/// Turns a serde error into either "broken JSON" or "this field is wrong". The serde message
/// may quote the visitor's input, so it is not echoed; the path and a plain reason are.
fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_json::error::Category;
    let inner = err.inner();
    if !matches!(inner.classify(), Category::Data) {
        return ApiError::MalformedJson;
    }
    let text = inner.to_string();
    let path = err.path().to_string();
    let missing = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_owned);
    let field_error = match missing {
        Some(name) => FieldError {
            field: if path == "." {
                name
            } else {
                format!("{path}.{name}")
            },
            code: FieldErrorCode::Required,
            message: "this field is required".into(),
        },
        None => FieldError {
            field: if path == "." { String::new() } else { path },
            code: FieldErrorCode::Invalid,
            message: "this value has the wrong type or form".into(),
        },
    };
    ApiError::Validation(vec![field_error])
}

/// The `/api` fallback: a JSON 404 for routes that do not exist.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

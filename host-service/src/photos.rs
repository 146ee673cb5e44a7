//! Residents' photos: `POST /api/v1/sites/{key}/problems/{id}/photos` (the reporter, proving it
//! with the report's tracking code), `GET /photos/{id}/{display|thumb}.jpg` (public problems'
//! photos that no moderator hid), and [`process`], the one way bytes become a stored photo.
//!
//! [`process`] (the `civic-photo` crate) accepts JPEG, PNG and WebP only, within pixel limits,
//! and stores upright JPEGs re-encoded without EXIF or GPS. Decoding runs on the blocking pool,
//! never on the async threads.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use civic_wire::{PhotoUploaded, Status};
use rusqlite::{Connection, OptionalExtension, params};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::ApiError;
use crate::db::{DbError, now};
use crate::secrets;
use crate::sites::find_site;

pub use civic_photo::{MAX_BYTES, PhotoError, Processed, process};

/// Photos per problem.
pub const MAX_PER_PROBLEM: i64 = 3;
/// How long after filing a report its reporter may add photos.
pub const UPLOAD_WINDOW_SECS: i64 = 24 * 3600;
/// The header that carries the report's tracking code.
pub const TRACKING_HEADER: &str = "x-tracking-code";

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload).layer(DefaultBodyLimit::max(MAX_BYTES)))
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/photos/{id}/{file}", get(serve))
}

/// Adds a photo to a report, as its reporter: the body is the image itself (JPEG, PNG or WebP,
/// up to 10 MiB), `X-Tracking-Code` the code the report's `201` gave. Up to 3 photos, within a
/// day of filing, while the report waits for moderation (on a site without pre-moderation: while
/// no official has acted on it). The photo is stored re-encoded: no EXIF or GPS survives.
#[utoipa::path(
    post,
    path = "/api/v1/sites/{key}/problems/{id}/photos",
    tag = "problems",
    params(
        ("key" = String, Path, description = "The site's public key (`data-site`)"),
        ("id" = i64, Path, description = "The report's number"),
        ("X-Tracking-Code" = String, Header, description = "The report's tracking code, from its `201`"),
    ),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP image"),
    responses(
        (status = 201, description = "Stored (committed)", body = PhotoUploaded),
        (status = 400, description = "A malformed request: the report's number is not a number", body = civic_wire::ApiError),
        (status = 403, description = "This origin may not use the site's widget", body = civic_wire::ApiError),
        (status = 404, description = "No such report on this site, or not with this tracking code", body = civic_wire::ApiError),
        (status = 409, description = "The report takes no more photos (3 already, a day passed, or moderated or acted on)", body = civic_wire::ApiError),
        (status = 413, description = "The body is larger than 10 MiB", body = civic_wire::ApiError),
        (status = 422, description = "Not a JPEG, PNG or WebP image, unreadable, or over 40 megapixels", body = civic_wire::ApiError),
        (status = 429, description = "Too many uploads from this address; `Retry-After` says when to retry", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key, problem.id = id))]
async fn upload(
    State(state): State<AppState>,
    crate::ratelimit::ClientIp(client): crate::ratelimit::ClientIp,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, axum::Json<PhotoUploaded>), ApiError> {
    state.limits.check_ip(client)?;
    let code = headers
        .get(TRACKING_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| secrets::is_tracking_code(c))
        .ok_or(ApiError::UnknownProblem)?;
    // Check the capability before spending a core on decoding.
    let (lookup, lookup_code) = (key.clone(), code.clone());
    state
        .db
        .read(move |conn| may_add(conn, &lookup, id, &lookup_code))
        .await?;
    let processed = tokio::task::spawn_blocking(move || process(&body))
        .await
        .map_err(|e| ApiError::Db(DbError::Join(e.to_string())))?
        .map_err(|e| ApiError::BadPhoto(e.to_string()))?;
    let photo_id = state
        .db
        .write(move |conn| {
            // Checked again in the write: two uploads at once cannot make a fourth photo.
            may_add(conn, &key, id, &code)?;
            conn.execute(
                "INSERT INTO photos (problem_id, display, width, height, thumb, thumb_width, thumb_height, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    processed.display,
                    processed.width,
                    processed.height,
                    processed.thumb,
                    processed.thumb_width,
                    processed.thumb_height,
                    now()
                ],
            )?;
            Ok::<_, ApiError>(conn.last_insert_rowid())
        })
        .await?;
    tracing::info!(photo.id = photo_id, "photo stored");
    let base = state.config.public_base();
    Ok((
        StatusCode::CREATED,
        axum::Json(PhotoUploaded {
            id: photo_id,
            url: public_url(&base, photo_id, "display"),
            thumb_url: public_url(&base, photo_id, "thumb"),
        }),
    ))
}

/// Whether the holder of `code` may add a photo to problem `id` of site `key` now.
fn may_add(conn: &Connection, key: &str, id: i64, code: &str) -> Result<(), ApiError> {
    let site = find_site(conn, key)?.ok_or(ApiError::UnknownSite)?;
    let row = conn
        .query_row(
            "SELECT p.status, p.created_at, (SELECT count(*) FROM photos f WHERE f.problem_id = p.id AND f.inbound_id IS NULL)
             FROM problems p WHERE p.id = ?1 AND p.site_id = ?2 AND p.tracking_code = ?3",
            params![id, site.id, code],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )
        .optional()?;
    let Some((status, created_at, count)) = row else {
        return Err(ApiError::UnknownProblem);
    };
    // Before a moderator saw it; on a site without pre-moderation the report is published as it
    // is filed, so until an official acts on it (moderators can still hide a photo).
    let untouched = status == Status::New.as_str()
        || (!site.premoderation && status == Status::Published.as_str());
    if !untouched || now() - created_at > UPLOAD_WINDOW_SECS || count >= MAX_PER_PROBLEM {
        return Err(ApiError::NoMorePhotos);
    }
    Ok(())
}

/// A public problem's photo that no moderator hid; anything else is 404.
async fn serve(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> Response {
    let column = match file.as_str() {
        "display.jpg" => "display",
        "thumb.jpg" => "thumb",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let found = state
        .db
        .read(move |conn| {
            conn.query_row(
                &format!(
                    "SELECT f.{column} FROM photos f JOIN problems p ON p.id = f.problem_id
                     WHERE f.id = ?1 AND f.hidden_at IS NULL
                       AND p.published_at IS NOT NULL AND p.status <> 'new'"
                ),
                [id],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()
            .map_err(DbError::from)
        })
        .await;
    match found {
        Ok(Some(bytes)) => jpeg_response(bytes, "public, max-age=3600"),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "photo not served");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A stored JPEG as an HTTP answer.
pub fn jpeg_response(bytes: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The photos of a problem, for the cabinet: id, hidden, sizes.
pub struct PhotoRow {
    pub id: i64,
    pub hidden: bool,
    pub thumb_width: u32,
    pub thumb_height: u32,
}

pub fn of_problem(conn: &Connection, problem_id: i64) -> rusqlite::Result<Vec<PhotoRow>> {
    conn.prepare_cached(
        "SELECT id, hidden_at IS NOT NULL, thumb_width, thumb_height FROM photos
         WHERE problem_id = ?1 ORDER BY id",
    )?
    .query_map([problem_id], |r| {
        Ok(PhotoRow {
            id: r.get(0)?,
            hidden: r.get(1)?,
            thumb_width: r.get(2)?,
            thumb_height: r.get(3)?,
        })
    })?
    .collect()
}

/// Where photo `id` is served publicly in `size` (`display` or `thumb`); `base` is the public
/// URL. The one place the address is spelled, for the upload's answer, the card and Open311.
pub fn public_url(base: &str, id: i64, size: &str) -> String {
    format!("{base}/photos/{id}/{size}.jpg")
}

/// The ids of a problem's photos that no moderator hid, oldest first.
pub fn visible(conn: &Connection, problem_id: i64) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT id FROM photos WHERE problem_id = ?1 AND hidden_at IS NULL ORDER BY id",
    )?
    .query_map([problem_id], |r| r.get(0))?
    .collect()
}

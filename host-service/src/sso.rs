//! Single sign-on from the host sites (issue 3): the site's backend signs a short JWT for its
//! signed-in visitor, the widget exchanges it at `POST /api/v1/sso/exchange` for a widget session
//! (a bearer token held in the page's memory, never a cookie), and `GET
//! /api/v1/sites/{key}/me/problems` lists the resident's own reports.
//!
//! Verification (SECURITY.md, the SSO row), in this order:
//! 1. the key is looked up by (site, `kid`) among the site's active keys: unknown → refused;
//! 2. the signature is checked with that key and **its** pinned algorithm (the header's `alg`
//!    only has to equal it: `none`, or HS256 over a public key, never verify);
//!    `jku`/`x5u`/`jwk` headers are ignored: keys come only from our database;
//! 3. only then the claims: `iss` = site key, `aud` = `civic-widget:<site key>`, `exp` required,
//!    `nbf`, a [`LEEWAY_SECS`] leeway, `exp - iat` ≤ [`MAX_TOKEN_LIFETIME_SECS`], a `jti` never
//!    seen before on this site.
//!
//! Identity is (site, `sub`), never the e-mail. Every failure answers the same `401 sso_failed`;
//! the reason is logged (never the token).

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use civic_wire::{
    Lang, MyProblem, MyProblems, OfficialAnswer, ResidentProfile, SsoExchange, SsoSession, Status,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiError, ApiJson};
use crate::db::now;
use crate::secrets;
use crate::sites::{find_site, normalize_origin};

/// Clock skew tolerated on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: u64 = 30;
/// The longest a token may live (`exp - iat`): it is a hand-over, not a credential.
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 600;
/// How long a widget session lives; the widget exchanges a fresh token after that.
pub const SESSION_TTL_SECS: i64 = 30 * 60;
/// The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash's size).
pub const HS256_MIN_SECRET_BYTES: usize = 32;
/// Pages of "my reports" hold at most this many.
pub const MY_PROBLEMS_MAX_PER_PAGE: u32 = 50;

const CLAIM_MAX_CHARS: usize = 255;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(SsoDoc::openapi())
        .routes(routes!(exchange))
        .routes(routes!(my_problems))
}

/// The `sso` tag and the `widget_session` bearer scheme the routes below refer to.
#[derive(utoipa::OpenApi)]
#[openapi(
    modifiers(&WidgetSessionScheme),
    tags((name = "sso", description = "Sign-in through the host site (single sign-on) and the resident's own reports"))
)]
struct SsoDoc;

struct WidgetSessionScheme;

impl utoipa::Modify for WidgetSessionScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "widget_session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `session` answered by `POST /api/v1/sso/exchange`; kept in memory, never a cookie",
                    ))
                    .build(),
            ),
        );
    }
}

/// The algorithm a key is pinned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlg {
    Hs256,
    EdDsa,
    Es256,
}

impl KeyAlg {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlg::Hs256 => "HS256",
            KeyAlg::EdDsa => "EdDSA",
            KeyAlg::Es256 => "ES256",
        }
    }

    fn parse(s: &str) -> Option<KeyAlg> {
        match s {
            "HS256" => Some(KeyAlg::Hs256),
            "EdDSA" => Some(KeyAlg::EdDsa),
            "ES256" => Some(KeyAlg::Es256),
            _ => None,
        }
    }

    fn jwt(self) -> Algorithm {
        match self {
            KeyAlg::Hs256 => Algorithm::HS256,
            KeyAlg::EdDsa => Algorithm::EdDSA,
            KeyAlg::Es256 => Algorithm::ES256,
        }
    }
}

/// A verification key as registered: its algorithm and what is stored.
#[derive(Debug, Clone)]
pub struct SsoKey {
    pub alg: KeyAlg,
    /// The HS256 secret, or the public key's SPKI PEM text.
    pub material: Vec<u8>,
}

impl SsoKey {
    /// An HS256 shared secret (at least [`HS256_MIN_SECRET_BYTES`] bytes).
    pub fn hs256(secret: &[u8]) -> Result<SsoKey, String> {
        if secret.len() < HS256_MIN_SECRET_BYTES {
            return Err(format!(
                "an HS256 secret must be at least {HS256_MIN_SECRET_BYTES} bytes"
            ));
        }
        Ok(SsoKey {
            alg: KeyAlg::Hs256,
            material: secret.to_vec(),
        })
    }

    /// A public key in PEM (SPKI, `-----BEGIN PUBLIC KEY-----`): Ed25519 gives EdDSA, P-256
    /// gives ES256. Private keys are refused: we never hold a key that can mint users.
    pub fn public_pem(pem: &str) -> Result<SsoKey, String> {
        use ed25519_dalek::pkcs8::DecodePublicKey as _;
        if pem.contains("PRIVATE KEY") {
            return Err(
                "this is a private key; register the PUBLIC key (keep the private one on your backend)"
                    .into(),
            );
        }
        let alg = if ed25519_dalek::VerifyingKey::from_public_key_pem(pem).is_ok() {
            KeyAlg::EdDsa
        } else if p256::PublicKey::from_public_key_pem(pem).is_ok() {
            KeyAlg::Es256
        } else {
            return Err("not an Ed25519 or P-256 public key in PEM (SPKI)".into());
        };
        let key = SsoKey {
            alg,
            material: pem.trim().as_bytes().to_vec(),
        };
        key.decoding_key()?;
        Ok(key)
    }

    fn decoding_key(&self) -> Result<DecodingKey, String> {
        match self.alg {
            KeyAlg::Hs256 => Ok(DecodingKey::from_secret(&self.material)),
            KeyAlg::EdDsa => DecodingKey::from_ed_pem(&self.material).map_err(|e| e.to_string()),
            KeyAlg::Es256 => DecodingKey::from_ec_pem(&self.material).map_err(|e| e.to_string()),
        }
    }
}

/// Registers a key for a site (`host-service site sso`). A `kid` is never reused on a site.
pub fn insert_key(
    conn: &Connection,
    site_key: &str,
    kid: &str,
    key: &SsoKey,
) -> Result<(), String> {
    if kid.is_empty() || kid.chars().count() > 64 {
        return Err("a kid is 1-64 characters".into());
    }
    let site = find_site(conn, site_key)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no site with key {site_key:?}"))?;
    let exists = conn
        .query_row(
            "SELECT 1 FROM site_sso_keys WHERE site_id = ?1 AND kid = ?2",
            params![site.id, kid],
            |_| Ok(()),
        )
        .optional()
        .map_err(|e| e.to_string())?
        .is_some();
    if exists {
        return Err(format!(
            "the site already has a key {kid:?}; rotate with a new kid (and --revoke the old one)"
        ));
    }
    conn.execute(
        "INSERT INTO site_sso_keys (site_id, kid, alg, key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![site.id, kid, key.alg.as_str(), key.material, now()],
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Revokes a site's key; tokens signed with it are refused from now on. Returns whether one was.
pub fn revoke_key(conn: &Connection, site_key: &str, kid: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE site_sso_keys SET revoked_at = ?3
         WHERE kid = ?2 AND revoked_at IS NULL AND site_id = (SELECT id FROM sites WHERE key = ?1)",
        params![site_key, kid, now()],
    )?;
    Ok(n > 0)
}

fn active_key(conn: &Connection, site_id: i64, kid: &str) -> rusqlite::Result<Option<SsoKey>> {
    conn.query_row(
        "SELECT alg, key FROM site_sso_keys WHERE site_id = ?1 AND kid = ?2 AND revoked_at IS NULL",
        params![site_id, kid],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
    )
    .optional()
    .map(|row| {
        row.and_then(|(alg, material)| KeyAlg::parse(&alg).map(|alg| SsoKey { alg, material }))
    })
}

/// The claims we read. Unknown claims are ignored; `exp` and `iss`/`aud` are checked by the
/// library (and `iss` again here), the others below.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
    jti: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

/// Why a sign-in failed: logged, never answered.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("unknown site")]
    UnknownSite,
    #[error("origin not registered for the site")]
    Origin,
    #[error("token header unreadable or without kid")]
    Header,
    #[error("no active key with this kid")]
    UnknownKid,
    #[error("token refused: {0}")]
    Token(String),
    #[error("exp - iat exceeds the allowed lifetime, or iat in the future")]
    Lifetime,
    #[error("claim empty or too long")]
    ClaimShape,
    #[error("jti already used")]
    Replay,
}

/// A verified token's content.
struct Verified {
    site_id: i64,
    claims: Claims,
}

fn verify(token: &str, site_key: &str, key: &SsoKey) -> Result<Claims, Refusal> {
    let decoding = key.decoding_key().map_err(Refusal::Token)?;
    // The algorithm comes from the stored key; the header's `alg` must merely equal it.
    let mut validation = Validation::new(key.alg.jwt());
    validation.leeway = LEEWAY_SECS;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.set_issuer(&[site_key]);
    validation.set_audience(&[format!("civic-widget:{site_key}")]);
    // Signature first, then the claims: that is the order `decode` works in.
    let data = jsonwebtoken::decode::<Claims>(token, &decoding, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        // A JSON error may quote a claim's value (personal data): name the kind only.
        Refusal::Token(match e.kind() {
            ErrorKind::Json(_) | ErrorKind::Utf8(_) | ErrorKind::Base64(_) => {
                "malformed token".to_owned()
            }
            other => format!("{other:?}"),
        })
    })?;
    let claims = data.claims;
    if claims.iss != site_key {
        return Err(Refusal::Token("iss".into()));
    }
    let now = now();
    let leeway = LEEWAY_SECS as i64;
    if claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECS || claims.iat > now + leeway {
        return Err(Refusal::Lifetime);
    }
    let shaped = |s: &str| !s.trim().is_empty() && s.chars().count() <= CLAIM_MAX_CHARS;
    if !shaped(&claims.sub) || !shaped(&claims.jti) {
        return Err(Refusal::ClaimShape);
    }
    Ok(claims)
}

/// Exchanges an identity token for a widget session.
///
/// The token is a JWT the site's backend signed for its signed-in visitor with a key registered
/// by `host-service site sso`: `iss` = the site key, `aud` = `civic-widget:<site key>`, `sub`,
/// `iat`, `exp` (at most 10 minutes after `iat`), a single-use `jti`, and optionally `name`,
/// `email`, `phone`; `kid` in the header names the key. Every refusal is the same `401`.
#[utoipa::path(
    post,
    path = "/api/v1/sso/exchange",
    tag = "sso",
    request_body(content = SsoExchange, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in: a widget session (send it as `Authorization: Bearer`) and the resident's own display data", body = SsoSession),
        (status = 400, description = "Not JSON, or not `Content-Type: application/json`", body = civic_wire::ApiError),
        (status = 401, description = "Sign-in failed (`sso_failed`); the reason is not disclosed", body = civic_wire::ApiError),
        (status = 413, description = "The body is too large", body = civic_wire::ApiError),
        (status = 422, description = "A field is missing or has the wrong type", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key, resident.id))]
async fn exchange(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SsoExchange>,
) -> Result<axum::Json<SsoSession>, ApiError> {
    tracing::Span::current().record("site.key", body.site.as_str());
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| normalize_origin(o).unwrap_or_default());
    let SsoExchange { site, token } = body;
    let verified = state
        .db
        .read(move |conn| Ok::<_, ApiError>(check_token(conn, &site, &token, origin.as_deref())))
        .await?;
    let Verified { site_id, claims } = match verified {
        Ok(v) => v,
        Err(refusal) => {
            tracing::warn!(reason = %refusal, "SSO sign-in refused");
            return Err(ApiError::SsoFailed);
        }
    };
    let session = secrets::token();
    let hash = secrets::token_hash(&session);
    let outcome = state
        .db
        .write(move |conn| {
            let at = now();
            conn.execute("DELETE FROM used_jtis WHERE expires_at < ?1", [at])?;
            conn.execute("DELETE FROM widget_sessions WHERE expires_at < ?1", [at])?;
            let fresh = conn.execute(
                "INSERT OR IGNORE INTO used_jtis (site_id, jti, expires_at) VALUES (?1, ?2, ?3)",
                params![site_id, claims.jti, claims.exp + LEEWAY_SECS as i64],
            )?;
            if fresh == 0 {
                return Ok::<_, ApiError>(Err(Refusal::Replay));
            }
            let clean = |s: Option<String>| {
                s.map(|s| s.trim().chars().take(CLAIM_MAX_CHARS).collect::<String>())
                    .filter(|s| !s.is_empty())
            };
            let profile = ResidentProfile {
                display_name: clean(claims.name),
                email: clean(claims.email),
                phone: clean(claims.phone),
            };
            // Keyed by (site, sub): the site is the authority on its user's name and contacts.
            let resident_id: i64 = conn.query_row(
                "INSERT INTO residents (site_id, sub, display_name, email, phone, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (site_id, sub) DO UPDATE SET
                   display_name = excluded.display_name, email = excluded.email,
                   phone = excluded.phone, updated_at = excluded.updated_at
                 RETURNING id",
                params![
                    site_id,
                    claims.sub,
                    profile.display_name,
                    profile.email,
                    profile.phone,
                    at
                ],
                |r| r.get(0),
            )?;
            conn.execute(
                "INSERT INTO widget_sessions (token_hash, resident_id, site_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hash, resident_id, site_id, at, at + SESSION_TTL_SECS],
            )?;
            Ok(Ok((resident_id, profile)))
        })
        .await?;
    match outcome {
        Ok((resident_id, resident)) => {
            tracing::Span::current().record("resident.id", resident_id);
            tracing::info!("SSO sign-in");
            Ok(axum::Json(SsoSession {
                session,
                expires_in: SESSION_TTL_SECS as u64,
                resident,
            }))
        }
        Err(refusal) => {
            tracing::warn!(reason = %refusal, "SSO sign-in refused");
            Err(ApiError::SsoFailed)
        }
    }
}

fn check_token(
    conn: &Connection,
    site_key: &str,
    token: &str,
    origin: Option<&str>,
) -> Result<Verified, Refusal> {
    let site = find_site(conn, site_key)
        .map_err(|e| Refusal::Token(e.to_string()))?
        .ok_or(Refusal::UnknownSite)?;
    if let Some(origin) = origin {
        let allowed = crate::sites::site_allows_origin(conn, &site.key, origin)
            .map_err(|e| Refusal::Token(e.to_string()))?;
        if allowed != Some(true) {
            return Err(Refusal::Origin);
        }
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Header)?;
    let kid = header.kid.ok_or(Refusal::Header)?;
    let key = active_key(conn, site.id, &kid)
        .map_err(|e| Refusal::Token(e.to_string()))?
        .ok_or(Refusal::UnknownKid)?;
    let claims = verify(token, &site.key, &key)?;
    Ok(Verified {
        site_id: site.id,
        claims,
    })
}

/// The signed-in resident behind a request, if it carries `Authorization: Bearer`.
#[derive(Debug, Clone, Copy)]
pub struct Resident {
    pub id: i64,
    pub site_id: i64,
}

/// `Ok(None)` without an `Authorization` header; `Err(Unauthenticated)` for a malformed,
/// unknown or expired bearer, or one of another site. Cookies are never looked at.
pub async fn bearer_resident(
    state: &AppState,
    headers: &HeaderMap,
    site_id: i64,
) -> Result<Option<Resident>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthenticated)?;
    let hash = secrets::token_hash(token);
    let resident = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT resident_id, site_id FROM widget_sessions
                 WHERE token_hash = ?1 AND expires_at > ?2",
                params![hash, now()],
                |r| {
                    Ok(Resident {
                        id: r.get(0)?,
                        site_id: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?;
    match resident {
        Some(r) if r.site_id == site_id => Ok(Some(r)),
        _ => Err(ApiError::Unauthenticated),
    }
}

/// For the cabinet: the SSO identity (`sub`) a problem was filed under, if any.
pub fn problem_resident_sub(
    conn: &Connection,
    problem_id: i64,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT r.sub FROM problems p JOIN residents r ON r.id = p.resident_id WHERE p.id = ?1",
        [problem_id],
        |r| r.get(0),
    )
    .optional()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MyProblemsQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Reports per page, 1-50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    per_page: Option<u32>,
    /// `ru` or `en`; anything else means the site's default language.
    lang: Option<String>,
}

/// The signed-in resident's own reports, newest first, with status and public answers.
///
/// Requires `Authorization: Bearer <session>` from `POST /api/v1/sso/exchange` for this site.
#[utoipa::path(
    get,
    path = "/api/v1/sites/{key}/me/problems",
    tag = "sso",
    params(("key" = String, Path, description = "The site's public key (`data-site`)"), MyProblemsQuery),
    responses(
        (status = 200, description = "One page of the resident's reports", body = MyProblems),
        (status = 400, description = "A malformed query string", body = civic_wire::ApiError),
        (status = 401, description = "No valid widget session for this site", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
    ),
    security(("widget_session" = []))
)]
#[tracing::instrument(skip_all, fields(site.key = %key))]
async fn my_problems(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<MyProblemsQuery>,
    headers: HeaderMap,
) -> Result<axum::Json<MyProblems>, ApiError> {
    let lookup = key.clone();
    let site = state
        .db
        .read(move |conn| find_site(conn, &lookup).map_err(ApiError::from))
        .await?
        .ok_or(ApiError::UnknownSite)?;
    let resident = bearer_resident(&state, &headers, site.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let lang = q
        .lang
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(site.default_lang);
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(20).clamp(1, MY_PROBLEMS_MAX_PER_PAGE);
    let answer = state
        .db
        .read(move |conn| {
            list_my_problems(conn, resident.id, lang, page, per_page).map_err(ApiError::from)
        })
        .await?;
    Ok(axum::Json(answer))
}

fn list_my_problems(
    conn: &Connection,
    resident_id: i64,
    lang: Lang,
    page: u32,
    per_page: u32,
) -> rusqlite::Result<MyProblems> {
    let name_col = match lang {
        Lang::Ru => "c.name_ru",
        Lang::En => "c.name_en",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, {name_col}, p.description, p.status, p.created_at, p.due_at
         FROM problems p JOIN categories c ON c.id = p.category_id
         WHERE p.resident_id = ?1 ORDER BY p.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let offset = (page as i64 - 1) * per_page as i64;
    let rows = stmt
        .query_map(params![resident_id, per_page as i64 + 1, offset], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > per_page as usize;
    let mut answers_stmt = conn.prepare_cached(
        "SELECT at, public_answer FROM problem_events
         WHERE problem_id = ?1 AND public_answer IS NOT NULL AND trim(public_answer) <> ''
         ORDER BY id",
    )?;
    let mut problems = Vec::new();
    for (id, category, description, status, created_at, due_at) in
        rows.into_iter().take(per_page as usize)
    {
        let status = Status::parse(&status).unwrap_or(Status::New);
        let answers = answers_stmt
            .query_map([id], |r| {
                Ok(OfficialAnswer {
                    at: day(r.get(0)?),
                    by: crate::map::administration(lang).to_owned(),
                    text: r.get::<_, String>(1)?.trim().to_owned(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        problems.push(MyProblem {
            id,
            category,
            description,
            status,
            status_label: status.label(lang).to_owned(),
            created: day(created_at),
            deadline: due_at.map(day),
            answers,
        });
    }
    Ok(MyProblems {
        page,
        per_page,
        more,
        problems,
    })
}

fn day(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
        })
        .unwrap_or_default()
}

/// CORS of `POST /api/v1/sso/exchange`, which names its site in the body rather than the path:
/// a preflight is answered for an origin registered for some site (it carries no body), and the
/// exchange itself checks the origin against the named site. Never `Allow-Credentials`.
pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() != "/api/v1/sso/exchange" {
        return next.run(req).await;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(req).await;
    };
    let lookup = normalize_origin(&origin).unwrap_or_default();
    let known = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT 1 FROM site_origins WHERE origin = ?1 LIMIT 1",
                [lookup],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(ApiError::from)
        })
        .await
        .unwrap_or(false);
    let mut response = if req.method() == Method::OPTIONS && known {
        crate::sites::preflight_answer("POST, OPTIONS", "content-type")
    } else {
        next.run(req).await
    };
    if known && let Ok(value) = HeaderValue::from_str(&origin) {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

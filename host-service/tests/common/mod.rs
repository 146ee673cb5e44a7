//! Shared test fixtures: a real SQLite database in a temporary folder, the demo city seeded,
//! a second municipality with its own site and official, and small request helpers.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use civic_wire::{Bounds, LatLon};
use host_service::admin::{self, CategorySpec, OfficialSpec, Role, SiteSpec};
use host_service::{AppState, Config, demo};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub mod dovecot;
pub mod mails;
#[path = "../../../tests/src/smtp.rs"]
pub mod smtp;

pub const PUBLIC: &str = "http://127.0.0.1:8080";
pub const DEMO_ORIGIN: &str = "https://demograd.example";
pub const OTHER_ORIGIN: &str = "https://drugograd.example";
pub const OTHER_LOGIN: &str = "other-admin";
pub const OTHER_PASSWORD: &str = "other-password-1";

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub demo_password: String,
    /// The id of the first category of the demo municipality.
    pub demo_category: i64,
    pub other_category: i64,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(
            "127.0.0.1:0".parse().unwrap(),
            dir.path().join("data/civic.db"),
        );
        config.public_url = PUBLIC.parse().unwrap();
        // Every oneshot request comes from the same (loopback) client; the tests of the rate
        // limits themselves (`ratelimit.rs`) build their app with the real defaults.
        config.rate_limits = host_service::RateLimits::unlimited();
        TestApp::with_config(dir, config).await
    }

    pub async fn with_config(dir: tempfile::TempDir, config: Config) -> TestApp {
        let state = AppState::open(&config).unwrap();
        let login = demo::seed(&state).await.unwrap();
        admin::allow_origin(&state.db, demo::SITE_KEY, DEMO_ORIGIN)
            .await
            .unwrap();
        admin::add_site(
            &state.db,
            SiteSpec {
                key: "other".into(),
                name: "Другоград".into(),
                municipality: "Другоград".into(),
                origins: vec![OTHER_ORIGIN.into()],
                centre: LatLon {
                    lat: 10.5,
                    lon: 10.5,
                },
                bounds: Bounds {
                    west: 10.0,
                    south: 10.0,
                    east: 11.0,
                    north: 11.0,
                },
                categories: vec![CategorySpec::named("Ямы")],
                privacy_policy_url: "https://drugograd.example/privacy".into(),
            },
        )
        .await
        .unwrap();
        admin::add_official(
            &state.db,
            OfficialSpec {
                login: OTHER_LOGIN.into(),
                municipality: "Другоград".into(),
                password: OTHER_PASSWORD.into(),
                display_name: None,
                role: Role::SiteAdmin,
                agency: None,
            },
        )
        .await
        .unwrap();
        let (demo_category, other_category) = state
            .db
            .read(|c| {
                let a = c.query_row(
                    "SELECT c.id FROM categories c JOIN municipalities m ON m.id = c.municipality_id WHERE m.name = 'Демоград' ORDER BY c.position LIMIT 1",
                    [],
                    |r| r.get(0),
                )?;
                let b = c.query_row(
                    "SELECT c.id FROM categories c JOIN municipalities m ON m.id = c.municipality_id WHERE m.name = 'Другоград' LIMIT 1",
                    [],
                    |r| r.get(0),
                )?;
                Ok::<_, host_service::api::ApiError>((a, b))
            })
            .await
            .unwrap();
        TestApp {
            dir,
            state,
            demo_password: login.password,
            demo_category,
            other_category,
        }
    }

    pub fn router(&self) -> Router {
        host_service::app(self.state.clone())
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = self.router().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::builder().method(Method::GET).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post_raw(
        &self,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Reply {
        let mut req = Request::builder().method(Method::POST).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    /// POSTs a report to `/api/v1/sites/{key}/problems` from `origin` (if any).
    pub async fn report(&self, key: &str, origin: Option<&str>, body: &Value) -> Reply {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(o) = origin {
            headers.push(("origin", o));
        }
        self.post_raw(
            &format!("/api/v1/sites/{key}/problems"),
            &headers,
            body.to_string(),
        )
        .await
    }

    /// A report that passes every check, with canary contacts.
    pub fn valid_report(&self) -> Value {
        json!({
            "category_id": self.demo_category,
            "description": "Глубокая яма на проезжей части у дома 12",
            "location": { "lat": 54.51, "lon": 36.26 },
            "address": "ул. Ленина, 12",
            "reporter": { "name": "  Канарейкин Пётр  ", "email": "canary-mail@example.ru", "phone": "+7 (900) 555-01-02" },
            "consent": true,
            "lang": "ru"
        })
    }

    /// The status of problem `id`, as stored.
    pub async fn status_of(&self, id: i64) -> String {
        self.state
            .db
            .read(move |c| {
                c.query_row("SELECT status FROM problems WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(host_service::api::ApiError::from)
            })
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        self.state
            .db
            .read(move |c| {
                c.query_row(sql, [], |r| r.get(0))
                    .map_err(host_service::api::ApiError::from)
            })
            .await
            .unwrap()
    }

    /// Logs in and returns the `Cookie` header value and the page's CSRF token.
    pub async fn login(&self, login: &str, password: &str) -> (String, String) {
        let body = format!("login={}&password={}", login, password);
        let r = self
            .post_raw(
                "/cabinet/login",
                &[("content-type", "application/x-www-form-urlencoded")],
                body,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {login} failed: {}",
            r.body
        );
        let set_cookie = r.header("set-cookie").expect("a session cookie").to_owned();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let page = self.get("/cabinet", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        (cookie, csrf_of(&page.body))
    }
}

/// The bearer token that lets the tests read `/metrics` of [`app_mailing_to`]'s app.
pub const METRICS_TOKEN: &str = "scraper-token";

/// The demo city with its mail going to `sink`, retries every 200 ms, and the mail worker
/// running (as `serve` runs it).
pub async fn app_mailing_to(sink: &smtp::SmtpSink) -> (TestApp, tokio::task::JoinHandle<()>) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().join("data/civic.db"),
    );
    config.public_url = PUBLIC.parse().unwrap();
    config.rate_limits = host_service::RateLimits::unlimited();
    config.mail.smtp_url = Some(sink.url());
    config.mail.retry_min = std::time::Duration::from_millis(200);
    config.mail.retry_max = std::time::Duration::from_millis(400);
    config.metrics_token = Some(METRICS_TOKEN.into());
    let app = TestApp::with_config(dir, config).await;
    let worker = host_service::mail::spawn_worker(app.state.clone())
        .unwrap()
        .expect("a worker, since an SMTP server is configured");
    (app, worker)
}

/// A 40×20 JPEG (wider than tall) whose EXIF says "rotate 90° clockwise" and carries `canary`
/// as its description, as a phone's photo carries its place.
pub fn photo_with_exif(canary: &str) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(40, 20, |x, y| {
        image::Rgb([(x * 6) as u8, (y * 12) as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // TIFF, little-endian: one IFD with Orientation = 6 and ImageDescription = the canary.
    let text = format!("{canary}\0");
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x0E, 0x01, 2, 0]);
    tiff.extend_from_slice(&(text.len() as u32).to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(text.as_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let start =
        html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A CORS preflight from `origin` for a POST to `uri` that will send `headers`.
pub fn preflight(uri: &str, origin: &str, headers: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method("OPTIONS")
        .uri(uri)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", headers)
        .body(axum::body::Body::empty())
        .unwrap()
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

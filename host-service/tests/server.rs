//! The real server on a real socket, the command line, and the hardening layers.

use crate::common;

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use common::*;
use host_service::{AppState, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 exchange over a fresh connection; returns the status and the raw response.
async fn http(addr: std::net::SocketAddr, request: String) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_server_takes_reports_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::new(addr, dir.path().join("civic.db"));
    config.public_url = format!("http://{addr}").parse().unwrap();
    let state = AppState::open(&config).unwrap();
    let login = host_service::demo::seed(&state).await.unwrap();
    assert!(
        login
            .announcement(&config)
            .contains(&format!("http://{addr}/cabinet"))
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(host_service::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));

    let (status, body) = http(
        addr,
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#"{"status":"ok"}"#));

    let report = serde_json::json!({
        "category_id": 1, "description": "Не горит фонарь у школы номер 3",
        "location": { "lat": 54.5138, "lon": 36.2612 }, "consent": true
    })
    .to_string();
    let origin = format!("http://{addr}");
    let (status, body) = http(
        addr,
        format!(
            "POST /api/v1/sites/demo/problems HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{report}",
            report.len()
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body.to_ascii_lowercase()
            .contains(&format!("access-control-allow-origin: {origin}"))
    );
    assert!(body.contains(&format!("\"tracking_url\":\"http://{addr}/t/")));

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed after shutdown"
    );
}

fn layered(routes: Router<AppState>, app: &TestApp, tweak: impl FnOnce(&mut Config)) -> Router {
    let mut config = (*app.state.config).clone();
    tweak(&mut config);
    let state = AppState::with_db(config, app.state.db.clone());
    host_service::http::with_layers(routes, state)
}

async fn call(router: Router, uri: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = router
        .oneshot(
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_panicking_handler_is_a_generic_500_and_the_service_lives_on() {
    let app = TestApp::new().await;
    let routes = Router::new()
        .route(
            "/api/v1/boom",
            get(|| async {
                // A handler returning `!` is not a handler; this one panics at run time only.
                let detail = std::hint::black_box(String::from("secret detail canary-42"));
                if !detail.is_empty() {
                    panic!("{detail}");
                }
                "unreachable"
            }),
        )
        .route("/fine", get(|| async { "fine" }));
    let router = layered(routes, &app, |_| {});
    let (status, body) = call(router.clone(), "/api/v1/boom").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("canary-42"));
    assert!(
        body.contains("\"internal\""),
        "JSON shape under /api: {body}"
    );
    assert_eq!(call(router, "/fine").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_slow_request_times_out_with_408() {
    let app = TestApp::new().await;
    let routes = Router::new().route(
        "/api/v1/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    );
    let router = layered(routes, &app, |c| {
        c.limits.request_timeout = Duration::from_millis(50)
    });
    let (status, body) = call(router, "/api/v1/slow").await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(body.contains("\"timeout\""), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_over_the_concurrency_limit_are_shed_with_503() {
    let app = TestApp::new().await;
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    let entered = std::sync::Arc::new(tokio::sync::Notify::new());
    let (g, e) = (gate.clone(), entered.clone());
    let routes = Router::new().route(
        "/api/v1/hold",
        get(move || {
            let (g, e) = (g.clone(), e.clone());
            async move {
                e.notify_one();
                g.notified().await;
                "done"
            }
        }),
    );
    let router = layered(routes, &app, |c| c.limits.max_concurrent_requests = 1);
    let first = tokio::spawn(call(router.clone(), "/api/v1/hold"));
    entered.notified().await;
    let (status, body) = call(router, "/api/v1/hold").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("\"overloaded\""), "{body}");
    gate.notify_one();
    assert_eq!(first.await.unwrap().0, StatusCode::OK);
}

#[test]
fn the_command_line_adds_a_site_and_an_official() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli/civic.db");
    let bin = env!("CARGO_BIN_EXE_host-service");
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--public-url",
            "https://civic.example",
        ])
        .args([
            "site",
            "add",
            "--key",
            "tula",
            "--name",
            "Портал Тулы",
            "--municipality",
            "Тула",
        ])
        .args([
            "--origin",
            "https://tula.example",
            "--origin",
            "https://www.tula.example:8443",
        ])
        .args([
            "--centre",
            "54.19,37.61",
            "--bounds",
            "37.4,54.1,37.8,54.3",
            "--category",
            "Дороги",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The site's own loader (recommended: it brings the form with it), then the classic tag.
    let printed = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = printed.trim().lines().collect();
    assert_eq!(
        lines,
        [
            r#"<script src="https://civic.example/w/tula.js" async></script>"#,
            r#"<script src="https://civic.example/widget.js" data-site="tula" async></script>"#
        ]
    );
    let out = std::process::Command::new(bin)
        .env("CIVIC_DB", &db)
        .args([
            "user",
            "add",
            "--login",
            "ivanova",
            "--municipality",
            "Тула",
            "--name",
            "Иванова А. А.",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let password = stdout.trim().rsplit(' ').next().unwrap();
    assert!(password.len() >= 12, "{stdout}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let origins: i64 = conn
        .query_row("SELECT count(*) FROM site_origins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(origins, 2);
    let categories: String = conn
        .query_row("SELECT group_concat(name_ru) FROM categories", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(categories, "Дороги");
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM officials WHERE login = 'ivanova'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(host_service::secrets::verify_password(password, &hash));

    // A second site with the same key is refused with a message.
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            db.to_str().unwrap(),
            "site",
            "add",
            "--key",
            "tula",
            "--name",
            "x",
            "--municipality",
            "Тула",
        ])
        .args([
            "--origin",
            "https://tula.example",
            "--centre",
            "54.19,37.61",
            "--bounds",
            "37.4,54.1,37.8,54.3",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

//! Our own pages and static files: security headers, languages, the embedded bundle.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn every_page_sends_security_headers() {
    let app = TestApp::new().await;
    let created: civic_wire::ProblemCreated =
        serde_json::from_str(&app.report("demo", None, &app.valid_report()).await.body).unwrap();
    let (cookie, _) = app
        .login(host_service::demo::LOGIN, &app.demo_password)
        .await;
    let strict = host_service::http::STRICT_CSP;
    let pages = [
        ("/cabinet/login", "", strict),
        ("/cabinet", cookie.as_str(), strict),
        ("/cabinet/problems/1", cookie.as_str(), strict),
        ("/cabinet/stats?days=all", cookie.as_str(), strict),
        ("/cabinet/overdue", cookie.as_str(), strict),
        ("/cabinet/mail", cookie.as_str(), strict),
        ("/cabinet/settings", cookie.as_str(), strict),
        ("/stats/demo", "", strict),
        (&format!("/t/{}", created.tracking_code) as &str, "", strict),
        ("/t/AAAAAAAAAAAA", "", strict),
        ("/privacy", "", strict),
        ("/no-such-page", "", strict),
        ("/", "", host_service::http::DEMO_CSP),
    ];
    for (uri, cookie, csp) in pages {
        let headers: Vec<(&str, &str)> = if cookie.is_empty() {
            vec![]
        } else {
            vec![("cookie", cookie)]
        };
        let r = app.get(uri, &headers).await;
        assert!(
            r.header("content-type").unwrap().starts_with("text/html"),
            "{uri}"
        );
        assert_eq!(r.header("content-security-policy"), Some(csp), "{uri}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{uri}");
        assert!(!r.body.contains("style=\""), "{uri}: no inline styles");
    }
    assert!(host_service::http::DEMO_CSP.contains("'wasm-unsafe-eval'"));
}

#[tokio::test]
async fn unknown_tracking_code_is_a_404_in_words() {
    let app = TestApp::new().await;
    let r = app.get("/t/ZZZZZZZZZZZZ", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Обращение не найдено"));
    let r = app.get("/t/nonsense?lang=en", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Report not found"));
}

#[tokio::test]
async fn tracking_page_shows_what_the_reporter_wrote() {
    let app = TestApp::new().await;
    let created: civic_wire::ProblemCreated =
        serde_json::from_str(&app.report("demo", None, &app.valid_report()).await.body).unwrap();
    let r = app.get(&format!("/t/{}", created.tracking_code), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"<html lang="ru""#));
    assert!(r.body.contains(&format!("№ {}", created.id)));
    assert!(r.body.contains("Дороги и тротуары"));
    assert!(r.body.contains("Новое"));
    assert!(r.body.contains("Глубокая яма на проезжей части у дома 12"));
    assert!(r.body.contains("ул. Ленина, 12"));
    let r = app
        .get(&format!("/t/{}?lang=en", created.tracking_code), &[])
        .await;
    assert!(r.body.contains(r#"<html lang="en""#));
    assert!(r.body.contains("Roads and pavements"));
    assert!(r.body.contains(">New<"));
}

#[tokio::test]
async fn healthz_reads_the_database() {
    let app = TestApp::new().await;
    let r = app.get("/healthz", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn the_demo_page_and_stylesheet_are_served() {
    let app = TestApp::new().await;
    let r = app.get("/", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("widget.js"));
    let r = app.get("/assets/civic.css", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/css"));
    let r = app.get("/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        r.header("content-encoding"),
        Some("gzip"),
        "pages are compressed"
    );
    let r = app.get("/privacy?lang=en", &[]).await;
    assert!(r.body.contains("152-FZ"));
}

#[tokio::test]
async fn embedded_widget_files_have_their_type_cache_and_cors() {
    // dist/ may still be empty while the widget is being built; check whatever it holds.
    let app = TestApp::new().await;
    for path in host_service::assets::widget_files() {
        let r = app
            .get(&format!("/{path}"), &[("accept-encoding", "identity")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{path}");
        assert_eq!(
            r.header("cross-origin-resource-policy"),
            Some("cross-origin"),
            "{path}"
        );
        let cache = r.header("cache-control").unwrap();
        if path.starts_with("widget/") {
            assert!(cache.contains("immutable"), "{path}");
        } else if path == "widget.js" {
            assert_eq!(cache, "public, max-age=300");
        }
        if path.ends_with(".wasm") {
            assert_eq!(r.header("content-type"), Some("application/wasm"));
        }
        if path.ends_with(".js") {
            assert!(
                r.header("content-type")
                    .unwrap()
                    .starts_with("text/javascript")
            );
        }
    }
    assert_eq!(
        host_service::assets::mime_for("x/civic-widget-1234_bg.wasm"),
        "application/wasm"
    );
    assert!(host_service::assets::mime_for("widget.js").starts_with("text/javascript"));
    assert!(host_service::assets::mime_for("a.css").starts_with("text/css"));
    assert_eq!(host_service::assets::mime_for("a.png"), "image/png");
}

#[tokio::test]
async fn the_demo_seed_is_idempotent_and_keeps_its_password() {
    let app = TestApp::new().await;
    let again = host_service::demo::seed(&app.state).await.unwrap();
    assert_eq!(again.password, app.demo_password);
    assert_eq!(
        app.count("SELECT count(*) FROM sites WHERE key = 'demo'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM officials WHERE login = 'demo-admin'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM categories c JOIN municipalities m ON m.id = c.municipality_id WHERE m.name = 'Демоград'").await,
        5
    );
    let file = host_service::demo::password_file(&app.state.config.db_path);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().trim(),
        app.demo_password
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let line = again.announcement(&app.state.config);
    assert_eq!(
        line,
        format!(
            "Cabinet: {PUBLIC}/cabinet — login demo-admin, password {}",
            app.demo_password
        )
    );
}

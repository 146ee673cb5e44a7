//! The widget API as the widget (and a hostile page) sees it.

use crate::common;

use axum::http::StatusCode;
use common::*;
use host_service::demo;
use serde_json::{Value, json};

#[tokio::test]
async fn site_config_names_categories_in_the_language_asked() {
    let app = TestApp::new().await;
    for (query, first, policy_ok) in [
        ("", "Дороги и тротуары", true),
        ("?lang=ru", "Дороги и тротуары", true),
        ("?lang=en", "Roads and pavements", true),
    ] {
        let r = app.get(&format!("/api/v1/sites/demo{query}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        let config: civic_wire::SiteConfig = serde_json::from_str(&r.body).unwrap();
        assert_eq!(config.key, "demo");
        assert_eq!(config.name, "Демоград — городской портал");
        assert_eq!(config.municipality, "Демоград");
        assert_eq!(
            config.centre,
            civic_wire::LatLon {
                lat: 54.5138,
                lon: 36.2612
            }
        );
        assert_eq!(config.bounds.west, 36.15);
        assert_eq!(config.categories.len(), 5);
        assert_eq!(config.categories[0].name, first, "{query}");
        assert!(config.categories[0].hint.is_some());
        assert_eq!(
            config.privacy_policy_url == format!("{PUBLIC}/privacy"),
            policy_ok
        );
    }
}

#[tokio::test]
async fn unknown_site_is_a_json_404() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/sites/nowhere", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_site");
    let r = app.report("nowhere", None, &app.valid_report()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_site");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/nothing-here", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app
        .post_raw(
            "/api/v1/sites/demo",
            &[("content-type", "application/json")],
            "{}",
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_valid_report_is_stored_with_contacts_apart_and_never_shown_publicly() {
    let app = TestApp::new().await;
    let r = app
        .report("demo", Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created: civic_wire::ProblemCreated = serde_json::from_str(&r.body).unwrap();
    assert_eq!(created.status, civic_wire::Status::New);
    assert_eq!(created.tracking_code.len(), 12);
    assert_eq!(
        created.tracking_url,
        format!("{PUBLIC}/t/{}", created.tracking_code)
    );

    let id = created.id;
    let (problem, reporter) = app
        .state
        .db
        .read(move |c| {
            let p: (String, String, Option<String>, String) = c.query_row(
                "SELECT status, description, origin, tracking_code FROM problems WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let rep: (Option<String>, Option<String>, Option<String>) = c.query_row(
                "SELECT name, email, phone FROM reporters WHERE problem_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok::<_, host_service::api::ApiError>((p, rep))
        })
        .await
        .unwrap();
    assert_eq!(problem.0, "new");
    assert_eq!(problem.1, "Глубокая яма на проезжей части у дома 12");
    assert_eq!(problem.2.as_deref(), Some(DEMO_ORIGIN));
    assert_eq!(problem.3, created.tracking_code);
    assert_eq!(reporter.0.as_deref(), Some("Канарейкин Пётр"), "trimmed");
    assert_eq!(reporter.1.as_deref(), Some("canary-mail@example.ru"));
    assert_eq!(reporter.2.as_deref(), Some("+7 (900) 555-01-02"));

    // No public response carries the canary contacts.
    let public = [
        r.body.clone(),
        app.get("/api/v1/sites/demo", &[]).await.body,
        app.get(&format!("/t/{}", created.tracking_code), &[])
            .await
            .body,
        app.get(&format!("/t/{}?lang=en", created.tracking_code), &[])
            .await
            .body,
    ];
    for body in public {
        for canary in ["Канарейкин", "canary-mail", "555-01-02"] {
            assert!(!body.contains(canary), "{canary} leaked in {body}");
        }
    }
}

#[tokio::test]
async fn empty_contacts_are_stored_as_null() {
    let app = TestApp::new().await;
    let mut report = app.valid_report();
    report["reporter"] = json!({ "name": "   ", "email": "" });
    let r = app.report("demo", None, &report).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM reporters WHERE name IS NULL AND email IS NULL AND phone IS NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn each_bad_input_is_refused_naming_the_field_and_stores_nothing() {
    let app = TestApp::new().await;
    let first = app.report("demo", None, &app.valid_report()).await;
    assert_eq!(first.status, StatusCode::CREATED);

    let other_category = app.other_category;
    type Mutate = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutate, &str, &str)> = vec![
        (
            "consent false",
            Box::new(|v| v["consent"] = json!(false)),
            "consent",
            "consent_required",
        ),
        (
            "consent missing",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("consent");
            }),
            "consent",
            "required",
        ),
        (
            "empty description",
            Box::new(|v| v["description"] = json!("   ")),
            "description",
            "required",
        ),
        (
            "short description",
            Box::new(|v| v["description"] = json!("яма")),
            "description",
            "too_short",
        ),
        (
            "long description",
            Box::new(|v| v["description"] = json!("я".repeat(4001))),
            "description",
            "too_long",
        ),
        (
            "unknown category",
            Box::new(|v| v["category_id"] = json!(99999)),
            "category_id",
            "unknown_category",
        ),
        (
            "another city's category",
            Box::new(move |v| v["category_id"] = json!(other_category)),
            "category_id",
            "unknown_category",
        ),
        (
            "outside bounds",
            Box::new(|v| v["location"] = json!({ "lat": 55.75, "lon": 37.61 })),
            "location",
            "outside_bounds",
        ),
        (
            "no place at all",
            Box::new(|v| {
                v["location"] = Value::Null;
                v["address"] = Value::Null;
            }),
            "location",
            "required",
        ),
        (
            "bad e-mail",
            Box::new(|v| v["reporter"]["email"] = json!("not-an-email")),
            "reporter.email",
            "invalid",
        ),
        (
            "wrong type",
            Box::new(|v| v["category_id"] = json!("roads")),
            "category_id",
            "invalid",
        ),
    ];
    for (name, mutate, field, code) in cases {
        let mut report = app.valid_report();
        mutate(&mut report);
        let r = app.report("demo", None, &report).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            r.body
        );
        let body = r.json();
        assert_eq!(body["error"]["code"], "validation_failed", "{name}");
        let fields = body["error"]["fields"].as_array().unwrap();
        assert!(
            fields
                .iter()
                .any(|f| f["field"] == field && f["code"] == code),
            "{name}: expected {field}/{code} in {fields:?}"
        );
    }
    assert_eq!(
        app.count("SELECT count(*) FROM problems").await,
        1,
        "only the first report is stored"
    );
    assert_eq!(app.count("SELECT count(*) FROM reporters").await, 1);
}

#[tokio::test]
async fn every_failing_field_is_reported_at_once() {
    let app = TestApp::new().await;
    let mut report = app.valid_report();
    report["consent"] = json!(false);
    report["description"] = json!("яма");
    report["category_id"] = json!(424242);
    report["location"] = json!({ "lat": 1.0, "lon": 1.0 });
    let r = app.report("demo", None, &report).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["category_id", "consent", "description", "location"]
    );
}

#[tokio::test]
async fn broken_bodies_get_json_errors() {
    let app = TestApp::new().await;
    let ok = app.report("demo", None, &app.valid_report()).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let uri = "/api/v1/sites/demo/problems";
    let huge = json!({ "category_id": 1, "description": "x".repeat(70 * 1024), "consent": true })
        .to_string();
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Vec<(&str, &str)>, String, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            vec![("content-type", "application/json")],
            "{\"category_id\": 1,".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "trailing garbage",
            vec![("content-type", "application/json")],
            format!("{} x", app.valid_report()),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "form content type",
            vec![("content-type", "application/x-www-form-urlencoded")],
            app.valid_report().to_string(),
            StatusCode::BAD_REQUEST,
            "unsupported_content_type",
        ),
        (
            "no content type",
            vec![],
            app.valid_report().to_string(),
            StatusCode::BAD_REQUEST,
            "unsupported_content_type",
        ),
        (
            "body over 64 KiB",
            vec![("content-type", "application/json")],
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (name, headers, body, status, code) in cases {
        let r = app.post_raw(uri, &headers, body).await;
        assert_eq!(r.status, status, "{name}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{name}");
    }
    assert_eq!(app.count("SELECT count(*) FROM problems").await, 1);
}

#[tokio::test]
async fn a_filled_honeypot_looks_accepted_but_stores_nothing() {
    let app = TestApp::new().await;
    let mut report = app.valid_report();
    report["website"] = json!("http://spam.example");
    let r = app.report("demo", None, &report).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let created: civic_wire::ProblemCreated = serde_json::from_str(&r.body).unwrap();
    assert_eq!(created.tracking_code.len(), 12);
    assert_eq!(app.count("SELECT count(*) FROM problems").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM reporters").await, 0);
}

#[tokio::test]
async fn cors_answers_only_the_sites_own_origins() {
    let app = TestApp::new().await;
    let uri = "/api/v1/sites/demo/problems";
    let preflight = |origin: &'static str| common::preflight(uri, origin, "content-type");

    // A registered origin: the preflight is answered.
    let r = app.send(preflight(DEMO_ORIGIN)).await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
    assert!(
        r.header("access-control-allow-headers")
            .unwrap()
            .contains("content-type")
    );
    assert_eq!(r.header("access-control-max-age"), Some("600"));
    assert!(
        r.headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("origin"))
    );
    assert!(r.header("access-control-allow-credentials").is_none());

    // An unregistered one and another site's: no ACAO.
    for origin in ["https://evil.example", OTHER_ORIGIN] {
        let r = app.send(preflight(origin)).await;
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{origin}"
        );
    }

    // A GET from a registered origin carries ACAO and Vary; from another, no ACAO.
    let r = app
        .get("/api/v1/sites/demo", &[("origin", DEMO_ORIGIN)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));
    assert!(
        r.headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("origin"))
    );
    let r = app
        .get("/api/v1/sites/demo", &[("origin", OTHER_ORIGIN)])
        .await;
    assert!(r.header("access-control-allow-origin").is_none());

    // The demo page on this host is registered automatically.
    let r = app.get("/api/v1/sites/demo", &[("origin", PUBLIC)]).await;
    assert_eq!(r.header("access-control-allow-origin"), Some(PUBLIC));

    // A POST to site demo from site other's origin is refused and stores nothing.
    let r = app
        .report("demo", Some(OTHER_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "origin_not_allowed");
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(app.count("SELECT count(*) FROM problems").await, 0);

    // Server-to-server (no Origin) is allowed.
    let r = app.report("demo", None, &app.valid_report()).await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_api_never_sets_cookies_even_for_a_logged_in_official() {
    let app = TestApp::new().await;
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let mut replies = vec![
        app.get("/api/v1/sites/demo", &[("cookie", &cookie)]).await,
        app.get("/api/v1/sites/nope", &[]).await,
        app.report("demo", Some(DEMO_ORIGIN), &app.valid_report())
            .await,
        app.report("demo", None, &json!({})).await,
    ];
    replies.push(app.get("/api/v1/unknown", &[("cookie", &cookie)]).await);
    for r in replies {
        assert!(r.header("set-cookie").is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_reports_are_all_acknowledged_and_stored() {
    let app = TestApp::new().await;
    let router = app.router();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let mut report = app.valid_report();
        report["description"] = json!(format!("Одновременное обращение номер {i}"));
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/sites/demo/problems")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(report.to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(app.count("SELECT count(*) FROM problems").await, 16);
    assert_eq!(
        app.count("SELECT count(DISTINCT tracking_code) FROM problems")
            .await,
        16
    );
    assert_eq!(app.count("SELECT count(*) FROM reporters").await, 16);
}

//! "This affects me too" over HTTP: `POST /api/v1/sites/{key}/problems/{id}/support` counts a
//! signed-in resident (a widget bearer session of that site) once per published problem, and
//! the public card shows the count. Without a session of the site nothing is counted; problems
//! that are not public, or of another site, are 404; CORS is the site's.

mod common;
mod sso_support;

use axum::http::StatusCode;
use common::{
    DEMO_ORIGIN, FORM, OTHER_LOGIN, OTHER_ORIGIN, OTHER_PASSWORD, PUBLIC, Reply, TestApp, form,
};
use host_service::{admin, demo};
use serde_json::{Value, json};
use sso_support::{SiteKey, claims};

const DEMO: &str = demo::SITE_KEY;
const OTHER: &str = "other";

/// The demo site and site "other", each with an SSO key registered.
async fn setup() -> (TestApp, SiteKey, SiteKey) {
    let app = TestApp::new().await;
    let demo_key = SiteKey::ed25519("ed-1");
    let other_key = SiteKey::p256("es-1");
    admin::add_sso_key(&app.state.db, DEMO, &demo_key.kid, demo_key.registered())
        .await
        .unwrap();
    admin::add_sso_key(&app.state.db, OTHER, &other_key.kid, other_key.registered())
        .await
        .unwrap();
    (app, demo_key, other_key)
}

/// Signs `sub` in on `site` as the widget does; returns the `Authorization` header value.
async fn sign_in(app: &TestApp, key: &SiteKey, site: &str, sub: &str) -> String {
    let r = app
        .post_raw(
            "/api/v1/sso/exchange",
            &[("content-type", "application/json")],
            json!({"site": site, "token": key.mint(&claims(site, sub))}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    format!("Bearer {}", r.json()["session"].as_str().unwrap())
}

/// Files a report on `site` (anonymously) and returns its number; it waits for moderation.
async fn report(app: &TestApp, site: &str) -> i64 {
    let mut body = app.valid_report();
    if site == OTHER {
        body["category_id"] = json!(app.other_category);
        body["location"] = json!({"lat": 10.5, "lon": 10.5});
    }
    let r = app.report(site, None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// Publishes problem `id` through the cabinet, as the site's official.
async fn publish(app: &TestApp, login: &str, password: &str, id: i64) {
    let (cookie, csrf) = app.login(login, password).await;
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[
                ("csrf", &csrf),
                ("status", "published"),
                ("public_answer", ""),
                ("internal_note", ""),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn published_demo_problem(app: &TestApp) -> i64 {
    let id = report(app, DEMO).await;
    publish(app, demo::LOGIN, &app.demo_password, id).await;
    id
}

/// Votes for problem `id` of `site` with no body, as the widget sends it.
async fn vote(
    app: &TestApp,
    site: &str,
    id: impl std::fmt::Display,
    headers: &[(&str, &str)],
) -> Reply {
    app.post_raw(
        &format!("/api/v1/sites/{site}/problems/{id}/support"),
        headers,
        "",
    )
    .await
}

/// The support count the public card shows.
async fn card_count(app: &TestApp, site: &str, id: i64) -> Value {
    let r = app
        .get(&format!("/api/v1/sites/{site}/problems/{id}"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["support_count"].clone()
}

fn assert_error(r: &Reply, status: StatusCode, code: &str, case: &str) {
    assert_eq!(r.status, status, "{case}: {}", r.body);
    assert_eq!(r.json()["error"]["code"], json!(code), "{case}");
    assert!(r.json()["error"]["message"].is_string(), "{case}");
}

#[tokio::test]
async fn a_signed_in_resident_supports_a_published_problem_once() {
    let (app, demo_key, _) = setup().await;
    let id = published_demo_problem(&app).await;
    assert_eq!(card_count(&app, DEMO, id).await, json!(0));

    let alice = sign_in(&app, &demo_key, DEMO, "alice").await;
    let r = vote(&app, DEMO, id, &[("authorization", &alice)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"support_count": 1, "counted": true}));
    assert!(r.header("set-cookie").is_none());
    assert_eq!(card_count(&app, DEMO, id).await, json!(1));

    // Again, even from a fresh session of the same person: nothing changes.
    let r = vote(&app, DEMO, id, &[("authorization", &alice)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"support_count": 1, "counted": false}));
    let alice_again = sign_in(&app, &demo_key, DEMO, "alice").await;
    let r = vote(&app, DEMO, id, &[("authorization", &alice_again)]).await;
    assert_eq!(r.json(), json!({"support_count": 1, "counted": false}));
    assert_eq!(card_count(&app, DEMO, id).await, json!(1));

    // Another resident counts; an empty JSON object as the body is fine too.
    let bob = sign_in(&app, &demo_key, DEMO, "bob").await;
    let r = app
        .post_raw(
            &format!("/api/v1/sites/{DEMO}/problems/{id}/support"),
            &[
                ("authorization", &bob),
                ("content-type", "application/json"),
            ],
            "{}",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"support_count": 2, "counted": true}));
    assert_eq!(card_count(&app, DEMO, id).await, json!(2));
}

#[tokio::test]
async fn without_a_session_of_the_site_a_vote_is_refused_and_not_counted() {
    let (app, demo_key, other_key) = setup().await;
    let id = published_demo_problem(&app).await;
    let demo_session = sign_in(&app, &demo_key, DEMO, "alice").await;
    let other_session = sign_in(&app, &other_key, OTHER, "alice").await;
    for (case, headers) in [
        ("no bearer", vec![]),
        (
            "a made-up bearer",
            vec![("authorization", "Bearer 0000".to_owned())],
        ),
        (
            "the session as a cookie",
            vec![(
                "cookie",
                format!("session={}", demo_session.trim_start_matches("Bearer ")),
            )],
        ),
        (
            "a session of another site",
            vec![("authorization", other_session.clone())],
        ),
    ] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = vote(&app, DEMO, id, &h).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated", case);
        assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{case}");
    }
    // The demo session is no session on site "other" either.
    let r = vote(&app, OTHER, id, &[("authorization", &demo_session)]).await;
    assert_error(
        &r,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "demo session on other",
    );
    assert_eq!(card_count(&app, DEMO, id).await, json!(0));

    // An expired session is dead.
    app.state
        .db
        .write(|c| {
            c.execute("UPDATE widget_sessions SET expires_at = 1", [])
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let r = vote(&app, DEMO, id, &[("authorization", &demo_session)]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated", "expired");
    assert_eq!(card_count(&app, DEMO, id).await, json!(0));
}

#[tokio::test]
async fn only_public_problems_of_the_site_can_be_supported() {
    let (app, demo_key, other_key) = setup().await;
    let alice = sign_in(&app, &demo_key, DEMO, "alice").await;
    let auth = [("authorization", alice.as_str())];

    // Waiting for moderation: not public, so not found, and the refused vote is not kept.
    let fresh = report(&app, DEMO).await;
    let r = vote(&app, DEMO, fresh, &auth).await;
    assert_error(&r, StatusCode::NOT_FOUND, "unknown_problem", "status new");
    publish(&app, demo::LOGIN, &app.demo_password, fresh).await;
    assert_eq!(card_count(&app, DEMO, fresh).await, json!(0));

    for (case, id) in [("no such problem", "999999"), ("not a number", "abc")] {
        let r = vote(&app, DEMO, id, &auth).await;
        assert_error(&r, StatusCode::NOT_FOUND, "unknown_problem", case);
    }
    let r = vote(&app, "nowhere", fresh, &auth).await;
    assert_error(&r, StatusCode::NOT_FOUND, "unknown_site", "unknown site");

    // A published problem of site "other" is not found through the demo site.
    let foreign = report(&app, OTHER).await;
    publish(&app, OTHER_LOGIN, OTHER_PASSWORD, foreign).await;
    let r = vote(&app, DEMO, foreign, &auth).await;
    assert_error(
        &r,
        StatusCode::NOT_FOUND,
        "unknown_problem",
        "another site's problem",
    );
    assert_eq!(card_count(&app, OTHER, foreign).await, json!(0));
    // Its own residents can support it.
    let olga = sign_in(&app, &other_key, OTHER, "olga").await;
    let r = vote(&app, OTHER, foreign, &[("authorization", &olga)]).await;
    assert_eq!(r.json(), json!({"support_count": 1, "counted": true}));
    assert_eq!(card_count(&app, OTHER, foreign).await, json!(1));
}

#[tokio::test]
async fn a_body_other_than_nothing_or_a_json_object_is_refused() {
    let (app, demo_key, _) = setup().await;
    let id = published_demo_problem(&app).await;
    let alice = sign_in(&app, &demo_key, DEMO, "alice").await;
    let uri = format!("/api/v1/sites/{DEMO}/problems/{id}/support");
    for (case, content_type, body, status, code) in [
        (
            "not JSON",
            "application/json",
            "{",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "form data",
            "text/plain",
            "a=1",
            StatusCode::BAD_REQUEST,
            "unsupported_content_type",
        ),
        (
            "an array",
            "application/json",
            "[]",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ] {
        let r = app
            .post_raw(
                &uri,
                &[("authorization", &alice), ("content-type", content_type)],
                body,
            )
            .await;
        assert_error(&r, status, code, case);
    }
    let r = app
        .post_raw(
            &uri,
            &[
                ("authorization", &alice),
                ("content-type", "application/json"),
            ],
            "x".repeat(2048),
        )
        .await;
    assert_error(
        &r,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "too large",
    );
    assert_eq!(card_count(&app, DEMO, id).await, json!(0));
}

#[tokio::test]
async fn only_the_sites_registered_origins_get_cors_headers() {
    let (app, demo_key, _) = setup().await;
    let id = published_demo_problem(&app).await;
    let alice = sign_in(&app, &demo_key, DEMO, "alice").await;
    let uri = format!("/api/v1/sites/{DEMO}/problems/{id}/support");
    let preflight = |origin: &str| common::preflight(&uri, origin, "authorization");

    // The demo city's page may vote from the browser, with its bearer.
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
            .contains("authorization")
    );
    assert!(r.header("access-control-allow-credentials").is_none());
    let r = vote(
        &app,
        DEMO,
        id,
        &[("authorization", &alice), ("origin", DEMO_ORIGIN)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));

    // A stranger's page, or another site's, gets no CORS headers and cannot vote, even with a
    // valid session.
    let bob = sign_in(&app, &demo_key, DEMO, "bob").await;
    for origin in ["https://evil.example", OTHER_ORIGIN] {
        let r = app.send(preflight(origin)).await;
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{origin}"
        );
        assert!(
            r.header("access-control-allow-headers").is_none(),
            "{origin}"
        );
        let r = vote(
            &app,
            DEMO,
            id,
            &[("authorization", &bob), ("origin", origin)],
        )
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "origin_not_allowed", origin);
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{origin}"
        );
    }
    assert_eq!(card_count(&app, DEMO, id).await, json!(1));
}

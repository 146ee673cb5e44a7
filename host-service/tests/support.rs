//! "This affects me too" over HTTP: `POST /api/v1/sites/{key}/problems/{id}/support` counts a
//! signed-in resident (a widget bearer session of that site) once per published problem, and
//! the public card shows the count. Without a session of the site nothing is counted; problems
//! that are not public, or of another site, are 404; CORS is the site's.

use crate::common;
use crate::sso_support;

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

/// Asks, without signing in, to support problem `id` with `email`.
async fn vote_by_email(app: &TestApp, id: i64, email: &str) -> Reply {
    app.post_raw(
        &format!("/api/v1/sites/{DEMO}/problems/{id}/support"),
        &[
            ("content-type", "application/json"),
            ("origin", DEMO_ORIGIN),
        ],
        json!({"email": email, "lang": "ru"}).to_string(),
    )
    .await
}

/// The path of the support link in the `nth` (from 1) message to `to`, once it arrived.
async fn support_link(sink: &common::smtp::SmtpSink, to: &str, nth: usize) -> String {
    for _ in 0..300 {
        let mine: Vec<_> = sink
            .received()
            .into_iter()
            .filter(|m| m.envelope_to == [to])
            .collect();
        if let Some(m) = mine.get(nth - 1) {
            let link = m.link_with("/support/").expect("a support link");
            return link.strip_prefix(PUBLIC).unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no message {nth} to {to}");
}

#[tokio::test]
async fn a_visitor_not_signed_in_supports_once_per_confirmed_address() {
    let sink = common::smtp::SmtpSink::start();
    let (app, _worker) = common::app_mailing_to(&sink).await;
    let id = published_demo_problem(&app).await;

    let r = vote_by_email(&app, id, "  Neighbour@Example.RU ").await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"support_count": 0, "counted": false, "confirmation_sent": true})
    );
    let path = support_link(&sink, "Neighbour@Example.RU", 1).await;
    let mail = sink
        .received()
        .into_iter()
        .find(|m| m.envelope_to == ["Neighbour@Example.RU"])
        .unwrap();
    assert_eq!(
        mail.subject,
        format!("Подтвердите поддержку проблемы № {id}")
    );

    // Opening the link (a mail scanner does) counts nothing; the button does, once.
    let page = app.get(&path, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Да, это касается и меня"),
        "{}",
        page.body
    );
    assert_eq!(card_count(&app, DEMO, id).await, json!(0));
    let done = app.post_raw(&path, &[FORM], "").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Голос учтён"), "{}", done.body);
    assert_eq!(card_count(&app, DEMO, id).await, json!(1));
    let again = app.post_raw(&path, &[FORM], "").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(card_count(&app, DEMO, id).await, json!(1));

    // Another address: two links asked for before either is followed, a minute apart (as if
    // the first went astray) both work, and count once.
    let r = vote_by_email(&app, id, "other@example.ru").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    // Asking again at once sends no second message.
    let r = vote_by_email(&app, id, "Other@Example.ru").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    app.state
        .db
        .write(|c| {
            c.execute(
                "UPDATE support_confirmations SET created_at = created_at - 3600",
                [],
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    vote_by_email(&app, id, "other@example.ru").await;
    let first = support_link(&sink, "other@example.ru", 1).await;
    let second = support_link(&sink, "other@example.ru", 2).await;
    assert_ne!(first, second);
    app.post_raw(&first, &[FORM], "").await;
    assert_eq!(card_count(&app, DEMO, id).await, json!(2));
    app.post_raw(&second, &[FORM], "").await;
    assert_eq!(
        card_count(&app, DEMO, id).await,
        json!(2),
        "one address, one vote"
    );
    // An address whose vote counts gets no more messages, though the answer is the same.
    app.state
        .db
        .write(|c| {
            c.execute(
                "UPDATE support_confirmations SET created_at = created_at - 3600",
                [],
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let r = vote_by_email(&app, id, "other@example.ru").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.json()["confirmation_sent"], json!(true));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let to_other = sink
        .received()
        .iter()
        .filter(|m| m.envelope_to == ["other@example.ru"] || m.envelope_to == ["Other@Example.ru"])
        .count();
    assert_eq!(
        to_other, 2,
        "one per request, but none repeated at once or after the vote"
    );

    // The addresses are kept nowhere but in the outbox (pruned once sent).
    assert_eq!(
        app.count("SELECT count(*) FROM supports WHERE voter_key LIKE '%example%'")
            .await
            + app
                .count(
                    "SELECT count(*) FROM support_confirmations WHERE voter_key LIKE '%example%'"
                )
                .await,
        0
    );

    // Refusals: not an address (422), nothing to identify the voter (401), not public (404),
    // an unknown or expired link (404).
    let r = vote_by_email(&app, id, "not an address").await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "bad e-mail",
    );
    assert_eq!(r.json()["error"]["fields"][0]["field"], json!("email"));
    let r = vote(&app, DEMO, id, &[("content-type", "application/json")]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated", "no e-mail");
    let unpublished = report(&app, DEMO).await;
    let r = vote_by_email(&app, unpublished, "x@example.ru").await;
    assert_error(&r, StatusCode::NOT_FOUND, "unknown_problem", "not public");
    let bogus = format!("/support/{}", "0".repeat(64));
    assert_eq!(app.get(&bogus, &[]).await.status, StatusCode::NOT_FOUND);
    app.state
        .db
        .write(|c| {
            c.execute("UPDATE support_confirmations SET expires_at = 1", [])
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let r = vote_by_email(&app, id, "late@example.ru").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let late_path = support_link(&sink, "late@example.ru", 1).await;
    app.state
        .db
        .write(|c| {
            c.execute("UPDATE support_confirmations SET expires_at = 1", [])
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let late = app.post_raw(&late_path, &[FORM], "").await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    assert_eq!(card_count(&app, DEMO, id).await, json!(2));
}

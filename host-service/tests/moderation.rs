//! Pre-moderation (issue 5): a moderator corrects a report's text before publishing (the
//! public sees the corrected one), refuses with a reason (spam without an answer and without a
//! message to the "reporter"), and the status form refuses nonsense in words.

use crate::common;

use axum::http::StatusCode;
use common::{FORM, PUBLIC, TestApp, form};
use host_service::demo;
use serde_json::json;

async fn post(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> common::Reply {
    app.post_raw(
        uri,
        &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
        form(fields),
    )
    .await
}

#[tokio::test]
async fn a_moderator_removes_personal_data_from_the_text_before_publishing() {
    let app = TestApp::new().await;
    let mut body = app.valid_report();
    body["description"] =
        json!("Сосед Иванов Пётр, тел. 8-900-111-22-33, бросает мусор у подъезда");
    let r = app.report(demo::SITE_KEY, None, &body).await;
    let id = r.json()["id"].as_i64().unwrap();
    let code = r.json()["tracking_code"].as_str().unwrap().to_owned();
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains("redact-form"));

    let uri = format!("/cabinet/problems/{id}/description");
    let short = post(
        &app,
        &cookie,
        &uri,
        &[("csrf", &csrf), ("description", "мусор")],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            (
                "description",
                "Житель соседнего дома бросает мусор у подъезда",
            ),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{id}/status"),
        &[("csrf", &csrf), ("status", "published")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let tracking = app.get(&format!("/t/{code}"), &[]).await;
    assert!(tracking.body.contains("Житель соседнего дома"));
    assert!(!tracking.body.contains("Иванов") && !tracking.body.contains("111-22-33"));
    let card = app
        .get(
            &format!("/api/v1/sites/{}/problems/{id}", demo::SITE_KEY),
            &[],
        )
        .await;
    assert!(!card.body.contains("Иванов"), "{}", card.body);
    // The audit knows it happened, not what was removed.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'redact' AND detail NOT LIKE '%Иванов%'"
        )
        .await,
        1
    );
    // Published: the text is no longer for redacting.
    let late = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            (
                "description",
                "Другой текст обращения, уже после публикации",
            ),
        ],
    )
    .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn spam_is_refused_with_its_reason_silently_other_refusals_need_an_answer() {
    let app = TestApp::new().await;
    let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
    let id = r.json()["id"].as_i64().unwrap();
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let uri = format!("/cabinet/problems/{id}/status");

    let r = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            ("status", "refused"),
            ("reason", "not_city"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a motivated answer is needed"
    );
    let r = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            ("status", "in_progress"),
            ("reason", "spam"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason goes with a refusal only"
    );
    let r = post(
        &app,
        &cookie,
        &uri,
        &[("csrf", &csrf), ("status", "refused"), ("reason", "bogus")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = post(
        &app,
        &cookie,
        &uri,
        &[("csrf", &csrf), ("status", "refused"), ("reason", "spam")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM problem_events WHERE to_status = 'refused' AND reason = 'spam'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'status_changed'")
            .await,
        0,
        "no message to a spammer"
    );
    // Never published: on no public surface.
    let card = app
        .get(
            &format!("/api/v1/sites/{}/problems/{id}", demo::SITE_KEY),
            &[],
        )
        .await;
    assert_eq!(card.status, StatusCode::NOT_FOUND);
}

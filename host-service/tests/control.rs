//! Citizen control (issue 5): after "resolved", the reporter confirms (closed) or reopens (in
//! progress again, the agency told) on their tracking page, with a rating, once per
//! resolution and within the site's term; forms from elsewhere are refused.

use crate::common;

use axum::http::StatusCode;
use common::{FORM, PUBLIC, TestApp, form};
use host_service::db::DbError;
use host_service::demo;

/// A report, published and resolved by the demo admin; its id and tracking path.
async fn resolved(app: &TestApp) -> (i64, String) {
    let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let tracking = format!("/t/{}", r.json()["tracking_code"].as_str().unwrap());
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    for status in ["published", "resolved"] {
        let s = app
            .post_raw(
                &format!("/cabinet/problems/{id}/status"),
                &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
                form(&[
                    ("csrf", &csrf),
                    ("status", status),
                    ("public_answer", "Сделано."),
                ]),
            )
            .await;
        assert_eq!(s.status, StatusCode::SEE_OTHER);
    }
    (id, tracking)
}

async fn verdict(app: &TestApp, tracking: &str, fields: &[(&str, &str)]) -> common::Reply {
    app.post_raw(
        &format!("{tracking}/verdict"),
        &[FORM, ("origin", PUBLIC)],
        form(fields),
    )
    .await
}

#[tokio::test]
async fn the_reporter_confirms_a_solution_with_a_rating_once() {
    let app = TestApp::new().await;
    let (id, tracking) = resolved(&app).await;
    let page = app.get(&tracking, &[]).await;
    assert!(page.body.contains("Проблема решена?"), "{}", page.body);

    // Confirming needs a rating.
    let r = verdict(&app, &tracking, &[("verdict", "confirmed")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("поставьте оценку"), "{}", r.body);

    let r = verdict(
        &app,
        &tracking,
        &[("verdict", "confirmed"), ("rating", "5")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.status_of(id).await, "closed");
    let page = app.get(&format!("{tracking}?thanks=1"), &[]).await;
    assert!(page.body.contains("Спасибо! Ваш ответ учтён."));
    assert!(!page.body.contains("Проблема решена?"), "asked once");
    assert_eq!(
        app.count("SELECT count(*) FROM verdicts WHERE verdict = 'confirmed' AND rating = 5 AND agency_id IS NOT NULL")
            .await,
        1
    );
    let again = verdict(&app, &tracking, &[("verdict", "reopened")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.status_of(id).await, "closed");
}

#[tokio::test]
async fn the_reporter_reopens_and_the_agency_is_told_their_words() {
    let app = TestApp::new().await;
    let (id, tracking) = resolved(&app).await;
    let r = verdict(
        &app,
        &tracking,
        &[
            ("verdict", "reopened"),
            ("rating", "1"),
            ("comment", "Яма на месте, только присыпали песком"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.status_of(id).await, "in_progress");
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'reopened' AND to_addr = 'dorogi@demograd.example' AND body LIKE '%присыпали песком%'")
            .await,
        1
    );
    // The words are for the officials, not the public page.
    let page = app.get(&tracking, &[]).await;
    assert!(!page.body.contains("присыпали"));
}

#[tokio::test]
async fn the_term_and_the_origin_are_kept() {
    let app = TestApp::new().await;
    let (id, tracking) = resolved(&app).await;
    // From another site: refused, nothing changes.
    let r = app
        .post_raw(
            &format!("{tracking}/verdict"),
            &[FORM, ("origin", "https://evil.example")],
            form(&[("verdict", "reopened")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.status_of(id).await, "resolved");

    // Fifteen days after "resolved" (the demo's term is 14): too late.
    app.state
        .db
        .write(move |c| {
            c.execute(
                "UPDATE problems SET resolved_at = resolved_at - 15 * 86400 WHERE id = ?1",
                [id],
            )
            .map_err(DbError::from)
        })
        .await
        .unwrap();
    let page = app.get(&tracking, &[]).await;
    assert!(!page.body.contains("Проблема решена?"));
    let r = verdict(&app, &tracking, &[("verdict", "reopened")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("срок прошёл"), "{}", r.body);
    assert_eq!(app.status_of(id).await, "resolved");
}

//! Merging duplicates (issue 5): a moderator marks a report a duplicate of a published problem;
//! its supporters and its reporter (a vote of their own) follow that problem, each person once;
//! the reporter then hears of that problem's progress, and their tracking page links it.

use crate::common;

use axum::http::StatusCode;
use common::{FORM, OTHER_LOGIN, OTHER_PASSWORD, PUBLIC, TestApp, form};
use host_service::demo;
use host_service::map::{VoterKey, support_problem};

async fn published(app: &TestApp, cookie: &str, csrf: &str) -> (i64, String) {
    let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
    let (id, code) = (
        r.json()["id"].as_i64().unwrap(),
        r.json()["tracking_code"].as_str().unwrap().to_owned(),
    );
    let s = status(app, cookie, csrf, id, &[("status", "published")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    (id, code)
}

async fn status(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    id: i64,
    fields: &[(&str, &str)],
) -> StatusCode {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    app.post_raw(
        &format!("/cabinet/problems/{id}/status"),
        &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
        form(&all),
    )
    .await
    .status
}

async fn supporters(app: &TestApp, id: i64) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row(
                "SELECT support_count FROM problems WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_duplicate_brings_its_supporters_and_reporter_to_the_problem_it_joins() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let (root, _) = published(&app, &cookie, &csrf).await;
    let (dup, dup_code) = published(&app, &cookie, &csrf).await;
    // Alice supports both, Bob only the duplicate.
    for (id, who) in [(root, "alice"), (dup, "alice"), (dup, "bob")] {
        support_problem(&app.state.db, id, VoterKey::user(demo::SITE_KEY, who))
            .await
            .unwrap();
    }
    assert_eq!(supporters(&app, root).await, 1);

    // Refused: no number, the problem itself, another municipality's problem.
    for (case, fields) in [
        ("no number", vec![("status", "duplicate")]),
        (
            "itself",
            vec![("status", "duplicate"), ("duplicate_of", "dup")],
        ),
        (
            "unknown",
            vec![("status", "duplicate"), ("duplicate_of", "999999")],
        ),
    ] {
        let dup_text = dup.to_string();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (*k, if *v == "dup" { dup_text.as_str() } else { *v }))
            .collect();
        let s = status(&app, &cookie, &csrf, dup, &fields).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM problems WHERE status = 'duplicate'")
            .await,
        0
    );

    let root_text = format!("№ {root}");
    let s = status(
        &app,
        &cookie,
        &csrf,
        dup,
        &[
            ("status", "duplicate"),
            ("duplicate_of", &root_text),
            ("public_answer", "Объединено с уже известной проблемой."),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // Alice once, Bob, and the duplicate's reporter: 3.
    assert_eq!(supporters(&app, root).await, 3);
    let page = app
        .get(&format!("/cabinet/problems/{root}"), &[("cookie", &cookie)])
        .await;
    assert!(
        page.body
            .contains(&format!("/cabinet/problems/{dup}\">№ {dup}</a>")),
        "{}",
        page.body
    );
    // The reporter's tracking page links the problem they now follow.
    let tracking = app.get(&format!("/t/{dup_code}"), &[]).await;
    assert!(
        tracking.body.contains(&format!("/problems/{root}"))
            && tracking.body.contains("Объединена с"),
        "{}",
        tracking.body
    );

    // A duplicate of the duplicate joins the end of the chain.
    let (third, _) = published(&app, &cookie, &csrf).await;
    let dup_text = dup.to_string();
    let s = status(
        &app,
        &cookie,
        &csrf,
        third,
        &[("status", "duplicate"), ("duplicate_of", &dup_text)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(supporters(&app, root).await, 4);

    // The root's progress reaches the merged reports' reporters.
    let before = app
        .count("SELECT count(*) FROM outbox WHERE kind = 'status_changed' AND to_addr = 'canary-mail@example.ru'")
        .await;
    let s = status(
        &app,
        &cookie,
        &csrf,
        root,
        &[
            ("status", "resolved"),
            ("public_answer", "Отремонтировано."),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let after = app
        .count("SELECT count(*) FROM outbox WHERE kind = 'status_changed' AND to_addr = 'canary-mail@example.ru'")
        .await;
    assert_eq!(
        after - before,
        3,
        "the root's reporter and the two merged reports' reporters"
    );

    // Another municipality cannot merge into this one's problem.
    let (other, other_csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let mut body = app.valid_report();
    body["category_id"] = serde_json::json!(app.other_category);
    body["location"] = serde_json::json!({"lat": 10.5, "lon": 10.5});
    let theirs = app.report("other", None, &body).await.json()["id"]
        .as_i64()
        .unwrap();
    let s = status(
        &app,
        &other,
        &other_csrf,
        theirs,
        &[("status", "published")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let root_id = root.to_string();
    let s = status(
        &app,
        &other,
        &other_csrf,
        theirs,
        &[("status", "duplicate"), ("duplicate_of", &root_id)],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

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

#[tokio::test]
async fn a_moderator_publishes_the_ticked_reports_at_once_or_none_of_them() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for text in [
        "Яма на перекрёстке у школы",
        "Провал асфальта у остановки",
        "Ещё одна яма во дворе дома",
    ] {
        let mut body = app.valid_report();
        body["description"] = json!(text);
        let r = app.report(demo::SITE_KEY, None, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.json()["id"].as_i64().unwrap().to_string());
    }
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    // Each row has a tick, labelled with its number, belonging to the form below the list.
    let list = app.get("/cabinet?status=new", &[("cookie", &cookie)]).await;
    assert!(
        list.body.contains(&format!(
            r#"type="checkbox" name="id" value="{}" form="bulk" aria-label="Отметить обращение № {}""#,
            ids[0], ids[0]
        )),
        "{}",
        list.body
    );
    assert!(
        list.body
            .contains(r#"<form class="bulk" id="bulk" method="post" action="/cabinet/bulk">"#)
    );
    assert!(list.body.contains(r#"name="back" value="status=new""#));
    let mails_before = app.count("SELECT count(*) FROM outbox").await;

    // Nothing ticked, a merge, a refusal without a word: refused in words, nothing changed.
    for (fields, says) in [
        (
            vec![("status", "published")],
            "Отметьте в списке хотя бы одно обращение",
        ),
        (
            vec![("id", ids[0].as_str()), ("status", "duplicate")],
            "Дубликаты объединяются по одному",
        ),
        (
            vec![("id", ids[0].as_str()), ("status", "refused")],
            "Для отказа нужен публичный ответ",
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let r = post(&app, &cookie, "/cabinet/bulk", &all).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(says), "{says:?}: {}", r.body);
    }
    // One number that is not ours: none of them changes, and the page names it.
    let r = post(
        &app,
        &cookie,
        "/cabinet/bulk",
        &[
            ("csrf", &csrf),
            ("id", &ids[0]),
            ("id", "999999"),
            ("status", "published"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("№ 999999 не найдено"), "{}", r.body);
    assert_eq!(app.status_of(ids[0].parse().unwrap()).await, "new");
    assert_eq!(app.count("SELECT count(*) FROM outbox").await, mails_before);

    // Two ticked, published with one answer; the third is left as it was.
    let r = post(
        &app,
        &cookie,
        "/cabinet/bulk",
        &[
            ("csrf", &csrf),
            ("back", "status=new"),
            ("id", &ids[0]),
            ("id", &ids[1]),
            ("status", "published"),
            ("public_answer", "Принято, передано в дорожную службу."),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/cabinet?status=new"));
    for id in &ids[..2] {
        let id: i64 = id.parse().unwrap();
        assert_eq!(app.status_of(id).await, "published");
        let card = app.get(&format!("/problems/{id}"), &[]).await;
        assert!(
            card.body.contains("передано в дорожную службу"),
            "{}",
            card.body
        );
    }
    assert_eq!(app.status_of(ids[2].parse().unwrap()).await, "new");
    // Each reporter is told, and each change is in the audit log.
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'status_changed'")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'change_status'")
            .await,
        2
    );
    let list = app.get("/cabinet?status=new", &[("cookie", &cookie)]).await;
    assert!(list.body.contains("1 обращение"), "{}", list.body);
}

#[tokio::test]
async fn save_and_next_walks_the_queue_the_report_was_in() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for text in ["Яма на перекрёстке у школы", "Провал асфальта у остановки"]
    {
        let mut body = app.valid_report();
        body["description"] = json!(text);
        let r = app.report(demo::SITE_KEY, None, &body).await;
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    let (older, newer) = (ids[0], ids[1]);
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app
        .get(
            &format!("/cabinet/problems/{newer}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.body.contains(
            r#"<button type="submit" name="next" value="1">Сохранить и к следующему</button>"#
        ),
        "{}",
        page.body
    );
    // The list is newest first: from the newer new report on to the older one ...
    let r = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{newer}/status"),
        &[("csrf", &csrf), ("status", "published"), ("next", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/cabinet/problems/{older}").as_str())
    );
    assert_eq!(app.status_of(newer).await, "published");
    // ... and from the last one back to the (now empty) list of new reports.
    let r = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{older}/status?lang=en"),
        &[("csrf", &csrf), ("status", "published"), ("next", "1")],
    )
    .await;
    assert_eq!(r.header("location"), Some("/cabinet?status=new&lang=en"));
    // Plain «Сохранить» stays on the report.
    let r = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{older}/status"),
        &[("csrf", &csrf), ("status", "in_progress")],
    )
    .await;
    assert_eq!(
        r.header("location"),
        Some(format!("/cabinet/problems/{older}").as_str())
    );
}

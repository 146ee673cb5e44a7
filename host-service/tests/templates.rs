//! Response templates per category (issue 5): the site admin writes them in «Настройки»; the
//! status form of a problem of that category offers them, and an empty answer takes the chosen
//! template's text (a typed one wins); another category's or municipality's template is refused.

use crate::common;

use axum::http::StatusCode;
use common::{FORM, OTHER_LOGIN, OTHER_PASSWORD, PUBLIC, TestApp, form};
use host_service::demo;

async fn one(app: &TestApp, sql: &'static str) -> String {
    app.state
        .db
        .read(move |c| {
            c.query_row(sql, [], |r| r.get::<_, String>(0))
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_template_answers_when_nothing_is_typed() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let post = |uri: String, fields: Vec<(&'static str, String)>| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_raw(
                &uri,
                &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
                form(&fields),
            )
            .await
        }
    };
    let category = app.demo_category.to_string();
    let text = "Заявка передана подрядчику, срок — 10 рабочих дней.";
    let r = post(
        "/cabinet/settings/templates".into(),
        vec![
            ("csrf", csrf.clone()),
            ("category", category.clone()),
            ("title", "Подрядчик".into()),
            ("text", text.into()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Incomplete: refused in words.
    let r = post(
        "/cabinet/settings/templates".into(),
        vec![
            ("csrf", csrf.clone()),
            ("category", category.clone()),
            ("title", "Пусто".into()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Шаблон не найден или заполнен не полностью"),
        "{}",
        r.body
    );
    let settings = app.get("/cabinet/settings", &[("cookie", &cookie)]).await;
    assert!(settings.body.contains(text), "the settings list it");
    let template = one(&app, "SELECT CAST(id AS TEXT) FROM answer_templates").await;

    // A problem of that category: its status form offers the template.
    let id = app
        .report(demo::SITE_KEY, None, &app.valid_report())
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let page = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(
        page.body
            .contains(&format!("<option value=\"{template}\">Подрядчик</option>")),
        "{}",
        page.body
    );
    let status = format!("/cabinet/problems/{id}/status");
    let r = post(
        status.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("status", "in_progress".into()),
            ("public_answer", String::new()),
            ("template", template.clone()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        one(&app, "SELECT public_answer FROM problem_events WHERE public_answer IS NOT NULL ORDER BY id DESC LIMIT 1").await,
        text
    );
    // A typed answer wins over the template.
    let r = post(
        status.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("status", "resolved".into()),
            ("public_answer", "Яма заделана.".into()),
            ("template", template.clone()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        one(&app, "SELECT public_answer FROM problem_events WHERE public_answer IS NOT NULL ORDER BY id DESC LIMIT 1").await,
        "Яма заделана."
    );
    // A template of no such id (or another category's) is refused, and nothing changes.
    let r = post(
        status,
        vec![
            ("csrf", csrf.clone()),
            ("status", "closed".into()),
            ("template", "999999".into()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        one(&app, "SELECT status FROM problems ORDER BY id DESC LIMIT 1").await,
        "resolved"
    );

    // Another municipality's admin can neither delete it nor add to this category.
    let (other, other_csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let r = app
        .post_raw(
            &format!("/cabinet/settings/templates/{template}/delete"),
            &[FORM, ("cookie", &other), ("origin", PUBLIC)],
            form(&[("csrf", &other_csrf)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post_raw(
            "/cabinet/settings/templates",
            &[FORM, ("cookie", &other), ("origin", PUBLIC)],
            form(&[
                ("csrf", &other_csrf),
                ("category", &category),
                ("title", "x"),
                ("text", "y"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Its own admin deletes it (audited).
    let r = post(
        format!("/cabinet/settings/templates/{template}/delete"),
        vec![("csrf", csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM answer_templates").await, 0);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('template_added', 'template_deleted')"
        )
        .await,
        2
    );
}

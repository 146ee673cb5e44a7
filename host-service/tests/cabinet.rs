//! The officials' cabinet: login, the list, the detail with contacts (audited), status changes
//! that residents see, CSRF and cross-municipality isolation.

use crate::common;

use axum::http::StatusCode;
use common::*;
use host_service::demo;

async fn app_with_report() -> (TestApp, civic_wire::ProblemCreated) {
    let app = TestApp::new().await;
    let r = app
        .report("demo", Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let created = serde_json::from_str(&r.body).unwrap();
    (app, created)
}

#[tokio::test]
async fn login_refuses_a_wrong_password_in_words_and_accepts_the_right_one() {
    let app = TestApp::new().await;
    let r = app.get("/cabinet", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/cabinet/login"));

    let r = app.get("/cabinet/login", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    for hook in [
        r#"<form id="login""#,
        r#"name="login""#,
        r#"name="password""#,
        r#"type="submit""#,
        r#"<html lang="ru""#,
    ] {
        assert!(r.body.contains(hook), "{hook}");
    }
    assert!(r.body.contains(r#"<label for="login-name""#));

    for (login, password) in [
        (demo::LOGIN, "wrong-password"),
        ("nobody", "whatever-password"),
    ] {
        let r = app
            .post_raw(
                "/cabinet/login",
                &[FORM],
                form(&[("login", login), ("password", password)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Неверный логин или пароль"), "{}", r.body);
        assert!(r.header("set-cookie").is_none());
    }
    let r = app
        .post_raw(
            "/cabinet/login?lang=en",
            &[FORM],
            form(&[("login", demo::LOGIN), ("password", "nope")]),
        )
        .await;
    assert!(r.body.contains("Wrong login or password"));

    let r = app
        .post_raw(
            "/cabinet/login",
            &[FORM],
            form(&[("login", demo::LOGIN), ("password", &app.demo_password)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-civic_session="), "{cookie}");
    for attr in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert_eq!(app.count("SELECT count(*) FROM official_sessions").await, 1);
    // Only a hash of the token is stored.
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_owned();
    let stored = app
        .count(
            "SELECT count(*) FROM official_sessions WHERE hex(token_hash) = upper(hex(token_hash))",
        )
        .await;
    assert_eq!(stored, 1);
    assert_eq!(
        app.state
            .db
            .read(move |c| c
                .query_row(
                    "SELECT count(*) FROM official_sessions WHERE CAST(token_hash AS TEXT) = ?1",
                    [token],
                    |r| r.get::<_, i64>(0)
                )
                .map_err(host_service::api::ApiError::from))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_list_shows_the_report_and_the_detail_shows_contacts_with_an_audit_row() {
    let (app, created) = app_with_report().await;
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;

    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(r#"<table class="problems""#));
    assert!(
        list.body
            .contains(&format!(r#"<tr data-problem-id="{}""#, created.id)),
        "{}",
        list.body
    );
    assert!(list.body.contains("Глубокая яма"));
    assert!(list.body.contains("Новое"));
    assert!(
        !list.body.contains("Канарейкин"),
        "the list shows no contacts"
    );

    // Filters: a status with no reports shows none.
    let filtered = app
        .get("/cabinet?status=resolved&category=", &[("cookie", &cookie)])
        .await;
    assert!(!filtered.body.contains("data-problem-id="));
    let filtered = app
        .get(
            &format!("/cabinet?status=new&category={}", app.demo_category),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(filtered.body.contains("data-problem-id="));

    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'view_reporter'")
            .await,
        0
    );
    let detail = app
        .get(
            &format!("/cabinet/problems/{}", created.id),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(
        detail
            .body
            .contains(r#"class="reporter-name">Канарейкин Пётр<"#),
        "{}",
        detail.body
    );
    assert!(
        detail
            .body
            .contains(r#"class="reporter-email">canary-mail@example.ru<"#)
    );
    assert!(
        detail
            .body
            .contains(r#"class="reporter-phone">+7 (900) 555-01-02<"#)
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'view_reporter'")
            .await,
        1
    );
    app.get(
        &format!("/cabinet/problems/{}", created.id),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'view_reporter'")
            .await,
        2
    );

    let en = app
        .get(
            &format!("/cabinet/problems/{}?lang=en", created.id),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(en.body.contains(r#"<html lang="en""#));
    assert!(en.body.contains("Change the status"));
}

#[tokio::test]
async fn a_status_change_with_a_public_answer_reaches_the_tracking_page() {
    let (app, created) = app_with_report().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let uri = format!("/cabinet/problems/{}/status", created.id);
    let answer = "Яму заделаем до пятницы <script>alert(1)</script>";
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[
                ("csrf", &csrf),
                ("status", "in_progress"),
                ("public_answer", answer),
                ("internal_note", "бригада №3"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/cabinet/problems/{}", created.id).as_str())
    );

    let page = app.get(&format!("/t/{}", created.tracking_code), &[]).await;
    assert!(page.body.contains("В работе"), "{}", page.body);
    assert!(
        page.body.contains("Яму заделаем до пятницы &lt;script&gt;"),
        "escaped: {}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(
        !page.body.contains("бригада"),
        "internal notes stay internal"
    );
    let page = app
        .get(
            &format!("/t/{}", created.tracking_code),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert!(page.body.contains("In progress"));

    // Refusing needs an answer, said in words.
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie)],
            form(&[
                ("csrf", &csrf),
                ("status", "refused"),
                ("public_answer", " "),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Для отказа нужен публичный ответ"));

    // Publishing stamps published_at.
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie)],
            form(&[("csrf", &csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM problems WHERE status = 'published' AND published_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM problem_events WHERE official_id IS NOT NULL")
            .await,
        2
    );
}

#[tokio::test]
async fn cabinet_posts_without_the_token_or_from_another_origin_are_refused() {
    let (app, created) = app_with_report().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let uri = format!("/cabinet/problems/{}/status", created.id);
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Vec<(&str, &str)>, String)> = vec![
        (
            "no token",
            vec![FORM, ("cookie", &cookie)],
            form(&[("status", "resolved")]),
        ),
        (
            "wrong token",
            vec![FORM, ("cookie", &cookie)],
            form(&[("csrf", "0000"), ("status", "resolved")]),
        ),
        (
            "foreign origin",
            vec![
                FORM,
                ("cookie", &cookie),
                ("origin", "https://evil.example"),
            ],
            form(&[("csrf", &csrf), ("status", "resolved")]),
        ),
        (
            "cross-site fetch",
            vec![FORM, ("cookie", &cookie), ("sec-fetch-site", "cross-site")],
            form(&[("csrf", &csrf), ("status", "resolved")]),
        ),
    ];
    for (name, headers, body) in cases {
        let r = app.post_raw(&uri, &headers, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
        assert!(
            r.body.contains("Запрос отклонён"),
            "{name}: a page in words"
        );
    }
    // A login form posted from another site is refused too.
    let r = app
        .post_raw(
            "/cabinet/login",
            &[FORM, ("origin", "https://evil.example")],
            form(&[("login", demo::LOGIN), ("password", &app.demo_password)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM problems WHERE status = 'resolved'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_official_of_another_municipality_sees_nothing_of_ours() {
    let (app, created) = app_with_report().await;
    let (cookie, csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert!(!list.body.contains("data-problem-id="));
    let r = app
        .get(
            &format!("/cabinet/problems/{}", created.id),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Канарейкин"));
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{}/status", created.id),
            &[FORM, ("cookie", &cookie)],
            form(&[
                ("csrf", &csrf),
                ("status", "resolved"),
                ("public_answer", "x"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'view_reporter'")
            .await,
        0
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let r = app
        .post_raw(
            "/cabinet/logout",
            &[FORM, ("cookie", &cookie)],
            form(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// Adds `n` reports of the demo site straight into the database (as an import would), newest
/// last; returns their ids.
async fn add_reports(app: &TestApp, n: usize) -> Vec<i64> {
    let category = app.demo_category;
    app.state
        .db
        .write(move |c| {
            let site: i64 = c.query_row("SELECT id FROM sites WHERE key = 'demo'", [], |r| {
                r.get(0)
            })?;
            let mut ids = Vec::new();
            for i in 0..n {
                c.execute(
                    "INSERT INTO problems (site_id, category_id, status, description, tracking_code, lang, created_at, updated_at)
                     VALUES (?1, ?2, 'new', ?3, ?4, 'ru', 1780000000, 1780000000)",
                    rusqlite::params![site, category, format!("Импортированное обращение {i}"), format!("IMPORT{i:06}")],
                )?;
                ids.push(c.last_insert_rowid());
            }
            Ok::<_, host_service::api::ApiError>(ids)
        })
        .await
        .unwrap()
}

fn row_ids(html: &str) -> Vec<i64> {
    html.split(r#"<tr data-problem-id=""#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

fn link(html: &str, rel: &str) -> Option<String> {
    let marker = format!(r#"<a rel="{rel}" href=""#);
    let start = html.find(&marker)? + marker.len();
    Some(
        html[start..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn the_list_counts_every_report_in_words_and_pages_through_all_of_them() {
    let (app, created) = app_with_report().await;
    let imported = add_reports(&app, 122).await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let get = |uri: String| {
        let app = &app;
        let cookie = cookie.clone();
        async move { app.get(&uri, &[("cookie", &cookie)]).await }
    };

    // 123 reports: the total is the whole municipality's, with the Russian plural for 23.
    let first = get("/cabinet".into()).await;
    assert!(first.body.contains("123 обращения"), "{}", first.body);
    let en = get("/cabinet?lang=en".into()).await;
    assert!(en.body.contains("123 reports"), "{}", en.body);

    // Three pages, newest first, each report exactly once, and back again.
    let mut seen = row_ids(&first.body);
    assert_eq!(seen.len(), 50);
    assert_eq!(seen[0], *imported.last().unwrap());
    assert!(link(&first.body, "prev").is_none());
    let second = get(link(&first.body, "next").expect("an older page")).await;
    assert!(second.body.contains("Страница 2"), "{}", second.body);
    assert!(second.body.contains("123 обращения"));
    seen.extend(row_ids(&second.body));
    let third = get(link(&second.body, "next").expect("a third page")).await;
    assert!(third.body.contains("Страница 3"));
    assert!(link(&third.body, "next").is_none(), "the last page");
    seen.extend(row_ids(&third.body));
    let mut all: Vec<i64> = imported.clone();
    all.push(created.id);
    all.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, all);
    let back = get(link(&third.body, "prev").expect("a newer page")).await;
    assert!(back.body.contains("Страница 2"));
    assert_eq!(row_ids(&back.body), row_ids(&second.body));
    let back = get(link(&back.body, "prev").unwrap()).await;
    assert_eq!(row_ids(&back.body), row_ids(&first.body));

    // A status change moves the report between the filtered totals at once.
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{}/status", created.id),
            &[FORM, ("cookie", &cookie)],
            form(&[("csrf", &csrf), ("status", "in_progress")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let new = get("/cabinet?status=new".into()).await;
    assert!(new.body.contains("122 обращения"), "{}", new.body);
    assert!(!row_ids(&new.body).contains(&created.id));
    let in_progress = get(format!(
        "/cabinet?status=in_progress&category={}",
        app.demo_category
    ))
    .await;
    assert!(
        in_progress.body.contains("1 обращение"),
        "{}",
        in_progress.body
    );
    assert_eq!(row_ids(&in_progress.body), vec![created.id]);
    let resolved = get("/cabinet?status=resolved".into()).await;
    assert!(resolved.body.contains("0 обращений"));
    let all_again = get("/cabinet".into()).await;
    assert!(all_again.body.contains("123 обращения"));

    // Another municipality's official counts none of ours.
    let other = get(format!("/cabinet?category={}", app.other_category)).await;
    assert!(other.body.contains("0 обращений"), "{}", other.body);
}

#[tokio::test]
async fn the_problem_page_shows_how_many_residents_support_it() {
    let (app, created) = app_with_report().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let uri = format!("/cabinet/problems/{}", created.id);
    let page = app.get(&uri, &[("cookie", &cookie)]).await;
    assert!(page.body.contains("Поддержали"), "{}", page.body);
    assert!(page.body.contains(r#"<dd class="support-count">0</dd>"#));

    let r = app
        .post_raw(
            &format!("{uri}/status"),
            &[FORM, ("cookie", &cookie)],
            form(&[("csrf", &csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for voter in ["a@example.ru", "b@example.ru"] {
        host_service::map::support_problem(
            &app.state.db,
            created.id,
            host_service::map::VoterKey::email(voter),
        )
        .await
        .unwrap();
    }
    let page = app
        .get(&format!("{uri}?lang=en"), &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains("Supporters"), "{}", page.body);
    assert!(page.body.contains(r#"<dd class="support-count">2</dd>"#));
}

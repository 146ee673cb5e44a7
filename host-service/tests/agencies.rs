//! Agencies and routing (issue 5): a published problem goes to its category's agency, which is
//! mailed (through a real SMTP server process) without the reporter's contacts; a moderator
//! routes it elsewhere; an agency official sees and works on their agency's problems only, and
//! another agency's are "not found"; the site admin sets agencies and routing in the cabinet.

use crate::common;

use axum::http::StatusCode;
use common::smtp::SmtpSink;
use common::{FORM, PUBLIC, TestApp, app_mailing_to, form};
use host_service::admin::{self, OfficialSpec, Role};
use host_service::demo;
use serde_json::json;

/// The demo's category named `ru`.
async fn category(app: &TestApp, ru: &'static str) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row("SELECT id FROM categories WHERE name_ru = ?1", [ru], |r| {
                r.get(0)
            })
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

async fn agency(app: &TestApp, name: &'static str) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row("SELECT id FROM agencies WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

/// Files a report of the category named `ru` (with canary contacts); its id.
async fn report(app: &TestApp, ru: &'static str) -> i64 {
    let mut body = app.valid_report();
    body["category_id"] = json!(category(app, ru).await);
    let r = app.report(demo::SITE_KEY, None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// Posts a cabinet form as the official logged in with `cookie`.
async fn post(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> StatusCode {
    app.post_raw(
        uri,
        &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
        form(fields),
    )
    .await
    .status
}

async fn agency_of(app: &TestApp, id: i64) -> Option<i64> {
    app.state
        .db
        .read(move |c| {
            c.query_row("SELECT agency_id FROM problems WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn publication_routes_to_the_categorys_agency_which_is_mailed_without_the_reporter() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    let id = report(&app, "Дороги и тротуары").await;
    assert_eq!(agency_of(&app, id).await, None, "not before publication");
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let status = format!("/cabinet/problems/{id}/status");
    let published = post(
        &app,
        &cookie,
        &status,
        &[("csrf", &csrf), ("status", "published")],
    )
    .await;
    assert_eq!(published, StatusCode::SEE_OTHER);
    assert_eq!(
        agency_of(&app, id).await,
        Some(agency(&app, "Дорожная служба").await)
    );

    let mail = sink
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| m.envelope_to == ["dorogi@demograd.example"])
        .expect("the agency's message");
    assert_eq!(
        mail.subject,
        format!("Вам направлено обращение № {id}: Дороги и тротуары")
    );
    assert!(
        mail.body
            .contains(&format!("{PUBLIC}/cabinet/problems/{id}")),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains("Глубокая яма"),
        "the description: {}",
        mail.body
    );
    assert!(
        mail.body.contains("Срок решения:"),
        "the deadline: {}",
        mail.body
    );
    for private in ["Канарейкин", "canary-mail", "555-01-02"] {
        assert!(!mail.body.contains(private), "{private} in {}", mail.body);
    }
    // The cabinet names the agency.
    let page = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains("Дорожная служба"), "{}", page.body);

    // A moderator's later choice: another agency, which is mailed in turn.
    let zhkh = agency(&app, "Управление ЖКХ").await.to_string();
    let routed = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{id}/agency"),
        &[("csrf", &csrf), ("agency", &zhkh)],
    )
    .await;
    assert_eq!(routed, StatusCode::SEE_OTHER);
    let got = sink.wait_for(3).await;
    assert!(
        got.iter()
            .any(|m| m.envelope_to == ["zhkh@demograd.example"]),
        "{got:#?}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'route'")
            .await,
        1
    );
    // An agency of another municipality is refused.
    let other = app
        .state
        .db
        .write(|c| {
            let m: i64 = c.query_row(
                "SELECT id FROM municipalities WHERE name = 'Другоград'",
                [],
                |r| r.get(0),
            )?;
            host_service::agencies::add(c, m, "Чужая служба", None, Default::default())
                .map_err(|e| host_service::db::DbError::Commit(e.to_string()))
        })
        .await
        .unwrap();
    let refused = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{id}/agency"),
        &[("csrf", &csrf), ("agency", &other.to_string())],
    )
    .await;
    assert_eq!(refused, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        agency_of(&app, id).await,
        Some(agency(&app, "Управление ЖКХ").await)
    );
}

#[tokio::test]
async fn an_agency_official_sees_and_works_on_their_agencys_problems_only() {
    let app = TestApp::new().await;
    let roads = report(&app, "Дороги и тротуары").await;
    let lights = report(&app, "Освещение").await;
    let (admin_cookie, admin_csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    for id in [roads, lights] {
        let uri = format!("/cabinet/problems/{id}/status");
        let s = post(
            &app,
            &admin_cookie,
            &uri,
            &[("csrf", &admin_csrf), ("status", "published")],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    admin::add_official(
        &app.state.db,
        OfficialSpec {
            login: "dorogi".into(),
            municipality: demo::MUNICIPALITY.into(),
            password: "dorogi-password".into(),
            display_name: Some("Дорожная служба, диспетчер".into()),
            role: Role::AgencyOfficial,
            agency: Some("Дорожная служба".into()),
        },
    )
    .await
    .unwrap();
    let (cookie, csrf) = app.login("dorogi", "dorogi-password").await;

    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert!(
        list.body.contains(&format!("data-problem-id=\"{roads}\"")),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&format!("data-problem-id=\"{lights}\"")));
    assert!(
        !list.body.contains("/cabinet/settings"),
        "no settings for them"
    );

    // Another agency's problem does not exist for them, to read or to change.
    let page = app
        .get(
            &format!("/cabinet/problems/{lights}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let uri = format!("/cabinet/problems/{lights}/status");
    let s = post(
        &app,
        &cookie,
        &uri,
        &[("csrf", &csrf), ("status", "resolved")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT count(*) FROM problems WHERE status = 'resolved'")
            .await,
        0
    );

    // Their own: read, answered, moved on; but not routed elsewhere.
    let page = app
        .get(
            &format!("/cabinet/problems/{roads}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("agency-form"),
        "routing is the moderators' job"
    );
    let uri = format!("/cabinet/problems/{roads}/status");
    let s = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            ("status", "in_progress"),
            ("public_answer", "Выехала бригада."),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let s = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{roads}/agency"),
        &[("csrf", &csrf), ("agency", "")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_site_admin_adds_an_agency_and_routes_a_category_to_it() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let s = post(
        &app,
        &cookie,
        "/cabinet/settings/agencies",
        &[
            ("csrf", &csrf),
            ("name", "Служба озеленения"),
            ("email", "zelen@demograd.example"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // A bad address is refused in words.
    let r = app
        .post_raw(
            "/cabinet/settings/agencies",
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[
                ("csrf", &csrf),
                ("name", "Ещё одна"),
                ("email", "not an address"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(
            "Исполнитель не добавлен: «not an address» не похоже на адрес электронной почты"
        ),
        "{}",
        r.body
    );

    let green = agency(&app, "Служба озеленения").await;
    let parks = category(&app, "Благоустройство").await;
    let page = app.get("/cabinet/settings", &[("cookie", &cookie)]).await;
    assert!(page.body.contains("Служба озеленения"));
    let field = format!("category_{parks}");
    let s = post(
        &app,
        &cookie,
        "/cabinet/settings/routing",
        &[("csrf", &csrf), (&field, &green.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    let id = report(&app, "Благоустройство").await;
    let uri = format!("/cabinet/problems/{id}/status");
    let s = post(
        &app,
        &cookie,
        &uri,
        &[("csrf", &csrf), ("status", "published")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(agency_of(&app, id).await, Some(green));
    // The agency's mail waits in the outbox (no SMTP server in this test).
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'routed_to_agency' AND to_addr = 'zelen@demograd.example'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_site_admin_decides_how_an_agency_gets_problems_and_it_then_gets_appeals() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let roads = agency(&app, "Дорожная служба").await;
    let page = app.get("/cabinet/settings", &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains(&format!(
            "data-agency=\"{roads}\" data-delivery=\"cabinet\""
        )),
        "{}",
        page.body
    );
    let uri = format!("/cabinet/settings/agencies/{roads}");
    // Working by e-mail needs an address: refused in words, nothing changed.
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("email", ""), ("delivery", "email")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(
            "Исполнитель не изменён: исполнителю, который работает по электронной почте, нужен адрес"
        ),
        "{}",
        r.body
    );
    let s = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            ("email", "roads-inbox@demograd.example"),
            ("delivery", "both"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let page = app.get("/cabinet/settings", &[("cookie", &cookie)]).await;
    assert!(
        page.body
            .contains(&format!("data-agency=\"{roads}\" data-delivery=\"both\""))
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'agency_changed'")
            .await,
        1
    );
    // Its next problem comes as a formal appeal, with the cabinet link too.
    let id = report(&app, "Дороги и тротуары").await;
    let s = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{id}/status"),
        &[("csrf", &csrf), ("status", "published")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (kind, to, body): (String, String, String) = app
        .state
        .db
        .read(move |c| {
            c.query_row(
                "SELECT kind, to_addr, body FROM outbox WHERE problem_id = ?1 AND kind <> 'status_changed'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    assert_eq!(
        (kind.as_str(), to.as_str()),
        ("appeal", "roads-inbox@demograd.example")
    );
    assert!(
        body.contains(&format!("{PUBLIC}/cabinet/problems/{id}")),
        "{body}"
    );

    // Another municipality's agency is not theirs to change.
    let other = app
        .state
        .db
        .write(|c| {
            let m: i64 = c.query_row(
                "SELECT id FROM municipalities WHERE name = 'Другоград'",
                [],
                |r| r.get(0),
            )?;
            host_service::agencies::add(c, m, "Чужая служба", None, Default::default())
                .map_err(|e| host_service::db::DbError::Commit(e.to_string()))
        })
        .await
        .unwrap();
    let s = post(
        &app,
        &cookie,
        &format!("/cabinet/settings/agencies/{other}"),
        &[
            ("csrf", &csrf),
            ("email", "x@y.example"),
            ("delivery", "email"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

//! Deadlines after publication (issue 5): the overdue list, and the agency's reminders a day
//! before and after the deadline, once each, through a real SMTP server. Time is chosen by the
//! test (deadlines moved, `remind` called with the moment), never waited for.

use crate::common;

use axum::http::StatusCode;
use common::smtp::SmtpSink;
use common::{FORM, PUBLIC, TestApp, app_mailing_to, form};
use host_service::admin::{self, OfficialSpec, Role};
use host_service::db::{DbError, now};
use host_service::{deadlines, demo};
use serde_json::json;

/// Files and publishes (as the demo admin) a report of the category named `ru`; its id.
async fn published(app: &TestApp, cookie: &str, csrf: &str, ru: &'static str) -> i64 {
    let category: i64 = app
        .state
        .db
        .read(move |c| {
            c.query_row("SELECT id FROM categories WHERE name_ru = ?1", [ru], |r| {
                r.get(0)
            })
            .map_err(DbError::from)
        })
        .await
        .unwrap();
    let mut body = app.valid_report();
    body["category_id"] = json!(category);
    let r = app.report(demo::SITE_KEY, None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let s = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
            form(&[("csrf", csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER);
    id
}

/// Moves problem `id`'s deadline to `due_at`.
async fn set_due(app: &TestApp, id: i64, due_at: i64) {
    app.state
        .db
        .write(move |c| {
            c.execute(
                "UPDATE problems SET due_at = ?2 WHERE id = ?1",
                [id, due_at],
            )
            .map_err(DbError::from)
        })
        .await
        .unwrap();
}

async fn remind(app: &TestApp, at: i64) -> usize {
    app.state
        .db
        .write(move |c| deadlines::remind(c, PUBLIC, at).map_err(DbError::from))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_overdue_list_shows_what_is_past_its_deadline_most_overdue_first() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let roads = published(&app, &cookie, &csrf, "Дороги и тротуары").await;
    let lights = published(&app, &cookie, &csrf, "Освещение").await;
    let waste = published(&app, &cookie, &csrf, "Мусор").await;
    let page = app.get("/cabinet/overdue", &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Просроченных обращений нет"),
        "{}",
        page.body
    );

    let day = 86_400;
    set_due(&app, roads, now() - 3 * day - 60).await;
    set_due(&app, lights, now() - 10 * day - 60).await;
    let page = app.get("/cabinet/overdue", &[("cookie", &cookie)]).await;
    let at = |id: i64| page.body.find(&format!("data-problem-id=\"{id}\""));
    assert!(
        at(lights).unwrap() < at(roads).unwrap(),
        "the most overdue first"
    );
    assert!(at(waste).is_none(), "not due yet");
    assert!(page.body.contains("просрочено на 10 дн."), "{}", page.body);
    assert!(page.body.contains("Горсвет"), "the agency is named");
    assert!(page.body.contains("2 обращения"), "{}", page.body);
    // The main list shows each one's agency and deadline, and marks the overdue.
    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    let row = |id: i64| {
        let start = list
            .body
            .find(&format!("data-problem-id=\"{id}\""))
            .unwrap();
        let end = start + list.body[start..].find("</tr>").unwrap();
        list.body[start..end].to_owned()
    };
    assert!(row(lights).contains("Горсвет"), "{}", row(lights));
    assert!(row(lights).contains(">просрочено<"), "{}", row(lights));
    assert!(row(waste).contains("problem-due"), "{}", row(waste));
    assert!(!row(waste).contains(">просрочено<"), "{}", row(waste));

    // Solved is not overdue.
    let s = app
        .post_raw(
            &format!("/cabinet/problems/{lights}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "resolved")]),
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER);
    let page = app.get("/cabinet/overdue", &[("cookie", &cookie)]).await;
    assert!(!page.body.contains(&format!("data-problem-id=\"{lights}\"")));

    // An agency official sees only their agency's.
    admin::add_official(
        &app.state.db,
        OfficialSpec {
            login: "svet".into(),
            municipality: demo::MUNICIPALITY.into(),
            password: "svet-password".into(),
            display_name: None,
            role: Role::AgencyOfficial,
            agency: Some("Горсвет".into()),
        },
    )
    .await
    .unwrap();
    let (svet, _) = app.login("svet", "svet-password").await;
    let page = app.get("/cabinet/overdue", &[("cookie", &svet)]).await;
    assert!(!page.body.contains(&format!("data-problem-id=\"{roads}\"")));
    assert!(page.body.contains("Просроченных обращений нет"));
}

#[tokio::test]
async fn the_agency_is_reminded_a_day_before_and_after_the_deadline_once_each() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let id = published(&app, &cookie, &csrf, "Освещение").await;
    // The agency's routing message and the reporter's "published".
    assert_eq!(sink.wait_for(2).await.len(), 2);

    let t0 = now();
    let due = t0 + 12 * 3600;
    set_due(&app, id, due).await;
    assert_eq!(
        remind(&app, t0 - 24 * 3600).await,
        0,
        "more than a day ahead"
    );
    assert_eq!(remind(&app, t0).await, 1);
    assert_eq!(remind(&app, t0 + 60).await, 0, "once");
    app.state.outbox.wake();
    let soon = sink.wait_for(3).await.remove(2);
    assert_eq!(soon.envelope_to, ["svet@demograd.example"]);
    assert!(
        soon.subject
            .starts_with(&format!("Срок по обращению № {id} истекает")),
        "{}",
        soon.subject
    );
    // «Горсвет» works by e-mail: the reminder links the public card and says how to answer.
    assert!(
        soon.body.contains(&format!("{PUBLIC}/problems/{id}")) && !soon.body.contains("/cabinet/"),
        "{}",
        soon.body
    );
    assert!(
        soon.body
            .contains(&format!("ответьте на письмо с обращением № {id}")),
        "{}",
        soon.body
    );

    assert_eq!(remind(&app, due + 3600).await, 1);
    assert_eq!(remind(&app, due + 7200).await, 0, "once");
    app.state.outbox.wake();
    let late = sink.wait_for(4).await.remove(3);
    assert_eq!(late.envelope_to, ["svet@demograd.example"]);
    assert_eq!(late.subject, format!("Обращение № {id} просрочено"));

    // Long past deadlines from before are not news: no reminder for them.
    let old = published(&app, &cookie, &csrf, "Освещение").await;
    set_due(&app, old, t0 - 30 * 86_400).await;
    assert_eq!(remind(&app, t0).await, 0);

    // An agency that works in the cabinet is sent there.
    let road = published(&app, &cookie, &csrf, "Дороги и тротуары").await;
    set_due(&app, road, t0 + 3600).await;
    assert_eq!(remind(&app, t0).await, 1);
    app.state.outbox.wake();
    // 4 above, 2 for each publication since, then the reminder.
    let got = sink.wait_for(9).await;
    let roads = got
        .iter()
        .find(|m| m.envelope_to == ["dorogi@demograd.example"] && m.subject.starts_with("Срок"))
        .expect("the roads service's reminder");
    assert!(
        roads
            .body
            .contains(&format!("{PUBLIC}/cabinet/problems/{road}")),
        "{}",
        roads.body
    );
}

#[tokio::test]
async fn a_site_counting_working_days_skips_weekends_and_its_holidays() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    // The site admin turns working days on, with one holiday; a wrong date is refused in words.
    let uri = format!("/cabinet/settings/sites/{}/reports", demo::SITE_KEY);
    let settings = |holidays: &'static str| {
        form(&[
            ("csrf", &csrf),
            ("anonymous", "moderated"),
            ("premoderation", "on"),
            ("control_days", "14"),
            ("email_answers", "publish"),
            ("working_days", "on"),
            ("holidays", holidays),
        ])
    };
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            settings("2026-12-08\n8 декабря"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("«8» — не дата"), "{}", r.body);
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            settings("2026-12-08"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get("/cabinet/settings", &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains(">2026-12-08</textarea>"),
        "the holiday is shown"
    );

    // A 3-day term, published on Friday 4 December 2026 at 10:00 UTC: Monday 7, (Tuesday 8 is
    // the holiday), Wednesday 9, Thursday 10.
    let id = {
        let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
        r.json()["id"].as_i64().unwrap()
    };
    let friday = 1_796_378_400; // 2026-12-04T10:00:00Z
    let due: i64 = app
        .state
        .db
        .write(move |c| {
            c.execute(
                "UPDATE categories SET term_days = 3 WHERE id = (SELECT category_id FROM problems WHERE id = ?1)",
                [id],
            )?;
            host_service::problems::set_status(c, PUBLIC, id, civic_wire::Status::Published, friday)?;
            c.query_row("SELECT due_at FROM problems WHERE id = ?1", [id], |r| r.get(0))
                .map_err(DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(due, friday + 6 * 86_400, "Thursday 10 December, 10:00");

    // In calendar days (the command line turns it off) the same term ends on Monday.
    admin::set_working_days(&app.state.db, demo::SITE_KEY, Some(false), None)
        .await
        .unwrap();
    let other = {
        let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
        r.json()["id"].as_i64().unwrap()
    };
    let due: i64 = app
        .state
        .db
        .write(move |c| {
            host_service::problems::set_status(
                c,
                PUBLIC,
                other,
                civic_wire::Status::Published,
                friday,
            )?;
            c.query_row("SELECT due_at FROM problems WHERE id = ?1", [other], |r| {
                r.get(0)
            })
            .map_err(DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(due, friday + 3 * 86_400);
}

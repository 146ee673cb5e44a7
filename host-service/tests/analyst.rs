//! The read-only analyst (issue 5): an official of the whole municipality, made by
//! `host-service user add --role analyst`, who reads the list, a problem's page, the overdue list,
//! the statistics and the exports — never the reporter's contacts (and no view of them is logged,
//! since none happened) — and changes nothing: no form they could not use is shown, and every
//! write answers 403 in words and leaves the database as it was.

use crate::common;
use crate::sso_support;

use std::process::Command;

use axum::http::StatusCode;
use common::{DEMO_ORIGIN, FORM, PUBLIC, Reply, TestApp, form, photo_with_exif};
use host_service::admin::{self, OfficialSpec, Role};
use host_service::demo;
use host_service::inbound::{self, State};
use serde_json::json;
use sso_support::{SiteKey, claims};

const ANALYST: &str = "analitik";
const ANALYST_PASSWORD: &str = "analitik-password";
/// The signed-in reporter's SSO subject: shown to a moderator, never to the analyst.
const SUB: &str = "resident-sub-canary";
/// What the reporter's contacts look like on the page of an official who may see them.
const CONTACTS: [&str; 4] = [
    "Канарейкин Пётр",
    "canary-mail@example.ru",
    "+7 (900) 555-01-02",
    SUB,
];

/// The demo city with: a problem filed by a signed-in resident (canary contacts, a photo),
/// published and past its deadline; a new problem; a quarantined e-mail; and an analyst.
struct Fixture {
    app: TestApp,
    published: i64,
    fresh: i64,
    photo: i64,
    mail: i64,
    admin_cookie: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let key = SiteKey::ed25519("portal-1");
    admin::add_sso_key(&app.state.db, demo::SITE_KEY, &key.kid, key.registered())
        .await
        .unwrap();
    let r = app
        .post_raw(
            "/api/v1/sso/exchange",
            &[("content-type", "application/json")],
            json!({"site": demo::SITE_KEY, "token": key.mint(&claims(demo::SITE_KEY, SUB))})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bearer = format!("Bearer {}", r.json()["session"].as_str().unwrap());
    let r = app
        .post_raw(
            &format!("/api/v1/sites/{}/problems", demo::SITE_KEY),
            &[
                ("content-type", "application/json"),
                ("origin", DEMO_ORIGIN),
                ("authorization", &bearer),
            ],
            app.valid_report().to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let published = r.json()["id"].as_i64().unwrap();
    let code = r.json()["tracking_code"].as_str().unwrap().to_owned();
    let r = app
        .post_raw(
            &format!(
                "/api/v1/sites/{}/problems/{published}/photos",
                demo::SITE_KEY
            ),
            &[
                ("content-type", "image/jpeg"),
                ("x-tracking-code", &code),
                ("origin", DEMO_ORIGIN),
            ],
            photo_with_exif("exif-canary"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let photo = r.json()["id"].as_i64().unwrap();
    let r = app
        .report(demo::SITE_KEY, Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let fresh = r.json()["id"].as_i64().unwrap();

    let (admin_cookie, admin_csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{published}/status"),
            &[FORM, ("cookie", &admin_cookie), ("origin", PUBLIC)],
            form(&[("csrf", &admin_csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Its deadline passed an hour ago.
    app.state
        .db
        .write(move |c| {
            c.execute(
                "UPDATE problems SET due_at = ?1 WHERE id = ?2",
                rusqlite::params![host_service::db::now() - 3600, published],
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();

    // An agency writes to the service without a reply address: it waits for a person.
    let raw = b"From: dorogi@demograd.example\r\nTo: info@127.0.0.1\r\nSubject: Question\r\n\
Message-ID: <analyst-test-1@demograd.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0300\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nPlease tell us whom to call.\r\n";
    let outcome = inbound::deliver(&app.state, raw.to_vec(), None)
        .await
        .unwrap();
    assert_eq!(outcome.state, State::Quarantined, "{outcome:?}");
    let mail = outcome.id.unwrap();

    Fixture {
        app,
        published,
        fresh,
        photo,
        mail,
        admin_cookie,
    }
}

/// Makes the analyst as an operator would: `host-service user add --role analyst`.
fn add_analyst_by_cli(app: &TestApp) {
    let password_file = app.dir.path().join("analyst-password.txt");
    std::fs::write(&password_file, format!("{ANALYST_PASSWORD}\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_host-service"))
        .arg("--db")
        .arg(&app.state.config.db_path)
        .args([
            "user",
            "add",
            "--role",
            "analyst",
            "--login",
            ANALYST,
            "--municipality",
            demo::MUNICIPALITY,
            "--name",
            "Аналитик Мэрии",
            "--password-file",
        ])
        .arg(&password_file)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn get(app: &TestApp, cookie: &str, uri: &str) -> Reply {
    app.get(uri, &[("cookie", cookie)]).await
}

async fn audited(app: &TestApp, action: &'static str, login: &'static str) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row(
                "SELECT count(*) FROM audit_log a JOIN officials o ON o.id = a.official_id
                 WHERE a.action = ?1 AND o.login = ?2",
                [action, login],
                |r| r.get(0),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn an_analyst_reads_everything_but_the_reporters_contacts() {
    let f = fixture().await;
    let app = &f.app;
    add_analyst_by_cli(app);
    assert_eq!(
        app.count("SELECT count(*) FROM officials WHERE login = 'analitik' AND role = 'analyst' AND agency_id IS NULL")
            .await,
        1
    );

    // What a moderator sees of the reporter, so the canaries below mean something.
    let page = get(
        app,
        &f.admin_cookie,
        &format!("/cabinet/problems/{}", f.published),
    )
    .await;
    for contact in CONTACTS {
        assert!(page.body.contains(contact), "{contact}: {}", page.body);
    }

    let (cookie, _) = app.login(ANALYST, ANALYST_PASSWORD).await;
    // The list: every agency's problems, the exports, the overdue list and statistics; no
    // «Почта», no settings.
    let list = get(app, &cookie, "/cabinet").await;
    assert_eq!(list.status, StatusCode::OK);
    // Nothing to tick: the list's form for the ticked ones changes statuses.
    assert!(!list.body.contains(r#"type="checkbox""#), "{}", list.body);
    assert!(!list.body.contains("/cabinet/bulk"), "{}", list.body);
    for id in [f.published, f.fresh] {
        assert!(
            list.body.contains(&format!("data-problem-id=\"{id}\"")),
            "{id}: {}",
            list.body
        );
    }
    for link in [
        "/cabinet/overdue",
        "/cabinet/stats",
        "/cabinet/export.csv",
        "/cabinet/export.geojson",
    ] {
        assert!(list.body.contains(link), "{link}");
    }
    assert!(!list.body.contains("/cabinet/mail"), "no «Почта»");
    assert!(!list.body.contains("/cabinet/settings"), "no settings");
    assert!(!list.body.contains("Канарейкин"));

    // A problem's page: everything but the contacts, and no form to change anything.
    let uri = format!("/cabinet/problems/{}", f.published);
    let page = get(app, &cookie, &uri).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Глубокая яма"), "{}", page.body);
    assert!(page.body.contains("ул. Ленина, 12"));
    assert!(page.body.contains("Дорожная служба"), "its agency");
    assert!(
        page.body
            .contains(&format!("/cabinet/photos/{}/thumb.jpg", f.photo)),
        "its photo"
    );
    assert!(
        page.body
            .contains("Контакты заявителя скрыты для вашей роли"),
        "{}",
        page.body
    );
    for contact in CONTACTS {
        assert!(
            !page.body.contains(contact),
            "{contact} shown to an analyst"
        );
    }
    for hook in [
        "reporter-name",
        "reporter-email",
        "reporter-phone",
        "reporter-sso",
        "Просмотр записан в журнал",
        "status-form",
        "agency-form",
        "redact-form",
        "/visibility",
        "/cabinet/mail",
        r#"method="post" action="/cabinet/problems"#,
    ] {
        assert!(!page.body.contains(hook), "{hook} on an analyst's page");
    }
    let fresh = get(app, &cookie, &format!("/cabinet/problems/{}", f.fresh)).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(
        !fresh.body.contains("redact-form"),
        "no redaction of a new report"
    );
    assert!(!fresh.body.contains("status-form"));
    let en = get(app, &cookie, &format!("{uri}?lang=en")).await;
    assert!(
        en.body
            .contains("The reporter&#39;s contacts are hidden for your role")
            || en
                .body
                .contains("The reporter's contacts are hidden for your role"),
        "{}",
        en.body
    );
    // Nothing of the reporter was read, so no view is logged.
    assert_eq!(audited(app, "view_reporter", "analitik").await, 0);
    assert!(audited(app, "view_reporter", demo::LOGIN).await >= 1);

    let photo = get(
        app,
        &cookie,
        &format!("/cabinet/photos/{}/thumb.jpg", f.photo),
    )
    .await;
    assert_eq!(photo.status, StatusCode::OK);

    // The overdue list and the statistics.
    let overdue = get(app, &cookie, "/cabinet/overdue").await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(
        overdue
            .body
            .contains(&format!("/cabinet/problems/{}", f.published)),
        "{}",
        overdue.body
    );
    let stats = get(app, &cookie, "/cabinet/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert!(stats.body.contains("Дорожная служба"), "{}", stats.body);

    // The exports, without contacts, audited as anyone's.
    let csv = get(app, &cookie, "/cabinet/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Глубокая яма"));
    let geojson = get(app, &cookie, "/cabinet/export.geojson").await;
    assert_eq!(geojson.status, StatusCode::OK);
    assert!(geojson.body.contains("Глубокая яма"));
    for body in [&csv.body, &geojson.body] {
        for contact in CONTACTS {
            assert!(!body.contains(contact), "{contact} exported");
        }
    }
    assert_eq!(audited(app, "export", "analitik").await, 2);
}

/// Everything a forbidden write could touch, as text.
async fn snapshot(app: &TestApp) -> String {
    app.state
        .db
        .read(|c| {
            let mut out = String::new();
            for sql in [
                "SELECT * FROM problems ORDER BY id",
                "SELECT * FROM problem_events ORDER BY id",
                "SELECT * FROM reporters ORDER BY problem_id",
                "SELECT id, problem_id, hidden_at, hidden_by FROM photos ORDER BY id",
                "SELECT id, state, reason, problem_id, handled_at, handled_by, raw IS NULL FROM inbound_mail ORDER BY id",
                "SELECT * FROM agencies ORDER BY id",
                "SELECT * FROM categories ORDER BY id",
                "SELECT * FROM sites ORDER BY id",
                "SELECT * FROM site_sso_keys ORDER BY id",
                "SELECT * FROM outbox",
                "SELECT * FROM audit_log ORDER BY id",
            ] {
                let mut stmt = c.prepare(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    for i in 0..n {
                        let v: rusqlite::types::Value = row.get(i)?;
                        out.push_str(&format!("{v:?}|"));
                    }
                    out.push('\n');
                }
                out.push_str("--\n");
            }
            Ok::<_, host_service::api::ApiError>(out)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn every_write_of_an_analyst_is_refused_in_words_and_changes_nothing() {
    let f = fixture().await;
    let app = &f.app;
    admin::add_official(
        &app.state.db,
        OfficialSpec {
            login: ANALYST.into(),
            municipality: demo::MUNICIPALITY.into(),
            password: ANALYST_PASSWORD.into(),
            display_name: None,
            role: Role::Analyst,
            agency: None,
        },
    )
    .await
    .unwrap();
    let (cookie, csrf) = app.login(ANALYST, ANALYST_PASSWORD).await;
    let agency: i64 = app
        .count("SELECT id FROM agencies WHERE name = 'Горсвет'")
        .await;
    let category = app.demo_category;
    let before = snapshot(app).await;

    let (published, fresh, photo, mail) = (f.published, f.fresh, f.photo, f.mail);
    let writes: Vec<(String, Vec<(String, String)>)> = vec![
        (
            format!("/cabinet/problems/{published}/status"),
            vec![
                ("status".into(), "resolved".into()),
                ("public_answer".into(), "Отремонтировано.".into()),
            ],
        ),
        (
            format!("/cabinet/problems/{fresh}/status"),
            vec![
                ("status".into(), "refused".into()),
                ("reason".into(), "spam".into()),
            ],
        ),
        (
            format!("/cabinet/problems/{published}/agency"),
            vec![("agency".into(), agency.to_string())],
        ),
        (
            "/cabinet/bulk".into(),
            vec![
                ("id".into(), fresh.to_string()),
                ("status".into(), "published".into()),
            ],
        ),
        (
            format!("/cabinet/problems/{fresh}/description"),
            vec![(
                "description".into(),
                "Текст, переписанный аналитиком без права".into(),
            )],
        ),
        (
            format!("/cabinet/photos/{photo}/visibility"),
            vec![("hidden".into(), "1".into())],
        ),
        (
            format!("/cabinet/mail/{mail}/publish"),
            vec![("problem".into(), published.to_string())],
        ),
        (format!("/cabinet/mail/{mail}/discard"), vec![]),
        (
            "/cabinet/settings/agencies".into(),
            vec![
                ("name".into(), "Служба аналитика".into()),
                ("email".into(), "a@demograd.example".into()),
            ],
        ),
        (
            format!("/cabinet/settings/agencies/{agency}"),
            vec![
                ("email".into(), "x@demograd.example".into()),
                ("delivery".into(), "cabinet".into()),
            ],
        ),
        (
            "/cabinet/settings/routing".into(),
            vec![(format!("category_{category}"), agency.to_string())],
        ),
        (
            format!("/cabinet/settings/sites/{}/reports", demo::SITE_KEY),
            vec![("anonymous".into(), "off".into())],
        ),
        (
            format!("/cabinet/settings/sites/{}/sso-keys", demo::SITE_KEY),
            vec![
                ("kid".into(), "analyst-key".into()),
                (
                    "hs256_secret".into(),
                    "0123456789abcdef0123456789abcdef".into(),
                ),
            ],
        ),
        (
            format!("/cabinet/settings/sites/{}/sso-keys/revoke", demo::SITE_KEY),
            vec![("kid".into(), "portal-1".into())],
        ),
    ];
    for (uri, fields) in &writes {
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = app
            .post_raw(
                uri,
                &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
                form(&pairs),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}: {}", r.body);
        // Refused for the role, in words (not as a forged form).
        assert!(r.body.contains("Недостаточно прав"), "{uri}: {}", r.body);
        assert!(
            r.body.contains("Ваша роль не позволяет"),
            "{uri}: {}",
            r.body
        );
    }
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{published}/status?lang=en"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "resolved")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("Your role does not allow this."),
        "{}",
        r.body
    );
    // The pages of those decisions are closed too.
    for uri in ["/cabinet/mail", "/cabinet/settings"] {
        let r = get(app, &cookie, uri).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(r.body.contains("Недостаточно прав"), "{uri}");
    }

    assert_eq!(snapshot(app).await, before, "an analyst changed something");
    assert_eq!(
        app.count("SELECT count(*) FROM problems WHERE status = 'resolved'")
            .await,
        0
    );
}

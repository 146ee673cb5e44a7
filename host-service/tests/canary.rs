//! Canary: a report whose reporter's name, e-mail and phone carry canary strings is filed (by
//! the widget and by Open311), viewed by an official and published through the cabinet. Every
//! public surface is then fetched, and the service's own log (captured at TRACE) is read: the
//! contacts appear in none of them. A forced database error answers a generic body.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::*;
use serde_json::json;

const NAME: &str = "Канарейкин-NAME-7f3a";
const EMAIL: &str = "canary-mail-7f3a@example.ru";
const PHONE: &str = "+7 900 735-73-73";
const O311_NAME: &str = "Open311Canary-7f3a";
const DESCRIPTION: &str = "Провал асфальта DESC-MARKER-7f3a у остановки";
/// In the photo's EXIF, as a phone writes the place a photo was taken.
const EXIF_CANARY: &str = "EXIF-GPS-CANARY-55.7558N-7f3a";

/// Contact canaries: none may show up in public answers or in logs. The phone is also looked
/// for without punctuation.
const CONTACTS: &[&str] = &[NAME, EMAIL, PHONE, "9007357373", O311_NAME, "7f3a@example"];

/// Everything written by `tracing` in this test binary.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    captured
}

fn assert_no_contacts(what: &str, text: &str) {
    for canary in CONTACTS {
        assert!(!text.contains(canary), "{what} contains {canary:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_appear_in_no_public_answer_and_no_log_line() {
    let logs = capture_logs();
    let app = TestApp::new().await;

    // Filed by the widget...
    let mut report = app.valid_report();
    report["description"] = json!(DESCRIPTION);
    report["reporter"] = json!({ "name": NAME, "email": EMAIL, "phone": PHONE });
    let r = app.report("demo", Some(DEMO_ORIGIN), &report).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_no_contacts("the 201 answer", &r.body);
    let created = r.json();
    let id = created["id"].as_i64().unwrap();
    let code = created["tracking_code"].as_str().unwrap().to_owned();
    // With a photo whose EXIF carries a canary.
    let r = app
        .post_raw(
            &format!("/api/v1/sites/demo/problems/{id}/photos"),
            &[
                ("content-type", "image/jpeg"),
                ("x-tracking-code", &code),
                ("origin", DEMO_ORIGIN),
            ],
            photo_with_exif(EXIF_CANARY),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let photo = r.json()["id"].as_i64().unwrap();

    // ... and by Open311.
    let key = host_service::admin::issue_api_key(&app.state.db, "demo", "crm")
        .await
        .unwrap()
        .key;
    let r = app
        .post_raw(
            "/open311/v2/requests.json",
            &[FORM],
            form(&[
                ("jurisdiction_id", "demo"),
                ("api_key", &key),
                ("service_code", &app.demo_category.to_string()),
                ("description", "Сломана скамейка во дворе дома 5"),
                ("lat", "54.51"),
                ("long", "36.26"),
                ("first_name", O311_NAME),
                ("last_name", NAME),
                ("email", EMAIL),
                ("phone", PHONE),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_no_contacts("the Open311 201 answer", &r.body);
    let open311_id = r.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // An official reads the contacts (that is what the cabinet is for) and publishes both.
    let (cookie, csrf) = app
        .login(host_service::demo::LOGIN, &app.demo_password)
        .await;
    let page = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(EMAIL), "the official sees the contacts");
    for problem in [id.to_string(), open311_id.clone()] {
        let r = app
            .post_raw(
                &format!("/cabinet/problems/{problem}/status"),
                &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
                form(&[
                    ("csrf", &csrf),
                    ("status", "published"),
                    ("public_answer", ""),
                ]),
            )
            .await;
        assert!(
            r.status.is_redirection() || r.status.is_success(),
            "publishing {problem}: {} {}",
            r.status,
            r.body
        );
    }

    let public = [
        "/api/v1/sites/demo".to_owned(),
        "/api/v1/sites/demo?lang=en".to_owned(),
        format!("/t/{code}"),
        format!("/t/{code}?lang=en"),
        "/open311/v2/requests.xml?jurisdiction_id=demo".to_owned(),
        "/open311/v2/requests.json?jurisdiction_id=demo".to_owned(),
        format!("/open311/v2/requests/{id}.xml?jurisdiction_id=demo"),
        format!("/open311/v2/requests/{open311_id}.json?jurisdiction_id=demo"),
        "/open311/v2/services.json?jurisdiction_id=demo".to_owned(),
        "/open311/discovery.json".to_owned(),
        format!("/api/v1/sites/demo/problems/{id}"),
        format!("/photos/{photo}/display.jpg"),
        format!("/photos/{photo}/thumb.jpg"),
        "/metrics".to_owned(),
        "/api/openapi.json".to_owned(),
        "/api".to_owned(),
        "/".to_owned(),
    ];
    let mut published_seen = false;
    for uri in &public {
        let r = app.get(uri, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert_no_contacts(uri, &r.body);
        assert!(
            !r.body.contains(EXIF_CANARY),
            "{uri} carries the photo's EXIF"
        );
        for (name, value) in r.headers.iter() {
            assert_no_contacts(
                &format!("{uri} header {name}"),
                value.to_str().unwrap_or(""),
            );
        }
        published_seen |=
            uri.starts_with("/open311/v2/requests.") && r.body.contains("DESC-MARKER");
    }
    assert!(
        published_seen,
        "the report is public (so the check above looked at it)"
    );

    let log = logs.text();
    assert!(
        log.contains("problem created"),
        "the log was captured at all"
    );
    assert_no_contacts("the log", &log);
    assert!(
        !log.contains(EXIF_CANARY),
        "the log carries the photo's EXIF"
    );
    assert!(
        !log.contains("DESC-MARKER"),
        "the log carries no report bodies"
    );
    assert!(!log.contains(&code), "the log carries no tracking codes");

    forced_database_error_is_generic(&app, &logs).await;
}

/// The `reporters` table vanishes under the running service: the write fails inside SQLite,
/// and the answer says only "internal error" — no SQL, table name or file path.
async fn forced_database_error_is_generic(app: &TestApp, logs: &Captured) {
    let raw = rusqlite::Connection::open(app.state.db.path()).unwrap();
    raw.execute_batch("PRAGMA foreign_keys = OFF; DROP TABLE reporters;")
        .unwrap();
    drop(raw);
    let path = app.state.db.path().display().to_string();
    let leaks = [
        "reporters",
        "no such table",
        "SQL",
        "sqlite",
        "INSERT",
        path.as_str(),
    ];

    let mut report = app.valid_report();
    report["reporter"] = json!({ "name": NAME, "email": EMAIL, "phone": PHONE });
    let r = app.report("demo", Some(DEMO_ORIGIN), &report).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "internal");
    for leak in leaks {
        assert!(
            !r.body.contains(leak),
            "the widget's 500 mentions {leak:?}: {}",
            r.body
        );
    }
    let key = host_service::admin::issue_api_key(&app.state.db, "demo", "crm2")
        .await
        .unwrap()
        .key;
    let r = app
        .post_raw(
            "/open311/v2/requests.xml",
            &[FORM],
            form(&[
                ("jurisdiction_id", "demo"),
                ("api_key", &key),
                ("service_code", &app.demo_category.to_string()),
                ("description", "Сломана скамейка во дворе дома 7"),
                ("lat", "54.51"),
                ("long", "36.26"),
                ("email", EMAIL),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    for leak in leaks {
        assert!(
            !r.body.contains(leak),
            "Open311's 500 mentions {leak:?}: {}",
            r.body
        );
    }
    // The details went to the log, for the operator; still without the contacts.
    let log = logs.text();
    assert!(log.contains("no such table"), "the cause is logged");
    assert_no_contacts("the log after the failure", &log);
}

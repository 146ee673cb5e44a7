//! E-mail against a real SMTP server process (`tools/smtp-sink.py`, aiosmtpd): the anonymous
//! reporter's confirmation, the reporter's status mail, and the outbox across an SMTP outage.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use common::smtp::SmtpSink;
use common::{FORM, METRICS_TOKEN, PUBLIC, TestApp, app_mailing_to, form};
use host_service::{admin, demo};
use serde_json::{Value, json};

/// One unlabelled gauge of `/metrics`, as a scraper reads it.
async fn gauge(app: &TestApp, name: &str) -> f64 {
    let auth = format!("Bearer {METRICS_TOKEN}");
    let r = app.get("/metrics", &[("authorization", &auth)]).await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
        .parse()
        .unwrap()
}

async fn set_policy(app: &TestApp, anonymous: &str, premoderation: bool) {
    admin::set_report_policy(
        &app.state.db,
        demo::SITE_KEY,
        Some(anonymous.into()),
        Some(premoderation),
    )
    .await
    .unwrap();
}

fn anonymous_report(app: &TestApp, email: Option<&str>) -> Value {
    let mut r = app.valid_report();
    r["reporter"] = json!({ "name": "Аноним Анонимов", "email": email });
    r
}

/// The public map's problems of the whole demo area (what the extended widget shows).
async fn public_ids(app: &TestApp) -> Vec<i64> {
    let r = app
        .get(
            &format!(
                "/api/v1/sites/{}/map?bbox=36.0,54.3,36.6,54.7&zoom=18",
                demo::SITE_KEY
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn an_anonymous_report_waits_for_its_emailed_link_and_is_published_by_it() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    set_policy(&app, "confirm_email", false).await;
    // The widget learns that an e-mail is required.
    let config = app
        .get(&format!("/api/v1/sites/{}", demo::SITE_KEY), &[])
        .await;
    assert_eq!(config.json()["anonymous"], "confirm_email");

    // Without an address there is nobody to confirm: the field is named.
    let r = app
        .report(demo::SITE_KEY, None, &anonymous_report(&app, None))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "reporter.email");

    let r = app
        .report(
            demo::SITE_KEY,
            None,
            &anonymous_report(&app, Some("resident@mail.test")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    assert_eq!(created["confirmation_sent"], true);
    assert_eq!(created["status"], "new");
    let id = created["id"].as_i64().unwrap();

    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.envelope_to, vec!["resident@mail.test"]);
    assert_eq!(mail.to, "resident@mail.test");
    assert_eq!(mail.from, "Civic Widget <noreply@127.0.0.1>");
    assert_eq!(
        mail.subject,
        format!("Подтвердите сообщение о проблеме № {id}")
    );
    assert_eq!(
        (mail.content_type.as_str(), mail.charset.as_str()),
        ("text/plain", "utf-8")
    );
    assert!(mail.body.contains("Демоград"), "{}", mail.body);
    let link = mail.link_with("/confirm/").expect("a confirmation link");
    let path = link.strip_prefix(PUBLIC).expect("a link to this host");

    // Unconfirmed: not on the map, not in the cabinet's list, its page says what it waits for.
    assert!(!public_ids(&app).await.contains(&id));
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let cabinet = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert_eq!(cabinet.status, StatusCode::NOT_FOUND);
    let tracking = app
        .get(
            created["tracking_url"]
                .as_str()
                .unwrap()
                .strip_prefix(PUBLIC)
                .unwrap(),
            &[],
        )
        .await;
    assert!(
        tracking.body.contains("Ожидает подтверждения"),
        "{}",
        tracking.body
    );

    // Opening the link (as a mail scanner would) confirms nothing; the button does.
    let page = app.get(path, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Подтвердить сообщение"), "{}", page.body);
    assert!(!public_ids(&app).await.contains(&id));
    let done = app.post_raw(path, &[FORM], "").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("опубликовано"), "{}", done.body);
    assert!(public_ids(&app).await.contains(&id));
    // Twice is harmless.
    let again = app.post_raw(path, &[FORM], "").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT count(*) FROM problem_events WHERE to_status = 'published'")
            .await,
        1
    );
    // A made-up link is refused in words.
    let forged = app.get(&format!("/confirm/{}", "0".repeat(64)), &[]).await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert!(forged.body.contains("Ссылка недействительна"));
}

#[tokio::test]
async fn with_premoderation_a_confirmed_report_goes_to_the_moderators_not_the_map() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    set_policy(&app, "confirm_email", true).await;
    let mut report = anonymous_report(&app, Some("resident@mail.test"));
    report["lang"] = json!("en");
    let r = app.report(demo::SITE_KEY, None, &report).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let mail = sink.wait_for(1).await.remove(0);
    // The reporter's language.
    assert_eq!(mail.subject, format!("Please confirm your report No. {id}"));
    let path = mail.link_with("/confirm/").unwrap().replace(PUBLIC, "");
    let done = app.post_raw(&format!("{path}?lang=en"), &[FORM], "").await;
    assert!(
        done.body.contains("went to the moderators"),
        "{}",
        done.body
    );
    assert!(!public_ids(&app).await.contains(&id));
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let cabinet = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert_eq!(cabinet.status, StatusCode::OK);
}

#[tokio::test]
async fn a_site_for_signed_in_residents_only_refuses_anonymous_reports() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    set_policy(&app, "off", true).await;
    let before = app.count("SELECT count(*) FROM problems").await;
    let r = app
        .report(
            demo::SITE_KEY,
            None,
            &anonymous_report(&app, Some("resident@mail.test")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "sign_in_required");
    assert_eq!(app.count("SELECT count(*) FROM problems").await, before);
}

#[tokio::test]
async fn the_reporter_hears_of_status_changes_and_answers_but_not_of_internal_notes() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    let r = app.report(demo::SITE_KEY, None, &app.valid_report()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let id = created["id"].as_i64().unwrap();
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let uri = format!("/cabinet/problems/{id}/status");
    let change = |fields: Vec<(&'static str, &'static str)>| {
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend(fields);
        form(&pairs)
    };
    let headers = [FORM, ("cookie", cookie.as_str()), ("origin", PUBLIC)];
    let r = app
        .post_raw(
            &uri,
            &headers,
            change(vec![
                ("status", "in_progress"),
                ("public_answer", "Бригада выедет в четверг."),
                ("internal_note", "звонить мастеру Иванову"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.envelope_to, vec!["canary-mail@example.ru"]);
    assert_eq!(mail.subject, format!("Проблема № {id}: В работе"));
    assert!(
        mail.body.contains("Бригада выедет в четверг."),
        "{}",
        mail.body
    );
    assert!(
        mail.body
            .contains(created["tracking_url"].as_str().unwrap()),
        "{}",
        mail.body
    );
    assert!(
        !mail.body.contains("Иванову"),
        "the internal note stays inside"
    );

    // A note alone, without a new status or an answer, is not the reporter's business.
    let r = app
        .post_raw(
            &uri,
            &headers,
            change(vec![
                ("status", "in_progress"),
                ("internal_note", "ещё заметка"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_raw(&uri, &headers, change(vec![("status", "resolved")]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let got = sink.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1].subject, format!("Проблема № {id}: Решено"));
}

#[tokio::test]
async fn mail_queued_during_an_smtp_outage_is_delivered_once_when_the_server_is_back() {
    let mut sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    set_policy(&app, "confirm_email", true).await;
    sink.stop();

    let mut ids = Vec::new();
    for n in 0..5 {
        let email = format!("resident{n}@mail.test");
        let r = app
            .report(demo::SITE_KEY, None, &anonymous_report(&app, Some(&email)))
            .await;
        // The outage costs the resident nothing: the report is taken at once.
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    // The worker tried, failed, and keeps the messages for later.
    let start = std::time::Instant::now();
    while app
        .count("SELECT count(*) FROM outbox WHERE attempts >= 2 AND last_error IS NOT NULL AND sent_at IS NULL")
        .await
        < 5
    {
        assert!(start.elapsed() < Duration::from_secs(20), "no retries seen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL")
            .await,
        0
    );
    // What an operator's dashboard shows meanwhile.
    assert_eq!(gauge(&app, "civic_outbox_queued").await, 5.0);
    assert!(gauge(&app, "civic_outbox_oldest_age_seconds").await >= 0.0);
    assert_eq!(gauge(&app, "civic_outbox_failed").await, 0.0);

    sink.restart();
    let got = sink.wait_for(5).await;
    // Every message, once: wait past a few more retry periods and count again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_later = sink.received();
    assert_eq!(got_later.len(), 5, "{got_later:#?}");
    let mut to: Vec<String> = got.iter().map(|m| m.envelope_to.join(",")).collect();
    to.sort();
    let want: Vec<String> = (0..5).map(|n| format!("resident{n}@mail.test")).collect();
    assert_eq!(to, want);
    let mut message_ids: Vec<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    message_ids.sort();
    message_ids.dedup();
    assert_eq!(message_ids.len(), 5);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")
            .await,
        5
    );
    assert_eq!(gauge(&app, "civic_outbox_queued").await, 0.0);
}

//! The e-mail channel in, through an IMAP mailbox (inbound/imap.rs): a real Dovecot process
//! (tests/common/dovecot.rs) holds the agency's replies, dropped into its Maildir as an MTA
//! drops them; the poller, started as `serve` starts it, takes each into the service and
//! removes it from the mailbox only once the service has it. An oversized message is left for
//! a person; a wrong password is logged (without the password) and does not stop the poller.

use crate::common;
use crate::common::dovecot;
use crate::common::mails;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::smtp::{Received, SmtpSink};
use common::{DEMO_ORIGIN, FORM, PUBLIC, TestApp, form};
use dovecot::Dovecot;
use host_service::{Config, demo};
use serde_json::json;

/// The poller's interval in these tests.
const INTERVAL: Duration = Duration::from_millis(200);
/// «Горсвет», as its mail client names it.
const AGENCY: &str = "Горсвет Демограда <svet@demograd.example>";

/// The demo city polling `imap_url` every [`INTERVAL`], its mail going to `sink` (if any) with
/// the mail worker running; the poller's task, as `serve` starts it.
async fn app_polling(
    imap_url: url::Url,
    sink: Option<&SmtpSink>,
) -> (TestApp, tokio::task::JoinHandle<()>) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().join("data/civic.db"),
    );
    config.public_url = PUBLIC.parse().unwrap();
    config.rate_limits = host_service::RateLimits::unlimited();
    if let Some(sink) = sink {
        config.mail.smtp_url = Some(sink.url());
        config.mail.retry_min = Duration::from_millis(200);
        config.mail.retry_max = Duration::from_millis(400);
    }
    config.imap_url = Some(imap_url);
    config.imap_interval = INTERVAL;
    let app = TestApp::with_config(dir, config).await;
    if sink.is_some() {
        // Runs until the test's runtime ends.
        drop(host_service::mail::spawn_worker(app.state.clone()).unwrap());
    }
    let poller = host_service::inbound::imap::spawn_poller(app.state.clone())
        .unwrap()
        .expect("a poller, since an IMAP mailbox is configured");
    (app, poller)
}

/// Waits (30 s at most) until `done` holds, checking every 50 ms; `what` names it.
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Files a street-light report (the demo's «Горсвет» works by e-mail) and publishes it; its id.
async fn published_light(app: &TestApp) -> i64 {
    let category: i64 = app
        .state
        .db
        .read(|c| {
            c.query_row(
                "SELECT id FROM categories WHERE name_ru = 'Освещение'",
                [],
                |r| r.get(0),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let mut body = app.valid_report();
    body["category_id"] = json!(category);
    body["description"] = json!("Не горит фонарь у подъезда, темно с вечера");
    let r = app.report(demo::SITE_KEY, Some(DEMO_ORIGIN), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let done = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    id
}

/// The appeal about problem `id`, once the SMTP server received it.
async fn appeal_for(sink: &SmtpSink, id: i64) -> Received {
    let mut n = 1;
    loop {
        let got = sink.wait_for(n).await;
        if let Some(m) = got.iter().find(|m| {
            m.envelope_to == ["svet@demograd.example"]
                && m.subject.starts_with(&format!("Обращение № {id}:"))
        }) {
            return m.clone();
        }
        n = got.len() + 1;
    }
}

/// The public answers on problem `id`, oldest first.
async fn answers(app: &TestApp, id: i64) -> Vec<String> {
    app.state
        .db
        .read(move |c| {
            c.prepare(
                "SELECT public_answer FROM problem_events
                 WHERE problem_id = ?1 AND public_answer IS NOT NULL ORDER BY id",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

/// What the service recorded of each message it took: (state, reason), in order.
async fn inbound(app: &TestApp) -> Vec<(String, Option<String>)> {
    app.state
        .db
        .read(|c| {
            c.prepare("SELECT state, reason FROM inbound_mail ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn replies_in_the_mailbox_are_taken_sorted_and_removed() {
    let sink = SmtpSink::start();
    let imap = Dovecot::start();
    let (app, poller) = app_polling(imap.url(), Some(&sink)).await;
    let id = published_light(&app).await;
    let appeal = appeal_for(&sink, id).await;
    let thread = mails::Thread {
        reply_to: &appeal.reply_to,
        message_id: &appeal.message_id,
        subject: &appeal.subject,
        original_text: &appeal.body,
    };
    let subject = format!("Re: {}", appeal.subject);

    // The agency's answer, its out-of-office reply, and a neighbour writing to the reply
    // address arrive in the mailbox while the poller runs.
    imap.deliver(&mails::plain(
        AGENCY,
        &appeal.reply_to,
        &subject,
        "Фонарь заменён сегодня утром.\n\nСтатус: решено",
        Some(&appeal.message_id),
    ));
    imap.deliver(&mails::auto_reply(&thread, AGENCY));
    imap.deliver(&mails::plain(
        "Сосед <sosed@mail.example>",
        &appeal.reply_to,
        &subject,
        "Фонарь так и не горит, сделайте что-нибудь!",
        Some(&appeal.message_id),
    ));

    until(
        "the mailbox is empty and three messages are recorded",
        || async { imap.count() == 0 && inbound(&app).await.len() == 3 },
    )
    .await;
    let mut recorded = inbound(&app).await;
    recorded.sort();
    assert_eq!(
        recorded,
        [
            ("answered".to_owned(), None),
            ("automatic".to_owned(), Some("auto_reply".to_owned())),
            ("quarantined".to_owned(), Some("stranger".to_owned())),
        ]
    );
    assert_eq!(answers(&app, id).await, ["Фонарь заменён сегодня утром."]);
    let status: String = app
        .state
        .db
        .read(move |c| {
            c.query_row("SELECT status FROM problems WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    assert_eq!(status, "resolved", "the keyword line was applied");
    let card = app.get(&format!("/problems/{id}"), &[]).await;
    assert!(card.body.contains("Фонарь заменён сегодня утром"));
    assert!(!card.body.contains("сделайте что-нибудь"));

    // Another round finds nothing more to take, and the poller is still there.
    tokio::time::sleep(INTERVAL * 3).await;
    assert_eq!(inbound(&app).await.len(), 3);
    assert!(!poller.is_finished());
    poller.abort();
}

#[tokio::test]
async fn a_message_too_large_is_left_in_the_mailbox_marked_seen() {
    let imap = Dovecot::start();
    let (app, poller) = app_polling(imap.url(), None).await;
    // Just over the limit, in lines a mail server would pass.
    let mut big = b"From: Archive <scans@demograd.example>\r\nTo: reply+0123@127.0.0.1\r\n\
                    Subject: scans\r\nMessage-ID: <big@demograd.example>\r\n\r\n"
        .to_vec();
    let line = [b"x".repeat(998), b"\r\n".to_vec()].concat();
    while big.len() <= host_service::inbound::MESSAGE_MAX_BYTES {
        big.extend_from_slice(&line);
    }
    imap.deliver(&big);
    // A small one behind it is still taken.
    imap.deliver(&mails::plain(
        AGENCY,
        "info@127.0.0.1",
        "Вопрос",
        "Как с вами связаться?",
        None,
    ));

    until("the big message is flagged seen", || async {
        imap.files().iter().any(|f| {
            f.rsplit_once(":2,")
                .is_some_and(|(_, flags)| flags.contains('S'))
        }) && imap.count() == 1
    })
    .await;
    assert_eq!(
        inbound(&app).await,
        [("quarantined".to_owned(), Some("no_token".to_owned()))],
        "only the small message was taken"
    );
    // Seen, it is not looked at again; it stays for a person.
    tokio::time::sleep(INTERVAL * 3).await;
    assert_eq!(imap.count(), 1);
    assert_eq!(inbound(&app).await.len(), 1);
    assert!(!poller.is_finished());
    poller.abort();
}

/// A log sink for the test's tracing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures what is logged on this thread until the guard is dropped. A `#[tokio::test]`
    /// runtime has one thread: the poller's tasks log here too.
    fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
        let logs = Captured::default();
        let writer = logs.clone();
        let guard = tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .with_writer(move || writer.clone())
                .finish(),
        );
        (logs, guard)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_wrong_password_is_logged_without_it_and_the_poller_keeps_trying() {
    let (logs, _guard) = Captured::start();
    let imap = Dovecot::start();
    const WRONG: &str = "wrong-password-canary";
    let (app, poller) = app_polling(imap.url_with_password(WRONG), None).await;
    imap.deliver(&mails::plain(
        AGENCY,
        "info@127.0.0.1",
        "Вопрос",
        "Как с вами связаться?",
        None,
    ));

    // Two rounds fail to log in.
    until("two failed rounds are logged", || async {
        logs.text()
            .matches("the IMAP mailbox could not be read")
            .count()
            >= 2
    })
    .await;
    let text = logs.text();
    assert!(text.contains("login"), "{text}");
    assert!(text.contains("127.0.0.1"), "{text}");
    for secret in [WRONG, dovecot::PASSWORD, "wrong-password"] {
        assert!(!text.contains(secret), "{secret:?} logged: {text}");
    }
    // Dovecot writes its own log line on its own time (after its delay for failed logins).
    until("Dovecot logs both failed logins", || async {
        imap.log().matches("auth failed").count() >= 2
    })
    .await;
    assert!(!poller.is_finished(), "the poller stopped");
    assert_eq!(imap.count(), 1, "nothing was taken");
    assert!(inbound(&app).await.is_empty());
    poller.abort();
}

#[tokio::test]
async fn imaps_to_a_server_without_tls_fails_the_handshake_and_the_poller_keeps_trying() {
    let (logs, _guard) = Captured::start();
    let imap = Dovecot::start();
    let mut url = imap.url();
    url.set_scheme("imaps").unwrap();
    let (app, poller) = app_polling(url, None).await;
    imap.deliver(&mails::plain(
        AGENCY,
        "info@127.0.0.1",
        "Вопрос",
        "Как с вами связаться?",
        None,
    ));
    until("two failed handshakes are logged", || async {
        logs.text().matches("TLS handshake").count() >= 2
    })
    .await;
    let text = logs.text();
    assert!(!text.contains(dovecot::PASSWORD), "{text}");
    assert!(!poller.is_finished(), "the poller stopped");
    assert_eq!(imap.count(), 1, "nothing was taken");
    assert!(inbound(&app).await.is_empty());
    poller.abort();
}

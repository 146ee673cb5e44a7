//! The anonymous path end to end: on a site that confirms such reports by e-mail, a visitor who
//! is not signed in reports through the widget, the confirmation e-mail reaches a real SMTP
//! server process, and following its link publishes the report. Until then it is nowhere public.

use std::time::Duration;

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, report_number, text_in, type_into, wait_for, widget,
};
use civic_e2e::host::Host;
use civic_e2e::smtp::SmtpSink;
use fantoccini::Locator;
use host_service::{admin, demo};

/// Whether the public problem card API shows problem `id`, as the browser gets it (a problem
/// reported by address only is on no map, but its card is public once published). Answers are
/// public and cacheable, so each look asks with another query string (a new URL).
async fn is_public(browser: &fantoccini::Client, host: &Host, id: i64, query: &str) -> bool {
    let url = host.url(&format!(
        "/api/v1/sites/{}/problems/{id}{query}",
        demo::SITE_KEY
    ));
    browser.goto(&url).await.unwrap();
    let body = browser
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let card: serde_json::Value = serde_json::from_str(&body).expect("the API answers JSON");
    match card["error"]["code"].as_str() {
        Some("unknown_problem") => false,
        Some(other) => panic!("{url}: {other}"),
        None => {
            assert_eq!(card["id"], id, "{body}");
            true
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_report_is_published_by_the_link_in_its_confirmation_email() {
    let sink = SmtpSink::start();
    let host = Host::start_with(|c| {
        c.mail.smtp_url = Some(sink.url());
        c.mail.retry_min = Duration::from_millis(200);
    })
    .await;
    admin::set_report_policy(
        &host.state().db,
        demo::SITE_KEY,
        Some("confirm_email".into()),
        Some(false),
    )
    .await
    .unwrap();
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;

    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(
        &w,
        "textarea[name=description]",
        "Третий день не горит фонарь у остановки",
    )
    .await;
    type_into(&w, "input[name=address]", "ул. Садовая, 12").await;
    click_in(&w, "input[name=consent]").await;
    // Sent without an address first: the widget asks for it, next to the field.
    click_in(&w, "button[type=submit]").await;
    let asked = text_in(&w, ".civic-field-error[data-field='reporter.email']").await;
    assert!(asked.contains("ссылка для подтверждения"), "{asked:?}");
    type_into(&w, "input[name=email]", "anon@mail.test").await;
    click_in(&w, "button[type=submit]").await;
    let id = report_number(&w).await;
    let panel = text_in(&w, ".civic-success").await;
    assert!(panel.contains("Мы отправили вам письмо"), "{panel:?}");

    // Not public while unconfirmed.
    assert!(!is_public(&browser, &host, id, "").await);

    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.envelope_to, vec!["anon@mail.test"]);
    assert!(mail.subject.contains(&id.to_string()), "{}", mail.subject);
    let link = mail.link_with("/confirm/").expect("a confirmation link");
    assert!(link.starts_with(&host.url("/confirm/")), "{link}");

    // The resident opens the link and confirms.
    browser.goto(&link).await.unwrap();
    assert!(
        !is_public(&browser, &host, id, "?lang=ru").await,
        "opening the link alone confirms nothing"
    );
    browser.goto(&link).await.unwrap();
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let said = wait_for("the confirmation", || async {
        let t = browser
            .find(Locator::Css("[role=status]"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        t.contains("опубликовано").then_some(t)
    })
    .await;
    assert!(said.contains(&id.to_string()), "{said:?}");
    assert!(
        is_public(&browser, &host, id, "?lang=en").await,
        "published after the confirmation"
    );

    browser.close().await.unwrap();
    host.stop().await;
}

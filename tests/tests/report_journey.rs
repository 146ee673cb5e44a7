//! The spine, end to end, as people do it: a resident reports a problem through the widget on the
//! demo city's page, and an official logs in to the cabinet and finds it with the contacts.

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, has_cyrillic, text_in, type_into, wait_for, widget,
};
use civic_e2e::host::Host;
use fantoccini::Locator;

const DESCRIPTION: &str = "Не горит фонарь у подъезда, вечером совсем темно";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reports_and_an_official_sees_it_with_contacts() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await; // a phone-sized window

    // The resident: the city's page, the widget in it, the form filled in and sent.
    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;
    type_into(&w, "input[name=address]", "ул. Садовая, 12, второй подъезд").await;
    type_into(&w, "input[name=name]", "Ирина Петрова").await;
    type_into(&w, "input[name=email]", "irina@example.ru").await;
    type_into(&w, "input[name=phone]", "+7 900 123-45-67").await;
    // She lets the agency that will fix it see her contacts.
    click_in(&w, "input[name=share_with_agency]").await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;

    let number_text = text_in(&w, ".civic-success .civic-tracking-number").await;
    let id: i64 = number_text
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a report number in {number_text:?}"));
    assert!(
        has_cyrillic(&number_text),
        "the confirmation speaks Russian: {number_text:?}"
    );
    let tracking = find_in(&w, "a.civic-tracking-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        tracking.starts_with(&host.url("/t/")),
        "tracking link {tracking}"
    );

    // What the public sees at the tracking link: the report, never the contacts.
    browser.goto(&tracking).await.unwrap();
    let page = browser.source().await.unwrap();
    assert!(
        page.contains("Не горит фонарь"),
        "the tracking page shows the report"
    );
    for private in ["Ирина Петрова", "irina@example.ru", "123-45-67"] {
        assert!(
            !page.contains(private),
            "the tracking page must not show {private}"
        );
    }

    // The official: logs in and finds the report in the list, then the contacts on its page.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;

    let row_css = format!("table.problems tr[data-problem-id='{id}']");
    let row = wait_for("the report in the cabinet list", || async {
        browser.find(Locator::Css(&row_css)).await.ok()
    })
    .await;
    let row_text = row.text().await.unwrap();
    assert!(
        row_text.contains("Освещение"),
        "the row names the category: {row_text:?}"
    );
    row.find(Locator::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    for (css, expected) in [
        (".reporter-name", "Ирина Петрова"),
        (".reporter-email", "irina@example.ru"),
        (".reporter-phone", "+7 900 123-45-67"),
        (".reporter-shares", "согласен передать контакты службе"),
    ] {
        let text = wait_for(css, || async {
            browser
                .find(Locator::Css(css))
                .await
                .ok()?
                .text()
                .await
                .ok()
        })
        .await;
        assert!(
            text.contains(expected),
            "{css}: {text:?} should contain {expected:?}"
        );
    }
    let page = browser.source().await.unwrap();
    assert!(
        page.contains(DESCRIPTION),
        "the official reads the full description"
    );

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_are_shown_next_to_their_fields_in_the_visitors_language() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 900).await;
    browser.goto(&host.url("/hostile.html")).await.unwrap();

    // Sending an empty form: the description, location and consent are each explained in place.
    for (widget_css, russian) in [("#widget-ru", true), ("#widget-en", false)] {
        let w = widget(&browser, widget_css).await;
        click_in(&w, "button[type=submit]").await;
        for field in ["description", "location", "consent"] {
            let text = text_in(&w, &format!(".civic-field-error[data-field='{field}']")).await;
            assert_eq!(
                has_cyrillic(&text),
                russian,
                "{widget_css} {field}: {text:?}"
            );
        }
    }

    // Nothing was sent, so nothing is stored.
    assert_eq!(host.count_problems(), 0, "nothing is stored");
    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_network_fails_the_typed_text_is_kept_and_sent_later() {
    let mut host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    browser.goto(&host.url("/")).await.unwrap();

    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Мусор")
        .await
        .unwrap();
    type_into(
        &w,
        "textarea[name=description]",
        "Контейнеры переполнены третий день подряд",
    )
    .await;
    type_into(&w, "input[name=address]", "пр. Мира, 3").await;
    click_in(&w, "input[name=consent]").await;

    // The server goes away; sending fails with a message in words, and the text stays.
    host.stop_serving().await;
    click_in(&w, "button[type=submit]").await;
    let message = text_in(&w, ".civic-error").await;
    assert!(
        has_cyrillic(&message),
        "the failure is explained in Russian: {message:?}"
    );
    let kept = find_in(&w, "textarea[name=description]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Контейнеры переполнены третий день подряд")
    );

    // It comes back; the visitor reloads the page: the draft is restored and can be sent.
    host.resume_serving().await;
    browser.refresh().await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    let restored = wait_for("the restored draft", || async {
        let v = w
            .find(Locator::Css("textarea[name=description]"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (!v.is_empty()).then_some(v)
    })
    .await;
    assert_eq!(restored, "Контейнеры переполнены третий день подряд");
    let consent = find_in(&w, "input[name=consent]").await;
    if !consent.is_selected().await.unwrap() {
        consent.click().await.unwrap();
    }
    click_in(&w, "button[type=submit]").await;
    text_in(&w, ".civic-success .civic-tracking-number").await;
    assert_eq!(host.count_problems(), 1);

    browser.close().await.unwrap();
    host.stop().await;
}

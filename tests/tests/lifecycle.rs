//! The life of a report, end to end in Chromium (issue 5): a resident reports through the widget;
//! an official publishes it, takes it into work and resolves it with public answers in the
//! cabinet; the public card shows each answer; the resident, on the tracking page, does not
//! agree and reopens it with a rating; the official finds it back in progress with the
//! resident's words.

use civic_e2e::browser::{Chromedriver, click_in, find_in, type_into, wait_for, widget};
use civic_e2e::host::Host;
use fantoccini::{Client, Locator};

const DESCRIPTION: &str = "Яма на тротуаре у школы № 5, дети спотыкаются";

/// The page's text once it contains `what`.
async fn page_with(browser: &Client, what: &str) -> String {
    wait_for(what, || async {
        let page = browser.source().await.ok()?;
        page.contains(what).then_some(page)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderation_publication_work_resolution_and_reopening() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;

    // The resident reports on the city's page.
    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Дороги и тротуары")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;
    type_into(&w, "input[name=address]", "ул. Школьная, 5").await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;
    let tracking = find_in(&w, "a.civic-tracking-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let code = tracking.rsplit('/').next().unwrap().to_owned();
    let id: i64 = {
        let conn = rusqlite::Connection::open(host.db_path()).unwrap();
        conn.query_row(
            "SELECT id FROM problems WHERE tracking_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Before moderation the public card does not exist.
    browser
        .goto(&host.url(&format!("/problems/{id}")))
        .await
        .unwrap();
    page_with(&browser, "не найдено").await;

    // The official: publication, work, resolution — each with a public answer.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;
    host.set_status(
        &browser,
        id,
        "published",
        "Обращение принято и опубликовано.",
    )
    .await;
    host.set_status(
        &browser,
        id,
        "in_progress",
        "Дорожная служба выехала на место.",
    )
    .await;
    host.set_status(&browser, id, "resolved", "Покрытие тротуара восстановлено.")
        .await;
    browser
        .goto(&host.url(&format!("/problems/{id}")))
        .await
        .unwrap();
    let card = page_with(&browser, "Покрытие тротуара восстановлено.").await;
    for answer in [
        "Обращение принято и опубликовано.",
        "Дорожная служба выехала на место.",
    ] {
        assert!(card.contains(answer), "{answer} not on the public card");
    }
    assert!(card.contains("Решено"), "the status on the public card");

    // The resident does not agree: reopens it with a rating and a word.
    browser.goto(&tracking).await.unwrap();
    let control = wait_for("the citizen-control form", || async {
        browser
            .find(Locator::Css("section.control form"))
            .await
            .ok()
    })
    .await;
    control
        .find(Locator::Css("input[name=rating][value='2']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    control
        .find(Locator::Css("textarea#comment"))
        .await
        .unwrap()
        .send_keys("Яму засыпали песком, после дождя она снова там")
        .await
        .unwrap();
    control
        .find(Locator::Css("button[value=reopened]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = page_with(&browser, "Спасибо! Ваш ответ учтён.").await;
    assert!(page.contains("В работе"), "reopened: back in progress");
    assert!(
        browser.find(Locator::Css("section.control")).await.is_err(),
        "one verdict per resolution"
    );

    // The official finds it in progress again, with the resident's words and rating.
    browser
        .goto(&host.url(&format!("/cabinet/problems/{id}")))
        .await
        .unwrap();
    let page = page_with(&browser, "Житель вернул в работу").await;
    assert!(
        page.contains("после дождя она снова там"),
        "the resident's words"
    );
    assert!(page.contains("оценка 2"), "the rating");
    let status = browser
        .find(Locator::Css("select#status option[selected]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap();
    assert_eq!(status.as_deref(), Some("in_progress"));

    browser.close().await.unwrap();
    host.stop().await;
}

//! The host renders the widget's first screen (the form in the visitor's language with the
//! site's categories) and the loader shows it before the bundle has arrived: on a slow phone the
//! form is usable at once. Here the bundle is held back (`held.html`) until the test lets it go,
//! as a slow network would: what was typed, ticked and picked meanwhile is all kept, and a
//! «Отправить» pressed before is carried out once the bundle is there, once.

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, first_screen, report_as_resident, type_into, wait_for,
};
use civic_e2e::host::Host;
use fantoccini::elements::ShadowRoot;
use fantoccini::{Client, Locator};

const DESCRIPTION: &str = "Не горит фонарь у остановки, набрано до загрузки виджета";

/// Lets the held bundle go (the real glue and wasm the loader would have fetched).
async fn release_bundle(browser: &Client) {
    let file = |suffix: &str| {
        host_service::assets::widget_files()
            .find(|f| f.starts_with("widget/civic-widget-ru-") && f.ends_with(suffix))
            .map(|f| format!("/{f}"))
            .expect("the basic bundle is embedded")
    };
    browser
        .execute(
            "__release(arguments[0], arguments[1])",
            vec![file(".js").into(), file("_bg.wasm").into()],
        )
        .await
        .unwrap();
}

async fn bundle_arrived(browser: &Client) -> bool {
    browser
        .execute(
            "return !!(window.CivicWidget.__bundles && window.CivicWidget.__bundles.basic_ru)",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

async fn taken_over(w: &ShadowRoot) -> bool {
    w.find(Locator::Css("[data-civic-first]")).await.is_err()
}

async fn value_of(browser: &Client, css: &str) -> String {
    browser
        .execute(
            "return document.querySelector('[data-civic-widget]').shadowRoot.querySelector(arguments[0]).value",
            vec![css.into()],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_takes_a_whole_report_before_the_bundle_and_sends_it_once() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    browser.goto(&host.url("/held.html")).await.unwrap();

    // The form is there, in Russian, with the site's categories, while the bundle is not.
    let w = first_screen(&browser, "[data-civic-widget]").await;
    assert!(!bundle_arrived(&browser).await);
    let options = find_in(&w, "select[name=category]")
        .await
        .text()
        .await
        .unwrap();
    assert!(options.contains("Освещение"), "{options}");

    // The resident fills it in and sends it.
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;
    type_into(&w, "input[name=address]", "ул. Садовая, 7").await;
    type_into(&w, "input[name=email]", "early@example.ru").await;
    click_in(&w, "input[name=consent]").await;
    let before = host.count_problems();
    click_in(&w, "button[type=submit]").await;

    // Nothing leaves before the bundle is there, and nothing is lost meanwhile.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(host.count_problems(), before, "sent before the bundle");
    assert!(!taken_over(&w).await);

    release_bundle(&browser).await;
    let number = civic_e2e::browser::report_number(&w).await;
    assert!(taken_over(&w).await);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(host.count_problems(), before + 1, "sent once");
    let stored: (String, String) = rusqlite::Connection::open(host.db_path())
        .unwrap()
        .query_row(
            "SELECT p.description, c.name_ru FROM problems p JOIN categories c ON c.id = p.category_id WHERE p.id = ?1",
            [number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, (DESCRIPTION.to_owned(), "Освещение".to_owned()));

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_waits_for_the_resident_to_leave_the_field_and_keeps_every_keystroke() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    browser.goto(&host.url("/held.html")).await.unwrap();
    let w = first_screen(&browser, "[data-civic-widget]").await;

    // Typing in the description when the bundle arrives: the field is not swapped under the
    // resident's fingers.
    let text = find_in(&w, "textarea[name=description]").await;
    text.click().await.unwrap();
    text.send_keys("Яма на ").await.unwrap();
    release_bundle(&browser).await;
    wait_for("the bundle", || async {
        bundle_arrived(&browser).await.then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!taken_over(&w).await, "taken over while the resident typed");
    text.send_keys("дороге").await.unwrap();

    // Leaving the field (here: ticking the consent) lets the bundle take over, with all of it.
    click_in(&w, "input[name=consent]").await;
    wait_for("the bundle's form", || async {
        taken_over(&w).await.then_some(())
    })
    .await;
    assert_eq!(
        value_of(&browser, "textarea[name=description]").await,
        "Яма на дороге"
    );
    let consent = browser
        .execute(
            "return document.querySelector('[data-civic-widget]').shadowRoot.querySelector('[name=consent]').checked",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(consent, serde_json::json!(true));
    // The bundle's form works: its own character count follows the text.
    let count = find_in(&w, ".civic-count").await.text().await.unwrap();
    assert!(count.contains("13"), "{count}");
    type_into(&w, "input[name=address]", "ул. Лесная, 1").await;
    assert_eq!(
        value_of(&browser, "input[name=address]").await,
        "ул. Лесная, 1"
    );

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sites_own_loader_brings_the_first_screen_with_it() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    // `<script src="/w/demo.js" async>`: no data-site, no placeholder.
    browser.goto(&host.url("/site-loader.html")).await.unwrap();
    let w = civic_e2e::browser::widget(&browser, "h1 + script + div").await;

    // The form came with the loader: no request for the first screen was made.
    let fetched = browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)",
            vec![],
        )
        .await
        .unwrap();
    let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
    assert!(fetched.iter().any(|p| p == "/w/demo.js"), "{fetched:?}");
    assert!(
        !fetched.iter().any(|p| p.ends_with("/widget")),
        "the first screen was fetched again: {fetched:?}"
    );

    // And the widget works.
    let number = report_as_resident(
        &w,
        "Мусор",
        "Переполнен контейнер у школы",
        "ул. Школьная, 2",
        "site-loader@example.ru",
    )
    .await;
    assert!(number > 0);

    // `?lang=en` on the loader's URL: the English form, also brought along.
    browser
        .goto(&host.url("/site-loader-en.html"))
        .await
        .unwrap();
    let w = civic_e2e::browser::widget(&browser, "h1 + script + div").await;
    let submit = civic_e2e::browser::text_in(&w, "button[type=submit]").await;
    assert_eq!(submit.trim(), "Send");
    let fetched = browser
        .execute(
            "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.endsWith('/widget')).length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fetched, serde_json::json!(0));

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_widget_asks_for_its_configuration_beside_its_bundle_once() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;
    browser.goto(&host.url("/map.html")).await.unwrap();
    let w = civic_e2e::browser::widget(&browser, "[data-civic-widget]").await;
    find_in(&w, ".civic-map[data-ready]").await;
    // The loader started the configuration's request with the bundle's; the bundle took that
    // request over instead of asking again once it had started.
    let asked = browser
        .execute(
            "const all = performance.getEntriesByType('resource');
             const config = all.filter(e => new URL(e.name).pathname == '/api/v1/sites/demo');
             const wasm = all.find(e => e.name.endsWith('_bg.wasm'));
             return [config.length, config.length && wasm ? config[0].startTime < wasm.responseEnd : false];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        asked,
        serde_json::json!([1, true]),
        "asked once, beside the bundle"
    );
    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_that_did_not_come_is_fetched_again_when_the_resident_sends() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    browser.goto(&host.url("/held.html")).await.unwrap();
    let w = first_screen(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Дороги и тротуары")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;
    type_into(&w, "input[name=address]", "ул. Мира, 4").await;
    type_into(&w, "input[name=email]", "retry@example.ru").await;
    click_in(&w, "input[name=consent]").await;

    // The connection drops: the bundle does not come. The form stays, with what was typed.
    browser.execute("__fail()", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!taken_over(&w).await);
    assert_eq!(
        value_of(&browser, "textarea[name=description]").await,
        DESCRIPTION
    );
    let url = browser.current_url().await.unwrap();

    // «Отправить»: the bundle is fetched again, takes over and sends the report, once; the
    // page never submitted the form itself (nothing of it in the page's address).
    let before = host.count_problems();
    click_in(&w, "button[type=submit]").await;
    let number = civic_e2e::browser::report_number(&w).await;
    assert!(number > 0);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(host.count_problems(), before + 1);
    assert_eq!(browser.current_url().await.unwrap(), url);

    browser.close().await.unwrap();
    host.stop().await;
}

//! User text is never HTML (SECURITY.md): a corpus of injection payloads, sent as a report's
//! description, address, reporter name and as a category name, shows as plain text in the
//! cabinet, on the tracking page and in the widget's public map and cards of a real browser,
//! and creates no element or handler.
//!
//! The check reads the DOM, so it holds even where the CSP would have blocked a script anyway.

use civic_e2e::browser::{Chromedriver, wait_for};
use civic_e2e::corpus::PAYLOADS;
use civic_e2e::host::Host;
use fantoccini::{Client, Locator};
use serde_json::json;

/// What a payload could have made: elements with handlers, scripts, frames, javascript: URLs.
const INJECTED: &str = "
    const bad = [...document.querySelectorAll('*')].filter(e =>
        [...e.attributes].some(a => a.name.startsWith('on')
            || /^\\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'data', 'formaction'].includes(a.name)));
    const inlineScripts = [...document.querySelectorAll('script:not([src])')];
    const frames = document.querySelectorAll('iframe, object, embed, svg, math, marquee, video, base, meta[http-equiv]');
    return {
        pwned: window.__pwned === 1,
        handlers: bad.map(e => e.outerHTML.slice(0, 120)),
        inlineScripts: inlineScripts.length,
        frames: frames.length,
    };";

async fn assert_inert(browser: &Client, page: &str) {
    let found = browser.execute(INJECTED, vec![]).await.unwrap();
    assert_eq!(
        found,
        json!({ "pwned": false, "handlers": [], "inlineScripts": 0, "frames": 0 }),
        "payload markup became live on {page}"
    );
}

/// Sends one report from the demo page, through the same API the widget uses.
async fn submit(browser: &Client, description: &str, address: &str, name: &str) -> i64 {
    let created = browser
        .execute(
            "const [description, address, name] = arguments;
             return fetch('/api/v1/sites/demo/problems', {
               method: 'POST', headers: {'content-type': 'application/json'},
               body: JSON.stringify({category_id: 1, description, address, consent: true,
                                     reporter: {name, email: 'x@example.ru'}}),
             }).then(r => r.json());",
            vec![json!(description), json!(address), json!(name)],
        )
        .await
        .unwrap();
    created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a report was created: {created}"))
}

/// One report per payload (as description, address and reporter name): (number, description).
async fn submit_corpus(browser: &Client) -> Vec<(i64, String)> {
    let mut reports = Vec::new();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        // Padding keeps every payload above the description's minimum length.
        let description = format!("Проверка {i}: {payload}");
        let id = submit(browser, &description, payload, payload).await;
        reports.push((id, description));
    }
    reports
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_payloads_show_as_text_in_the_cabinet_and_on_tracking_pages() {
    // Thirty-odd reports from one address: the per-address limit would (rightly) refuse most.
    let host = Host::start_with(|c| c.rate_limits = host_service::RateLimits::unlimited()).await;
    // A category name is the webmaster's text, but it is still never markup.
    let category_payload = "<img src=x onerror=window.__pwned=1>Дороги";
    {
        let db = rusqlite::Connection::open(host.db_path()).unwrap();
        db.execute(
            "UPDATE categories SET name_ru = ?1 WHERE id = 1",
            [category_payload],
        )
        .unwrap();
    }

    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 1000).await;
    browser.goto(&host.url("/privacy")).await.unwrap();

    let reports = submit_corpus(&browser).await;

    // The cabinet: log in, the list of every report, then each report's own page.
    browser.goto(&host.url("/cabinet/login")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;
    wait_for("the cabinet list", || async {
        browser.find(Locator::Css("table.problems")).await.ok()
    })
    .await;
    assert_inert(&browser, "the cabinet list").await;
    let list_text = browser
        .find(Locator::Css("table.problems"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list_text.contains("<img src=x onerror="),
        "payloads show as text in the list"
    );

    for (id, description) in &reports {
        browser
            .goto(&host.url(&format!("/cabinet/problems/{id}")))
            .await
            .unwrap();
        let body = wait_for("the problem page", || async {
            browser
                .find(Locator::Css("main"))
                .await
                .ok()?
                .text()
                .await
                .ok()
        })
        .await;
        assert_inert(&browser, &format!("cabinet problem {id}")).await;
        assert!(
            body.contains(description.as_str()),
            "problem {id} shows its description as text"
        );
        assert!(
            body.contains(category_payload),
            "problem {id} shows the category name as text"
        );
    }

    // The reporter's tracking page, for each report.
    for (id, description) in &reports {
        let code: String = {
            let db = rusqlite::Connection::open(host.db_path()).unwrap();
            db.query_row(
                "SELECT tracking_code FROM problems WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        browser
            .goto(&host.url(&format!("/t/{code}")))
            .await
            .unwrap();
        let body = browser
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_inert(&browser, &format!("tracking page of {id}")).await;
        assert!(
            body.contains(description.as_str()),
            "tracking page {id} shows the text"
        );
    }

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_payloads_show_as_text_on_the_public_map_and_its_cards() {
    let host = Host::start_with(|c| c.rate_limits = host_service::RateLimits::unlimited()).await;
    let category_payload = "<img src=x onerror=window.__pwned=1>Дороги";
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 1000).await;
    browser.goto(&host.url("/privacy")).await.unwrap();
    let reports = submit_corpus(&browser).await;
    // Published, each at its own place near the city's centre, and the category renamed.
    let ids: Vec<i64> = reports.iter().map(|(id, _)| *id).collect();
    let payload = category_payload.to_owned();
    host.state()
        .db
        .write(move |conn| {
            conn.execute(
                "UPDATE categories SET name_ru = ?1 WHERE id = 1",
                [&payload],
            )?;
            let c = host_service::demo::CENTRE;
            for (i, id) in ids.iter().enumerate() {
                conn.execute(
                    "UPDATE problems SET status = 'published', published_at = updated_at,
                            lat = ?2, lon = ?3 WHERE id = ?1",
                    rusqlite::params![id, c.lat + 0.0004 * i as f64, c.lon],
                )?;
                host_service::map::index::sync(conn, *id)?;
            }
            Ok::<_, host_service::db::DbError>(())
        })
        .await
        .unwrap();

    browser.goto(&host.url("/map.html")).await.unwrap();
    let w = civic_e2e::browser::widget(&browser, "[data-civic-widget]").await;
    for (id, description) in &reports {
        civic_e2e::browser::click_in(&w, &format!(".civic-map-list button[data-id='{id}']")).await;
        let card = wait_for("the card with its text", || async {
            let t = w
                .find(Locator::Css(&format!(".civic-card[data-id='{id}'] h3")))
                .await
                .ok()?;
            t.text().await.ok()?;
            w.find(Locator::Css(".civic-card"))
                .await
                .ok()?
                .text()
                .await
                .ok()
        })
        .await;
        assert!(
            card.contains(description.as_str()),
            "card {id} shows its description as text: {card}"
        );
        assert!(
            card.contains(category_payload),
            "card {id} shows the category name as text"
        );
        let found = browser
            .execute(civic_e2e::corpus::INJECTED_IN_WIDGET, vec![])
            .await
            .unwrap();
        assert_eq!(
            found,
            json!({ "pwned": false, "handlers": [], "frames": 0 }),
            "payload markup became live in the card of {id}"
        );
        assert_inert(&browser, &format!("the map page with card {id}")).await;
    }

    browser.close().await.unwrap();
    host.stop().await;
}

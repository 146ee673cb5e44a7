//! Accessibility, checked the way an auditor does: axe-core (from npm, `.tools/node_modules`) run
//! in a real Chromium against every page a resident or an official sees, with the widget's open
//! shadow root included (axe descends into it). The WCAG 2.0/2.1 A and AA rules must report no
//! violation at all (ГОСТ Р 52872-2019 is built on WCAG 2.1 AA).

use std::path::PathBuf;

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, has_cyrillic, text_in, type_into, wait_for, widget,
};
use civic_e2e::host::Host;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// The rule sets of WCAG 2.0 and 2.1, levels A and AA.
const WCAG_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../.tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({}: {e}); run scripts/install-tools.sh",
            path.display()
        )
    })
}

/// Runs axe on the current page; returns one readable line per violation (empty when clean).
async fn axe(client: &Client, source: &str, page: &str) -> Vec<String> {
    // WebDriver scripts are not subject to the page's CSP, so axe goes in even under ours.
    client
        .execute(&format!("{source}\n;return typeof axe;"), vec![])
        .await
        .expect("axe-core injected");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {WCAG_TAGS} }}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.map(v => ({{
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => JSON.stringify(n.target) + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
             }}))), e => done('axe failed: ' + e));"
    );
    let result = client
        .execute_async(&script, vec![])
        .await
        .expect("axe ran");
    let Value::Array(violations) = result else {
        panic!("{page}: {result}")
    };
    violations
        .iter()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| format!("\n      {}", n.as_str().unwrap_or("")))
                .collect();
            format!(
                "{page}: {} ({}) {}{}",
                v["id"],
                v["impact"],
                v["help"],
                nodes.concat()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_the_tracking_page_and_the_cabinet_pass_axe_wcag_21_aa() {
    let source = axe_source();
    let host = Host::start().await;
    // A city with enough public problems for the map to group them.
    let written = host_service::map::generate::generate(host.state(), 600, 5)
        .await
        .unwrap();
    assert_eq!(written, 600);
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 1000).await;
    let mut found = Vec::new();

    // The host's first screen, before the bundle has come (held back by the page).
    browser.goto(&host.url("/held.html")).await.unwrap();
    civic_e2e::browser::first_screen(&browser, "[data-civic-widget]").await;
    found.extend(
        axe(
            &browser,
            &source,
            "the host's first screen, before the bundle",
        )
        .await,
    );

    // The demo city's page, the widget ready, in Russian.
    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    found.extend(axe(&browser, &source, "demo page, widget ready (ru)").await);

    // The same form after sending it empty: every field explains its mistake.
    click_in(&w, "button[type=submit]").await;
    text_in(&w, ".civic-field-error[data-field=description]").await;
    found.extend(axe(&browser, &source, "widget with field errors").await);

    // Photos: one chosen (listed, with its remove button), a text file refused in words; the
    // photo then goes with the report, and the success panel says so.
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("yama.png");
    image::RgbImage::from_pixel(32, 24, image::Rgb([90, 90, 90]))
        .save(&photo)
        .unwrap();
    let not_a_photo = files.path().join("notes.txt");
    std::fs::write(&not_a_photo, "not a photo").unwrap();
    find_in(&w, "input[name=photos]")
        .await
        .send_keys(&format!("{}\n{}", photo.display(), not_a_photo.display()))
        .await
        .unwrap();
    text_in(&w, ".civic-field-error[data-field=photos]").await;
    find_in(&w, ".civic-photo-list li").await;
    found.extend(
        axe(
            &browser,
            &source,
            "widget with a photo chosen and a file refused",
        )
        .await,
    );

    // Filled in and sent: the success panel with the number and the tracking link.
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(
        &w,
        "textarea[name=description]",
        "Не горит фонарь у подъезда, вечером темно",
    )
    .await;
    type_into(&w, "input[name=address]", "ул. Садовая, 12").await;
    type_into(&w, "input[name=name]", "Ирина Петрова").await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;
    text_in(&w, ".civic-success .civic-tracking-number").await;
    wait_for("the photo's news", || async {
        let news = w
            .find(Locator::Css(".civic-success .civic-photos"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (!news.contains('…')).then_some(())
    })
    .await;
    found.extend(axe(&browser, &source, "widget success panel").await);
    let tracking = find_in(&w, "a.civic-tracking-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();

    // An English page: the widget in basic mode (data-lang=en) and in extended mode.
    browser.goto(&host.url("/en.html")).await.unwrap();
    widget(&browser, "#widget-basic").await;
    widget(&browser, "#widget-extended").await;
    found.extend(
        axe(
            &browser,
            &source,
            "English page, basic and extended widgets",
        )
        .await,
    );
    // Every word an English-speaking visitor sees in the widgets is English.
    let text: String = browser
        .execute(
            "return ['#widget-basic', '#widget-extended']
               .map(id => document.querySelector(id).shadowRoot.textContent).join(' ');",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    // The site's name and its base map's attribution are the city's own, in one language; they
    // are data, not our words.
    let data = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/sites/demo?lang=en').then(r => r.json())
               .then(j => done([j.name, j.tile_attribution || '']), e => done([]));",
            vec![],
        )
        .await
        .unwrap();
    let data: Vec<&str> = data
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        data.first().is_some_and(|n| !n.is_empty()),
        "the demo site's name: {data:?}"
    );
    let text = data
        .iter()
        .filter(|d| !d.is_empty())
        .fold(text, |t, d| t.replace(d, ""));
    assert!(
        !has_cyrillic(&text),
        "untranslated words in the English widgets: {text}"
    );

    // The problem map (extended mode) of a city with many problems: clusters, then single
    // markers, the list of what is in view, and an open card.
    browser.goto(&host.url("/map.html")).await.unwrap();
    let m = widget(&browser, "[data-civic-widget]").await;
    find_in(&m, ".civic-map[data-ready] .civic-cluster").await;
    found.extend(axe(&browser, &source, "problem map with clusters").await);
    for _ in 0..8 {
        if m.find(Locator::Css(".civic-map-list button[data-id]"))
            .await
            .is_ok()
        {
            break;
        }
        click_in(&m, ".civic-map-list button").await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    }
    click_in(&m, ".civic-map-list button[data-id]").await;
    find_in(&m, ".civic-card h3").await;
    found.extend(axe(&browser, &source, "problem map with a card open").await);

    // The resident's tracking page.
    browser.goto(&tracking).await.unwrap();
    wait_for("the tracking page", || async {
        browser.find(Locator::Css(".problem-number")).await.ok()
    })
    .await;
    found.extend(axe(&browser, &source, "tracking page").await);

    // The cabinet: login, the list with the report in it, the report's page.
    browser.goto(&host.url("/cabinet/login")).await.unwrap();
    wait_for("the login form", || async {
        browser.find(Locator::Css("form#login")).await.ok()
    })
    .await;
    found.extend(axe(&browser, &source, "cabinet login").await);
    host.log_in_as_demo_official(&browser).await;
    let link = wait_for("the report in the cabinet list", || async {
        browser
            .find(Locator::Css("table.problems tr[data-problem-id] a"))
            .await
            .ok()
    })
    .await;
    found.extend(axe(&browser, &source, "cabinet list").await);
    link.click().await.unwrap();
    wait_for("the report's page", || async {
        browser.find(Locator::Css("form#status-form")).await.ok()
    })
    .await;
    found.extend(axe(&browser, &source, "cabinet problem page").await);

    // The site admin's settings, with a key in its table.
    host_service::admin::add_sso_key(
        &host.state().db,
        host_service::demo::SITE_KEY,
        "portal-1",
        host_service::sso::SsoKey::hs256(&[7u8; 32]).unwrap(),
    )
    .await
    .unwrap();
    browser.goto(&host.url("/cabinet/settings")).await.unwrap();
    wait_for("the settings page", || async {
        browser.find(Locator::Css("table.sso-keys")).await.ok()
    })
    .await;
    found.extend(axe(&browser, &source, "cabinet settings").await);
    // A letter the agency sent to no appeal's reply address waits in «Почта».
    let letter = "From: =?utf-8?B?0JPQvtGA0YHQstC10YI=?= <svet@demograd.example>\r\n\
                  To: info@demograd.example\r\nSubject: =?utf-8?B?0JLQvtC/0YDQvtGB?=\r\n\
                  Message-ID: <a11y-1@demograd.example>\r\n\
                  Content-Type: text/plain; charset=utf-8\r\n\r\n\
                  Как с вами связаться? <b>Спасибо</b>\r\n";
    let taken = host_service::inbound::deliver(host.state(), letter.as_bytes().to_vec(), None)
        .await
        .unwrap();
    assert_eq!(taken.state, host_service::inbound::State::Quarantined);
    for (path, ready, name) in [
        ("/cabinet/stats", "table#stats-status", "cabinet statistics"),
        ("/cabinet/overdue", "#overdue-count", "cabinet overdue list"),
        (
            "/cabinet/mail",
            "article.inbound .mail-text",
            "cabinet mail",
        ),
        // Anyone's page, with the same tables as the cabinet's.
        ("/stats/demo", "table#stats-rating", "public statistics"),
    ] {
        browser.goto(&host.url(path)).await.unwrap();
        wait_for(name, || async {
            browser.find(Locator::Css(ready)).await.ok()
        })
        .await;
        found.extend(axe(&browser, &source, name).await);
    }

    // The cabinet in English has no Russian left (but for the link to the Russian version).
    browser
        .goto(&host.url("/cabinet/login?lang=en"))
        .await
        .unwrap();
    let text: String = browser
        .execute(
            "const body = document.body.cloneNode(true);
             body.querySelectorAll('[lang]:not([lang=en])').forEach(e => e.remove());
             return body.textContent;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !has_cyrillic(&text),
        "untranslated words in the English cabinet: {text}"
    );
    found.extend(axe(&browser, &source, "cabinet login (en)").await);

    // The check itself can fail: an unlabelled field inside an open shadow root is reported.
    browser
        .execute(
            "const host = document.createElement('div');
             document.body.appendChild(host);
             host.attachShadow({ mode: 'open' }).appendChild(document.createElement('input'));",
            vec![],
        )
        .await
        .unwrap();
    let planted = axe(&browser, &source, "planted mistake").await;
    assert!(
        planted.iter().any(|v| v.contains("\"label\"")),
        "axe must see into shadow roots and report an unlabelled field: {planted:?}"
    );

    browser.close().await.unwrap();
    host.stop().await;
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n  {}",
        found.join("\n  ")
    );
}

//! What a resident on a cheap phone notices: the widget fits a 320 px wide place (a phone's
//! screen, a narrow column of the city's page) without sideways scrolling, every control is a 44 px touch target, the text grows with the page's, and the
//! keyboard passes through the map (no trap), in basic and extended mode.

use civic_e2e::browser::{Chromedriver, click_in, find_in, wait_for, widget};
use civic_e2e::host::Host;
use fantoccini::Client;

/// Controls of the widget smaller than 44 px (a checkbox counts by its label, and so does the
/// photo field's file input, visually hidden behind its label's button), and whether the widget
/// scrolls sideways, as the page lays it out now.
const MEASURE: &str = "
  const host = document.querySelector('[data-civic-widget]');
  host.style.width = '320px';
  const root = host.shadowRoot;
  const widget = root.querySelector('.civic-widget');
  const small = [...root.querySelectorAll('button, input, select, textarea, .leaflet-marker-icon')]
    .filter(e => e.getClientRects().length && !e.closest('.civic-hp'))
    .map(e => e.type == 'checkbox' ? e.closest('label') : e.type == 'file' ? e.labels[0] : e)
    .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
    .map(e => e.outerHTML.slice(0, 80));
  return { small, overflow: widget.scrollWidth - widget.clientWidth, width: widget.getBoundingClientRect().width };
";

async fn measure(browser: &Client, page: &str) {
    // The container is made 320 px wide (Chromium keeps its windows wider than that); then the
    // layout settles.
    browser.execute(MEASURE, vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let m = browser.execute(MEASURE, vec![]).await.unwrap();
    let small = m["small"].as_array().unwrap();
    assert!(small.is_empty(), "{page}: controls under 44 px: {small:#?}");
    assert!(
        m["overflow"].as_i64().unwrap() <= 0,
        "{page}: the widget scrolls sideways: {m}"
    );
    assert!(
        m["width"].as_f64().unwrap() <= 320.0,
        "{page}: wider than the screen: {m}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_320_px_phone_everything_fits_and_every_control_is_a_44_px_target() {
    let host = Host::start().await;
    host_service::map::generate::generate(host.state(), 120, 9)
        .await
        .unwrap();
    let driver = Chromedriver::start().await;
    let browser = driver.session(360, 900).await;

    // Basic mode: the form, and the form with its mistakes shown.
    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    measure(&browser, "basic form").await;
    click_in(&w, "button[type=submit]").await;
    find_in(&w, ".civic-field-error[data-field=description]").await;
    measure(&browser, "basic form with errors").await;

    // Extended mode: the map with its markers and list, a card, and the form with its pin.
    browser.goto(&host.url("/map.html")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, ".civic-map[data-ready] .leaflet-marker-icon").await;
    measure(&browser, "problem map").await;
    click_in(&w, ".civic-map-list button").await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    measure(&browser, "problem map, zoomed in").await;
    click_in(&w, "button.civic-report-here").await;
    find_in(&w, ".civic-pin-map .civic-map").await;
    measure(&browser, "form with its pin").await;

    drop(browser);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_grows_with_the_page_and_the_keyboard_passes_through_the_map() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;
    browser.goto(&host.url("/map.html")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, ".civic-map[data-ready]").await;

    // The page's larger text makes the widget's larger (it follows the font size around it).
    let size = "return parseFloat(getComputedStyle(document.querySelector('[data-civic-widget]')
                  .shadowRoot.querySelector('.civic-widget h2')).fontSize)";
    let before = browser
        .execute(size, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    browser
        .execute(
            "document.querySelector('[data-civic-widget]').parentElement.style.fontSize = '150%'",
            vec![],
        )
        .await
        .unwrap();
    let after = browser
        .execute(size, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        after > before * 1.3,
        "the heading grew from {before}px to {after}px"
    );

    // Tab reaches the map, and Tab leaves it again (no keyboard trap).
    let active = "const a = document.querySelector('[data-civic-widget]').shadowRoot.activeElement;
                  return a ? a.className : ''";
    let map = find_in(&w, ".civic-map").await;
    map.send_keys("\u{E004}").await.unwrap(); // focus reaches the map; one Tab goes on
    let reached = browser.execute(active, vec![]).await.unwrap();
    let reached = reached.as_str().unwrap_or_default().to_owned();
    assert!(
        !reached.contains("civic-map "),
        "focus left the map: {reached:?}"
    );
    wait_for("focus inside the widget after the map", || async {
        let a = browser.execute(active, vec![]).await.ok()?;
        (!a.as_str()?.is_empty()).then_some(())
    })
    .await;

    drop(browser);
    host.stop().await;
}

/// The city's colour (`data-accent`) reaches both modes, though the bundles carry no stylesheet:
/// a basic widget's comes with its first screen, the map's from `/widget/style.css`, and the
/// map's own rules with it (the map has its height, the form opened from it its colours).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_citys_colour_reaches_the_form_and_the_map() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 1400).await;
    browser.goto(&host.url("/accent.html")).await.unwrap();
    let plum = "rgba(122, 31, 110, 1)";

    let form = widget(&browser, "#form").await;
    let submit = find_in(&form, "button[type=submit]").await;
    assert_eq!(submit.css_value("background-color").await.unwrap(), plum);
    assert_eq!(
        submit.css_value("color").await.unwrap(),
        "rgba(255, 255, 255, 1)",
        "white text on a dark accent"
    );

    let map = widget(&browser, "#map").await;
    let area = find_in(&map, ".civic-map[data-ready]").await;
    let height: f64 = area
        .css_value("height")
        .await
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    assert!(height >= 240.0, "the map has its own height: {height}px");
    click_in(&map, "button.civic-report-here").await;
    let submit = find_in(&map, ".civic-form button[type=submit]").await;
    assert_eq!(submit.css_value("background-color").await.unwrap(), plum);

    drop(browser);
    host.stop().await;
}

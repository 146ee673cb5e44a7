//! Benchmark: the widget's time to interactive in a real Chromium, against a static HTML form
//! with the same fields served by the same host in the same run (goal: within 1.5×).
//!
//! "Interactive" is measured in the page by the same probe for both (`tti-watch.js`): the moment
//! the category list is filled and the submit button exists, in milliseconds since navigation.
//! First visits use a fresh browser profile each (empty cache); repeat visits reload in one
//! session (bundle cached, as for a resident coming back). Run by `cargo xtask bench`, or:
//! `cargo run --release -p civic-e2e --bin widget_tti [RUNS]`.

use civic_e2e::browser::{Chromedriver, wait_for};
use civic_e2e::host::Host;
use fantoccini::Client;

async fn time_to_interactive(browser: &Client, url: &str) -> f64 {
    browser.goto(url).await.unwrap();
    wait_for(&format!("the form on {url} to become usable"), || async {
        browser
            .execute("return window.__tti;", vec![])
            .await
            .ok()?
            .as_f64()
    })
    .await
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn p90(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() * 9).div_ceil(10)).saturating_sub(1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let pages = [
        ("static form", "/tti-static.html"),
        ("widget", "/tti-widget.html"),
    ];

    let mut first = vec![Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (i, (_, path)) in pages.iter().enumerate() {
            let browser = driver.session(412, 915).await;
            first[i].push(time_to_interactive(&browser, &host.url(path)).await);
            browser.close().await.unwrap();
        }
    }
    let browser = driver.session(412, 915).await;
    let mut repeat = vec![Vec::new(), Vec::new()];
    for (_, path) in &pages {
        time_to_interactive(&browser, &host.url(path)).await; // fills the cache
    }
    for _ in 0..runs {
        for (i, (_, path)) in pages.iter().enumerate() {
            repeat[i].push(time_to_interactive(&browser, &host.url(path)).await);
        }
    }
    browser.close().await.unwrap();
    host.stop().await;

    println!("Widget time to interactive, Chromium headless, phone viewport, {runs} runs each");
    println!("| visit | static form p50 / p90 | widget p50 / p90 | ratio p50 (goal <= 1.5) |");
    println!("|---|---|---|---|");
    for (name, samples) in [
        ("first (empty cache)", &first),
        ("repeat (cached)", &repeat),
    ] {
        let (s, w) = (&samples[0], &samples[1]);
        println!(
            "| {name} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.2} |",
            median(s.clone()),
            p90(s.clone()),
            median(w.clone()),
            p90(w.clone()),
            median(w.clone()) / median(s.clone())
        );
    }
}

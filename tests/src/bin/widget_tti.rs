//! Benchmark: the widget's time to interactive in a real Chromium, against a static HTML form
//! with the same fields served by the same host in the same run (goal: within 1.5×).
//!
//! "Interactive" is measured in the page by the same probe for both (`tti-watch.js`): the moment
//! the category list is filled and the submit button exists, in milliseconds since navigation.
//! First visits use a fresh browser profile each (empty cache); repeat visits navigate again in
//! one session (bundle cached, as for a resident coming back). Both are measured under three
//! network/CPU profiles in the same run: localhost as it is, a "4G" network, and Lighthouse's
//! mobile profile (see [`PROFILES`]). Run by `cargo xtask bench`, or:
//! `cargo run --release -p civic-e2e --bin widget_tti [RUNS]` (RUNS per profile, page and visit
//! kind; 5 by default).

use std::time::{Duration, Instant};

use civic_e2e::browser::{Chromedriver, wait_for};
use civic_e2e::host::Host;
use fantoccini::Client;
use serde_json::{Value, json};

/// Network and CPU emulation through the Chrome DevTools Protocol. The latency is added by
/// Chromium to every request (before its response starts), on top of localhost's own.
struct Emulation {
    rtt_ms: f64,
    /// Kbit/s, with 1 Kbit = 1024 bit as Lighthouse counts (so 1.6 Mbit/s is 1638.4 Kbit/s).
    down_kbps: f64,
    up_kbps: f64,
    /// 1 = as fast as this machine; 4 = four times slower.
    cpu_slowdown: f64,
}

impl Emulation {
    fn bytes_per_second(kbps: f64) -> f64 {
        kbps * 1024.0 / 8.0
    }
}

struct Profile {
    name: &'static str,
    emulation: Option<Emulation>,
}

/// Lighthouse's mobile profile is its simulated one ("slow 4G" and a mid-range phone): 150 ms
/// RTT, 1.6 Mbit/s down, 750 Kbit/s up, CPU 4× slower. Applied as given, per request: Lighthouse's
/// own DevTools-throttling mode would use 562.5 ms per request and 90% of the throughputs instead.
const PROFILES: [Profile; 3] = [
    Profile {
        name: "localhost (no emulation)",
        emulation: None,
    },
    Profile {
        name: "4G (60 ms RTT, 9 Mbit/s down and up)",
        emulation: Some(Emulation {
            rtt_ms: 60.0,
            down_kbps: 9.0 * 1024.0,
            up_kbps: 9.0 * 1024.0,
            cpu_slowdown: 1.0,
        }),
    },
    Profile {
        name: "Lighthouse mobile (150 ms RTT, 1.6 Mbit/s down, 750 Kbit/s up, CPU ×4)",
        emulation: Some(Emulation {
            rtt_ms: 150.0,
            down_kbps: 1.6 * 1024.0,
            up_kbps: 750.0,
            cpu_slowdown: 4.0,
        }),
    },
];

/// The pages, each against the first (the static form): the basic widget by its one script tag
/// (`/widget.js`, and the site's own loader `/w/demo.js` with the first screen inside it), and
/// the map widget (extended mode, "usable" once its map is drawn; no goal yet).
const PAGES: [(&str, &str); 4] = [
    ("static form", "/tti-static.html"),
    ("widget", "/tti-widget.html"),
    ("widget, site's loader", "/tti-site.html"),
    ("map widget", "/tti-map.html"),
];

/// A fresh session (fresh profile, empty cache) with the profile's emulation set in its tab
/// before anything is loaded in it.
async fn session(driver: &Chromedriver, profile: &Profile) -> Client {
    let browser = driver.session(412, 915).await;
    if let Some(e) = &profile.emulation {
        driver.cdp(&browser, "Network.enable", json!({})).await;
        driver
            .cdp(
                &browser,
                "Network.emulateNetworkConditions",
                json!({
                    "offline": false,
                    "latency": e.rtt_ms,
                    "downloadThroughput": Emulation::bytes_per_second(e.down_kbps),
                    "uploadThroughput": Emulation::bytes_per_second(e.up_kbps),
                }),
            )
            .await;
        if e.cpu_slowdown > 1.0 {
            driver
                .cdp(
                    &browser,
                    "Emulation.setCPUThrottlingRate",
                    json!({ "rate": e.cpu_slowdown }),
                )
                .await;
        }
    }
    browser
}

/// Milliseconds since navigation until the form was usable, and until the bundle had taken over
/// the host's first screen (0 for the static form).
async fn time_to_interactive(browser: &Client, url: &str) -> (f64, f64) {
    browser.goto(url).await.unwrap();
    wait_for(&format!("the form on {url} to become usable"), || async {
        let t = browser
            .execute("return [window.__tti, window.__takeover];", vec![])
            .await
            .ok()?;
        Some((t.get(0)?.as_f64()?, t.get(1)?.as_f64()?))
    })
    .await
}

/// Shows that the emulation took effect in the page: the duration of a plain fetch of
/// `/widget.js` (cache bypassed) from resource timing, and a fixed piece of JavaScript work.
async fn calibration(browser: &Client, profile: &Profile) -> String {
    let fetch = browser
        .execute_async(
            r"const done = arguments[arguments.length - 1];
              const url = new URL('/widget.js', location.href).href;
              fetch(url, { cache: 'no-store' })
                .then((r) => r.arrayBuffer())
                .then(() => {
                  const e = performance.getEntriesByName(url, 'resource').pop();
                  done({ duration: e.duration, transfer: e.transferSize });
                })
                .catch((err) => done({ error: String(err) }));",
            vec![],
        )
        .await
        .unwrap();
    let cpu = browser
        .execute(
            r"const t0 = performance.now();
              let x = 0;
              for (let i = 0; i < 20000000; i++) { x = (x * 31 + i) | 0; }
              return [performance.now() - t0, x];",
            vec![],
        )
        .await
        .unwrap();
    let (Some(duration), Some(transfer)) = (fetch["duration"].as_f64(), fetch["transfer"].as_f64())
    else {
        panic!("the fetch of /widget.js in the page failed: {fetch}");
    };
    let expected = profile.emulation.as_ref().map_or(String::new(), |e| {
        let floor = e.rtt_ms + transfer / Emulation::bytes_per_second(e.down_kbps) * 1000.0;
        format!(" (emulation alone: ≥ {floor:.0} ms)")
    });
    format!(
        "- {}: fetch of /widget.js ({transfer:.0} B on the wire) {duration:.1} ms{expected}; \
         CPU probe (2·10⁷ loop steps) {:.0} ms",
        profile.name,
        cpu[0].as_f64().unwrap_or(f64::NAN),
    )
}

/// What the page downloaded, per file (resource timing: the page itself and every resource),
/// once the form is usable and a moment more for anything loaded late.
async fn transfer_sizes(browser: &Client) -> String {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let entries = browser
        .execute(
            r"const tti = window.__tti;
              return performance.getEntriesByType('navigation')
                .concat(performance.getEntriesByType('resource'))
                .map((e) => ({
                  file: new URL(e.name).pathname,
                  transfer: e.transferSize,
                  encoded: e.encodedBodySize,
                  decoded: e.decodedBodySize,
                  before: e.responseEnd <= tti,
                }));",
            vec![],
        )
        .await
        .unwrap();
    let entries = entries.as_array().cloned().unwrap_or_default();
    let size = |e: &Value, key: &str| e[key].as_u64().unwrap_or(0);
    let mut table = String::from(
        "| file | transferSize | encodedBodySize | decodedBodySize | done before interactive |\n\
         |---|---|---|---|---|\n",
    );
    let mut sums = [0; 3];
    for e in &entries {
        let sizes = [size(e, "transfer"), size(e, "encoded"), size(e, "decoded")];
        for (sum, s) in sums.iter_mut().zip(sizes) {
            *sum += s;
        }
        let before = if e["before"].as_bool() == Some(true) {
            "yes"
        } else {
            "no"
        };
        table += &format!(
            "| `{}` | {} | {} | {} | {before} |\n",
            e["file"].as_str().unwrap_or("?"),
            sizes[0],
            sizes[1],
            sizes[2],
        );
    }
    table += &format!(
        "| **total** | **{}** | **{}** | **{}** | |\n",
        sums[0], sums[1], sums[2]
    );
    table
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn p90(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() * 9).div_ceil(10)).saturating_sub(1)]
}

/// What one profile gave: samples `[visit kind][page]` (first visits, then repeat visits), the
/// emulation check, and (without emulation) the bytes of a first widget visit.
struct Measured {
    /// `[visit kind][page]`: (usable, taken over) per run.
    samples: [Vec<Vec<(f64, f64)>>; 2],
    calibration: String,
    transfer_sizes: Option<String>,
}

async fn measure(driver: &Chromedriver, host: &Host, profile: &Profile, runs: usize) -> Measured {
    let mut samples: [Vec<Vec<(f64, f64)>>; 2] =
        [vec![Vec::new(); PAGES.len()], vec![Vec::new(); PAGES.len()]];
    let mut sizes = None;

    // First visits: a fresh profile (empty cache) for every page load.
    for run in 0..runs {
        for (i, (_, path)) in PAGES.iter().enumerate() {
            let browser = session(driver, profile).await;
            samples[0][i].push(time_to_interactive(&browser, &host.url(path)).await);
            if profile.emulation.is_none() && run == 0 && *path == "/tti-widget.html" {
                sizes = Some(transfer_sizes(&browser).await);
            }
            browser.close().await.unwrap();
        }
    }

    // Repeat visits: one session, the cache filled by a first visit of each page.
    let browser = session(driver, profile).await;
    let mut check = String::new();
    for (i, (_, path)) in PAGES.iter().enumerate() {
        time_to_interactive(&browser, &host.url(path)).await;
        if i == 0 {
            check = calibration(&browser, profile).await;
        }
    }
    for _ in 0..runs {
        for (i, (_, path)) in PAGES.iter().enumerate() {
            samples[1][i].push(time_to_interactive(&browser, &host.url(path)).await);
        }
    }
    browser.close().await.unwrap();
    Measured {
        samples,
        calibration: check,
        transfer_sizes: sizes,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let started = Instant::now();
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5);
    let host = Host::start().await;
    let driver = Chromedriver::start().await;

    let mut results = Vec::new();
    for profile in &PROFILES {
        eprintln!("widget_tti: {} ...", profile.name);
        results.push(measure(&driver, &host, profile, runs).await);
    }
    drop(driver);
    host.stop().await;

    println!("Emulation check (in the page of a repeat-visit session, static form loaded):");
    for m in &results {
        println!("{}", m.calibration);
    }
    for sizes in results.iter().filter_map(|m| m.transfer_sizes.as_ref()) {
        println!();
        println!("Bytes of a first widget visit (resource timing, no emulation):");
        print!("{sizes}");
    }
    println!();
    println!(
        "Time until usable, Chromium headless, phone viewport, {runs} runs per profile, page and \
         visit kind; \"taken over\": until the bundle has taken over the host's first screen"
    );
    println!(
        "| profile | visit | page | static form p50 / p90 | page p50 / p90 | ratio p50 (goal <= 1.5 \
         first, <= 1.2 repeat) | ratio p90 | taken over p50 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (profile, measured) in PROFILES.iter().zip(&results) {
        for (visit, pages) in ["first (empty cache)", "repeat (cached)"]
            .iter()
            .zip(&measured.samples)
        {
            let usable = |i: usize| pages[i].iter().map(|t| t.0).collect::<Vec<_>>();
            let s = usable(0);
            for (i, (page, _)) in PAGES.iter().enumerate().skip(1) {
                let w = usable(i);
                let took = pages[i].iter().map(|t| t.1).collect::<Vec<_>>();
                println!(
                    "| {} | {visit} | {page} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.2} | {:.2} | {:.1} ms |",
                    profile.name,
                    median(s.clone()),
                    p90(s.clone()),
                    median(w.clone()),
                    p90(w.clone()),
                    median(w.clone()) / median(s.clone()),
                    p90(w.clone()) / p90(s.clone()),
                    median(took),
                );
            }
        }
    }
    println!();
    println!("Total wall time: {:.1} s", started.elapsed().as_secs_f64());
}

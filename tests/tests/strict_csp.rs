//! The widget works on a page with a strict Content-Security-Policy (SECURITY.md): no `eval`, no
//! inline scripts or styles, connections and styles only from the page's own origin. A resident
//! reports a problem there and the browser records no violation at all.

use civic_e2e::browser::{Chromedriver, click_in, find_in, text_in, type_into, wait_for, widget};
use civic_e2e::host::Host;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The page's CSP header, read with a plain HTTP request (a page cannot read its own headers).
async fn csp_header(host: &Host, path: &str) -> String {
    let addr = host.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .find_map(|l| l.strip_prefix("content-security-policy: "))
        .unwrap_or_else(|| panic!("no CSP header on {path}: {head}"))
        .to_owned()
}

async fn violations(browser: &fantoccini::Client) -> Vec<String> {
    let v = browser
        .execute("return window.__cspViolations;", vec![])
        .await
        .unwrap();
    serde_json::from_value(v).expect("the watcher script ran before the widget")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_under_a_strict_csp_causes_no_violation() {
    let host = Host::start().await;

    // The policy really is strict: only our origin, wasm allowed, no inline anything.
    let csp = csp_header(&host, "/csp.html").await;
    for directive in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"] {
        assert!(csp.contains(directive), "{directive:?} in {csp:?}");
    }
    for loosening in ["unsafe-inline", "unsafe-eval'", "*"] {
        assert!(
            !csp.replace("'wasm-unsafe-eval'", "").contains(loosening),
            "{loosening:?} in {csp:?}"
        );
    }

    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    browser.goto(&host.url("/csp.html")).await.unwrap();

    let w = widget(&browser, "[data-civic-widget]").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Благоустройство")
        .await
        .unwrap();
    type_into(
        &w,
        "textarea[name=description]",
        "Сломана скамейка в сквере у фонтана",
    )
    .await;
    type_into(&w, "input[name=address]", "Сквер на площади Победы").await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;
    text_in(&w, ".civic-success .civic-tracking-number").await;
    assert_eq!(host.count_problems(), 1, "the report was stored");
    assert_eq!(
        violations(&browser).await,
        Vec::<String>::new(),
        "the widget broke the page's CSP"
    );

    // The watcher does see a violation when there is one: an inline style, which the policy forbids.
    browser
        .execute(
            "const s = document.createElement('style'); s.textContent = 'h1 { color: red }';
             document.head.appendChild(s);",
            vec![],
        )
        .await
        .unwrap();
    let seen = wait_for("the planted violation to be reported", || async {
        let v = violations(&browser).await;
        (!v.is_empty()).then_some(v)
    })
    .await;
    assert!(seen[0].starts_with("style-src"), "{seen:?}");

    browser.close().await.unwrap();
    host.stop().await;
}

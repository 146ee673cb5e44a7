//! `/metrics`: valid Prometheus text, counters that move when reports come in, route templates
//! instead of raw paths, and access only from loopback or with the configured bearer token.

use crate::common;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use host_service::Config;

/// One sample: metric name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// Parses the exposition text line by line, failing on any line that is not a comment, a
/// `# HELP`/`# TYPE` line or a well-formed sample.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut typed = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.trim().is_empty(),
            "stray line {line:?}"
        );
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("value of {line:?}"));
        let (name, labels) = match series.split_once('{') {
            None => (series.to_owned(), BTreeMap::new()),
            Some((name, rest)) => {
                let inner = rest.strip_suffix('}').expect("closing brace");
                let mut labels = BTreeMap::new();
                for pair in split_labels(inner) {
                    let (k, v) = pair.split_once('=').expect("label=value");
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .expect("quoted label value");
                    assert!(
                        k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                        "{line}"
                    );
                    labels.insert(k.to_owned(), v.to_owned());
                }
                (name.to_owned(), labels)
            }
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .filter(|base| typed.get(*base).is_some_and(|k| k == "histogram"))
            .unwrap_or(&name);
        assert!(typed.contains_key(family), "{name} has a # TYPE line first");
        samples.push((name, labels, value));
    }
    samples
}

/// Splits `a="x",b="y,z"` at the commas outside quotes.
fn split_labels(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < inner.len() {
        parts.push(&inner[start..]);
    }
    parts
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

async fn scrape(app: &TestApp) -> Vec<Sample> {
    let r = app.get("/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    parse(&r.body)
}

#[tokio::test]
async fn metrics_are_valid_text_and_count_requests_and_reports_by_route_template() {
    let app = TestApp::new().await;
    let before = scrape(&app).await;
    let submissions = [("site", "demo"), ("source", "widget")];
    assert_eq!(value(&before, "civic_submissions_total", &submissions), 0.0);

    let r = app
        .report("demo", Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let code = r.json()["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&format!("/t/{code}"), &[]).await.status,
        StatusCode::OK
    );
    app.get("/no/such/page", &[]).await;

    let r = app.get("/metrics", &[]).await;
    assert!(!r.body.contains(&code), "no raw path with a tracking code");
    assert!(!r.body.contains("/no/such/page"), "no raw unmatched path");
    let after = parse(&r.body);
    assert_eq!(value(&after, "civic_submissions_total", &submissions), 1.0);
    let posted = [
        ("route", "/api/v1/sites/{key}/problems"),
        ("method", "POST"),
        ("status", "201"),
    ];
    assert_eq!(value(&after, "civic_http_requests_total", &posted), 1.0);
    assert_eq!(
        value(
            &after,
            "civic_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    assert!(
        after
            .iter()
            .any(|(n, l, _)| n == "civic_http_requests_total"
                && l.get("route").is_some_and(|r| r.starts_with("/t/{")))
    );
    assert!(value(&after, "civic_db_size_bytes", &[]) > 0.0);
    assert_eq!(value(&after, "civic_db_write_queue_depth", &[]), 0.0);

    // The histogram's buckets are cumulative and end at the count.
    let route = [("route", "/api/v1/sites/{key}/problems")];
    let count = value(&after, "civic_http_request_duration_seconds_count", &route);
    assert_eq!(count, 1.0);
    let buckets: Vec<f64> = after
        .iter()
        .filter(|(n, l, _)| {
            n == "civic_http_request_duration_seconds_bucket"
                && l["route"] == "/api/v1/sites/{key}/problems"
        })
        .map(|(_, _, v)| *v)
        .collect();
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
    assert_eq!(buckets.last(), Some(&count));
}

async fn scrape_as(app: &TestApp, peer: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut req = Request::get("/metrics");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::empty()).unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await.status
}

#[tokio::test]
async fn metrics_are_for_loopback_or_the_bearer_token_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("c.db"));
    config.metrics_token = Some("scrape-secret-1".into());
    let app = TestApp::with_config(dir, config).await;
    assert_eq!(scrape_as(&app, "127.0.0.1", &[]).await, StatusCode::OK);
    assert_eq!(
        scrape_as(&app, "203.0.113.5", &[]).await,
        StatusCode::NOT_FOUND
    );
    // A reverse proxy on the same machine connects from loopback on behalf of someone else.
    assert_eq!(
        scrape_as(&app, "127.0.0.1", &[("x-forwarded-for", "203.0.113.5")]).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scrape_as(&app, "203.0.113.5", &[("authorization", "Bearer wrong")]).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scrape_as(
            &app,
            "203.0.113.5",
            &[("authorization", "Bearer scrape-secret-1")]
        )
        .await,
        StatusCode::OK
    );
}

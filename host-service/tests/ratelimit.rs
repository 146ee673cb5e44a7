//! Rate limits on filing reports: a burst from one address is refused with 429 and
//! `Retry-After`, a forged `X-Forwarded-For` changes nothing unless the peer is a trusted proxy,
//! and a site has its own limit. The app runs with the real default limits here.

use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use host_service::{Config, RateLimits};

const PROXY: &str = "10.0.0.1";

async fn app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().join("data/civic.db"),
    );
    config.public_url = PUBLIC.parse().unwrap();
    tweak(&mut config);
    TestApp::with_config(dir, config).await
}

/// A report to the demo site from the TCP peer `peer`, with extra headers.
async fn report_from(app: &TestApp, peer: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req =
        Request::post("/api/v1/sites/demo/problems").header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req
        .body(Body::from(app.valid_report().to_string()))
        .unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

fn assert_limited(reply: &Reply) {
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.body
    );
    let retry: u64 = reply
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry), "retry after {retry} s");
    assert_eq!(reply.json()["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn a_burst_from_one_address_gets_429_with_retry_after_and_others_are_not_affected() {
    let app = app_with(|_| {}).await;
    let burst = RateLimits::default().ip_burst;
    for i in 0..burst {
        let r = report_from(&app, "203.0.113.5", &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "report {i}: {}", r.body);
    }
    assert_limited(&report_from(&app, "203.0.113.5", &[]).await);
    assert_eq!(
        app.count("SELECT count(*) FROM problems").await,
        i64::from(burst),
        "the refused report was not stored"
    );
    // A neighbour on another address is not punished for it.
    let r = report_from(&app, "203.0.113.6", &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_does_not_reset_the_limit() {
    let app = app_with(|_| {}).await;
    for _ in 0..RateLimits::default().ip_burst {
        report_from(&app, "203.0.113.5", &[]).await;
    }
    for forged in ["198.51.100.1", "198.51.100.2, 198.51.100.3"] {
        let r = report_from(&app, "203.0.113.5", &[("x-forwarded-for", forged)]).await;
        assert_limited(&r);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let app = app_with(|c| c.trusted_proxies = vec![PROXY.parse().unwrap()]).await;
    let burst = RateLimits::default().ip_burst;
    for _ in 0..burst {
        let r = report_from(&app, PROXY, &[("x-forwarded-for", "198.51.100.7")]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert_limited(&report_from(&app, PROXY, &[("x-forwarded-for", "198.51.100.7")]).await);
    // The client may prepend anything; the proxy appends the address it saw, which counts.
    assert_limited(
        &report_from(
            &app,
            PROXY,
            &[("x-forwarded-for", "192.0.2.99, 198.51.100.7")],
        )
        .await,
    );
    let r = report_from(&app, PROXY, &[("x-forwarded-for", "198.51.100.8")]).await;
    assert_eq!(r.status, StatusCode::CREATED, "another client: {}", r.body);
}

#[tokio::test]
async fn a_site_has_its_own_limit_whatever_the_addresses() {
    let app = app_with(|c| {
        c.rate_limits = RateLimits {
            ip_per_minute: 0,
            site_per_minute: 60,
            site_burst: 3,
            ..RateLimits::default()
        }
    })
    .await;
    for i in 0..3 {
        let r = report_from(&app, &format!("203.0.113.{i}"), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert_limited(&report_from(&app, "203.0.113.200", &[]).await);
}

#[tokio::test]
async fn open311_answers_a_burst_with_429_in_its_own_format() {
    let app = app_with(|_| {}).await;
    let send = |i: u32| {
        let app = &app;
        async move {
            let mut req = Request::post("/open311/v2/requests.xml")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form(&[
                    ("jurisdiction_id", "demo"),
                    ("api_key", "not-a-key"),
                    ("service_code", "1"),
                    ("description", &format!("Яма номер {i} у дома")),
                ])))
                .unwrap();
            let addr: SocketAddr = "203.0.113.5:40000".parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(addr));
            app.send(req).await
        }
    };
    for i in 0..RateLimits::default().ip_burst {
        let r = send(i).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a wrong key: {}", r.body);
    }
    let r = send(99).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(
        r.header("retry-after")
            .is_some_and(|v| v.parse::<u64>().is_ok())
    );
    let doc = roxmltree::Document::parse(&r.body).expect("XML");
    assert_eq!(doc.root_element().tag_name().name(), "errors");
    assert!(r.body.contains("<code>429</code>"), "{}", r.body);
}

//! `GET /metrics`: counters and gauges in the Prometheus text format (0.0.4), written by hand.
//!
//! Labels are bounded by construction: `route` is the matched route template (`/t/{code}`,
//! never the raw path with a tracking code in it) or `unmatched`; `method` is one of the
//! standard methods or `other`; `site` is a registered site's key. Nothing here carries a body,
//! a query or personal data.
//!
//! Who may read it: a direct connection from loopback (no `X-Forwarded-For`/`Forwarded` header,
//! so not through a reverse proxy on the same machine), or anyone presenting the configured
//! `Authorization: Bearer <metrics_token>`. Everyone else gets 404, as if it did not exist.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// Upper bounds (seconds) of the request duration histogram's buckets.
pub const DURATION_BUCKETS: [f64; 11] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, &'static str, u16), u64>>,
    durations: Mutex<BTreeMap<String, Histogram>>,
    submissions: Mutex<BTreeMap<(String, &'static str), u64>>,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Per bucket, not cumulative; summed when rendered.
    counts: [u64; DURATION_BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Metrics {
    pub fn record_request(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_owned(), method, status)).or_default() += 1;
        }
        if let Ok(mut d) = self.durations.lock() {
            let h = d.entry(route.to_owned()).or_default();
            if let Some(i) = DURATION_BUCKETS.iter().position(|b| seconds <= *b) {
                h.counts[i] += 1;
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    /// A report was stored; `source` is `widget` or `open311`.
    pub fn record_submission(&self, site: &str, source: &'static str) {
        if let Ok(mut s) = self.submissions.lock() {
            *s.entry((site.to_owned(), source)).or_default() += 1;
        }
    }

    /// The exposition text, with the gauges read now from `state`.
    pub fn render(&self, state: &AppState, outbox: crate::mail::OutboxStats) -> String {
        let mut out = String::new();
        out.push_str("# HELP civic_http_requests_total HTTP requests answered, by route template, method and status.\n");
        out.push_str("# TYPE civic_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((route, method, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "civic_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP civic_http_request_duration_seconds Time to produce the response head, by route template.\n");
        out.push_str("# TYPE civic_http_request_duration_seconds histogram\n");
        if let Ok(d) = self.durations.lock() {
            for (route, h) in d.iter() {
                let route = escape(route);
                let mut cumulative = 0;
                for (bound, n) in DURATION_BUCKETS.iter().zip(h.counts) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "civic_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "civic_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "civic_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "civic_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        out.push_str("# HELP civic_submissions_total Reports stored (committed), by site key and source (widget, open311).\n");
        out.push_str("# TYPE civic_submissions_total counter\n");
        if let Ok(s) = self.submissions.lock() {
            for ((site, source), n) in s.iter() {
                let _ = writeln!(
                    out,
                    "civic_submissions_total{{site=\"{}\",source=\"{source}\"}} {n}",
                    escape(site)
                );
            }
        }
        let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let db = state.db.path();
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        out.push_str("# HELP civic_db_size_bytes Size of the SQLite database file.\n");
        out.push_str("# TYPE civic_db_size_bytes gauge\n");
        let _ = writeln!(out, "civic_db_size_bytes {}", size(db));
        out.push_str("# HELP civic_db_wal_size_bytes Size of the SQLite write-ahead log (shrinks at checkpoints).\n");
        out.push_str("# TYPE civic_db_wal_size_bytes gauge\n");
        let _ = writeln!(
            out,
            "civic_db_wal_size_bytes {}",
            size(std::path::Path::new(&wal))
        );
        out.push_str("# HELP civic_db_write_queue_depth Write jobs waiting for the database writer thread.\n");
        out.push_str("# TYPE civic_db_write_queue_depth gauge\n");
        let _ = writeln!(out, "civic_db_write_queue_depth {}", state.db.queue_depth());
        for (name, help, value) in [
            (
                "civic_outbox_queued",
                "E-mail messages waiting to be sent, retries included.",
                outbox.queued,
            ),
            (
                "civic_outbox_oldest_age_seconds",
                "Age of the oldest message waiting to be sent (0 when none waits).",
                outbox.oldest_age_seconds,
            ),
            (
                "civic_outbox_failed",
                "Messages given up (a permanent refusal, or retries past the limit), kept for the retention period.",
                outbox.failed,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

/// Label values are route templates and site keys; escaped anyway as the format asks.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The middleware that counts every request under its route template.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.record_request(
        &route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    if !allowed(&state, &parts) {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A database too busy to count the outbox must not take the metrics down with it.
    let outbox = state
        .db
        .read(|conn| crate::mail::stats(conn).map_err(crate::db::DbError::from))
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "outbox not counted for /metrics");
            crate::mail::OutboxStats::default()
        });
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(&state, outbox),
    )
        .into_response()
}

fn allowed(state: &AppState, parts: &axum::http::request::Parts) -> bool {
    if let Some(token) = &state.config.metrics_token
        && bearer(&parts.headers).is_some_and(|given| constant_time_eq(given, token))
    {
        return true;
    }
    let proxied =
        parts.headers.contains_key("x-forwarded-for") || parts.headers.contains_key("forwarded");
    crate::ratelimit::peer_ip(parts).is_loopback() && !proxied
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Compares without stopping at the first difference, so timing does not reveal a prefix.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

//! The map benchmark (`host-service dev bench-map`, run per database size by `cargo xtask
//! bench-map`): viewport query latency at every zoom from the whole city to a street, beside a
//! raw R*Tree count of the same viewports on the same database in the same run; payload sizes;
//! one zoom through HTTP; the process's RSS afterwards. Prints markdown table rows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use civic_wire::Bounds;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::generate::Rng;
use super::{MapRequest, raw_count, view};
use crate::api::ApiError;
use crate::demo::{self, CENTRE};
use crate::sites::find_site;
use crate::{AppState, Config};

/// A desktop map: 1280×800 px.
const VIEW_W: f64 = 1280.0;
const VIEW_H: f64 = 800.0;
/// The zoom measured through HTTP too.
const HTTP_ZOOM: u8 = 13;

/// The viewport of `VIEW_W`×`VIEW_H` px centred on (lat, lon) at `zoom`.
pub fn viewport(lat: f64, lon: f64, zoom: u8) -> Bounds {
    let world = 256.0 * (1u64 << zoom) as f64;
    let x = super::index::mercator_x(lon) * world;
    let y = super::index::mercator_y(lat) * world;
    let lon_of = |x: f64| x / world * 360.0 - 180.0;
    let lat_of = |y: f64| {
        let n = std::f64::consts::PI * (1.0 - 2.0 * y / world);
        n.sinh().atan().to_degrees()
    };
    Bounds {
        west: lon_of(x - VIEW_W / 2.0),
        east: lon_of(x + VIEW_W / 2.0),
        north: lat_of(y - VIEW_H / 2.0),
        south: lat_of(y + VIEW_H / 2.0),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A benchmark case: name, zoom, categories, statuses, since.
type Case = (String, u8, Vec<i64>, Vec<civic_wire::Status>, Option<i64>);

struct Row {
    case: String,
    p50: f64,
    p99: f64,
    raw_p50: f64,
    raw_p99: f64,
    bytes_avg: usize,
    bytes_max: usize,
    items_max: usize,
}

pub async fn run(
    config: Config,
    header: bool,
    queries: usize,
    json: Option<PathBuf>,
) -> anyhow::Result<()> {
    let state = AppState::open(&config)?;
    // As `run()` does: a database generated before the month cells gets them here, once.
    let started = std::time::Instant::now();
    crate::map::index_missing(&state.db).await?;
    if started.elapsed().as_secs() > 1 {
        eprintln!("index catch-up (month cells) took {:?}", started.elapsed());
    }
    let (site, problems) = state
        .db
        .read(|conn| {
            let site = find_site(conn, demo::SITE_KEY)?.ok_or(ApiError::UnknownSite)?;
            let n: i64 = conn.query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
            Ok::<_, ApiError>((site, n))
        })
        .await?;
    let categories: Vec<i64> = state
        .db
        .read({
            let m = site.municipality_id;
            move |conn| {
                conn.prepare(
                    "SELECT id FROM categories WHERE municipality_id = ?1 ORDER BY position",
                )?
                .query_map([m], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()
                .map_err(ApiError::from)
            }
        })
        .await?;
    let today = time::OffsetDateTime::now_utc().date();
    let since = |days: i64| {
        (today - time::Duration::days(days))
            .midnight()
            .assume_utc()
            .unix_timestamp()
    };
    // Cases: every zoom unfiltered, then filters at a city-wide zoom.
    let mut cases: Vec<Case> = (11..=17)
        .map(|z| (format!("z{z}"), z, Vec::new(), Vec::new(), None))
        .collect();
    cases.push((
        "z12 category".into(),
        12,
        vec![categories[0]],
        Vec::new(),
        None,
    ));
    cases.push((
        "z12 status open".into(),
        12,
        Vec::new(),
        vec![
            civic_wire::Status::Published,
            civic_wire::Status::InProgress,
        ],
        None,
    ));
    cases.push((
        "z12 since 30 d".into(),
        12,
        Vec::new(),
        Vec::new(),
        Some(since(30)),
    ));
    cases.push((
        "z14 since 365 d".into(),
        14,
        Vec::new(),
        Vec::new(),
        Some(since(365)),
    ));

    let mut rows = Vec::new();
    for (name, zoom, cats, statuses, since) in cases {
        let site = site.clone();
        let row = state
            .db
            .read(move |conn| {
                // Centres near the middle of the city, where the streets are, the same each run.
                let mut rng = Rng::new(u64::from(zoom) * 7919);
                let spread = 0.03 / f64::from(zoom.saturating_sub(10).max(1));
                let mut times = Vec::new();
                let mut raw_times = Vec::new();
                let (mut bytes_sum, mut bytes_max, mut items_max) = (0, 0, 0);
                for i in 0..queries + 20 {
                    let lat = CENTRE.lat + (rng.unit() - 0.5) * spread;
                    let lon = CENTRE.lon + (rng.unit() - 0.5) * spread * 1.7;
                    let bbox = viewport(lat, lon, zoom);
                    let req = MapRequest {
                        bbox,
                        zoom,
                        categories: cats.clone(),
                        statuses: statuses.clone(),
                        since,
                    };
                    let t = Instant::now();
                    let answer = view(conn, &site, &req)?;
                    let took = t.elapsed();
                    let t = Instant::now();
                    let clipped = Bounds {
                        west: bbox.west.max(site.bounds.west),
                        south: bbox.south.max(site.bounds.south),
                        east: bbox.east.min(site.bounds.east),
                        north: bbox.north.min(site.bounds.north),
                    };
                    let _ = raw_count(conn, clipped)?;
                    let raw = t.elapsed();
                    // The first 20 warm the caches.
                    if i >= 20 {
                        times.push(took);
                        raw_times.push(raw);
                        let bytes = serde_json::to_vec(&answer).map(|v| v.len()).unwrap_or(0);
                        bytes_sum += bytes;
                        bytes_max = bytes_max.max(bytes);
                        items_max = items_max.max(answer.clusters.len() + answer.problems.len());
                    }
                }
                times.sort();
                raw_times.sort();
                Ok::<_, ApiError>(Row {
                    case: name,
                    p50: percentile(&times, 0.5),
                    p99: percentile(&times, 0.99),
                    raw_p50: percentile(&raw_times, 0.5),
                    raw_p99: percentile(&raw_times, 0.99),
                    bytes_avg: bytes_sum / queries.max(1),
                    bytes_max,
                    items_max,
                })
            })
            .await?;
        rows.push(row);
    }

    // One zoom through HTTP: the real router, a real socket, keep-alive.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut rng = Rng::new(4242);
    let mut http_times = Vec::new();
    for i in 0..queries + 20 {
        let lat = CENTRE.lat + (rng.unit() - 0.5) * 0.01;
        let lon = CENTRE.lon + (rng.unit() - 0.5) * 0.017;
        let b = viewport(lat, lon, HTTP_ZOOM);
        let request = format!(
            "GET /api/v1/sites/{}/map?bbox={:.6},{:.6},{:.6},{:.6}&zoom={HTTP_ZOOM} HTTP/1.1\r\nHost: {addr}\r\n\r\n",
            demo::SITE_KEY,
            b.west,
            b.south,
            b.east,
            b.north
        );
        let t = Instant::now();
        stream.write_all(request.as_bytes()).await?;
        let status = read_response(&mut stream).await?;
        let took = t.elapsed();
        anyhow::ensure!(status == 200, "HTTP {status}");
        if i >= 20 {
            http_times.push(took);
        }
    }
    let _ = stop.send(());
    drop(stream);
    let _ = server.await;
    http_times.sort();
    let rss = rss_mb();

    if header {
        println!(
            "| problems | viewport | query p50 ms | query p99 ms | raw R*Tree count p50 ms | raw p99 ms | payload avg / max B | items max |"
        );
        println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    }
    for r in &rows {
        println!(
            "| {problems} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {} / {} | {} |",
            r.case, r.p50, r.p99, r.raw_p50, r.raw_p99, r.bytes_avg, r.bytes_max, r.items_max
        );
    }
    println!(
        "| {problems} | HTTP z{HTTP_ZOOM} (keep-alive, whole stack) | {:.2} | {:.2} | | | | |",
        percentile(&http_times, 0.5),
        percentile(&http_times, 0.99)
    );
    println!("| {problems} | host RSS after queries: {rss:.0} MB | | | | | | |");
    if let Some(path) = json {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{{\"problems\":{problems},\"rss_mb\":{rss:.1}}}")?;
    }
    Ok(())
}

/// Reads one HTTP/1.1 response with a `Content-Length` body; returns its status.
async fn read_response(stream: &mut tokio::net::TcpStream) -> anyhow::Result<u16> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await?;
                anyhow::ensure!(n > 0, "connection closed");
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
    }
}

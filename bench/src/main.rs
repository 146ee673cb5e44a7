//! Civic Widget benchmarks, run by `cargo xtask bench` (which builds this and the host in release
//! mode first). Prints one Markdown table; nothing here asserts a speed.
//!
//! Everything runs on 127.0.0.1 in a scratch folder under `target/` (the real disk, not a
//! tmpfs), bounded in time. `civic-bench load ADDR SECS CONNS PATH` is the separate-process load
//! generator the main run spawns against the release host. `civic-bench cabinet [N,…]` measures
//! only the cabinet's main queries (list, overdue list, statistics) at N problems (default
//! 10k, 100k and 1M), each beside a full scan of the same table in the same run.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use host_service::{AppState, Config, RateLimits};
use rusqlite::{Connection, params};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

/// Seconds each throughput measurement runs.
const THROUGHPUT_SECS: u64 = 5;
/// Concurrent HTTP clients filing reports.
const SUBMIT_CLIENTS: usize = 16;
/// Connections of the separate-process load generator.
const LOAD_CONNS: usize = 32;
const START_RUNS: usize = 10;
const LIST_RUNS: usize = 300;

struct Row(String, String);

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("load") {
        return load_main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("cabinet") {
        return cabinet_main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("submit") {
        return submit_main(&args[1..]);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let host_bin = std::env::current_exe()?.with_file_name("host-service");
    anyhow::ensure!(
        host_bin.exists(),
        "{} is missing: run `cargo xtask bench`",
        host_bin.display()
    );
    let scratch_root = root.join("target/bench-scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let scratch = tempfile::tempdir_in(&scratch_root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut rows = Vec::new();

    eprintln!("submissions over HTTP vs a raw rusqlite loop ...");
    let (http, raw) = runtime.block_on(submissions(scratch.path()))?;
    rows.push(Row(
        format!("Reports over HTTP, {SUBMIT_CLIENTS} clients, synchronous=FULL"),
        format!("{http:.0} /s"),
    ));
    rows.push(Row(
        "Raw rusqlite loop, one-row transactions, WAL, synchronous=FULL".into(),
        format!("{raw:.0} /s"),
    ));
    rows.push(Row(
        "Ratio HTTP / raw (goal ≥ 1.5)".into(),
        format!("{:.2}", http / raw),
    ));

    let mut big_db = PathBuf::new();
    for n in [10_000usize, 100_000] {
        eprintln!("cabinet list at {n} problems ...");
        let db = scratch.path().join(format!("list-{n}.db"));
        runtime.block_on(generate(&db, n))?;
        let (all, filtered) = list_latency(&db)?;
        rows.push(Row(
            format!("Cabinet list page (rows + total) at {n} problems, p50 / p99"),
            format!("{} / {}", micros(all.0), micros(all.1)),
        ));
        rows.push(Row(
            format!("… filtered by status at {n} problems, p50 / p99"),
            format!("{} / {}", micros(filtered.0), micros(filtered.1)),
        ));
        big_db = db;
    }

    eprintln!("start-up ...");
    let start_db = scratch.path().join("start.db");
    runtime.block_on(generate(&start_db, 0))?;
    let mut starts = Vec::new();
    for _ in 0..START_RUNS {
        let t = Instant::now();
        let host = Host::start(&host_bin, &start_db)?;
        starts.push(t.elapsed());
        host.stop();
    }
    starts.sort();
    rows.push(Row(
        format!("Start-up to first served /healthz (release, {START_RUNS} runs), p50"),
        format!("{:.1} ms", starts[START_RUNS / 2].as_secs_f64() * 1000.0),
    ));

    eprintln!("load from a separate process ...");
    let host = Host::start(&host_bin, &big_db)?;
    let out = Command::new(std::env::current_exe()?)
        .args([
            "load",
            &host.addr.to_string(),
            &THROUGHPUT_SECS.to_string(),
            &LOAD_CONNS.to_string(),
            "/api/v1/sites/demo",
        ])
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "load generator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<f64> = said
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let rss = host.rss_kib()?;
    host.stop();
    rows.push(Row(
        format!(
            "GET /api/v1/sites/demo from a separate process ({LOAD_CONNS} keep-alive conns, {THROUGHPUT_SECS} s)"
        ),
        format!(
            "{:.0} req/s, p50 {}, p99 {}",
            fields[0],
            micros(Duration::from_secs_f64(fields[1] / 1e6)),
            micros(Duration::from_secs_f64(fields[2] / 1e6))
        ),
    ));
    rows.push(Row(
        "Host RSS after that load, 100k problems in the database".into(),
        format!("{:.1} MiB", rss as f64 / 1024.0),
    ));

    for (name, raw, gz) in widget_sizes(&root.join("dist"))? {
        rows.push(Row(
            format!("Widget `{name}` (both modes load the same bundle), raw / gzip -9"),
            format!(
                "{:.1} KiB / {:.1} KiB",
                raw as f64 / 1024.0,
                gz as f64 / 1024.0
            ),
        ));
    }

    println!("| measure | result |\n|---|---|");
    for Row(name, value) in rows {
        println!("| {name} | {value} |");
    }
    Ok(())
}

fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// `civic-bench submit [RUNS]`: the submissions measurement alone, `RUNS` times (3 by
/// default), each printing reports/s over HTTP, the raw loop's and their ratio (for profiling
/// the report's path without the rest of the benchmark).
fn submit_main(args: &[String]) -> Result<()> {
    let runs: usize = args.first().map_or(Ok(3), |a| a.parse())?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch_root = root.join("target/bench-scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    for run in 1..=runs {
        let scratch = tempfile::tempdir_in(&scratch_root)?;
        let (http, raw) = runtime.block_on(submissions(scratch.path()))?;
        println!(
            "run {run}: HTTP {http:.0} /s, raw loop {raw:.0} /s, ratio {:.2}",
            http / raw
        );
    }
    Ok(())
}

/// Reports through the real stack (in process, loopback sockets), then the raw loop on the
/// same disk; both for [`THROUGHPUT_SECS`]. Returns (http, raw) per second.
async fn submissions(dir: &Path) -> Result<(f64, f64)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = Config::new(addr, dir.join("http.db"));
    config.rate_limits = RateLimits::unlimited();
    let state = AppState::open(&config)?;
    host_service::demo::seed(&state).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(host_service::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let body = serde_json::json!({
        "category_id": 1, "description": "Не горит фонарь у школы номер 3",
        "location": { "lat": 54.5138, "lon": 36.2612 }, "consent": true,
        "reporter": { "name": "Бенчмарк", "email": "bench@example.ru" }
    })
    .to_string();
    let request = format!(
        "POST /api/v1/sites/demo/problems HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let deadline = Instant::now() + Duration::from_secs(THROUGHPUT_SECS);
    let started = Instant::now();
    let clients: Vec<_> = (0..SUBMIT_CLIENTS)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut conn = KeepAlive::connect(addr).await?;
                let mut created = 0u64;
                while Instant::now() < deadline {
                    if conn.roundtrip(request.as_bytes()).await? == 201 {
                        created += 1;
                    }
                }
                anyhow::Ok(created)
            })
        })
        .collect();
    let mut created = 0;
    for c in clients {
        created += c.await??;
    }
    let http = created as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server.await??;

    let raw_path = dir.join("raw.db");
    let raw = tokio::task::spawn_blocking(move || -> Result<f64> {
        let conn = Connection::open(raw_path)?;
        conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))?;
        conn.execute_batch(
            "PRAGMA synchronous=FULL;
             CREATE TABLE reports (id INTEGER PRIMARY KEY, description TEXT NOT NULL, created_at INTEGER NOT NULL);",
        )?;
        let deadline = Instant::now() + Duration::from_secs(THROUGHPUT_SECS);
        let started = Instant::now();
        let mut n = 0u64;
        while Instant::now() < deadline {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            conn.execute(
                "INSERT INTO reports (description, created_at) VALUES (?1, ?2)",
                params!["Не горит фонарь у школы номер 3", n as i64],
            )?;
            conn.execute_batch("COMMIT")?;
            n += 1;
        }
        Ok(n as f64 / started.elapsed().as_secs_f64())
    })
    .await??;
    Ok((http, raw))
}

/// A host database (migrated, demo city seeded) with `n` generated problems, from a seeded
/// generator so every run measures the same data.
async fn generate(db: &Path, n: usize) -> Result<()> {
    let config = Config::new("127.0.0.1:0".parse()?, db);
    let state = AppState::open(&config)?;
    host_service::demo::seed(&state).await?;
    drop(state);
    let mut conn = Connection::open(db)?;
    let txn = conn.transaction()?;
    let (site_id, municipality_id): (i64, i64) = txn.query_row(
        "SELECT id, municipality_id FROM sites WHERE key = 'demo'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let categories: Vec<i64> = txn
        .prepare("SELECT id FROM categories WHERE municipality_id = ?1")?
        .query_map([municipality_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    const STATUSES: [&str; 7] = [
        "new",
        "published",
        "in_progress",
        "resolved",
        "refused",
        "duplicate",
        "closed",
    ];
    const WORDS: [&str; 8] = [
        "яма",
        "фонарь",
        "мусор",
        "скамейка",
        "люк",
        "дерево",
        "остановка",
        "двор",
    ];
    {
        let mut problem = txn.prepare(
            "INSERT INTO problems (site_id, category_id, status, description, address, lat, lon, tracking_code, lang, created_at, updated_at, published_at, due_at, agency_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ru', ?9, ?9, ?10, ?11, ?12)",
        )?;
        let agencies: Vec<i64> = txn
            .prepare("SELECT id FROM agencies WHERE municipality_id = ?1")?
            .query_map([municipality_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut reporter = txn.prepare(
            "INSERT INTO reporters (problem_id, name, email, phone, consent_at) VALUES (?1, ?2, ?3, NULL, ?4)",
        )?;
        let mut rng = 0x5EED_u64;
        let mut next = move || {
            rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let now = GENERATED_NOW;
        for i in 0..n {
            let status = STATUSES[(next() % 7) as usize];
            let at = now - (n - i) as i64 * 60;
            let description = format!(
                "{} и {} у дома {}",
                WORDS[(next() % 8) as usize],
                WORDS[(next() % 8) as usize],
                next() % 200
            );
            problem.execute(params![
                site_id,
                categories[(next() as usize) % categories.len()],
                status,
                description,
                format!("ул. Генерированная, {}", next() % 100),
                54.45 + (next() % 1000) as f64 / 10_000.0,
                36.15 + (next() % 1000) as f64 / 10_000.0,
                format!("bench{i:010}"),
                at,
                (status != "new").then_some(at + 3600),
                // A 30-day term from publication.
                (status != "new").then_some(at + 3600 + 30 * 86_400),
                agencies
                    .get((next() as usize) % agencies.len().max(1))
                    .copied(),
            ])?;
            reporter.execute(params![
                txn.last_insert_rowid(),
                "Житель",
                "resident@example.ru",
                at
            ])?;
        }
    }
    txn.commit()?;
    Ok(())
}

/// The moment the generated problems are "now" for: the last was filed a minute before.
const GENERATED_NOW: i64 = 1_780_000_000;

/// `civic-bench cabinet [N,…]`: the cabinet's main queries at N problems.
fn cabinet_main(args: &[String]) -> Result<()> {
    let sizes: Vec<usize> = match args.first() {
        Some(list) => list
            .split(',')
            .map(|n| n.trim().parse().context("sizes: N,N,…"))
            .collect::<Result<_>>()?,
        None => vec![10_000, 100_000, 1_000_000],
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch_root = root.join("target/bench-scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let scratch = tempfile::tempdir_in(&scratch_root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!("| measure | result |\n|---|---|");
    for n in sizes {
        eprintln!("generating {n} problems ...");
        let db = scratch.path().join(format!("cabinet-{n}.db"));
        runtime.block_on(generate(&db, n))?;
        for Row(name, value) in cabinet_latency(&db, n)? {
            println!("| {name} | {value} |");
        }
    }
    Ok(())
}

/// (p50, p99) of `runs` runs of `f`.
fn timed(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
}

/// The cabinet's main pages' queries at `n` problems, each with its ratio to a full scan of
/// `problems` (`count(*)` of a column, as the baseline of the same run).
fn cabinet_latency(db: &Path, n: usize) -> Result<Vec<Row>> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let municipality: i64 = conn.query_row(
        "SELECT municipality_id FROM sites WHERE key = 'demo'",
        [],
        |r| r.get(0),
    )?;
    let lang = civic_wire::Lang::Ru;
    let scan = timed(20, || {
        let k: i64 = conn.query_row("SELECT count(description) FROM problems", [], |r| r.get(0))?;
        std::hint::black_box(k);
        Ok(())
    })?;
    let list = timed(200, || {
        let filter = host_service::cabinet::ListFilter {
            status: None,
            category: None,
            agency: None,
            district: None,
        };
        let page = host_service::cabinet::list_page(
            &conn,
            municipality,
            filter,
            host_service::cabinet::ListCursor::First,
            lang,
        )?;
        let total = host_service::cabinet::list_total(&conn, municipality, filter)?;
        std::hint::black_box((page.rows.len(), total));
        Ok(())
    })?;
    // "Now" a week after the last filing: everything published more than 37 days before is late.
    let now = GENERATED_NOW + 7 * 86_400;
    let overdue = timed(200, || {
        let page =
            host_service::deadlines::overdue_page(&conn, municipality, None, now, None, lang)?;
        let count = host_service::deadlines::overdue_count(&conn, municipality, None, now)?;
        std::hint::black_box((page.0.len(), count));
        Ok(())
    })?;
    // As the page asks: a period from a moment, all time from the beginning.
    let stats = |days: Option<i64>, runs: usize| {
        timed(runs, || {
            let s = host_service::cabinet::stats::compute(
                &conn,
                municipality,
                host_service::cabinet::stats::Scope::Municipality,
                days.map_or(i64::MIN, |d| GENERATED_NOW - d * 86_400),
                lang,
            )?;
            std::hint::black_box(s.by_status.len());
            Ok(())
        })
    };
    let stats_month = stats(Some(30), 20)?;
    let stats_all = stats(None, 5)?;
    let ratio = |d: Duration| d.as_secs_f64() / scan.1.as_secs_f64().max(1e-9);
    let row = |name: &str, (p50, p99): (Duration, Duration)| {
        Row(
            format!("{name} at {n} problems, p50 / p99 (p99 ÷ full scan)"),
            format!("{} / {} ({:.3})", micros(p50), micros(p99), ratio(p99)),
        )
    };
    Ok(vec![
        Row(
            format!("Baseline: full scan of `problems` at {n}, p50 / p99"),
            format!("{} / {}", micros(scan.0), micros(scan.1)),
        ),
        row("Cabinet list, first page + total", list),
        row("Overdue list, first page + count", overdue),
        row(
            "Statistics, last 30 days (counts, times, ratings, heat map)",
            stats_month,
        ),
        row("Statistics, all time", stats_all),
    ])
}

/// The cabinet's list query (the first page and the total: `cabinet.rs`'s own functions):
/// (p50, p99) unfiltered and filtered by status.
fn list_latency(db: &Path) -> Result<((Duration, Duration), (Duration, Duration))> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let municipality: i64 = conn.query_row(
        "SELECT municipality_id FROM sites WHERE key = 'demo'",
        [],
        |r| r.get(0),
    )?;
    let measure = |status: Option<&str>| -> Result<(Duration, Duration)> {
        let mut times = Vec::with_capacity(LIST_RUNS);
        for _ in 0..LIST_RUNS {
            let t = Instant::now();
            let filter = host_service::cabinet::ListFilter {
                status: status.and_then(civic_wire::Status::parse),
                category: None,
                agency: None,
                district: None,
            };
            let rows = host_service::cabinet::list_page(
                &conn,
                municipality,
                filter,
                host_service::cabinet::ListCursor::First,
                civic_wire::Lang::Ru,
            )?
            .rows
            .len();
            let total = host_service::cabinet::list_total(&conn, municipality, filter)?;
            std::hint::black_box((rows, total));
            times.push(t.elapsed());
        }
        times.sort();
        Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
    };
    Ok((measure(None)?, measure(Some("in_progress"))?))
}

/// Files in `dist/` (not their precompressed `.br`/`.gz` copies): (name, bytes, gzip -9 bytes).
fn widget_sizes(dist: &Path) -> Result<Vec<(String, u64, u64)>> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut stack = vec![dist.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_some_and(|e| e == "br" || e == "gz") {
                continue;
            }
            let bytes = std::fs::read(&path)?;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&bytes)?;
            let name = path.strip_prefix(dist)?.display().to_string();
            out.push((name, bytes.len() as u64, gz.finish()?.len() as u64));
        }
    }
    out.sort();
    Ok(out)
}

/// The release host as a child process.
struct Host {
    process: std::process::Child,
    addr: SocketAddr,
}

impl Host {
    fn start(bin: &Path, db: &Path) -> Result<Host> {
        let mut process = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--no-demo", "--db"])
            .arg(db)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut lines = BufReader::new(process.stderr.take().context("stderr")?).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            let Some(line) = lines.next() else {
                bail!("the host exited before listening")
            };
            if let Some(addr) = line?
                .split_whitespace()
                .find_map(|w| w.strip_prefix("listen="))
                .and_then(|a| a.parse().ok())
            {
                break addr;
            }
            anyhow::ensure!(Instant::now() < deadline, "the host did not start");
        };
        // Drain the log so the pipe never fills.
        std::thread::spawn(move || for _ in lines {});
        loop {
            if healthz(addr) {
                return Ok(Host { process, addr });
            }
            anyhow::ensure!(Instant::now() < deadline, "the host did not serve /healthz");
        }
    }

    fn rss_kib(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS")
    }

    fn stop(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn healthz(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200")
}

/// One HTTP/1.1 keep-alive connection: send a request, read one response.
struct KeepAlive {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
    line: String,
    body: Vec<u8>,
}

impl KeepAlive {
    async fn connect(addr: SocketAddr) -> Result<KeepAlive> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(KeepAlive {
            stream: tokio::io::BufReader::new(stream),
            line: String::new(),
            body: Vec::new(),
        })
    }

    async fn roundtrip(&mut self, request: &[u8]) -> Result<u16> {
        self.stream.get_mut().write_all(request).await?;
        self.line.clear();
        self.stream.read_line(&mut self.line).await?;
        let status: u16 = self
            .line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no status line")?;
        let mut length = 0usize;
        loop {
            self.line.clear();
            self.stream.read_line(&mut self.line).await?;
            let header = self.line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse()?;
            }
        }
        self.body.resize(length, 0);
        self.stream.read_exact(&mut self.body).await?;
        Ok(status)
    }
}

/// `load ADDR SECS CONNS PATH`: GETs PATH on CONNS keep-alive connections for SECS; prints
/// "requests_per_sec p50_us p99_us".
fn load_main(args: &[String]) -> Result<()> {
    let [addr, secs, conns, path] = args else {
        bail!("usage: civic-bench load ADDR SECS CONNS PATH")
    };
    let addr: SocketAddr = addr.parse()?;
    anyhow::ensure!(addr.ip().is_loopback(), "load goes to loopback only");
    let secs: u64 = secs.parse()?;
    let conns: usize = conns.parse()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let started = Instant::now();
        let tasks: Vec<_> = (0..conns)
            .map(|_| {
                let request = request.clone();
                tokio::spawn(async move {
                    let mut conn = KeepAlive::connect(addr).await?;
                    let mut times = Vec::new();
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let status = conn.roundtrip(request.as_bytes()).await?;
                        anyhow::ensure!(status == 200, "status {status}");
                        times.push(t.elapsed());
                    }
                    anyhow::Ok(times)
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        let elapsed = started.elapsed().as_secs_f64();
        all.sort();
        println!(
            "{:.1} {:.1} {:.1}",
            all.len() as f64 / elapsed,
            percentile(&all, 0.5).as_secs_f64() * 1e6,
            percentile(&all, 0.99).as_secs_f64() * 1e6
        );
        Ok(())
    })
}

//! The real `host-service` binary as a child process, and a tiny blocking HTTP/1.1 client.
//!
//! The child listens on `127.0.0.1:0`; its address is read from its own start-up log line, and
//! it counts as ready once `/healthz` answers 200, both within a deadline.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a child may take to start before the test fails.
pub const START_DEADLINE: Duration = Duration::from_secs(30);

pub struct Host {
    pub process: std::process::Child,
    pub addr: SocketAddr,
    /// Every line the child wrote to stderr (its log), for failure messages.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Host {
    /// Starts the binary on `db` with report rate limits off (plus `extra` flags) and waits
    /// until it serves `/healthz`.
    pub fn start(db: &Path, extra: &[&str]) -> Host {
        let mut process = Command::new(env!("CARGO_BIN_EXE_host-service"))
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .args([
                "--ip-reports-per-minute",
                "0",
                "--site-reports-per-minute",
                "0",
                // The tests count the problems they file: no generated demo problems.
                "--demo-problems",
                "0",
            ])
            .args(extra)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the host binary starts");
        let stderr = process.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, listen) = mpsc::channel::<SocketAddr>();
        let lines = log.clone();
        // Keeps draining stderr for the child's whole life, so its log pipe never fills up.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let line = strip_ansi(&line);
                if let Some(addr) = line
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("listen="))
                    .and_then(|a| a.parse().ok())
                {
                    let _ = found.send(addr);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let deadline = Instant::now() + START_DEADLINE;
        let addr = match listen.recv_timeout(START_DEADLINE) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = process.kill();
                let _ = process.wait();
                panic!(
                    "the host did not report its address in time:\n{}",
                    log.lock().unwrap().join("\n")
                );
            }
        };
        let mut host = Host { process, addr, log };
        loop {
            if let Ok((200, _)) = get(addr, "/healthz") {
                return host;
            }
            if let Ok(Some(status)) = host.process.try_wait() {
                panic!("the host exited with {status}:\n{}", host.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "the host did not serve /healthz in time:\n{}",
                host.log_text()
            );
            std::thread::yield_now();
        }
    }

    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.process.id() as i32)
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGKILL to this child (only), then reap it.
    pub fn kill(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Waits for the child to exit by itself, at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.process.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the host did not exit in time:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Ok(None) = self.process.try_wait() {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One request over a fresh connection; returns the status and the body.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> std::io::Result<(u16, String)> {
    let text = String::from_utf8_lossy(raw);
    let broken = || std::io::Error::new(std::io::ErrorKind::InvalidData, "no HTTP response");
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(broken)?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    request(addr, "GET", path, &[], b"")
}

/// A valid report for the demo site (no `Origin`: as a server-side client would send it).
pub fn report_json(n: u64) -> String {
    serde_json::json!({
        "category_id": 1,
        "description": format!("Не горит фонарь у дома номер {n}"),
        "location": { "lat": 54.5138, "lon": 36.2612 },
        "consent": true
    })
    .to_string()
}

/// Files a report; `Some((id, tracking_code))` when the host answered 201.
pub fn submit(addr: SocketAddr, n: u64) -> std::io::Result<Option<(i64, String)>> {
    let (status, body) = request(
        addr,
        "POST",
        "/api/v1/sites/demo/problems",
        &[("Content-Type", "application/json")],
        report_json(n).as_bytes(),
    )?;
    if status != 201 {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    Ok(Some((
        v["id"].as_i64().expect("an id"),
        v["tracking_code"].as_str().expect("a code").to_owned(),
    )))
}

/// A small seeded generator (splitmix64): the same seed gives the same kill moments.
pub struct Rng(pub u64);

impl Rng {
    pub fn from_env_or_time(var: &str) -> Rng {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("{var}={seed}");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

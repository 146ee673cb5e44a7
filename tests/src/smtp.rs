//! A real SMTP server process for the e-mail tests: `tools/smtp-sink.py` (Python's aiosmtpd,
//! installed by `scripts/install-tools.sh`), listening on 127.0.0.1 and saving every message it
//! accepts. It can be stopped and started again on the same port, as an SMTP outage.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// One message as the server received it, decoded by Python's e-mail parser.
#[derive(Debug, Clone)]
pub struct Received {
    pub envelope_to: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub content_type: String,
    pub charset: String,
    /// The text body, with `\r\n` turned into `\n`.
    pub body: String,
    /// The HTML body (empty when there is none).
    pub html: String,
    pub reply_to: String,
    /// The attachments: file name, MIME type, size in bytes.
    pub attachments: Vec<(String, String, usize)>,
    /// Where the message as received (`.eml`) is.
    pub raw_path: PathBuf,
}

impl Received {
    /// The first `http(s)://` link in the body that contains `part`.
    pub fn link_with(&self, part: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .find(|w| (w.starts_with("http://") || w.starts_with("https://")) && w.contains(part))
            .map(str::to_owned)
    }
}

pub struct SmtpSink {
    child: Option<Child>,
    port: u16,
    dir: TempDir,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spawn(dir: &Path, port: u16) -> (Child, u16) {
    let root = repo_root();
    let python = root.join(".tools/venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/install-tools.sh",
        python.display()
    );
    let mut child = Command::new(python)
        .arg(root.join("tools/smtp-sink.py"))
        .arg("--dir")
        .arg(dir)
        .arg("--port")
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the SMTP sink starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("the SMTP sink says where it listens");
    let port = line
        .trim()
        .strip_prefix("listening ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the SMTP sink said {line:?}"));
    (child, port)
}

impl SmtpSink {
    /// Starts the server on a free port.
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let (child, port) = spawn(dir.path(), 0);
        SmtpSink {
            child: Some(child),
            port,
            dir,
        }
    }

    /// `smtp://127.0.0.1:PORT`: what `--smtp-url` is set to.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("smtp://127.0.0.1:{}", self.port)).unwrap()
    }

    /// Stops the server (SIGTERM) and waits for it: connections are refused until [`restart`].
    ///
    /// [`restart`]: SmtpSink::restart
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, keeping what it received so far.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "the SMTP sink is still running");
        let (child, port) = spawn(self.dir.path(), self.port);
        assert_eq!(port, self.port);
        self.child = Some(child);
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        // Named <nanoseconds>-<pid>-<n>: the name's number orders them.
        names.sort_by_key(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let ns: u128 = stem.split('-').next().unwrap().parse().unwrap();
            (ns, stem)
        });
        names
            .iter()
            .map(|p| {
                let v: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
                Received {
                    envelope_to: v["envelope_to"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    from: s("from"),
                    to: s("to"),
                    subject: s("subject"),
                    message_id: s("message_id"),
                    content_type: s("content_type"),
                    charset: s("charset"),
                    body: s("body").replace("\r\n", "\n"),
                    html: s("html"),
                    reply_to: s("reply_to"),
                    attachments: v["attachments"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|x| {
                                    (
                                        x["filename"].as_str().unwrap_or_default().to_owned(),
                                        x["content_type"].as_str().unwrap_or_default().to_owned(),
                                        x["size"].as_u64().unwrap_or_default() as usize,
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    raw_path: p.with_extension("eml"),
                }
            })
            .collect()
    }

    /// Waits (up to 30 s) until at least `n` messages arrived, and returns all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {n} message(s), got {}: {got:#?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

//! A real headless Chromium driven through chromedriver, and the helpers the tests use to act in
//! a page the way a person does: find, type, click, wait for what appears.
//!
//! chromedriver runs in a process group of its own, so that dropping [`Chromedriver`] ends it and
//! the Chromium it started, also when a test fails half-way.

use std::net::TcpListener as StdTcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::json;
use tempfile::TempDir;

/// How long a test waits for something a person would wait for (a page, a widget, an answer).
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Chromedriver {
    child: Child,
    port: u16,
    profiles: TempDir,
}

impl Chromedriver {
    pub async fn start() -> Chromedriver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver is installed (scripts/install-tools.sh installs it)");
        let driver = Chromedriver {
            child,
            port,
            profiles: tempfile::tempdir().unwrap(),
        };
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// A new browser session with a fresh profile, a phone-ish or desktop window size.
    pub async fn session(&self, width: u32, height: u32) -> Client {
        let profile = tempfile::tempdir_in(self.profiles.path()).unwrap().keep();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--lang=ru-RU",
            &format!("--window-size={width},{height}"),
            &format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({
            "browserName": "chrome",
            // A Russian official's or resident's browser: Accept-Language asks for Russian.
            "goog:chromeOptions": {
                "binary": chromium_binary(),
                "args": args,
                "prefs": { "intl.accept_languages": "ru-RU,ru" },
            },
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started. The group id is
        // chromedriver's own pid (it was spawned with `process_group(0)`), never 0 or 1.
        let pgid = Pid::from_raw(i32::try_from(self.child.id()).expect("a pid fits in i32"));
        assert!(pgid.as_raw() > 1, "refusing to signal process group {pgid}");
        let _ = killpg(pgid, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = killpg(pgid, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

fn chromium_binary() -> &'static str {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("/usr/bin/chromium")
}

fn free_port() -> u16 {
    StdTcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `probe` until it yields `Some`, or fails the test with `what` after [`PATIENCE`].
pub async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The shadow root of the widget mounted in the element matching `host_css`, once its form is
/// ready (`data-state="ready"` on the widget's root) and the bundle has taken over the host's
/// first screen (no `[data-civic-first]` left).
pub async fn widget(client: &Client, host_css: &str) -> ShadowRoot {
    wait_for(&format!("a ready widget in {host_css}"), || async {
        let host = client.find(Locator::Css(host_css)).await.ok()?;
        let root = host.shadow_root().await.ok()?;
        root.find(Locator::Css("[data-state=ready]")).await.ok()?;
        if root.find(Locator::Css("[data-civic-first]")).await.is_ok() {
            return None;
        }
        Some(root)
    })
    .await
}

/// The shadow root of the widget in `host_css` as soon as the host's first screen is in it (the
/// form, before the bundle has taken it over).
pub async fn first_screen(client: &Client, host_css: &str) -> ShadowRoot {
    wait_for(&format!("the first screen in {host_css}"), || async {
        let host = client.find(Locator::Css(host_css)).await.ok()?;
        let root = host.shadow_root().await.ok()?;
        root.find(Locator::Css(
            "[data-civic-first] select[name=category] option:nth-child(2)",
        ))
        .await
        .ok()?;
        Some(root)
    })
    .await
}

/// The first element matching `css` inside a shadow root, waiting for it to appear.
pub async fn find_in(root: &ShadowRoot, css: &str) -> Element {
    wait_for(&format!("{css} in the widget"), || async {
        root.find(Locator::Css(css)).await.ok()
    })
    .await
}

/// The text of `css` inside a shadow root once it is non-empty.
pub async fn text_in(root: &ShadowRoot, css: &str) -> String {
    wait_for(&format!("text in {css}"), || async {
        let t = root.find(Locator::Css(css)).await.ok()?.text().await.ok()?;
        (!t.trim().is_empty()).then_some(t)
    })
    .await
}

/// Clicks an element inside a shadow root, waiting for it to appear.
pub async fn click_in(root: &ShadowRoot, css: &str) {
    find_in(root, css).await.click().await.unwrap();
}

/// Types into a field as a person does (clearing what is there first).
pub async fn type_into(root: &ShadowRoot, css: &str, text: &str) {
    let field = find_in(root, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The number of the report the widget just confirmed (its success panel's heading).
pub async fn report_number(root: &ShadowRoot) -> i64 {
    let heading = text_in(root, ".civic-success .civic-tracking-number").await;
    heading
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a report number in {heading:?}"))
}

pub fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

impl Chromedriver {
    /// Runs a Chrome DevTools Protocol command (`Network.emulateNetworkConditions`,
    /// `Emulation.setCPUThrottlingRate`, …) in the current page of `client`'s session, through
    /// chromedriver's `POST /session/{id}/goog/cdp/execute`, and returns its result.
    ///
    /// A plain HTTP/1.1 request to chromedriver: fantoccini's custom commands
    /// (`WebDriverCompatibleCommand`) have `http::Method` in their signature, and the `http`
    /// crate is not a dependency of this one.
    pub async fn cdp(
        &self,
        client: &Client,
        cmd: &str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let session = client
            .session_id()
            .await
            .unwrap()
            .expect("a WebDriver session");
        let body = json!({ "cmd": cmd, "params": params }).to_string();
        let request = format!(
            "POST /session/{session}/goog/cdp/execute HTTP/1.1\r\n\
             Host: 127.0.0.1:{port}\r\n\
             Content-Type: application/json; charset=utf-8\r\n\
             Content-Length: {length}\r\n\
             Connection: close\r\n\r\n{body}",
            port = self.port,
            length = body.len(),
        );
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("chromedriver accepts a connection");
        stream.write_all(request.as_bytes()).await.unwrap();

        let mut response = Vec::new();
        let head_len = loop {
            if let Some(i) = response.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let read = stream.read_buf(&mut response).await.unwrap();
            assert!(
                read > 0,
                "chromedriver closed the connection before answering {cmd}"
            );
        };
        let head = String::from_utf8_lossy(&response[..head_len]).into_owned();
        let header = |name: &str| {
            head.lines().skip(1).find_map(|line| {
                let (k, v) = line.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
        };
        assert!(
            header("transfer-encoding").is_none(),
            "chromedriver answered {cmd} with a transfer encoding: {head}"
        );
        match header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            Some(length) => {
                while response.len() < head_len + length {
                    let read = stream.read_buf(&mut response).await.unwrap();
                    assert!(read > 0, "chromedriver's answer to {cmd} was cut short");
                }
                response.truncate(head_len + length);
            }
            None => {
                stream.read_to_end(&mut response).await.unwrap();
            }
        }
        let answer: serde_json::Value = serde_json::from_slice(&response[head_len..])
            .unwrap_or_else(|e| panic!("chromedriver's answer to {cmd} is not JSON ({e}): {head}"));
        let status = head.split_whitespace().nth(1).unwrap_or_default();
        assert_eq!(status, "200", "chromedriver refused {cmd}: {answer}");
        answer["value"].clone()
    }
}

/// Fills in the widget's form as a resident does (category by its label, description, address,
/// e-mail, the consent ticked) and sends it; the report's number once the widget confirms it.
pub async fn report_as_resident(
    root: &ShadowRoot,
    category: &str,
    description: &str,
    address: &str,
    email: &str,
) -> i64 {
    find_in(root, "select[name=category]")
        .await
        .select_by_label(category)
        .await
        .unwrap();
    type_into(root, "textarea[name=description]", description).await;
    type_into(root, "input[name=address]", address).await;
    type_into(root, "input[name=email]", email).await;
    click_in(root, "input[name=consent]").await;
    click_in(root, "button[type=submit]").await;
    report_number(root).await
}

//! The IMAP poller: the second way agencies' replies come in, for a deployment whose reply
//! addresses end in an ordinary mailbox rather than at a `host-service mail-in` pipe.
//!
//! With `--imap-url` set, `serve` starts [`spawn_poller`]. Every `--imap-interval-secs` it
//! connects (`imaps://`: TLS with the webpki roots; `imap://`: plain, for a server on the same
//! machine), logs in, selects the mailbox and takes at most [`ROUND_MAX`] unseen messages,
//! oldest first:
//!
//! - a message larger than [`super::MESSAGE_MAX_BYTES`] by its `RFC822.SIZE` is not fetched: it
//!   is flagged `\Seen` and left in the mailbox for a person, with a warning;
//! - any other is fetched raw with `BODY.PEEK[]` (which leaves it unseen) and handed to
//!   [`super::deliver`], exactly as `mail-in` hands its standard input. Only once that returned
//!   `Ok` — the service has committed its own record in `inbound_mail` — is the message flagged
//!   `\Seen \Deleted` and expunged (`UID EXPUNGE` where the server has UIDPLUS, so that a
//!   message someone else deleted is not taken along). If `deliver` failed (the database), the
//!   message stays unseen and is tried again next round.
//!
//! A message committed but not removed (the connection dropped in between) is fetched again
//! next round; its `Message-ID` makes it a duplicate, which is then removed.
//!
//! Every network step has a timeout ([`COMMAND_TIMEOUT`]). A failure to connect, log in or
//! read is logged — with the host, never the password — and the next round tries again. Each
//! round runs as a task of its own, so that even a panic in it leaves the poller running.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use async_imap::types::Fetch;
use async_imap::{Client, Session};
use futures_util::TryStreamExt as _;
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::ServerName;
use url::Url;

use super::MESSAGE_MAX_BYTES;
use crate::AppState;

/// One IMAP command (or connecting, or the TLS handshake) may take this long.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// At most this many messages are taken in one round; the rest follow at once after it.
pub const ROUND_MAX: usize = 50;

/// The mailbox of `--imap-url`, read apart. Its `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub host: String,
    pub port: u16,
    /// `imaps://`; otherwise plain (`imap://`).
    pub tls: bool,
    pub user: String,
    password: String,
    pub mailbox: String,
}

impl Account {
    /// Reads `imaps://user:password@host[:port][/MAILBOX]` or `imap://…`: user and password
    /// percent-decoded, port 993 or 143 by default, mailbox INBOX by default. An error never
    /// repeats the URL (it holds the password).
    pub fn from_url(url: &Url) -> Result<Account, String> {
        let (tls, default_port) = match url.scheme() {
            "imaps" => (true, 993),
            "imap" => (false, 143),
            other => return Err(format!("the scheme must be imaps or imap, not {other:?}")),
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err("no host".into()),
        };
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| format!("the {what} is not UTF-8 once percent-decoded"))
        };
        let user = decode(url.username(), "user")?;
        if user.is_empty() {
            return Err("no user".into());
        }
        let password = decode(url.password().unwrap_or(""), "password")?;
        if password.is_empty() {
            return Err("no password".into());
        }
        let mailbox = decode(url.path().trim_start_matches('/'), "mailbox")?;
        let mailbox = if mailbox.is_empty() {
            "INBOX".to_owned()
        } else {
            mailbox
        };
        // Non-ASCII names travel as modified UTF-7 (RFC 3501 5.1.3), which is not done here.
        if !mailbox.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err("the mailbox name must be printable ASCII".into());
        }
        if [&user, &password]
            .iter()
            .any(|s| s.contains(['\r', '\n', '\0']))
        {
            return Err("a line break in the user or password".into());
        }
        Ok(Account {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            user,
            password,
            mailbox,
        })
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Delivered to the service and removed from the mailbox.
    pub taken: usize,
    /// Too large: flagged seen and left.
    pub oversized: usize,
    /// `deliver` failed: left unseen for the next round.
    pub failed: usize,
    /// Unseen messages beyond [`ROUND_MAX`], for the next round.
    pub left: usize,
}

/// Starts the poller when `--imap-url` is set (`None` otherwise). A URL it cannot use is an
/// error at start, not a silent lack of mail.
pub fn spawn_poller(state: AppState) -> anyhow::Result<Option<JoinHandle<()>>> {
    let Some(url) = &state.config.imap_url else {
        return Ok(None);
    };
    let account = Arc::new(Account::from_url(url).map_err(|e| anyhow!("--imap-url: {e}"))?);
    let tls = if account.tls {
        Some(tls_connector()?)
    } else {
        None
    };
    let interval = state.config.imap_interval;
    tracing::info!(
        imap.host = %account.host,
        imap.port = account.port,
        imap.mailbox = %account.mailbox,
        interval_secs = interval.as_secs_f64(),
        "polling the IMAP mailbox for agencies' replies"
    );
    Ok(Some(tokio::spawn(async move {
        loop {
            // Aborting the poller (at shutdown) drops the guard, which aborts the round.
            let mut round = AbortOnDrop(tokio::spawn(poll_once(
                state.clone(),
                account.clone(),
                tls.clone(),
            )));
            let again_now = match (&mut round.0).await {
                Ok(Ok(r)) => {
                    if r != Round::default() {
                        tracing::info!(
                            taken = r.taken,
                            oversized = r.oversized,
                            failed = r.failed,
                            left = r.left,
                            "IMAP mailbox read"
                        );
                    }
                    r.left > 0 && r.failed == 0 && r.taken + r.oversized > 0
                }
                Ok(Err(e)) => {
                    tracing::warn!(
                        imap.host = %account.host,
                        imap.port = account.port,
                        error = format!("{e:#}"),
                        "the IMAP mailbox could not be read; trying again next round"
                    );
                    false
                }
                Err(e) => {
                    tracing::error!(error = %e, "the IMAP round failed; trying again next round");
                    false
                }
            };
            if !again_now {
                tokio::time::sleep(interval).await;
            }
        }
    })))
}

struct AbortOnDrop(JoinHandle<anyhow::Result<Round>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// TLS as lettre does it: rustls with ring, the webpki roots.
fn tls_connector() -> anyhow::Result<TlsConnector> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS for IMAP")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// `fut` within [`COMMAND_TIMEOUT`]; its error or the timeout named `what`.
async fn step<T, E: fmt::Display>(
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(COMMAND_TIMEOUT, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(anyhow!("{what}: {e}")),
        Err(_) => Err(anyhow!(
            "{what}: no answer in {} s",
            COMMAND_TIMEOUT.as_secs()
        )),
    }
}

/// One round: connect, log in, take what is there, log out.
pub async fn poll_once(
    state: AppState,
    account: Arc<Account>,
    tls: Option<TlsConnector>,
) -> anyhow::Result<Round> {
    let tcp = step(
        "connect",
        TcpStream::connect((account.host.as_str(), account.port)),
    )
    .await?;
    match tls {
        Some(tls) => {
            let name = ServerName::try_from(account.host.clone())
                .map_err(|e| anyhow!("TLS server name {:?}: {e}", account.host))?;
            let stream = step("TLS handshake", tls.connect(name, tcp)).await?;
            session(&state, &account, stream).await
        }
        None => session(&state, &account, tcp).await,
    }
}

async fn session<T>(state: &AppState, account: &Account, stream: T) -> anyhow::Result<Round>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    let mut client = Client::new(stream);
    step("greeting", async {
        client
            .read_response()
            .await?
            .map(drop)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::UnexpectedEof))
    })
    .await?;
    let mut session = step("login", async {
        client
            .login(&account.user, &account.password)
            .await
            .map_err(|(e, _)| e)
    })
    .await?;
    let round = take(state, account, &mut session).await;
    // A polite goodbye; the messages are dealt with either way.
    let _ = tokio::time::timeout(COMMAND_TIMEOUT, session.logout()).await;
    round
}

/// Takes at most [`ROUND_MAX`] unseen messages of the mailbox, oldest first.
async fn take<T>(
    state: &AppState,
    account: &Account,
    session: &mut Session<T>,
) -> anyhow::Result<Round>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    step("select", session.select(&account.mailbox)).await?;
    let uidplus = step("capability", session.capabilities())
        .await?
        .has_str("UIDPLUS");
    let mut unseen: Vec<u32> = step("search", session.uid_search("UNSEEN"))
        .await?
        .into_iter()
        .collect();
    unseen.sort_unstable();
    let mut round = Round {
        left: unseen.len().saturating_sub(ROUND_MAX),
        ..Round::default()
    };
    unseen.truncate(ROUND_MAX);
    if unseen.is_empty() {
        drain(session);
        return Ok(round);
    }
    let set = unseen
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sizes: HashMap<u32, u32> = step("fetch sizes", async {
        session
            .uid_fetch(&set, "(UID RFC822.SIZE)")
            .await?
            .try_collect::<Vec<Fetch>>()
            .await
    })
    .await?
    .iter()
    .filter_map(|f| Some((f.uid?, f.size?)))
    .collect();
    for uid in unseen {
        // Gone since the search (another client): nothing to do.
        let Some(&size) = sizes.get(&uid) else {
            continue;
        };
        let raw = if size as usize > MESSAGE_MAX_BYTES {
            None
        } else {
            fetch(session, uid).await?
        };
        let Some(raw) = raw.filter(|raw| raw.len() <= MESSAGE_MAX_BYTES) else {
            tracing::warn!(
                imap.uid = uid,
                size,
                limit = MESSAGE_MAX_BYTES,
                "an e-mail in the IMAP mailbox is too large to take: marked seen and left there for a person"
            );
            store(session, uid, r"+FLAGS.SILENT (\Seen)").await?;
            round.oversized += 1;
            continue;
        };
        match super::deliver(state, raw, None).await {
            Ok(_) => {
                store(session, uid, r"+FLAGS.SILENT (\Seen \Deleted)").await?;
                expunge(session, uid, uidplus).await?;
                round.taken += 1;
            }
            Err(e) => {
                tracing::error!(
                    imap.uid = uid,
                    error = %e,
                    "an e-mail from the IMAP mailbox was not stored; it stays unseen for the next round"
                );
                round.failed += 1;
            }
        }
        drain(session);
    }
    Ok(round)
}

/// The raw message `uid`, without setting `\Seen`; `None` if it is gone.
async fn fetch<T>(session: &mut Session<T>, uid: u32) -> anyhow::Result<Option<Vec<u8>>>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    let fetched = step("fetch", async {
        session
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await?
            .try_collect::<Vec<Fetch>>()
            .await
    })
    .await?;
    // Other messages' flag changes may come along: pick ours.
    Ok(fetched
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(Fetch::body)
        .map(<[u8]>::to_vec))
}

async fn store<T>(session: &mut Session<T>, uid: u32, flags: &str) -> anyhow::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    step("store", async {
        session
            .uid_store(uid.to_string(), flags)
            .await?
            .try_collect::<Vec<Fetch>>()
            .await
    })
    .await?;
    Ok(())
}

/// Removes `uid` (flagged `\Deleted`): only it with UIDPLUS, else every deleted message.
async fn expunge<T>(session: &mut Session<T>, uid: u32, uidplus: bool) -> anyhow::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    step("expunge", async {
        if uidplus {
            session
                .uid_expunge(uid.to_string())
                .await?
                .try_collect::<Vec<_>>()
                .await
        } else {
            session.expunge().await?.try_collect::<Vec<_>>().await
        }
    })
    .await?;
    Ok(())
}

/// Forgets the server's unsolicited responses (`EXISTS`, `RECENT`, flag changes): nothing here
/// needs them, and their channel is bounded.
fn drain<T>(session: &mut Session<T>)
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    while session.unsolicited_responses.try_recv().is_ok() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(url: &str) -> Result<Account, String> {
        Account::from_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn the_url_gives_host_port_tls_user_password_and_mailbox() {
        let a = account("imaps://replies%40city.example:p%40ss%3Aw%2Fo%20rd@imap.city.example")
            .unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.tls),
            ("imap.city.example", 993, true)
        );
        assert_eq!(a.user, "replies@city.example");
        assert_eq!(a.password, "p@ss:w/o rd");
        assert_eq!(a.mailbox, "INBOX");

        let a = account("imap://u:p@127.0.0.1/Appeals%20replies").unwrap();
        assert_eq!((a.host.as_str(), a.port, a.tls), ("127.0.0.1", 143, false));
        assert_eq!(a.mailbox, "Appeals replies");
        let a = account("imap://u:p@[::1]:1143/").unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.mailbox.as_str()),
            ("::1", 1143, "INBOX")
        );
    }

    #[test]
    fn an_unusable_url_is_refused_without_repeating_the_password() {
        for url in [
            "https://u:hunter2@imap.example",
            "imaps://imap.example",
            "imaps://u@imap.example",
            "imaps://:hunter2@imap.example",
            "imap://u:hunter2@imap.example/%D0%9F%D0%BE%D1%87%D1%82%D0%B0",
            "imap://u:hunter2%0A@imap.example",
        ] {
            let e = account(url).expect_err(url);
            assert!(!e.contains("hunter2"), "{url}: {e}");
        }
    }

    #[test]
    fn the_password_is_not_printed() {
        let a = account("imaps://replies:hunter2@imap.example").unwrap();
        let printed = format!("{a:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("imap.example"), "{printed}");
    }
}

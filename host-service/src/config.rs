//! The service's configuration: read once at start-up (flags, then environment), then shared
//! read-only through [`crate::AppState`].

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::mail::MailConfig;

/// Flags shared by every subcommand; each has an environment variable too.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "CIVIC_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// SQLite database file; its folder is created if missing.
    #[arg(
        long = "db",
        env = "CIVIC_DB",
        default_value = "./data/civic.db",
        global = true
    )]
    pub db: PathBuf,
    /// The URL residents and officials reach this service at (default: http://{listen}).
    #[arg(long, env = "CIVIC_PUBLIC_URL", global = true)]
    pub public_url: Option<Url>,
    /// Do not seed or refresh the demo city.
    #[arg(long, global = true)]
    pub no_demo: bool,
    /// Set to 0 to skip the demo city, like --no-demo.
    #[arg(long = "demo", env = "CIVIC_DEMO", hide = true, global = true)]
    pub demo_env: Option<String>,
    /// How many generated problems the demo city gets on its first start (when it has none).
    #[arg(long, env = "CIVIC_DEMO_PROBLEMS", default_value_t = crate::demo::DEMO_PROBLEMS, global = true)]
    pub demo_problems: usize,
    /// A reverse proxy whose X-Forwarded-For may be believed (repeatable).
    #[arg(
        long = "trusted-proxy",
        env = "CIVIC_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpAddr>,
    /// Reports (widget and Open311) one client address may file per minute; 0 turns the
    /// per-address limit off.
    #[arg(long, env = "CIVIC_IP_REPORTS_PER_MINUTE", global = true)]
    pub ip_reports_per_minute: Option<u32>,
    /// How many reports one client address may file at once before the per-minute rate applies.
    #[arg(long, env = "CIVIC_IP_REPORTS_BURST", global = true)]
    pub ip_reports_burst: Option<u32>,
    /// Reports one site may receive per minute from all clients together; 0 turns it off.
    #[arg(long, env = "CIVIC_SITE_REPORTS_PER_MINUTE", global = true)]
    pub site_reports_per_minute: Option<u32>,
    /// How many reports one site may receive at once before the per-minute rate applies.
    #[arg(long, env = "CIVIC_SITE_REPORTS_BURST", global = true)]
    pub site_reports_burst: Option<u32>,
    /// A bearer token that lets a scraper read `/metrics` from anywhere (without it, only
    /// direct loopback connections may).
    #[arg(
        long,
        env = "CIVIC_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// The SMTP server e-mail goes through: `smtp://[user:password@]host[:port]` (plain, for a
    /// relay nearby), add `?tls=required` for STARTTLS, or `smtps://` for TLS. Without it,
    /// messages wait in the outbox.
    #[arg(long, env = "CIVIC_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<Url>,
    /// The From: of the service's e-mail (default: Civic Widget <noreply@{public host}>).
    #[arg(long, env = "CIVIC_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// The domain of the reply addresses of agencies' appeals, `reply+<token>@DOMAIN`: its
    /// mail must reach `host-service mail-in` (default: the public host).
    #[arg(long, env = "CIVIC_REPLY_DOMAIN", global = true)]
    pub reply_domain: Option<String>,
    /// An IMAP mailbox to take agencies' replies from, besides `mail-in`:
    /// `imaps://user:password@host[:port][/MAILBOX]` (TLS, port 993 by default) or `imap://…`
    /// (plain, port 143 by default, for a server on the same machine); user and password
    /// percent-encoded, the mailbox INBOX by default. Messages taken are deleted from it.
    #[arg(long, env = "CIVIC_IMAP_URL", global = true, hide_env_values = true)]
    pub imap_url: Option<Url>,
    /// How often the IMAP mailbox is looked at, in seconds.
    #[arg(
        long,
        env = "CIVIC_IMAP_INTERVAL_SECS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub imap_interval_secs: u64,
}

/// Rate limits on filing reports (the widget's POST and Open311's POST), per client address
/// and per site, as token buckets: `burst` at once, then `per_minute` spread over the minute.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// 0 means no per-address limit.
    pub ip_per_minute: u32,
    pub ip_burst: u32,
    /// 0 means no per-site limit.
    pub site_per_minute: u32,
    pub site_burst: u32,
    /// Client addresses remembered at most; the idle ones are forgotten first. Bounds the
    /// memory an attacker with many addresses can make us spend.
    pub max_tracked_clients: usize,
}

impl Default for RateLimits {
    /// A resident files one or two reports; a school class reporting from one NAT address a
    /// handful. A city of a million gets a few hundred reports a day, so 600 a minute per site
    /// is only reached by a flood.
    fn default() -> Self {
        RateLimits {
            ip_per_minute: 10,
            ip_burst: 5,
            site_per_minute: 600,
            site_burst: 100,
            max_tracked_clients: 100_000,
        }
    }
}

impl RateLimits {
    /// No limits at all (benchmarks and load tests).
    pub fn unlimited() -> RateLimits {
        RateLimits {
            ip_per_minute: 0,
            site_per_minute: 0,
            ..RateLimits::default()
        }
    }
}

/// Limits of the HTTP layer; tests lower them to provoke 408/413/503.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// Largest request body in general (the problem endpoint has its own, smaller limit).
    pub body_max_bytes: usize,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// Requests served at once; more are shed with 503 rather than queued.
    pub max_concurrent_requests: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_max_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 512,
        }
    }
}

#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub db_path: PathBuf,
    /// Where people reach us: tracking links, the embed snippet and the cabinet's origin check.
    pub public_url: Url,
    /// Seed and refresh the demo city at start.
    pub demo: bool,
    /// Generated problems for a demo city that has none (its first start); 0 for none.
    pub demo_problems: usize,
    pub trusted_proxies: Vec<IpAddr>,
    pub limits: HttpLimits,
    pub rate_limits: RateLimits,
    /// Lets a scraper read `/metrics` with `Authorization: Bearer <token>`; a secret.
    pub metrics_token: Option<String>,
    /// E-mail: the SMTP server, the sender, the retry policy.
    pub mail: MailConfig,
    /// How often deadline reminders are looked for.
    pub reminder_interval: Duration,
    /// The IMAP mailbox agencies' replies are taken from (inbound/imap.rs); `None`: none is
    /// polled. Holds a secret.
    pub imap_url: Option<Url>,
    /// How often the IMAP mailbox is polled.
    pub imap_interval: Duration,
}

impl Config {
    /// A configuration with defaults for everything but where to listen and store data.
    pub fn new(listen: SocketAddr, db_path: impl Into<PathBuf>) -> Config {
        let public_url = default_public_url(listen);
        Config {
            listen,
            db_path: db_path.into(),
            mail: MailConfig::new(&public_url),
            reminder_interval: Duration::from_secs(60),
            imap_url: None,
            imap_interval: Duration::from_secs(60),
            public_url,
            demo: true,
            demo_problems: crate::demo::DEMO_PROBLEMS,
            trusted_proxies: Vec::new(),
            limits: HttpLimits::default(),
            rate_limits: RateLimits::default(),
            metrics_token: None,
        }
    }

    pub fn from_args(args: ServeArgs) -> Config {
        let defaults = RateLimits::default();
        let demo_off_by_env = args.demo_env.as_deref().is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "0" | "false" | "no" | "off"
            )
        });
        let public_url = args
            .public_url
            .unwrap_or_else(|| default_public_url(args.listen));
        let defaults_mail = MailConfig::new(&public_url);
        Config {
            mail: MailConfig {
                smtp_url: args.smtp_url,
                from: args.mail_from.unwrap_or(defaults_mail.from.clone()),
                reply_domain: args
                    .reply_domain
                    .unwrap_or(defaults_mail.reply_domain.clone()),
                ..defaults_mail
            },
            public_url,
            demo: !(args.no_demo || demo_off_by_env),
            demo_problems: args.demo_problems,
            trusted_proxies: args.trusted_proxies,
            rate_limits: RateLimits {
                ip_per_minute: args.ip_reports_per_minute.unwrap_or(defaults.ip_per_minute),
                ip_burst: args.ip_reports_burst.unwrap_or(defaults.ip_burst),
                site_per_minute: args
                    .site_reports_per_minute
                    .unwrap_or(defaults.site_per_minute),
                site_burst: args.site_reports_burst.unwrap_or(defaults.site_burst),
                max_tracked_clients: defaults.max_tracked_clients,
            },
            metrics_token: args.metrics_token.filter(|t| !t.trim().is_empty()),
            imap_url: args.imap_url,
            imap_interval: Duration::from_secs(args.imap_interval_secs),
            ..Config::new(args.listen, args.db)
        }
    }

    /// The public URL without a trailing slash, ready for `format!("{}/t/{code}")`.
    pub fn public_base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }

    /// The public URL's origin (`scheme://host[:port]`), compared with the cabinet's `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Whether the cabinet cookie can be `Secure`: over https, or on a loopback host where
    /// browsers treat plain http as a secure context.
    pub fn secure_cookies(&self) -> bool {
        if self.public_url.scheme() == "https" {
            return true;
        }
        match self.public_url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    /// The name of the cabinet's session cookie (`__Host-` needs `Secure`).
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-civic_session"
        } else {
            "civic_session"
        }
    }
}

fn default_public_url(listen: SocketAddr) -> Url {
    // An unspecified address (0.0.0.0) is not something a browser can open; say localhost.
    let host = if listen.ip().is_unspecified() {
        format!("localhost:{}", listen.port())
    } else {
        listen.to_string()
    };
    Url::parse(&format!("http://{host}")).expect("a socket address makes a valid URL")
}

/// Written by hand so that a secret added here later (an SSO key, a mail password) is not
/// printed by a stray `{:?}`: only fields listed below are shown.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |url: &Url| {
            let mut url = url.clone();
            if url.password().is_some() {
                let _ = url.set_password(Some("REDACTED"));
            }
            url.to_string()
        };
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("db_path", &self.db_path)
            .field("public_url", &redacted(&self.public_url))
            .field("demo", &self.demo)
            .field("demo_problems", &self.demo_problems)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("limits", &self.limits)
            .field("rate_limits", &self.rate_limits)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "REDACTED"),
            )
            .field("mail", &self.mail)
            .field("imap_url", &self.imap_url.as_ref().map(redacted))
            .field("imap_interval", &self.imap_interval)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_defaults_to_listen_address_and_decides_cookie_security() {
        let c = Config::new("127.0.0.1:8080".parse().unwrap(), "x.db");
        assert_eq!(c.public_base(), "http://127.0.0.1:8080");
        assert_eq!(c.public_origin(), "http://127.0.0.1:8080");
        assert!(c.secure_cookies());
        let mut c = Config::new("0.0.0.0:80".parse().unwrap(), "x.db");
        assert_eq!(c.public_base(), "http://localhost");
        c.public_url = Url::parse("http://city.example").unwrap();
        assert!(!c.secure_cookies());
        assert_eq!(c.session_cookie_name(), "civic_session");
        c.public_url = Url::parse("https://user:secret@city.example/").unwrap();
        assert!(c.secure_cookies());
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn the_imap_password_is_not_printed() {
        let mut c = Config::new("127.0.0.1:8080".parse().unwrap(), "x.db");
        c.imap_url = Some(
            Url::parse("imaps://replies%40city.example:hunter%3A2@imap.example/Appeals").unwrap(),
        );
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter"), "{printed}");
        assert!(printed.contains("imap.example/Appeals"), "{printed}");
    }

    #[test]
    fn the_imap_flags_make_the_config() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            serve: ServeArgs,
        }
        let args = Cli::try_parse_from([
            "host-service",
            "--imap-url",
            "imap://replies:pw@127.0.0.1:1143",
            "--imap-interval-secs",
            "15",
        ])
        .unwrap();
        let c = Config::from_args(args.serve);
        assert_eq!(
            c.imap_url.as_ref().map(Url::as_str),
            Some("imap://replies:pw@127.0.0.1:1143")
        );
        assert_eq!(c.imap_interval, Duration::from_secs(15));
        assert!(Cli::try_parse_from(["host-service", "--imap-interval-secs", "0"]).is_err());
    }
}

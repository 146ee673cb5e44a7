//! The Civic Widget host service as a library: the binary (`main.rs`) only parses flags and
//! calls [`run`]; tests build an [`AppState`] on a temporary database and drive [`app`] directly
//! or [`serve`] it on `127.0.0.1:0`.
//!
//! Features each own their routes: [`sites`] and [`problems`] (the widget API, documented by
//! [`openapi`]), [`open311`] (the GeoReport v2 standard for back-office systems), [`tracking`]
//! (the reporter's page), [`cabinet`] (officials), [`assets`] (the embedded widget bundle and
//! demo page). [`http`] holds the cross-cutting layers, [`db`] the only SQLite connections.

pub mod admin;
pub mod agencies;
pub mod api;
pub mod appeals;
pub mod assets;
pub mod backup;
pub mod cabinet;
pub mod config;
pub mod confirm;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod districts;
pub mod http;
pub mod i18n;
pub mod inbound;
pub mod mail;
pub mod map;
pub mod metrics;
pub mod open311;
pub mod openapi;
pub mod pages;
pub mod photos;
pub mod problems;
pub mod ratelimit;
pub mod secrets;
pub mod sites;
pub mod sso;
pub mod supporters;
pub mod tiles;
pub mod tracking;
pub mod workdays;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

pub use config::{Config, HttpLimits, RateLimits, ServeArgs};
pub use db::Db;

/// What every handler gets: the configuration (read once at start) and the database.
#[derive(Clone, Debug)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    /// The report rate limits' buckets (in memory, per process).
    pub limits: Arc<ratelimit::SubmissionLimits>,
    /// Counters behind `/metrics` (in memory, per process).
    pub metrics: Arc<metrics::Metrics>,
    /// Rings the mail worker when a message was queued.
    pub outbox: Arc<mail::Outbox>,
    /// The public statistics page's figures, reused for a few minutes.
    pub public_stats: Arc<cabinet::stats::PublicCache>,
}

impl AppState {
    /// Opens (creating and migrating) the database named in `config`.
    pub fn open(config: &Config) -> anyhow::Result<AppState> {
        let db = Db::open(&config.db_path)?;
        Ok(AppState::with_db(config.clone(), db))
    }

    /// A state over an already open database, with fresh rate-limit buckets and counters.
    pub fn with_db(config: Config, db: Db) -> AppState {
        AppState {
            limits: Arc::new(ratelimit::SubmissionLimits::new(&config.rate_limits)),
            metrics: Arc::new(metrics::Metrics::default()),
            outbox: Arc::new(mail::Outbox::default()),
            public_stats: Arc::default(),
            config: Arc::new(config),
            db,
        }
    }
}

/// The widget API (`/api/v1`): its routes and, from the same annotations, its OpenAPI document.
/// Every `/api/v1` route is added here, so the document cannot miss one (a test checks it).
pub fn api_v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(sites::router())
        .merge(problems::router())
        .merge(map::router())
        .merge(sso::router())
        .merge(photos::api_router())
}

/// The whole HTTP application: every feature's routes and the shared layers.
pub fn app(state: AppState) -> Router {
    let (api_v1, _document) = api_v1().split_for_parts();
    let routes = Router::new()
        .merge(api_v1)
        .merge(openapi::router())
        .merge(open311::router())
        .merge(tracking::router())
        .merge(confirm::router())
        .merge(supporters::router())
        .merge(cabinet::router())
        .merge(pages::router())
        .merge(tiles::router())
        .merge(photos::router())
        .merge(metrics::router())
        .merge(assets::router())
        .merge(sites::loader_router())
        // `/api/v1/sso/exchange` names its site in the body: its CORS is its own.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sso::cors,
        ));
    http::with_layers(routes, state)
}

/// Serves `app(state)` on `listener`, and sends the outbox's e-mail, until `shutdown`
/// completes; then finishes the requests in flight and returns.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mailer = mail::spawn_worker(state.clone())?;
    let poller = inbound::imap::spawn_poller(state.clone())?;
    let reminders = deadlines::spawn_reminders(state.clone(), state.config.reminder_interval);
    // The peer's address reaches handlers as `ConnectInfo`: the rate limits and `/metrics`
    // need it.
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    // A message in the middle of being sent is sent again at the next start, with the same
    // Message-ID.
    if let Some(mailer) = mailer {
        mailer.abort();
    }
    if let Some(poller) = poller {
        poller.abort();
    }
    reminders.abort();
    served?;
    Ok(())
}

/// Everything `host-service` does when started without a subcommand: open the database, seed
/// the demo city (unless disabled), listen, and serve until `shutdown`.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState::open(&config)?;
    // A database from before the map: index its public problems once.
    map::index_missing(&state.db).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, db = %config.db_path.display(), public_url = %config.public_url, "host service starting");
    if !config.secure_cookies() {
        tracing::warn!(
            "the public URL is plain http on a non-loopback host: the cabinet cookie cannot be Secure; use https in production"
        );
    }
    if config.demo {
        let login = demo::seed(&state).await?;
        println!("{}", login.announcement(&config));
        // A demo city with nothing on its map shows nothing of the extended mode: the first
        // start fills it with generated problems (all statuses, answers), once.
        let seeded = demo::seed_problems(&state, config.demo_problems).await?;
        if seeded > 0 {
            println!("The demo city's map got {seeded} generated problems.");
        }
    }
    serve(state, listener, shutdown).await
}

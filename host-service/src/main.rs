//! The `host-service` binary: parses the command line and calls the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use host_service::admin::{self, CategorySpec, OfficialSpec, Role, SiteSpec};
use host_service::appeals::Delivery;
use host_service::{AppState, Config, ServeArgs};

#[derive(Parser)]
#[command(
    name = "host-service",
    version,
    about = "Civic Widget host: widget API, widget bundle, cabinet, demo city"
)]
struct Cli {
    #[command(flatten)]
    args: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Manage sites (websites that embed the widget).
    #[command(subcommand)]
    Site(SiteCommand),
    /// Manage officials (cabinet accounts).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage agencies (departments, services) and which category goes to which.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Manage districts (areas of a municipality given as GeoJSON polygons) and which agency
    /// gets a category's problems in each.
    #[command(subcommand)]
    District(DistrictCommand),
    /// Development tools: generated data and benchmarks (`cargo xtask gen-problems`, `bench-map`).
    #[command(subcommand, hide = true)]
    Dev(host_service::map::generate::DevCommand),
    /// Take one e-mail message on standard input, as a Postfix or Exim pipe transport hands it
    /// over: an agency's reply to an appeal becomes its answer; anything else is recorded (an
    /// auto-reply, a bounce) or kept in the cabinet's quarantine. Exit 0: taken; 65: refused
    /// (too large: the sender is told); 75: try again later (the database was unavailable).
    MailIn {
        /// The envelope recipient (Postfix: `${recipient}`), when the headers may not show it.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// Copy the database (--db) to PATH while the server may be running: a consistent snapshot,
    /// checked with integrity_check, replacing PATH atomically. Restore: stop the server, put
    /// the copy where --db points, start the server.
    Backup {
        /// Where to write the copy.
        path: PathBuf,
    },
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Set the site's base map: an XYZ tile URL template ({z}, {x}, {y}) and its attribution;
    /// or remove it with --clear.
    SetTiles {
        /// The site's key.
        site: String,
        /// e.g. https://tiles.example/{z}/{x}/{y}.png
        #[arg(long, required_unless_present = "clear")]
        url: Option<String>,
        /// The attribution the tile provider requires, e.g. "© OpenStreetMap contributors".
        #[arg(long, required_unless_present = "clear")]
        attribution: Option<String>,
        #[arg(long, conflicts_with_all = ["url", "attribution"])]
        clear: bool,
    },
    /// Decide what happens to reports before they are public: whether visitors who are not
    /// signed in may report (and must confirm by e-mail), and whether moderators check every
    /// report first.
    #[command(group(clap::ArgGroup::new("setting").args(["anonymous", "premoderation", "email_answers", "working_days", "holidays"]).required(true).multiple(true)))]
    SetReports {
        /// The site's key.
        site: String,
        /// confirm-email: an e-mail is required and the report waits for its link;
        /// moderated: accepted as it is; off: signed-in residents only.
        #[arg(long, value_parser = ["confirm-email", "moderated", "off"])]
        anonymous: Option<String>,
        /// on: every report waits for a moderator; off: published once accepted.
        #[arg(long, value_parser = ["on", "off"])]
        premoderation: Option<String>,
        /// publish: an agency's answer by e-mail is published at once; moderate: it waits in
        /// the cabinet's «Почта» for a moderator.
        #[arg(long, value_parser = ["publish", "moderate"])]
        email_answers: Option<String>,
        /// on: categories' terms count working days (no Saturdays, Sundays or --holidays).
        #[arg(long, value_parser = ["on", "off"])]
        working_days: Option<String>,
        /// The site's holidays, replacing the list: YYYY-MM-DD, separated by commas ("" clears).
        #[arg(long)]
        holidays: Option<String>,
    },
    /// Create a site (and its municipality if new) and print the embed snippet.
    Add {
        #[arg(long)]
        key: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        municipality: String,
        /// An origin whose pages embed the widget, e.g. https://city.example (repeatable).
        #[arg(long = "origin", required = true)]
        origins: Vec<String>,
        /// LAT,LON
        #[arg(long, allow_hyphen_values = true)]
        centre: String,
        /// W,S,E,N
        #[arg(long, allow_hyphen_values = true)]
        bounds: String,
        /// A category name (repeatable); the default set if none and the municipality has none.
        #[arg(long = "category")]
        categories: Vec<String>,
        /// The personal-data policy page (default: this host's placeholder).
        #[arg(long)]
        policy_url: Option<String>,
    },
    /// Issue an Open311 api_key for a back-office system of the site (printed once), or revoke
    /// the system's keys with --revoke.
    ApiKey {
        /// The site's key (its Open311 jurisdiction_id).
        site: String,
        /// The API client's name, e.g. "CRM of the city hall".
        #[arg(long)]
        client: String,
        /// Revoke every active key of this client instead of issuing one.
        #[arg(long)]
        revoke: bool,
    },
    /// Register a key the site's backend signs single sign-on tokens with (one algorithm per
    /// key, taken from the key), or revoke one with --revoke.
    #[command(group(clap::ArgGroup::new("material").args(["hs256_secret_file", "public_key_file", "revoke"]).required(true)))]
    Sso {
        /// The site's key (the tokens' `iss`).
        site: String,
        /// The key id the tokens name in their header (`kid`).
        #[arg(long)]
        kid: String,
        /// An HS256 shared secret (at least 32 bytes) read from this file.
        #[arg(long)]
        hs256_secret_file: Option<PathBuf>,
        /// A public key in PEM (SPKI): Ed25519 (EdDSA) or P-256 (ES256). Preferred: the host
        /// then holds nothing that can sign users in.
        #[arg(long)]
        public_key_file: Option<PathBuf>,
        /// Revoke the key `--kid` instead.
        #[arg(long)]
        revoke: bool,
    },
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Add an agency to a municipality.
    Add {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        name: String,
        /// Where routed problems are mailed.
        #[arg(long)]
        email: Option<String>,
        /// cabinet: a notice with the cabinet link; email: a formal appeal, answered by
        /// e-mail (needs --email); both: the appeal with the cabinet link.
        #[arg(long, value_parser = ["cabinet", "email", "both"], default_value = "cabinet")]
        delivery: String,
    },
    /// Change an agency's e-mail address and how it hears of problems.
    Set {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        name: String,
        /// The address (omit to remove it: then only the cabinet).
        #[arg(long)]
        email: Option<String>,
        #[arg(long, value_parser = ["cabinet", "email", "both"])]
        delivery: String,
    },
    /// Route a category's problems to an agency (or to none with --none).
    Route {
        #[arg(long)]
        municipality: String,
        /// The category's Russian or English name.
        #[arg(long)]
        category: String,
        #[arg(long, required_unless_present = "none")]
        agency: Option<String>,
        #[arg(long, conflicts_with = "agency")]
        none: bool,
    },
}

#[derive(Subcommand)]
enum DistrictCommand {
    /// Add a district to a municipality, or replace the boundary of the one of that name (its
    /// routing is kept). Located problems are placed anew: each in the first district (by
    /// name) that contains it.
    Add {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        name: String,
        /// A GeoJSON Polygon or MultiPolygon (longitude, latitude), a Feature with one, or a
        /// FeatureCollection of them (the district is their union).
        #[arg(long)]
        geojson_file: PathBuf,
    },
    /// Route a district's problems of a category to an agency, or (--none) back to the
    /// category's agency.
    Route {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        district: String,
        /// The category's Russian or English name.
        #[arg(long)]
        category: String,
        #[arg(long, required_unless_present = "none")]
        agency: Option<String>,
        #[arg(long, conflicts_with = "agency")]
        none: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an official of the municipality: a site admin (the default), a moderator, an
    /// agency official or an analyst.
    Add {
        /// site-admin: everything, the settings included; moderator: everything with reports;
        /// agency-official: their agency's problems only (give --agency); analyst: reads
        /// everything but the reporters' contacts, changes nothing.
        #[arg(long, value_parser = ["site-admin", "moderator", "agency-official", "analyst"], default_value = "site-admin")]
        role: String,
        /// The agency of an agency official (its name).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        login: String,
        #[arg(long)]
        municipality: String,
        /// Read the password from this file; otherwise one is generated and printed.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// The name shown in the cabinet.
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // The default panic hook prints the panic message, which may quote request data; log only
    // where it happened (CatchPanicLayer answers the request with a generic 500).
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(location = ?info.location(), "panic");
    }));
    let config = Config::from_args(cli.args);
    tracing::debug!(?config, "configuration");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            None => host_service::run(config, shutdown_signal()).await,
            Some(Command::MailIn { recipient }) => mail_in(&config, recipient).await,
            Some(Command::Backup { path }) => {
                let db = config.db_path.clone();
                let summary =
                    tokio::task::spawn_blocking(move || host_service::backup::backup(&db, &path))
                        .await??;
                println!(
                    "Backed up {} to {}: {} bytes, {} problems, schema version {}, integrity ok",
                    config.db_path.display(),
                    summary.path.display(),
                    summary.bytes,
                    summary.problems,
                    summary.schema_version
                );
                Ok(())
            }
            Some(Command::Site(SiteCommand::Add {
                key,
                name,
                municipality,
                origins,
                centre,
                bounds,
                categories,
                policy_url,
            })) => {
                let state = AppState::open(&config)?;
                let spec = SiteSpec {
                    key: key.clone(),
                    name,
                    municipality,
                    origins,
                    centre: admin::parse_centre(&centre)?,
                    bounds: admin::parse_bounds(&bounds)?,
                    categories: categories.iter().map(|c| CategorySpec::named(c)).collect(),
                    privacy_policy_url: policy_url
                        .unwrap_or_else(|| format!("{}/privacy", config.public_base())),
                };
                admin::add_site(&state.db, spec).await?;
                println!("{}", admin::embed_snippet(&config.public_base(), &key));
                Ok(())
            }
            Some(Command::Dev(command)) => {
                host_service::map::generate::run_dev(command, config).await
            }
            Some(Command::Site(SiteCommand::SetTiles {
                site,
                url,
                attribution,
                clear: _,
            })) => {
                let state = AppState::open(&config)?;
                let tiles = url.zip(attribution);
                let set = tiles.is_some();
                admin::set_tiles(&state.db, &site, tiles).await?;
                if set {
                    println!("Base map of {site} set");
                } else {
                    println!("Base map of {site} removed");
                }
                Ok(())
            }
            Some(Command::Site(SiteCommand::SetReports {
                site,
                anonymous,
                premoderation,
                email_answers,
                working_days,
                holidays,
            })) => {
                let state = AppState::open(&config)?;
                let holidays = holidays
                    .map(|h| host_service::workdays::parse_days(&h))
                    .transpose()
                    .map_err(|bad| anyhow::anyhow!("--holidays: {bad:?} is not a YYYY-MM-DD day"))?;
                if working_days.is_some() || holidays.is_some() {
                    let working = working_days.map(|w| w == "on");
                    admin::set_working_days(&state.db, &site, working, holidays).await?;
                }
                let anonymous = anonymous.map(|a| a.replace('-', "_"));
                let premoderation = premoderation.map(|p| p == "on");
                if anonymous.is_some() || premoderation.is_some() {
                    admin::set_report_policy(&state.db, &site, anonymous, premoderation).await?;
                }
                if let Some(answers) = email_answers {
                    admin::set_email_answers(&state.db, &site, answers == "moderate").await?;
                }
                println!("Report settings of {site} saved");
                Ok(())
            }
            Some(Command::Site(SiteCommand::ApiKey {
                site,
                client,
                revoke,
            })) => {
                let state = AppState::open(&config)?;
                if revoke {
                    let n = admin::revoke_api_keys(&state.db, &site, &client).await?;
                    println!("Revoked {n} key(s) of {client:?} on {site}");
                } else {
                    let issued = admin::issue_api_key(&state.db, &site, &client).await?;
                    println!(
                        "Open311 api_key for {client:?} on {site} (shown once; only its hash is stored):\n{}",
                        issued.key
                    );
                }
                Ok(())
            }
            Some(Command::Site(SiteCommand::Sso {
                site,
                kid,
                hs256_secret_file,
                public_key_file,
                revoke,
            })) => {
                let state = AppState::open(&config)?;
                if revoke {
                    let revoked = admin::revoke_sso_key(&state.db, &site, &kid).await?;
                    anyhow::ensure!(revoked, "no active key {kid:?} on {site}");
                    println!("Revoked SSO key {kid:?} of {site}");
                    return Ok(());
                }
                let key = match (hs256_secret_file, public_key_file) {
                    (Some(path), None) => {
                        let secret = std::fs::read(path)?;
                        let secret = secret.trim_ascii_end();
                        host_service::sso::SsoKey::hs256(secret)
                    }
                    (None, Some(path)) => {
                        host_service::sso::SsoKey::public_pem(&std::fs::read_to_string(path)?)
                    }
                    _ => Err("give exactly one of --hs256-secret-file, --public-key-file".into()),
                }
                .map_err(anyhow::Error::msg)?;
                let alg = key.alg.as_str();
                admin::add_sso_key(&state.db, &site, &kid, key).await?;
                println!(
                    "SSO key {kid:?} ({alg}) registered for {site}. Tokens: iss={site:?}, aud=\"civic-widget:{site}\", header kid={kid:?}, alg {alg}."
                );
                Ok(())
            }
            Some(Command::Agency(AgencyCommand::Add {
                municipality,
                name,
                email,
                delivery,
            })) => {
                let state = AppState::open(&config)?;
                let delivery = Delivery::parse(&delivery).unwrap_or_default();
                admin::add_agency(&state.db, &municipality, &name, email.as_deref(), delivery)
                    .await?;
                println!("Agency {name:?} added to {municipality}");
                Ok(())
            }
            Some(Command::Agency(AgencyCommand::Set {
                municipality,
                name,
                email,
                delivery,
            })) => {
                let state = AppState::open(&config)?;
                let delivery = Delivery::parse(&delivery).unwrap_or_default();
                admin::update_agency(&state.db, &municipality, &name, email.as_deref(), delivery)
                    .await?;
                println!("Agency {name:?} now works by {}", delivery.as_str());
                Ok(())
            }
            Some(Command::Agency(AgencyCommand::Route {
                municipality,
                category,
                agency,
                none: _,
            })) => {
                let state = AppState::open(&config)?;
                admin::route_category(&state.db, &municipality, &category, agency.as_deref())
                    .await?;
                println!("{category:?} now goes to {}", agency.as_deref().unwrap_or("nobody"));
                Ok(())
            }
            Some(Command::District(DistrictCommand::Add {
                municipality,
                name,
                geojson_file,
            })) => {
                let state = AppState::open(&config)?;
                let limit = host_service::districts::GEOJSON_MAX_BYTES;
                anyhow::ensure!(
                    std::fs::metadata(&geojson_file)?.len() <= limit as u64,
                    "{} is larger than {} MiB: simplify the boundary",
                    geojson_file.display(),
                    limit >> 20
                );
                let text = std::fs::read_to_string(&geojson_file)?;
                let saved = admin::add_district(&state.db, &municipality, &name, &text).await?;
                println!(
                    "District {name:?} {} in {municipality}; {} located problem(s) placed anew",
                    if saved.replaced { "replaced" } else { "added" },
                    saved.placed
                );
                Ok(())
            }
            Some(Command::District(DistrictCommand::Route {
                municipality,
                district,
                category,
                agency,
                none: _,
            })) => {
                let state = AppState::open(&config)?;
                admin::route_district(
                    &state.db,
                    &municipality,
                    &district,
                    &category,
                    agency.as_deref(),
                )
                .await?;
                match agency {
                    Some(agency) => println!("{category:?} in {district:?} now goes to {agency:?}"),
                    None => println!("{category:?} in {district:?} now follows the category's routing"),
                }
                Ok(())
            }
            Some(Command::User(UserCommand::Add {
                role,
                agency,
                login,
                municipality,
                password_file,
                name,
            })) => {
                let state = AppState::open(&config)?;
                let (password, generated) = match password_file {
                    Some(path) => (
                        std::fs::read_to_string(path)?
                            .trim_end_matches(['\r', '\n'])
                            .to_owned(),
                        false,
                    ),
                    None => (host_service::secrets::password(), true),
                };
                admin::add_official(
                    &state.db,
                    OfficialSpec {
                        login: login.clone(),
                        municipality,
                        password: password.clone(),
                        display_name: name,
                        role: match role.as_str() {
                            "moderator" => Role::Moderator,
                            "agency-official" => Role::AgencyOfficial,
                            "analyst" => Role::Analyst,
                            _ => Role::SiteAdmin,
                        },
                        agency,
                    },
                )
                .await?;
                if generated {
                    println!("Created {login}; password: {password}");
                } else {
                    println!("Created {login}");
                }
                Ok(())
            }
        }
    })
}

/// `host-service mail-in`: one message from standard input. Exits with the sysexits codes a
/// mail server understands.
async fn mail_in(config: &Config, recipient: Option<String>) -> anyhow::Result<()> {
    use std::io::Read as _;
    const EX_DATAERR: i32 = 65;
    const EX_TEMPFAIL: i32 = 75;
    let limit = host_service::inbound::MESSAGE_MAX_BYTES;
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)?;
    if raw.len() > limit {
        eprintln!(
            "message refused: larger than {} MiB / сообщение больше {} МиБ",
            limit >> 20,
            limit >> 20
        );
        std::process::exit(EX_DATAERR);
    }
    let state = match AppState::open(config) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("cannot open the database, try again later: {e}");
            std::process::exit(EX_TEMPFAIL);
        }
    };
    match host_service::inbound::deliver(&state, raw, recipient).await {
        Ok(outcome) => {
            let reason = outcome.reason.map(|r| format!(" ({})", r.as_str()));
            let problem = outcome.problem_id.map(|p| format!(", problem {p}"));
            println!(
                "{}{}{}",
                outcome.state.as_str(),
                reason.unwrap_or_default(),
                problem.unwrap_or_default()
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("not stored, try again later: {e}");
            std::process::exit(EX_TEMPFAIL);
        }
    }
}

/// Completes on ctrl-c or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

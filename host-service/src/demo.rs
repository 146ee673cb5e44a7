//! The demo city «Демоград»: seeded idempotently at every start (unless disabled) so that a
//! fresh checkout shows a working widget at `/` and a cabinet to log into.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use civic_wire::{Bounds, LatLon};
use rusqlite::{OptionalExtension, params};

use crate::admin::{
    self, AdminError, OfficialSpec, Role, add_categories, add_origin, default_categories,
    ensure_municipality,
};
use crate::db::now;
use crate::sites::normalize_origin;
use crate::{AppState, Config, secrets};

pub const MUNICIPALITY: &str = "Демоград";
pub const SITE_KEY: &str = "demo";
pub const SITE_NAME: &str = "Демоград — городской портал";
pub const LOGIN: &str = "demo-admin";
pub const CENTRE: LatLon = LatLon {
    lat: 54.5138,
    lon: 36.2612,
};
pub const BOUNDS: Bounds = Bounds {
    west: 36.15,
    south: 54.45,
    east: 36.38,
    north: 54.58,
};

/// The demo official's credentials, as printed at start.
#[derive(Clone)]
pub struct DemoLogin {
    pub login: String,
    pub password: String,
}

impl std::fmt::Debug for DemoLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoLogin")
            .field("login", &self.login)
            .field("password", &"REDACTED")
            .finish()
    }
}

impl DemoLogin {
    /// The line printed at every start.
    pub fn announcement(&self, config: &Config) -> String {
        format!(
            "Cabinet: {}/cabinet — login {}, password {}",
            config.public_base(),
            self.login,
            self.password
        )
    }
}

/// Where the demo password is kept: beside the database, `<db>.demo-login.txt`.
pub fn password_file(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "civic.db".into());
    name.push(".demo-login.txt");
    db_path.with_file_name(name)
}

/// Reads the demo password written by an earlier [`seed`].
pub fn read_password(db_path: &Path) -> std::io::Result<String> {
    Ok(std::fs::read_to_string(password_file(db_path))?
        .trim()
        .to_owned())
}

/// Creates what is missing of the demo city and refreshes what depends on the public URL
/// (the allowed origin, the policy link). Safe to run at every start.
pub async fn seed(state: &AppState) -> Result<DemoLogin, AdminError> {
    let base = state.config.public_base();
    let origin = normalize_origin(&base)
        .ok_or_else(|| AdminError::Invalid(format!("{base:?} has no origin")))?;
    let policy = format!("{base}/privacy");
    let official_exists = state
        .db
        .write(move |conn| {
            let municipality_id = ensure_municipality(conn, MUNICIPALITY)?;
            let site_id: Option<i64> =
                conn.query_row("SELECT id FROM sites WHERE key = ?1", [SITE_KEY], |r| r.get(0)).optional()?;
            let site_id = match site_id {
                Some(id) => {
                    conn.execute("UPDATE sites SET privacy_policy_url = ?1 WHERE id = ?2", params![policy, id])?;
                    id
                }
                None => {
                    conn.execute(
                        "INSERT INTO sites (key, municipality_id, name, centre_lat, centre_lon, bounds_west,
                                            bounds_south, bounds_east, bounds_north, privacy_policy_url, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        params![
                            SITE_KEY,
                            municipality_id,
                            SITE_NAME,
                            CENTRE.lat,
                            CENTRE.lon,
                            BOUNDS.west,
                            BOUNDS.south,
                            BOUNDS.east,
                            BOUNDS.north,
                            policy,
                            now()
                        ],
                    )?;
                    conn.last_insert_rowid()
                }
            };
            let categories: i64 =
                conn.query_row("SELECT count(*) FROM categories WHERE municipality_id = ?1", [municipality_id], |r| r.get(0))?;
            if categories == 0 {
                add_categories(conn, municipality_id, &default_categories())?;
            }
            // The demo page is served by this host, so whatever port it runs on must be allowed.
            add_origin(conn, site_id, &origin)?;
            let exists = conn.query_row("SELECT 1 FROM officials WHERE login = ?1", [LOGIN], |_| Ok(())).optional()?;
            Ok::<_, AdminError>(exists.is_some())
        })
        .await?;

    let db_path = state.config.db_path.clone();
    if official_exists
        && let Ok(password) = read_password(&db_path)
        && !password.is_empty()
    {
        return Ok(DemoLogin {
            login: LOGIN.into(),
            password,
        });
    }
    // First start, or the password file was lost: make a new password and write it down.
    let password = secrets::password();
    if official_exists {
        admin::set_password(&state.db, LOGIN, &password).await?;
    } else {
        admin::add_official(
            &state.db,
            OfficialSpec {
                login: LOGIN.into(),
                municipality: MUNICIPALITY.into(),
                password: password.clone(),
                display_name: Some("Демо-администратор".into()),
                role: Role::SiteAdmin,
            },
        )
        .await?;
    }
    write_private(&password_file(&db_path), &format!("{password}\n"))
        .map_err(|e| AdminError::Invalid(format!("could not write the demo password file: {e}")))?;
    Ok(DemoLogin {
        login: LOGIN.into(),
        password,
    })
}

/// Writes a file only its owner can read (mode 0600 on Unix).
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // `mode` applies only when the file is created; tighten an existing one too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

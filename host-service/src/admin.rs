//! Administration used by the command line (`host-service site add`, `user add`), the demo
//! seed and tests: creating municipalities, sites with their origins and categories, officials.

use crate::appeals::Delivery;
use civic_wire::{Bounds, LatLon};
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{Db, DbError, now};
use crate::secrets;
use crate::sites::normalize_origin;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("a site with key {0:?} already exists")]
    SiteExists(String),
    #[error("an official with login {0:?} already exists")]
    LoginTaken(String),
    #[error("no municipality named {0:?}; create one with `host-service site add`")]
    UnknownMunicipality(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl From<rusqlite::Error> for AdminError {
    fn from(e: rusqlite::Error) -> Self {
        AdminError::Db(DbError::Sqlite(e))
    }
}

/// A category to create: names and hints in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct CategorySpec {
    pub name_ru: String,
    pub name_en: String,
    pub hint_ru: Option<String>,
    pub hint_en: Option<String>,
}

impl CategorySpec {
    /// A category named the same in both languages (as given on the command line).
    pub fn named(name: &str) -> CategorySpec {
        CategorySpec {
            name_ru: name.into(),
            name_en: name.into(),
            hint_ru: None,
            hint_en: None,
        }
    }
}

/// The categories a municipality starts with when none are given.
pub fn default_categories() -> Vec<CategorySpec> {
    let c = |ru: &str, en: &str, hint_ru: &str, hint_en: &str| CategorySpec {
        name_ru: ru.into(),
        name_en: en.into(),
        hint_ru: Some(hint_ru.into()),
        hint_en: Some(hint_en.into()),
    };
    vec![
        c(
            "Дороги и тротуары",
            "Roads and pavements",
            "Ямы, разбитый асфальт, бордюры, разметка",
            "Potholes, broken asphalt, kerbs, road markings",
        ),
        c(
            "Освещение",
            "Street lighting",
            "Не горит или мигает фонарь, оборванные провода",
            "A street light is out or flickering, hanging wires",
        ),
        c(
            "Мусор",
            "Waste",
            "Переполненные контейнеры, свалки, невывезенный мусор",
            "Overflowing bins, fly-tipping, missed collection",
        ),
        c(
            "Благоустройство",
            "Parks and public spaces",
            "Дворы, парки, скамейки, детские площадки",
            "Yards, parks, benches, playgrounds",
        ),
        c(
            "Другое",
            "Other",
            "Всё, что не подходит под другие категории",
            "Anything that fits no other category",
        ),
    ]
}

/// Everything `site add` needs.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    pub key: String,
    pub name: String,
    pub municipality: String,
    pub origins: Vec<String>,
    pub centre: LatLon,
    pub bounds: Bounds,
    /// Added to the municipality; if empty and the municipality has none, the defaults are.
    pub categories: Vec<CategorySpec>,
    pub privacy_policy_url: String,
}

/// What was created.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedSite {
    pub site_id: i64,
    pub municipality_id: i64,
}

/// The one-line snippet a webmaster pastes into their pages: the site's own loader, which brings
/// the form with it (the faster first visit on a phone, BENCHMARKS.md), and the classic tag,
/// which works as well.
pub fn embed_snippet(public_base: &str, key: &str) -> String {
    let path = url::form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>();
    format!(
        "<script src=\"{public_base}/w/{path}.js\" async></script>\n\
         <script src=\"{public_base}/widget.js\" data-site=\"{key}\" async></script>"
    )
}

fn check_site_spec(spec: &SiteSpec) -> Result<Vec<String>, AdminError> {
    let key_ok = !spec.key.is_empty()
        && spec.key.len() <= 64
        && spec
            .key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !key_ok {
        return Err(AdminError::Invalid(
            "a site key is 1-64 latin letters, digits, '-' or '_'".into(),
        ));
    }
    let b = spec.bounds;
    if !(b.west < b.east && b.south < b.north && b.contains(spec.centre)) {
        return Err(AdminError::Invalid(
            "bounds must be W,S,E,N with W<E, S<N, and contain the centre".into(),
        ));
    }
    spec.origins
        .iter()
        .map(|o| {
            normalize_origin(o)
                .ok_or_else(|| AdminError::Invalid(format!("{o:?} is not an http(s) origin")))
        })
        .collect()
}

/// Creates a site (and its municipality if new, and categories) in one transaction.
pub async fn add_site(db: &Db, spec: SiteSpec) -> Result<CreatedSite, AdminError> {
    let origins = check_site_spec(&spec)?;
    db.write(move |conn| {
        let taken = conn.query_row("SELECT 1 FROM sites WHERE key = ?1", [&spec.key], |_| Ok(())).optional()?;
        if taken.is_some() {
            return Err(AdminError::SiteExists(spec.key.clone()));
        }
        let municipality_id = ensure_municipality(conn, &spec.municipality)?;
        conn.execute(
            "INSERT INTO sites (key, municipality_id, name, centre_lat, centre_lon, bounds_west, bounds_south,
                                bounds_east, bounds_north, privacy_policy_url, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                spec.key,
                municipality_id,
                spec.name,
                spec.centre.lat,
                spec.centre.lon,
                spec.bounds.west,
                spec.bounds.south,
                spec.bounds.east,
                spec.bounds.north,
                spec.privacy_policy_url,
                now()
            ],
        )?;
        let site_id = conn.last_insert_rowid();
        for origin in &origins {
            add_origin(conn, site_id, origin)?;
        }
        let categories = if spec.categories.is_empty() && count_categories(conn, municipality_id)? == 0 {
            default_categories()
        } else {
            spec.categories
        };
        add_categories(conn, municipality_id, &categories)?;
        Ok(CreatedSite { site_id, municipality_id })
    })
    .await
}

pub(crate) fn ensure_municipality(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    if let Some(id) = conn
        .query_row(
            "SELECT id FROM municipalities WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO municipalities (name, created_at) VALUES (?1, ?2)",
        params![name, now()],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn add_origin(conn: &Connection, site_id: i64, origin: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO site_origins (site_id, origin) VALUES (?1, ?2)",
        params![site_id, origin],
    )?;
    Ok(())
}

fn count_categories(conn: &Connection, municipality_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM categories WHERE municipality_id = ?1",
        [municipality_id],
        |r| r.get(0),
    )
}

pub(crate) fn add_categories(
    conn: &Connection,
    municipality_id: i64,
    categories: &[CategorySpec],
) -> rusqlite::Result<()> {
    let start: i64 = conn.query_row(
        "SELECT coalesce(max(position), 0) FROM categories WHERE municipality_id = ?1",
        [municipality_id],
        |r| r.get(0),
    )?;
    for (i, c) in categories.iter().enumerate() {
        conn.execute(
            "INSERT INTO categories (municipality_id, name_ru, name_en, hint_ru, hint_en, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                municipality_id,
                c.name_ru,
                c.name_en,
                c.hint_ru,
                c.hint_en,
                start + 1 + i as i64
            ],
        )?;
    }
    Ok(())
}

/// Adds `origin` to the allowed origins of the site `key` (no-op if already there).
pub async fn allow_origin(db: &Db, key: &str, origin: &str) -> Result<(), AdminError> {
    let origin = normalize_origin(origin)
        .ok_or_else(|| AdminError::Invalid(format!("{origin:?} is not an origin")))?;
    let key = key.to_owned();
    db.write(move |conn| {
        let site_id: i64 = conn
            .query_row("SELECT id FROM sites WHERE key = ?1", [&key], |r| r.get(0))
            .optional()?
            .ok_or_else(|| AdminError::Invalid(format!("no site {key:?}")))?;
        add_origin(conn, site_id, &origin)?;
        Ok(())
    })
    .await
}

/// Roles of officials. A site admin does everything, the settings included; a moderator
/// everything with reports but the settings; an agency official works on their agency's
/// problems only (and sees no other); an analyst reads everything an official reads but the
/// reporters' contacts, and changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    SiteAdmin,
    Moderator,
    AgencyOfficial,
    Analyst,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SiteAdmin => "site_admin",
            Role::Moderator => "moderator",
            Role::AgencyOfficial => "agency_official",
            Role::Analyst => "analyst",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OfficialSpec {
    pub login: String,
    pub municipality: String,
    pub password: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// The agency (by name) of an agency official; none for the other roles.
    pub agency: Option<String>,
}

/// Creates an official of an existing municipality; returns their id.
pub async fn add_official(db: &Db, spec: OfficialSpec) -> Result<i64, AdminError> {
    let login = spec.login.trim().to_owned();
    if login.is_empty() || login.len() > 64 || login.chars().any(char::is_whitespace) {
        return Err(AdminError::Invalid(
            "a login is 1-64 characters without spaces".into(),
        ));
    }
    if spec.password.chars().count() < 8 {
        return Err(AdminError::Invalid(
            "a password has at least 8 characters".into(),
        ));
    }
    // Hashing is deliberately slow: keep it off the async threads and out of the write queue.
    let password = spec.password.clone();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| AdminError::Hash(e.to_string()))?
        .map_err(|e| AdminError::Hash(e.to_string()))?;
    db.write(move |conn| {
        let municipality_id: i64 = conn
            .query_row("SELECT id FROM municipalities WHERE name = ?1", [&spec.municipality], |r| r.get(0))
            .optional()?
            .ok_or_else(|| AdminError::UnknownMunicipality(spec.municipality.clone()))?;
        let taken = conn.query_row("SELECT 1 FROM officials WHERE login = ?1", [&login], |_| Ok(())).optional()?;
        if taken.is_some() {
            return Err(AdminError::LoginTaken(login));
        }
        let agency_id = match (spec.role, &spec.agency) {
            (Role::AgencyOfficial, Some(name)) => Some(agency_id(conn, municipality_id, name)?),
            (Role::AgencyOfficial, None) => {
                return Err(AdminError::Invalid("an agency official needs --agency".into()));
            }
            (_, Some(_)) => {
                return Err(AdminError::Invalid("only an agency official has an agency".into()));
            }
            (_, None) => None,
        };
        conn.execute(
            "INSERT INTO officials (municipality_id, login, password_hash, display_name, role, created_at, agency_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                municipality_id,
                login,
                hash,
                spec.display_name.unwrap_or_else(|| login.clone()),
                spec.role.as_str(),
                now(),
                agency_id
            ],
        )?;
        Ok(conn.last_insert_rowid())
    })
    .await
}

/// The id of the municipality's agency named `name`.
fn agency_id(conn: &Connection, municipality_id: i64, name: &str) -> Result<i64, AdminError> {
    conn.query_row(
        "SELECT id FROM agencies WHERE municipality_id = ?1 AND name = ?2",
        params![municipality_id, name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        AdminError::Invalid(format!(
            "no agency named {name:?}; add it with `host-service agency add`"
        ))
    })
}

fn municipality_id(conn: &Connection, name: &str) -> Result<i64, AdminError> {
    conn.query_row(
        "SELECT id FROM municipalities WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| AdminError::UnknownMunicipality(name.to_owned()))
}

/// Adds an agency to a municipality (`host-service agency add`).
pub async fn add_agency(
    db: &Db,
    municipality: &str,
    name: &str,
    email: Option<&str>,
    delivery: Delivery,
) -> Result<i64, AdminError> {
    let (municipality, name, email) = (
        municipality.to_owned(),
        name.to_owned(),
        email.map(str::to_owned),
    );
    db.write(move |conn| {
        let m = municipality_id(conn, &municipality)?;
        crate::agencies::add(conn, m, &name, email.as_deref(), delivery)
            .map_err(|e| AdminError::Invalid(e.to_string()))
    })
    .await
}

/// Changes an agency's address and how it hears of problems (`host-service agency set`).
pub async fn update_agency(
    db: &Db,
    municipality: &str,
    name: &str,
    email: Option<&str>,
    delivery: Delivery,
) -> Result<(), AdminError> {
    let (municipality, name, email) = (
        municipality.to_owned(),
        name.to_owned(),
        email.map(str::to_owned),
    );
    db.write(move |conn| {
        let m = municipality_id(conn, &municipality)?;
        let id = agency_id(conn, m, &name)?;
        crate::agencies::update(conn, m, id, email.as_deref(), delivery)
            .map_err(|e| AdminError::Invalid(e.to_string()))?;
        Ok(())
    })
    .await
}

/// Routes a category (by its Russian or English name) to an agency (by name), or to none
/// (`host-service agency route`).
pub async fn route_category(
    db: &Db,
    municipality: &str,
    category: &str,
    agency: Option<&str>,
) -> Result<(), AdminError> {
    let (municipality, category, agency) = (
        municipality.to_owned(),
        category.trim().to_owned(),
        agency.map(str::to_owned),
    );
    db.write(move |conn| {
        let m = municipality_id(conn, &municipality)?;
        let category_id: i64 = conn
            .query_row(
                "SELECT id FROM categories WHERE municipality_id = ?1 AND (name_ru = ?2 OR name_en = ?2)",
                params![m, category],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| AdminError::Invalid(format!("no category named {category:?}")))?;
        let agency_id = agency.map(|a| agency_id(conn, m, &a)).transpose()?;
        crate::agencies::route_category(conn, m, category_id, agency_id)?;
        Ok(())
    })
    .await
}

/// The id of a category of the municipality by its Russian or English name.
fn category_id(conn: &Connection, municipality_id: i64, name: &str) -> Result<i64, AdminError> {
    conn.query_row(
        "SELECT id FROM categories WHERE municipality_id = ?1 AND (name_ru = ?2 OR name_en = ?2)",
        params![municipality_id, name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| AdminError::Invalid(format!("no category named {name:?}")))
}

/// Adds a district to a municipality from GeoJSON text, or replaces the boundary of the one
/// of that name (`host-service district add`).
pub async fn add_district(
    db: &Db,
    municipality: &str,
    name: &str,
    geojson: &str,
) -> Result<crate::districts::Saved, AdminError> {
    let geometry = crate::districts::Geometry::parse(geojson)
        .map_err(|e| AdminError::Invalid(e.to_string()))?;
    let (municipality, name) = (municipality.to_owned(), name.to_owned());
    db.write(move |conn| {
        let m = municipality_id(conn, &municipality)?;
        crate::districts::save(conn, m, &name, &geometry)?
            .map_err(|e| AdminError::Invalid(e.to_string()))
    })
    .await
}

/// Routes a district's problems of a category (by name) to an agency (by name), or back to
/// the category's agency with `None` (`host-service district route`).
pub async fn route_district(
    db: &Db,
    municipality: &str,
    district: &str,
    category: &str,
    agency: Option<&str>,
) -> Result<(), AdminError> {
    let (municipality, district, category, agency) = (
        municipality.to_owned(),
        district.trim().to_owned(),
        category.to_owned(),
        agency.map(str::to_owned),
    );
    db.write(move |conn| {
        let m = municipality_id(conn, &municipality)?;
        let district_id: i64 = conn
            .query_row(
                "SELECT id FROM districts WHERE municipality_id = ?1 AND name = ?2",
                params![m, district],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                AdminError::Invalid(format!(
                    "no district named {district:?}; add it with `host-service district add`"
                ))
            })?;
        let category_id = category_id(conn, m, &category)?;
        let agency_id = agency.map(|a| agency_id(conn, m, &a)).transpose()?;
        crate::districts::set_route(conn, m, district_id, category_id, agency_id)?;
        Ok(())
    })
    .await
}

/// Sets a new password for `login`.
pub async fn set_password(db: &Db, login: &str, password: &str) -> Result<(), AdminError> {
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| AdminError::Hash(e.to_string()))?
        .map_err(|e| AdminError::Hash(e.to_string()))?;
    let login = login.to_owned();
    db.write(move |conn| {
        conn.execute("UPDATE officials SET password_hash = ?1 WHERE login = ?2", params![hash, login])?;
        // A new password ends the sessions opened with the old one.
        conn.execute(
            "DELETE FROM official_sessions WHERE official_id = (SELECT id FROM officials WHERE login = ?1)",
            [&login],
        )?;
        Ok(())
    })
    .await
}

/// Parses `LAT,LON`.
pub fn parse_centre(s: &str) -> Result<LatLon, AdminError> {
    let v = parse_floats(s, 2)?;
    Ok(LatLon {
        lat: v[0],
        lon: v[1],
    })
}

/// Parses `W,S,E,N`.
pub fn parse_bounds(s: &str) -> Result<Bounds, AdminError> {
    let v = parse_floats(s, 4)?;
    Ok(Bounds {
        west: v[0],
        south: v[1],
        east: v[2],
        north: v[3],
    })
}

fn parse_floats(s: &str, n: usize) -> Result<Vec<f64>, AdminError> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AdminError::Invalid(format!("{s:?}: expected {n} comma-separated numbers")))?;
    if v.len() != n || v.iter().any(|x| !x.is_finite()) {
        return Err(AdminError::Invalid(format!(
            "{s:?}: expected {n} comma-separated numbers"
        )));
    }
    Ok(v)
}

/// An Open311 API key just issued: `key` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedApiKey {
    pub client_id: i64,
    pub key: String,
}

/// Issues a new Open311 `api_key` for a back-office system `client` of the site `site_key`.
/// Only the key's SHA-256 is stored; the caller shows the key to the person once.
pub async fn issue_api_key(
    db: &Db,
    site_key: &str,
    client: &str,
) -> Result<IssuedApiKey, AdminError> {
    let client = client.trim().to_owned();
    if client.is_empty() || client.chars().count() > 100 {
        return Err(AdminError::Invalid(
            "an API client name is 1-100 characters".into(),
        ));
    }
    // The prefix tells a leaked string apart from other secrets when someone finds it.
    let key = format!("civic_{}", secrets::token());
    let hash = secrets::token_hash(&key);
    let site_key = site_key.to_owned();
    let client_id = db
        .write(move |conn| {
            let site_id: i64 = conn
                .query_row("SELECT id FROM sites WHERE key = ?1", [&site_key], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| AdminError::Invalid(format!("no site {site_key:?}")))?;
            conn.execute(
                "INSERT INTO api_clients (site_id, name, key_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![site_id, client, hash, now()],
            )?;
            Ok::<_, AdminError>(conn.last_insert_rowid())
        })
        .await?;
    Ok(IssuedApiKey { client_id, key })
}

/// Revokes every active key of the API client `client` of the site `site_key`; returns how many.
pub async fn revoke_api_keys(db: &Db, site_key: &str, client: &str) -> Result<usize, AdminError> {
    let (site_key, client) = (site_key.to_owned(), client.trim().to_owned());
    db.write(move |conn| {
        let n = conn.execute(
            "UPDATE api_clients SET revoked_at = ?1
             WHERE revoked_at IS NULL AND name = ?2 AND site_id = (SELECT id FROM sites WHERE key = ?3)",
            params![now(), client, site_key],
        )?;
        Ok(n)
    })
    .await
}

/// Checks a base-map tile URL template: an http(s) URL with `{z}`, `{x}` and `{y}`.
pub fn check_tile_template(template: &str) -> Result<(), AdminError> {
    let t = template.trim();
    let ok = (t.starts_with("https://") || t.starts_with("http://"))
        && ["{z}", "{x}", "{y}"].iter().all(|p| t.contains(p))
        && t.len() <= 500
        && !t.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(AdminError::Invalid(
            "a tile URL template is an http(s) URL with {z}, {x} and {y}, e.g. https://tiles.example/{z}/{x}/{y}.png".into(),
        ))
    }
}

/// Sets (or, with `None`, removes) the base map of the site `key`: an XYZ tile URL template
/// and the attribution its provider requires.
/// Sets what happens to a site's reports before they are public (`None`: left as it is).
/// `anonymous` is `confirm_email`, `moderated` or `off`.
pub async fn set_report_policy(
    db: &Db,
    key: &str,
    anonymous: Option<String>,
    premoderation: Option<bool>,
) -> Result<(), AdminError> {
    if let Some(a) = &anonymous
        && !matches!(a.as_str(), "confirm_email" | "moderated" | "off")
    {
        return Err(AdminError::Invalid(format!(
            "anonymous reports are confirm_email, moderated or off, not {a:?}"
        )));
    }
    let key = key.to_owned();
    db.write(move |conn| {
        let n = conn.execute(
            "UPDATE sites SET anonymous_reports = coalesce(?1, anonymous_reports),
                              premoderation = coalesce(?2, premoderation)
             WHERE key = ?3",
            params![anonymous, premoderation, key],
        )?;
        if n == 0 {
            return Err(AdminError::Invalid(format!("no site {key:?}")));
        }
        Ok(())
    })
    .await
}

/// Sets whether an agency's e-mailed answers on a site's problems are published at once
/// (`false`) or wait for a moderator (`true`).
pub async fn set_email_answers(db: &Db, key: &str, moderate: bool) -> Result<(), AdminError> {
    let key = key.to_owned();
    db.write(move |conn| {
        let n = conn.execute(
            "UPDATE sites SET email_answers = ?1 WHERE key = ?2",
            params![if moderate { "moderate" } else { "publish" }, key],
        )?;
        if n == 0 {
            return Err(AdminError::Invalid(format!("no site {key:?}")));
        }
        Ok(())
    })
    .await
}

/// Sets whether a site's terms count working days, and (when given) replaces its holidays.
pub async fn set_working_days(
    db: &Db,
    key: &str,
    working: Option<bool>,
    holidays: Option<Vec<time::Date>>,
) -> Result<(), AdminError> {
    let key = key.to_owned();
    db.write(move |conn| {
        let (site_id, now_working): (i64, bool) = conn
            .query_row(
                "SELECT id, working_days FROM sites WHERE key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| AdminError::Invalid(format!("no site {key:?}")))?;
        let holidays = match holidays {
            Some(h) => h,
            None => crate::workdays::holidays(conn, site_id)?,
        };
        crate::workdays::set(conn, site_id, working.unwrap_or(now_working), &holidays)?;
        Ok(())
    })
    .await
}

pub async fn set_tiles(
    db: &Db,
    key: &str,
    tiles: Option<(String, String)>,
) -> Result<(), AdminError> {
    if let Some((template, attribution)) = &tiles {
        check_tile_template(template)?;
        let n = attribution.trim().chars().count();
        if n == 0 || n > 300 {
            return Err(AdminError::Invalid(
                "the attribution is 1-300 characters (the tile provider's terms require one)"
                    .into(),
            ));
        }
    }
    let key = key.to_owned();
    let (template, attribution) = match tiles {
        Some((t, a)) => (Some(t.trim().to_owned()), Some(a.trim().to_owned())),
        None => (None, None),
    };
    db.write(move |conn| {
        let n = conn.execute(
            "UPDATE sites SET tile_url_template = ?1, tile_attribution = ?2 WHERE key = ?3",
            params![template, attribution, key],
        )?;
        if n == 0 {
            return Err(AdminError::Invalid(format!("no site {key:?}")));
        }
        Ok(())
    })
    .await
}

/// Registers an SSO verification key `kid` for the site `site_key` (`host-service site sso`).
pub async fn add_sso_key(
    db: &Db,
    site_key: &str,
    kid: &str,
    key: crate::sso::SsoKey,
) -> Result<(), AdminError> {
    let (site_key, kid) = (site_key.to_owned(), kid.trim().to_owned());
    db.write(move |conn| {
        crate::sso::insert_key(conn, &site_key, &kid, &key).map_err(AdminError::Invalid)
    })
    .await
}

/// Revokes the SSO key `kid` of the site `site_key`; tokens signed with it are refused at once.
pub async fn revoke_sso_key(db: &Db, site_key: &str, kid: &str) -> Result<bool, AdminError> {
    let (site_key, kid) = (site_key.to_owned(), kid.trim().to_owned());
    db.write(move |conn| Ok(crate::sso::revoke_key(conn, &site_key, &kid)?))
        .await
}

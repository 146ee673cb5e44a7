//! The wire types of the widget's public API (`/api/v1`), shared by the widget (compiled to wasm)
//! and the host service, so both sides agree on every field at compile time.
//!
//! These are the *public* surface: nothing here may ever carry a reporter's name or contacts
//! back out of the host. The only reporter fields are in [`NewProblem::reporter`], which travels
//! from the visitor to the host and never the other way. The host's domain types are separate and
//! are not `Serialize`, so a field added to the domain cannot leak through this API by accident.

use serde::{Deserialize, Serialize};

/// Version prefix of every widget API route. Webmasters and other clients code against it.
pub const API_PREFIX: &str = "/api/v1";

/// Limits the host enforces and the widget mirrors in its form (so the visitor learns early).
pub mod limits {
    /// Description, in Unicode scalar values, after trimming.
    pub const DESCRIPTION_MIN_CHARS: usize = 10;
    pub const DESCRIPTION_MAX_CHARS: usize = 4000;
    pub const ADDRESS_MAX_CHARS: usize = 300;
    pub const NAME_MAX_CHARS: usize = 200;
    pub const EMAIL_MAX_CHARS: usize = 254;
    pub const PHONE_MAX_CHARS: usize = 32;
    /// Largest JSON body the problem endpoint accepts (photos come by a separate upload).
    pub const PROBLEM_BODY_MAX_BYTES: usize = 64 * 1024;
}

/// A point in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// A rectangle in WGS 84 degrees: west, south, east, north.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bounds {
    pub fn contains(&self, p: LatLon) -> bool {
        p.lat >= self.south && p.lat <= self.north && p.lon >= self.west && p.lon <= self.east
    }
}

/// Interface language. Russian is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// Parses a BCP 47 tag loosely: `en`, `en-GB` → English; `ru`, `ru-RU` → Russian; else `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// The widget's display mode, chosen by `data-mode` (else the site's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Basic,
    Extended,
}

/// What a site does with a report from a visitor not signed in through its SSO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnonymousReports {
    /// An e-mail is required; the report waits until the link sent there is followed.
    ConfirmEmail,
    /// Accepted as it is; moderators decide.
    #[default]
    Moderated,
    /// Only signed-in residents may report.
    Off,
}

/// A problem's status as the public sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, waiting for moderation; not public.
    New,
    Published,
    InProgress,
    Resolved,
    /// Refused with a motivated answer.
    Refused,
    /// Merged into another problem.
    Duplicate,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Published,
        Status::InProgress,
        Status::Resolved,
        Status::Refused,
        Status::Duplicate,
        Status::Closed,
    ];

    /// The stable machine name, as stored in the database and used in URLs and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Published => "published",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Refused => "refused",
            Status::Duplicate => "duplicate",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The name shown to people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::New, Lang::Ru) => "Новое",
            (Status::New, Lang::En) => "New",
            (Status::Published, Lang::Ru) => "Опубликовано",
            (Status::Published, Lang::En) => "Published",
            (Status::InProgress, Lang::Ru) => "В работе",
            (Status::InProgress, Lang::En) => "In progress",
            (Status::Resolved, Lang::Ru) => "Решено",
            (Status::Resolved, Lang::En) => "Resolved",
            (Status::Refused, Lang::Ru) => "Отказано",
            (Status::Refused, Lang::En) => "Refused",
            (Status::Duplicate, Lang::Ru) => "Дубликат",
            (Status::Duplicate, Lang::En) => "Duplicate",
            (Status::Closed, Lang::Ru) => "Закрыто",
            (Status::Closed, Lang::En) => "Closed",
        }
    }
}

/// A category a visitor can pick. `name` is already in the language asked for (`?lang=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// A one-line hint shown under the picker, e.g. what belongs here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// `GET /api/v1/sites/{key}?lang=ru|en` — everything the widget needs to render a site's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteConfig {
    pub key: String,
    /// The site's (or municipality's) name, shown in the widget's heading.
    pub name: String,
    pub municipality: String,
    pub centre: LatLon,
    pub bounds: Bounds,
    pub default_lang: Lang,
    pub default_mode: Mode,
    /// Where the personal-data processing policy lives (152-FZ); linked from the consent box.
    pub privacy_policy_url: String,
    pub categories: Vec<Category>,
    /// Whether and how visitors who are not signed in may report.
    #[serde(default)]
    pub anonymous: AnonymousReports,
}

/// The reporter's private contacts. Stored apart from the problem; only the cabinet reads them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReporterContacts {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The reporter agrees that the agency handling the problem may see these contacts (in
    /// the appeal it is e-mailed). Without it the agency never gets them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub share_with_agency: bool,
}

/// `POST /api/v1/sites/{key}/problems` — a visitor's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewProblem {
    pub category_id: i64,
    pub description: String,
    /// A position from geolocation or (later) the map pin. Either this or `address` is required.
    #[serde(default)]
    pub location: Option<LatLon>,
    /// An address or landmark in words.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub reporter: ReporterContacts,
    /// Consent to the processing of personal data (152-FZ). Must be `true`.
    pub consent: bool,
    /// The language the visitor used, for e-mails to them.
    #[serde(default)]
    pub lang: Lang,
    /// Honeypot: a field hidden from people. Bots fill it; such reports are dropped silently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// `201 Created` answer to [`NewProblem`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemCreated {
    /// The public number, said over the phone: e.g. `1042`.
    pub id: i64,
    /// Unguessable code that lets the reporter follow their report.
    pub tracking_code: String,
    /// Absolute URL of the tracking page (`{public_url}/t/{tracking_code}`).
    pub tracking_url: String,
    pub status: Status,
    /// A confirmation link was e-mailed to the reporter; the report waits until it is followed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmation_sent: bool,
}

/// `201 Created` answer to a photo upload: where the stored (re-encoded) photo will be served
/// once the report is public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoUploaded {
    pub id: i64,
    pub url: String,
    pub thumb_url: String,
}

/// The one error shape of the whole `/api/v1` surface.
///
/// `code` is stable and machine-readable (the widget translates it); `message` is English for
/// developers. Validation failures list every offending field in `fields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One field's problem. `field` is the JSON path in the request, e.g. `description`,
/// `reporter.email`, `location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    pub message: String,
}

/// Why a field was refused. The widget shows each one in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    Invalid,
    UnknownCategory,
    OutsideBounds,
    ConsentRequired,
}

/// The same checks the host makes, run in the widget before sending so errors appear at once.
/// The host is the authority: it runs this too, then checks what only it knows (category ids,
/// the site's bounds).
pub fn validate_new_problem(p: &NewProblem) -> Vec<FieldError> {
    use limits::*;
    let mut errs = Vec::new();
    let mut push = |field: &str, code: FieldErrorCode, message: String| {
        errs.push(FieldError {
            field: field.to_owned(),
            code,
            message,
        })
    };
    let description = p.description.trim();
    let n = description.chars().count();
    if n == 0 {
        push(
            "description",
            FieldErrorCode::Required,
            "describe the problem".into(),
        );
    } else if n < DESCRIPTION_MIN_CHARS {
        push(
            "description",
            FieldErrorCode::TooShort,
            format!("at least {DESCRIPTION_MIN_CHARS} characters"),
        );
    } else if n > DESCRIPTION_MAX_CHARS {
        push(
            "description",
            FieldErrorCode::TooLong,
            format!("at most {DESCRIPTION_MAX_CHARS} characters"),
        );
    }
    let address = p
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if let Some(a) = address
        && a.chars().count() > ADDRESS_MAX_CHARS
    {
        push(
            "address",
            FieldErrorCode::TooLong,
            format!("at most {ADDRESS_MAX_CHARS} characters"),
        );
    }
    match p.location {
        // NaN and infinities are outside every range, so the ranges check finiteness too.
        Some(l) if !(-90.0..=90.0).contains(&l.lat) || !(-180.0..=180.0).contains(&l.lon) => push(
            "location",
            FieldErrorCode::Invalid,
            "not a valid latitude/longitude".into(),
        ),
        None if address.is_none() => push(
            "location",
            FieldErrorCode::Required,
            "give a location or an address".into(),
        ),
        _ => {}
    }
    let r = &p.reporter;
    if let Some(name) = r.name.as_deref()
        && name.trim().chars().count() > NAME_MAX_CHARS
    {
        push(
            "reporter.name",
            FieldErrorCode::TooLong,
            format!("at most {NAME_MAX_CHARS} characters"),
        );
    }
    if let Some(email) = r.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        if email.chars().count() > EMAIL_MAX_CHARS {
            push(
                "reporter.email",
                FieldErrorCode::TooLong,
                format!("at most {EMAIL_MAX_CHARS} characters"),
            );
        } else if !looks_like_email(email) {
            push(
                "reporter.email",
                FieldErrorCode::Invalid,
                "not an e-mail address".into(),
            );
        }
    }
    if let Some(phone) = r.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        if phone.chars().count() > PHONE_MAX_CHARS {
            push(
                "reporter.phone",
                FieldErrorCode::TooLong,
                format!("at most {PHONE_MAX_CHARS} characters"),
            );
        } else if !looks_like_phone(phone) {
            push(
                "reporter.phone",
                FieldErrorCode::Invalid,
                "not a phone number".into(),
            );
        }
    }
    if !p.consent {
        push(
            "consent",
            FieldErrorCode::ConsentRequired,
            "consent to the processing of personal data is required".into(),
        );
    }
    errs
}

/// A deliberately loose check: one `@`, something before it, a dot in the domain, no spaces.
/// Real validation of an address is sending mail to it.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    // Bytes, not `str::contains`: the widget's bundle then carries no substring searcher.
    !local.is_empty()
        && !domain.bytes().any(|b| b == b'@')
        && domain.bytes().any(|b| b == b'.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// Digits with the usual separators (`+7 (900) 123-45-67`), 5 to 15 digits.
pub fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=15).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
}

/// `GET /api/v1/sites/{key}` as served: [`SiteConfig`] and the site's base map, when one is set.
///
/// The base-map fields live here rather than in [`SiteConfig`] because the widget builds
/// `SiteConfig` field by field; adding fields to it would break that code. The JSON is flat: the
/// two fields sit beside `SiteConfig`'s own and are absent when no base map is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteConfigAnswer {
    #[serde(flatten)]
    pub config: SiteConfig,
    /// An XYZ raster tile URL template with `{z}`, `{x}`, `{y}` (Leaflet's syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_url_template: Option<String>,
    /// The attribution the tile provider requires, shown on the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_attribution: Option<String>,
}

/// `GET /api/v1/sites/{key}/widget`: a basic widget's first screen, rendered by the host, with
/// everything the widget needs to take it over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstScreenAnswer {
    /// The site's configuration, in the language the screen is in (as `GET /api/v1/sites/{key}`).
    pub config: SiteConfigAnswer,
    /// The form's elements (HTML), ready to be put into the widget's shadow root.
    pub html: String,
    /// The widget's stylesheet for this site (with the accent asked for).
    pub css: String,
    /// The language the screen is in: `ru` or `en`.
    pub lang: String,
}

/// `GET /api/v1/sites/{key}/map`: what to draw in a viewport. Either `clusters` or `problems`
/// is filled (the other is empty), and the answer stays small whatever the city's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapView {
    /// Groups of problems, when the viewport holds too many to show one by one.
    pub clusters: Vec<MapCluster>,
    /// Single problems, when the viewport holds few enough (or the zoom is street-level).
    pub problems: Vec<MapProblem>,
    /// How many problems the clusters or the list stand for (clusters at the viewport's edge
    /// count all their problems, some of which lie just outside).
    pub total: u64,
    /// `true` when the answer shows only part of what matches (a cap was hit): zoom in.
    pub truncated: bool,
}

/// A group of problems drawn as one circle with a count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapCluster {
    /// The group's centroid.
    pub lat: f64,
    pub lon: f64,
    pub count: u64,
    /// The zoom to fly to (centred on `lat`, `lon`) to see the group split.
    pub expansion_zoom: u8,
}

/// One problem drawn as a marker (details by id from the card endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapProblem {
    pub id: i64,
    pub lat: f64,
    pub lon: f64,
    pub status: Status,
    pub category_id: i64,
}

/// `GET /api/v1/sites/{key}/problems/{id}`: a published problem's public card. No field here
/// is about the reporter; officials appear only as the administration, never by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemCard {
    /// The public number.
    pub id: i64,
    pub category: Category,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LatLon>,
    pub status: Status,
    /// `status` in the language asked for.
    pub status_label: String,
    /// RFC 3339 (UTC) timestamps.
    pub created_at: String,
    pub published_at: String,
    pub updated_at: String,
    /// When the administration promised to solve it (RFC 3339 date), when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    pub support_count: u64,
    /// Status changes, oldest first, with their public answers.
    pub history: Vec<CardEvent>,
    /// The administration's public answers, oldest first (the same texts as in `history`).
    pub answers: Vec<OfficialAnswer>,
    /// The reporter's photos that no moderator hid (re-encoded: no EXIF), oldest first.
    #[serde(default)]
    pub photos: Vec<CardPhoto>,
}

/// A photo on a public card: the display size and the thumbnail, absolute URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardPhoto {
    pub url: String,
    pub thumb_url: String,
}

/// One step of a problem's public history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardEvent {
    pub at: String,
    pub status: Status,
    pub status_label: String,
    /// Who made the change, as a role («Администрация»); absent for the report itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// A public answer of the administration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialAnswer {
    pub at: String,
    /// The role that answered («Администрация»), never a person's name.
    pub by: String,
    pub text: String,
}

/// `GET /api/v1/sites/{key}/problems/nearby`: open problems of one category near a point,
/// nearest first, for the widget's "maybe it is already reported" suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyProblems {
    /// The category's duplicate-search radius that was used.
    pub radius_m: u32,
    pub problems: Vec<NearbyProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyProblem {
    pub id: i64,
    pub lat: f64,
    pub lon: f64,
    pub status: Status,
    pub category_id: i64,
    /// Distance from the asked point, in metres (rounded).
    pub distance_m: u32,
    /// The start of the description (at most 200 characters).
    pub excerpt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub created_at: String,
    pub support_count: u64,
}

// ---- Single sign-on (issue 3) ----
//
// The one exception to "no contacts flow out": [`SsoSession::resident`] and nothing else carries a
// signed-in resident's own name and contacts, and only back to that resident's widget (they came
// from the resident's own site in the token just exchanged). No public answer carries them.

/// `POST /api/v1/sso/exchange`: an identity token the host site's backend signed for its visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoExchange {
    /// The site's public key (`data-site`); must equal the token's `iss`.
    pub site: String,
    /// The JWT (compact serialization).
    pub token: String,
}

/// A widget session: send `Authorization: Bearer <session>`; keep it in memory only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoSession {
    pub session: String,
    /// Seconds until the session expires; exchange a fresh token then.
    pub expires_in: u64,
    pub resident: ResidentProfile,
}

/// The signed-in resident as their own site named them (for their own widget's form only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `GET /api/v1/sites/{key}/me/problems`: the signed-in resident's own reports, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyProblems {
    pub page: u32,
    pub per_page: u32,
    /// Whether a next page exists.
    pub more: bool,
    pub problems: Vec<MyProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyProblem {
    pub id: i64,
    pub category: String,
    pub description: String,
    pub status: Status,
    pub status_label: String,
    /// The day it was filed (`YYYY-MM-DD`, UTC).
    pub created: String,
    /// When the administration promised to solve it (`YYYY-MM-DD`), when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The administration's public answers, oldest first.
    #[serde(default)]
    pub answers: Vec<OfficialAnswer>,
}

// ---- Support votes ("this affects me too") ----

/// `POST /api/v1/sites/{key}/problems/{id}/support` from a visitor who is not signed in: the
/// e-mail address that will confirm the vote (a link is sent there). A signed-in resident
/// sends `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language of the confirmation e-mail.
    #[serde(default)]
    pub lang: Lang,
}

/// `POST /api/v1/sites/{key}/problems/{id}/support`: the problem's support count after a
/// signed-in resident's vote. One vote per resident and problem: voting again changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportResult {
    /// How many residents support the problem now.
    pub support_count: u64,
    /// `false` when this resident had already supported it (the count did not change).
    pub counted: bool,
    /// A visitor who is not signed in: the link that counts the vote was e-mailed
    /// (`202 Accepted`; `counted` is `false` until it is followed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmation_sent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewProblem {
        NewProblem {
            category_id: 1,
            description: "Яма на дороге у дома 5".into(),
            location: Some(LatLon {
                lat: 54.5,
                lon: 36.2,
            }),
            address: None,
            reporter: ReporterContacts::default(),
            consent: true,
            lang: Lang::Ru,
            website: None,
        }
    }

    fn fields(p: &NewProblem) -> Vec<(String, FieldErrorCode)> {
        validate_new_problem(p)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_complete_report_passes() {
        assert!(validate_new_problem(&valid()).is_empty());
    }

    #[test]
    fn each_bad_field_is_named() {
        use FieldErrorCode::*;
        type Case = (Box<dyn Fn(&mut NewProblem)>, &'static str, FieldErrorCode);
        let cases: Vec<Case> = vec![
            (
                Box::new(|p| p.description = "   ".into()),
                "description",
                Required,
            ),
            (
                Box::new(|p| p.description = "яма".into()),
                "description",
                TooShort,
            ),
            (
                Box::new(|p| p.description = "я".repeat(4001)),
                "description",
                TooLong,
            ),
            (Box::new(|p| p.location = None), "location", Required),
            (
                Box::new(|p| {
                    p.location = Some(LatLon {
                        lat: 91.0,
                        lon: 0.0,
                    })
                }),
                "location",
                Invalid,
            ),
            (
                Box::new(|p| {
                    p.location = Some(LatLon {
                        lat: f64::NAN,
                        lon: 0.0,
                    })
                }),
                "location",
                Invalid,
            ),
            (
                Box::new(|p| p.address = Some("д".repeat(301))),
                "address",
                TooLong,
            ),
            (
                Box::new(|p| p.reporter.email = Some("not-an-email".into())),
                "reporter.email",
                Invalid,
            ),
            (
                Box::new(|p| p.reporter.phone = Some("call me".into())),
                "reporter.phone",
                Invalid,
            ),
            (
                Box::new(|p| p.reporter.name = Some("N".repeat(201))),
                "reporter.name",
                TooLong,
            ),
            (Box::new(|p| p.consent = false), "consent", ConsentRequired),
        ];
        for (mutate, field, code) in cases {
            let mut p = valid();
            mutate(&mut p);
            assert_eq!(fields(&p), vec![(field.to_string(), code)], "case {field}");
        }
    }

    #[test]
    fn an_address_alone_is_a_location() {
        let mut p = valid();
        p.location = None;
        p.address = Some("ул. Ленина, 5, у остановки".into());
        assert!(validate_new_problem(&p).is_empty());
    }

    #[test]
    fn phones_and_emails_people_write_are_accepted() {
        for phone in ["+7 (900) 123-45-67", "89001234567", "12-34-56"] {
            assert!(looks_like_phone(phone), "{phone}");
        }
        for email in ["ivan@example.ru", "a.b+c@почта.рф"] {
            assert!(looks_like_email(email), "{email}");
        }
        for email in ["@x.ru", "a@b", "a b@c.ru", "a@.ru", "a@@b.ru"] {
            assert!(!looks_like_email(email), "{email}");
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn lang_tags() {
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_tag("de"), None);
    }
}

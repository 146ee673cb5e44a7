//! The one place that talks to the host service, with the shared wire types.
//!
//! Components never fetch: they get a [`Backend`], which is [`HttpBackend`] in a page and a fake
//! in the component tests (so they run without a server). Requests carry no cookies
//! (`credentials: omit`): the widget is a guest on the city's page and holds no session there.

use std::future::Future;
use std::pin::Pin;

use civic_wire::{
    API_PREFIX, AnonymousReports, Bounds, Category, FieldError, FieldErrorCode, Lang, LatLon, Mode,
    NewProblem, ProblemCreated, ResidentProfile, SiteConfig, Status,
};
#[cfg(feature = "extended")]
use civic_wire::{MapView, ProblemCard};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, Headers, RequestCredentials, RequestInit, Response};

/// A future that lives on the browser's single thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Why a call failed, in the terms the visitor is told about.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer at all: offline, DNS, CORS refused, connection dropped.
    Network,
    /// The host checked the report and refused these fields (422).
    Validation(Vec<FieldError>),
    /// Unknown site key (404).
    NotFound,
    /// This page's origin may not use the site (403).
    Forbidden,
    /// No (longer a) valid widget session, or a refused sign-in token (401).
    Unauthorized,
    /// The body was over the host's limit (413).
    TooLarge,
    /// The thing is no longer in a state that allows this (409): a report that takes no more
    /// photos (moderated or published already, a day passed, or 3 photos in).
    Conflict,
    /// Too many reports from here (429).
    RateLimited,
    /// 5xx.
    Server,
    /// Anything else, including an answer we could not read.
    Unexpected,
}

/// A signed-in resident's widget session. The bearer lives in this value only: in memory, never
/// in storage or a cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub bearer: String,
    pub resident: ResidentProfile,
}

/// What the widget asks of the host (and of the page, for a sign-in token).
pub trait Backend {
    /// `GET /api/v1/sites/{site}?lang=`.
    fn site_config(&self, site: &str, lang: Lang) -> LocalFuture<Result<SiteConfig, Failure>>;
    /// `POST /api/v1/sites/{site}/problems`, as the signed-in resident when `bearer` is given.
    fn submit_problem(
        &self,
        site: &str,
        problem: &NewProblem,
        bearer: Option<&str>,
    ) -> LocalFuture<Result<ProblemCreated, Failure>>;
    /// A fresh sign-in token from the page (`CivicWidget.configure({ssoToken})` or
    /// `data-sso-token`), `None` when the visitor is not signed in there.
    fn sso_token(&self) -> LocalFuture<Option<String>>;
    /// `POST /api/v1/sso/exchange`.
    fn sso_exchange(&self, site: &str, token: &str) -> LocalFuture<Result<Session, Failure>>;
    /// `POST /api/v1/sites/{site}/problems/{id}/photos`: one photo of the report, proven by its
    /// tracking code. A photo the host cannot read (422) is [`Failure::Validation`] with no
    /// fields.
    fn upload_photo(
        &self,
        _site: &str,
        _id: i64,
        _tracking_code: &str,
        _photo: &File,
    ) -> LocalFuture<Result<(), Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// Hands the widget over to the map bundle (the loader's `upgrade(mode)`): `pin` opens it on
    /// the form with the map as its pin, `mine` on the resident's own reports.
    fn upgrade(&self, _mode: &str) {}

    /// `GET /api/v1/sites/{site}/map?{query}`.
    #[cfg(feature = "extended")]
    fn map_view(&self, _site: &str, _query: &str) -> LocalFuture<Result<MapView, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// `GET /api/v1/sites/{site}/problems/nearby?lat=&lon=&category=`.
    #[cfg(feature = "extended")]
    fn nearby(
        &self,
        _site: &str,
        _at: LatLon,
        _category: i64,
    ) -> LocalFuture<Result<civic_wire::NearbyProblems, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// `GET /api/v1/sites/{site}/problems/{id}?lang=`.
    #[cfg(feature = "extended")]
    fn problem_card(
        &self,
        _site: &str,
        _id: i64,
        _lang: Lang,
    ) -> LocalFuture<Result<ProblemCard, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// The map library from the loader (`{L, css}`), `None` when it could not be loaded.
    #[cfg(feature = "extended")]
    fn leaflet(&self) -> LocalFuture<Option<JsValue>> {
        Box::pin(async { None })
    }
    /// `GET /api/v1/sites/{site}/me/problems` as the signed-in resident: their own reports.
    #[cfg(feature = "extended")]
    fn my_problems(
        &self,
        _site: &str,
        _bearer: &str,
        _lang: Lang,
    ) -> LocalFuture<Result<civic_wire::MyProblems, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// `POST /api/v1/sites/{site}/problems/{id}/support`: as the signed-in resident (`bearer`),
    /// or by an `email` that will confirm the vote.
    #[cfg(feature = "extended")]
    fn support(
        &self,
        _site: &str,
        _id: i64,
        _bearer: Option<&str>,
        _email: Option<&str>,
        _lang: Lang,
    ) -> LocalFuture<Result<civic_wire::SupportResult, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    /// The site's base map, as the last [`Backend::site_config`] answer gave it.
    #[cfg(feature = "extended")]
    fn base_map(&self) -> Option<crate::map::leaflet::BaseMap> {
        None
    }
}

/// The real client: `fetch` against the host the loader came from.
pub struct HttpBackend {
    /// Origin of the host service, e.g. `https://widget.example.ru` (no trailing slash).
    pub api_base: String,
    /// The loader's `ssoToken()`: a Promise of a token string or `null`.
    pub sso_token: Option<js_sys::Function>,
    /// The loader's `upgrade()`: mounts the map bundle in this widget's place.
    pub upgrade: Option<js_sys::Function>,
    /// The loader's `leaflet()`: a Promise of `{L, css}` (map bundle only).
    #[cfg(feature = "extended")]
    pub leaflet: Option<js_sys::Function>,
    /// The base map of the site's configuration, once it is read (map bundle only).
    #[cfg(feature = "extended")]
    pub base_map: std::rc::Rc<std::cell::RefCell<Option<crate::map::leaflet::BaseMap>>>,
    /// The configuration's request the loader started beside the bundle (its URL and the
    /// Promise of its `Response`), used once instead of asking again (map bundle only).
    #[cfg(feature = "extended")]
    pub prefetched: std::cell::RefCell<Option<(String, js_sys::Promise)>>,
}

impl HttpBackend {
    fn site_url(&self, site: &str) -> String {
        let site = String::from(js_sys::encode_uri_component(site));
        format!(
            "{}{API_PREFIX}/sites/{site}",
            self.api_base.trim_end_matches('/')
        )
    }
}

impl Backend for HttpBackend {
    fn site_config(&self, site: &str, lang: Lang) -> LocalFuture<Result<SiteConfig, Failure>> {
        let url = format!("{}?lang={}", self.site_url(site), lang.code());
        #[cfg(feature = "extended")]
        let base_map = self.base_map.clone();
        #[cfg(feature = "extended")]
        let started = self.prefetched.take().filter(|(u, _)| *u == url);
        Box::pin(async move {
            #[cfg(feature = "extended")]
            if let Some((_, response)) = started
                && let Ok(answer) = answer(JsFuture::from(response).await).await
            {
                base_map.replace(json::base_map(&answer.1));
                return read(answer, 200, json::site_config);
            }
            let answer = fetch(&url, None, None).await?;
            #[cfg(feature = "extended")]
            base_map.replace(json::base_map(&answer.1));
            read(answer, 200, json::site_config)
        })
    }

    fn submit_problem(
        &self,
        site: &str,
        problem: &NewProblem,
        bearer: Option<&str>,
    ) -> LocalFuture<Result<ProblemCreated, Failure>> {
        let url = self.site_url(site) + "/problems";
        let body = json::stringify(&json::new_problem(problem));
        let bearer = bearer.map(str::to_owned);
        Box::pin(async move {
            read(
                fetch(&url, Some(Body::Json(body)), bearer.as_deref()).await?,
                201,
                json::problem_created,
            )
        })
    }

    fn upload_photo(
        &self,
        site: &str,
        id: i64,
        tracking_code: &str,
        photo: &File,
    ) -> LocalFuture<Result<(), Failure>> {
        let url = self.site_url(site) + "/problems/" + &id.to_string() + "/photos";
        let (photo, code) = (photo.clone(), tracking_code.to_owned());
        Box::pin(async move {
            match fetch(&url, Some(Body::Photo(&photo, &code)), None).await?.0 {
                201 | 200 => Ok(()),
                422 => Err(Failure::Validation(Vec::new())),
                status => Err(failure_for(status, Vec::new())),
            }
        })
    }

    fn sso_token(&self) -> LocalFuture<Option<String>> {
        let promise = self
            .sso_token
            .as_ref()
            .and_then(|f| f.call0(&JsValue::NULL).ok());
        Box::pin(async move {
            let promise = js_sys::Promise::resolve(&promise?);
            JsFuture::from(promise).await.ok()?.as_string()
        })
    }

    fn upgrade(&self, mode: &str) {
        if let Some(f) = &self.upgrade {
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(mode));
        }
    }

    fn sso_exchange(&self, site: &str, token: &str) -> LocalFuture<Result<Session, Failure>> {
        let url = self.api_base.clone() + API_PREFIX + "/sso/exchange";
        let body = json::object_of_strings(&[("site", site), ("token", token)]);
        Box::pin(async move {
            read(
                fetch(&url, Some(Body::Json(body)), None).await?,
                200,
                json::session,
            )
        })
    }

    #[cfg(feature = "extended")]
    fn map_view(&self, site: &str, query: &str) -> LocalFuture<Result<MapView, Failure>> {
        let url = self.site_url(site) + "/map?" + query;
        Box::pin(async move { read(fetch(&url, None, None).await?, 200, json::map_view) })
    }

    #[cfg(feature = "extended")]
    fn nearby(
        &self,
        site: &str,
        at: LatLon,
        category: i64,
    ) -> LocalFuture<Result<civic_wire::NearbyProblems, Failure>> {
        let url = self.site_url(site)
            + "/problems/nearby?lat="
            + &coord(at.lat)
            + "&lon="
            + &coord(at.lon)
            + "&category="
            + &category.to_string();
        Box::pin(async move { read(fetch(&url, None, None).await?, 200, json::nearby) })
    }

    #[cfg(feature = "extended")]
    fn problem_card(
        &self,
        site: &str,
        id: i64,
        lang: Lang,
    ) -> LocalFuture<Result<ProblemCard, Failure>> {
        let url = self.site_url(site) + "/problems/" + &id.to_string() + "?lang=" + lang.code();
        Box::pin(async move { read(fetch(&url, None, None).await?, 200, json::problem_card) })
    }

    #[cfg(feature = "extended")]
    fn my_problems(
        &self,
        site: &str,
        bearer: &str,
        lang: Lang,
    ) -> LocalFuture<Result<civic_wire::MyProblems, Failure>> {
        let url = self.site_url(site) + "/me/problems?lang=" + lang.code();
        let bearer = bearer.to_owned();
        Box::pin(async move {
            read(
                fetch(&url, None, Some(&bearer)).await?,
                200,
                json::my_problems,
            )
        })
    }

    #[cfg(feature = "extended")]
    fn support(
        &self,
        site: &str,
        id: i64,
        bearer: Option<&str>,
        email: Option<&str>,
        lang: Lang,
    ) -> LocalFuture<Result<civic_wire::SupportResult, Failure>> {
        let url = self.site_url(site) + "/problems/" + &id.to_string() + "/support";
        let bearer = bearer.map(str::to_owned);
        // Not signed in: the host e-mails a link and answers 202.
        let (body, expected) = match email {
            Some(e) => (
                json::object_of_strings(&[("email", e), ("lang", lang.code())]),
                202,
            ),
            None => ("{}".into(), 200),
        };
        Box::pin(async move {
            read(
                fetch(&url, Some(Body::Json(body)), bearer.as_deref()).await?,
                expected,
                json::support_result,
            )
        })
    }

    #[cfg(feature = "extended")]
    fn leaflet(&self) -> LocalFuture<Option<JsValue>> {
        let promise = self
            .leaflet
            .as_ref()
            .and_then(|f| f.call0(&JsValue::NULL).ok());
        Box::pin(async move {
            let promise = js_sys::Promise::resolve(&promise?);
            JsFuture::from(promise).await.ok()
        })
    }

    #[cfg(feature = "extended")]
    fn base_map(&self) -> Option<crate::map::leaflet::BaseMap> {
        self.base_map.borrow().clone()
    }
}

/// A coordinate in a URL, with six decimals (about 10 cm). JavaScript prints it: Rust's float
/// formatter would add kilobytes to the bundle.
#[cfg(feature = "extended")]
pub fn coord(value: f64) -> String {
    js_sys::Number::from(value)
        .to_fixed(6)
        .map(String::from)
        .unwrap_or_default()
}

/// A chosen file's name. The `File` getters are read like the JSON (each typed getter would add
/// its own glue code to the bundle).
pub fn file_name(file: &File) -> String {
    json::string(file, "name").unwrap_or_default()
}

/// A chosen file's MIME type, as the browser guessed it ("" when it could not).
pub fn file_type(file: &File) -> String {
    json::string(file, "type").unwrap_or_default()
}

/// A chosen file's size in bytes.
pub fn file_size(file: &File) -> f64 {
    json::number(file, "size").unwrap_or_default()
}

/// What a request sends.
enum Body<'a> {
    /// JSON text.
    Json(String),
    /// A photo (sent as it is, with its own content type) for the report of this tracking code.
    Photo(&'a File, &'a str),
}

/// One request without cookies; the answer's status and its JSON body (`null` if none).
async fn fetch(
    url: &str,
    body: Option<Body<'_>>,
    bearer: Option<&str>,
) -> Result<(u16, JsValue), Failure> {
    let window = web_sys::window().ok_or(Failure::Unexpected)?;
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Omit);
    let headers = Headers::new().map_err(|_| Failure::Unexpected)?;
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|_| Failure::Unexpected);
    if let Some(bearer) = bearer {
        set("authorization", &(String::from("Bearer ") + bearer))?;
    }
    if let Some(body) = body {
        init.set_method("POST");
        match body {
            Body::Json(text) => {
                set("content-type", "application/json")?;
                init.set_body(&JsValue::from_str(&text));
            }
            Body::Photo(file, tracking_code) => {
                set("content-type", &file_type(file))?;
                set("x-tracking-code", tracking_code)?;
                init.set_body(file);
            }
        }
    }
    init.set_headers(&headers);
    answer(JsFuture::from(window.fetch_with_str_and_init(url, &init)).await).await
}

/// The status and JSON body of a `fetch`'s outcome.
async fn answer(response: Result<JsValue, JsValue>) -> Result<(u16, JsValue), Failure> {
    let response: Response = response.map_err(|_| Failure::Network)?.unchecked_into();
    let status = response.status();
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    Ok((status, body))
}

fn read<T>(
    (status, body): (u16, JsValue),
    expected: u16,
    parse: fn(&JsValue) -> Option<T>,
) -> Result<T, Failure> {
    if status == expected || (status == 200 && expected == 201) {
        return parse(&body).ok_or(Failure::Unexpected);
    }
    let fields = match status {
        400 | 422 => json::field_errors(&body),
        _ => Vec::new(),
    };
    Err(failure_for(status, fields))
}

/// Maps an HTTP status (and the fields of a validation answer) to what the visitor is told.
pub fn failure_for(status: u16, fields: Vec<FieldError>) -> Failure {
    match status {
        400 | 422 if !fields.is_empty() => Failure::Validation(fields),
        401 => Failure::Unauthorized,
        403 => Failure::Forbidden,
        404 => Failure::NotFound,
        409 => Failure::Conflict,
        413 => Failure::TooLarge,
        429 => Failure::RateLimited,
        500..=599 => Failure::Server,
        _ => Failure::Unexpected,
    }
}

/// The wire types to and from parsed JSON, by hand.
///
/// The browser parses and prints the JSON (`JSON.parse`, `JSON.stringify`); these functions only
/// move fields between JS objects and the `civic_wire` types. Doing that with serde would add its
/// deserializers, their error messages and the float formatter behind them: about a sixth of the
/// bundle. The widget's tests check each function against `serde_json` and the wire types, so
/// the two cannot drift apart unnoticed.
pub mod json {
    use super::*;
    use js_sys::{Array, Object, Reflect};

    pub fn get(object: &JsValue, key: &str) -> JsValue {
        if object.is_object() {
            Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    }

    pub fn string(object: &JsValue, key: &str) -> Option<String> {
        get(object, key).as_string()
    }

    pub fn number(object: &JsValue, key: &str) -> Option<f64> {
        get(object, key).as_f64()
    }

    fn integer(object: &JsValue, key: &str) -> Option<i64> {
        number(object, key)
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }

    pub fn items(object: &JsValue, key: &str) -> Vec<JsValue> {
        let list = get(object, key);
        if Array::is_array(&list) {
            Array::from(&list).to_vec()
        } else {
            Vec::new()
        }
    }

    fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
        let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
    }

    fn set_opt(object: &Object, key: &str, value: &Option<String>) {
        set(
            object,
            key,
            value.as_deref().map_or(JsValue::NULL, JsValue::from_str),
        );
    }

    pub fn parse(text: &str) -> JsValue {
        js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
    }

    pub fn stringify(value: &JsValue) -> String {
        js_sys::JSON::stringify(value)
            .map(String::from)
            .unwrap_or_default()
    }

    fn lat_lon(v: &JsValue) -> Option<LatLon> {
        Some(LatLon {
            lat: number(v, "lat")?,
            lon: number(v, "lon")?,
        })
    }

    fn bounds(v: &JsValue) -> Option<Bounds> {
        Some(Bounds {
            west: number(v, "west")?,
            south: number(v, "south")?,
            east: number(v, "east")?,
            north: number(v, "north")?,
        })
    }

    fn category(v: &JsValue) -> Option<Category> {
        Some(Category {
            id: integer(v, "id")?,
            name: string(v, "name")?,
            hint: string(v, "hint"),
        })
    }

    pub fn site_config(v: &JsValue) -> Option<SiteConfig> {
        Some(SiteConfig {
            key: string(v, "key")?,
            name: string(v, "name")?,
            municipality: string(v, "municipality")?,
            centre: lat_lon(&get(v, "centre"))?,
            bounds: bounds(&get(v, "bounds"))?,
            default_lang: Lang::from_tag(&string(v, "default_lang")?)?,
            default_mode: match string(v, "default_mode")?.as_str() {
                "extended" => Mode::Extended,
                _ => Mode::Basic,
            },
            privacy_policy_url: string(v, "privacy_policy_url")?,
            categories: items(v, "categories")
                .iter()
                .map(category)
                .collect::<Option<_>>()?,
            anonymous: match string(v, "anonymous").as_deref() {
                Some("confirm_email") => AnonymousReports::ConfirmEmail,
                Some("off") => AnonymousReports::Off,
                _ => AnonymousReports::Moderated,
            },
        })
    }

    pub fn problem_created(v: &JsValue) -> Option<ProblemCreated> {
        Some(ProblemCreated {
            id: integer(v, "id")?,
            tracking_code: string(v, "tracking_code")?,
            tracking_url: string(v, "tracking_url")?,
            status: Status::parse(&string(v, "status")?)?,
            confirmation_sent: get(v, "confirmation_sent").is_truthy(),
        })
    }

    /// An [`civic_wire::SsoSession`], as the widget keeps it.
    pub fn session(v: &JsValue) -> Option<Session> {
        let r = get(v, "resident");
        Some(Session {
            bearer: string(v, "session")?,
            resident: ResidentProfile {
                display_name: string(&r, "display_name"),
                email: string(&r, "email"),
                phone: string(&r, "phone"),
            },
        })
    }

    /// The `fields` of an [`civic_wire::ApiError`]; entries we cannot read are skipped.
    pub fn field_errors(v: &JsValue) -> Vec<FieldError> {
        items(&get(v, "error"), "fields")
            .iter()
            .filter_map(|f| {
                Some(FieldError {
                    field: string(f, "field")?,
                    code: field_error_code(&string(f, "code")?)?,
                    message: string(f, "message").unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The wire name of a field error code (its serde name).
    pub fn field_error_code_name(code: FieldErrorCode) -> &'static str {
        match code {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::Invalid => "invalid",
            FieldErrorCode::UnknownCategory => "unknown_category",
            FieldErrorCode::OutsideBounds => "outside_bounds",
            FieldErrorCode::ConsentRequired => "consent_required",
        }
    }

    pub const FIELD_ERROR_CODES: [FieldErrorCode; 7] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooShort,
        FieldErrorCode::TooLong,
        FieldErrorCode::Invalid,
        FieldErrorCode::UnknownCategory,
        FieldErrorCode::OutsideBounds,
        FieldErrorCode::ConsentRequired,
    ];

    pub fn field_error_code(name: &str) -> Option<FieldErrorCode> {
        FIELD_ERROR_CODES
            .into_iter()
            .find(|c| field_error_code_name(*c) == name)
    }

    pub fn new_problem(p: &NewProblem) -> JsValue {
        let o = Object::new();
        set(&o, "category_id", p.category_id as f64);
        set(&o, "description", p.description.as_str());
        let location = match p.location {
            Some(l) => {
                let at = Object::new();
                set(&at, "lat", l.lat);
                set(&at, "lon", l.lon);
                at.into()
            }
            None => JsValue::NULL,
        };
        set(&o, "location", location);
        set_opt(&o, "address", &p.address);
        let reporter = Object::new();
        set_opt(&reporter, "name", &p.reporter.name);
        set_opt(&reporter, "email", &p.reporter.email);
        set_opt(&reporter, "phone", &p.reporter.phone);
        if p.reporter.share_with_agency {
            set(&reporter, "share_with_agency", true);
        }
        set(&o, "reporter", reporter);
        set(&o, "consent", p.consent);
        set(&o, "lang", p.lang.code());
        if let Some(website) = &p.website {
            set(&o, "website", website.as_str());
        }
        o.into()
    }

    /// The base map fields of a [`civic_wire::SiteConfigAnswer`].
    #[cfg(feature = "extended")]
    pub fn base_map(v: &JsValue) -> Option<crate::map::leaflet::BaseMap> {
        Some(crate::map::leaflet::BaseMap {
            url: string(v, "tile_url_template")?,
            attribution: string(v, "tile_attribution").unwrap_or_default(),
        })
    }

    #[cfg(feature = "extended")]
    fn status(v: &JsValue, key: &str) -> Option<Status> {
        Status::parse(&string(v, key)?)
    }

    #[cfg(feature = "extended")]
    fn count(v: &JsValue, key: &str) -> Option<u64> {
        integer(v, key).and_then(|n| u64::try_from(n).ok())
    }

    /// A [`MapView`]; clusters or problems we cannot read are skipped.
    #[cfg(feature = "extended")]
    pub fn map_view(v: &JsValue) -> Option<MapView> {
        Some(MapView {
            clusters: items(v, "clusters")
                .iter()
                .filter_map(|c| {
                    Some(civic_wire::MapCluster {
                        lat: number(c, "lat")?,
                        lon: number(c, "lon")?,
                        count: count(c, "count")?,
                        expansion_zoom: u8::try_from(integer(c, "expansion_zoom")?).ok()?,
                    })
                })
                .collect(),
            problems: items(v, "problems")
                .iter()
                .filter_map(|p| {
                    Some(civic_wire::MapProblem {
                        id: integer(p, "id")?,
                        lat: number(p, "lat")?,
                        lon: number(p, "lon")?,
                        status: status(p, "status")?,
                        category_id: integer(p, "category_id")?,
                    })
                })
                .collect(),
            total: count(v, "total")?,
            truncated: get(v, "truncated").as_bool()?,
        })
    }

    /// A [`civic_wire::NearbyProblems`]; entries we cannot read are skipped.
    #[cfg(feature = "extended")]
    pub fn nearby(v: &JsValue) -> Option<civic_wire::NearbyProblems> {
        Some(civic_wire::NearbyProblems {
            radius_m: u32::try_from(count(v, "radius_m")?).ok()?,
            problems: items(v, "problems")
                .iter()
                .filter_map(|p| {
                    Some(civic_wire::NearbyProblem {
                        id: integer(p, "id")?,
                        lat: number(p, "lat")?,
                        lon: number(p, "lon")?,
                        status: status(p, "status")?,
                        category_id: integer(p, "category_id")?,
                        distance_m: u32::try_from(count(p, "distance_m")?).ok()?,
                        excerpt: string(p, "excerpt")?,
                        address: string(p, "address"),
                        created_at: string(p, "created_at")?,
                        support_count: count(p, "support_count")?,
                    })
                })
                .collect(),
        })
    }

    /// A [`civic_wire::SupportResult`].
    #[cfg(feature = "extended")]
    pub fn support_result(v: &JsValue) -> Option<civic_wire::SupportResult> {
        Some(civic_wire::SupportResult {
            support_count: count(v, "support_count")?,
            counted: get(v, "counted").as_bool()?,
            confirmation_sent: get(v, "confirmation_sent").as_bool().unwrap_or(false),
        })
    }

    /// A [`ProblemCard`].
    #[cfg(feature = "extended")]
    pub fn problem_card(v: &JsValue) -> Option<ProblemCard> {
        Some(ProblemCard {
            id: integer(v, "id")?,
            category: category(&get(v, "category"))?,
            description: string(v, "description")?,
            address: string(v, "address"),
            location: lat_lon(&get(v, "location")),
            status: status(v, "status")?,
            status_label: string(v, "status_label")?,
            created_at: string(v, "created_at")?,
            published_at: string(v, "published_at")?,
            updated_at: string(v, "updated_at")?,
            deadline: string(v, "deadline"),
            support_count: count(v, "support_count")?,
            history: items(v, "history")
                .iter()
                .filter_map(|e| {
                    Some(civic_wire::CardEvent {
                        at: string(e, "at")?,
                        status: status(e, "status")?,
                        status_label: string(e, "status_label")?,
                        by: string(e, "by"),
                        answer: string(e, "answer"),
                    })
                })
                .collect(),
            answers: answers(v),
            photos: items(v, "photos")
                .iter()
                .filter_map(|p| {
                    Some(civic_wire::CardPhoto {
                        url: string(p, "url")?,
                        thumb_url: string(p, "thumb_url")?,
                    })
                })
                .collect(),
        })
    }

    /// The `answers` of a card or of one of "my reports"; those we cannot read are skipped.
    #[cfg(feature = "extended")]
    fn answers(v: &JsValue) -> Vec<civic_wire::OfficialAnswer> {
        items(v, "answers")
            .iter()
            .filter_map(|a| {
                Some(civic_wire::OfficialAnswer {
                    at: string(a, "at")?,
                    by: string(a, "by")?,
                    text: string(a, "text")?,
                })
            })
            .collect()
    }

    /// A [`civic_wire::MyProblems`] page; reports we cannot read are skipped.
    #[cfg(feature = "extended")]
    pub fn my_problems(v: &JsValue) -> Option<civic_wire::MyProblems> {
        Some(civic_wire::MyProblems {
            page: count(v, "page")? as u32,
            per_page: count(v, "per_page")? as u32,
            more: get(v, "more").is_truthy(),
            problems: items(v, "problems")
                .iter()
                .filter_map(|p| {
                    Some(civic_wire::MyProblem {
                        id: integer(p, "id")?,
                        category: string(p, "category")?,
                        description: string(p, "description")?,
                        status: status(p, "status")?,
                        status_label: string(p, "status_label")?,
                        created: string(p, "created")?,
                        deadline: string(p, "deadline"),
                        answers: answers(p),
                    })
                })
                .collect(),
        })
    }

    /// Reads a JSON object of string members into `(key, value)` pairs asked for.
    pub fn strings(text: &str, keys: &[&str]) -> Vec<String> {
        let v = parse(text);
        keys.iter()
            .map(|k| string(&v, k).unwrap_or_default())
            .collect()
    }

    /// A JSON object of string members.
    pub fn object_of_strings(pairs: &[(&str, &str)]) -> String {
        let o = Object::new();
        for (k, v) in pairs {
            set(&o, k, *v);
        }
        stringify(&o)
    }
}

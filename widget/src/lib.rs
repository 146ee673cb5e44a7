//! The Civic Widget: the form a resident uses, on their city's own website, to report a
//! pothole or a dead streetlight in under a minute.
//!
//! Built to wasm and post-processed by `cargo xtask dist` into `dist/widget/`. The hand-written
//! loader (`widget/loader/widget.js`, served as `/widget.js`) attaches an open shadow root to
//! each mount point and calls [`mount`] with the options it read from the `data-*` attributes.
//!
//! Invariants:
//! - Nothing outside the widget's shadow root is touched, and nothing in it is built from HTML
//!   strings (`clippy.toml` bans the ways to do so).
//! - Styles come only through constructable stylesheets ([`style`]), so a strict host CSP holds.
//! - The widget holds no cookie; contacts are never written to storage. A signed-in resident's
//!   widget session (single sign-on) lives only in memory, in the App's state.
//!
//! Single sign-on: the page calls `CivicWidget.configure({ssoToken})` (a function returning a
//! token or a Promise of one) or puts `data-sso-token` on the tag; `CivicWidget.logout()` signs
//! every widget out. The loader keeps the options and fires `civic-widget-sso` on `window`; each
//! widget then forgets its session and asks the loader's `ssoToken()` again (no token after
//! `logout()` until the next `configure`).
//!
//! Stable hooks for end-to-end tests, inside the shadow root: `[data-state]` on the root (with
//! `lang`), `form.civic-form`, `select[name=category]`, `textarea[name=description]`,
//! `input[name=address]`, `button.civic-locate`, `input[name=name|email|phone|consent]`,
//! `button[type=submit]`, `.civic-field-error[data-field=<wire field>]`, `.civic-error`,
//! `.civic-success` with `.civic-tracking-number` and `a.civic-tracking-link`; signed in:
//! `.civic-signed-in` (the name). Photos: `input[name=photos]` (type file), `.civic-photo-list li`
//! each with `button.civic-photo-remove`, refusals in `.civic-field-error[data-field=photos]`
//! (always present, empty when none), and `.civic-success .civic-photos` (what became of them).
//!
//! Photos are `File` handles in memory only (never in the draft); they are uploaded one by one
//! after the report's `201`, with its tracking code.

pub mod api;
pub mod app;
pub mod draft;
pub mod field_error;
pub mod geo;
pub mod i18n;
pub mod location;
#[cfg(feature = "extended")]
pub mod map;
pub mod options;
pub mod report_form;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;
pub mod style;
pub mod success;
pub mod view;

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};

use crate::api::{Backend, HttpBackend};
use crate::app::{App, AppProps};
use crate::options::{RawOptions, WidgetOptions};

/// TLSF instead of std's dlmalloc: 3.2 KiB gzip less per bundle, constant-time operations.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

/// The language of a one-language bundle (features `ru`, `en`: `cargo xtask dist` builds each
/// bundle once per language, and the loader fetches the visitor's), else `lang`. With one language
/// fixed the other's words are never reached and are left out of the bundle.
pub fn only(lang: civic_wire::Lang) -> civic_wire::Lang {
    if cfg!(feature = "ru") {
        civic_wire::Lang::Ru
    } else if cfg!(feature = "en") {
        civic_wire::Lang::En
    } else {
        lang
    }
}

thread_local! {
    static NEXT_INSTANCE: Cell<u32> = const { Cell::new(1) };
}

/// Resolves the loader's options into a widget's settings, with a fresh id prefix.
pub fn widget_options(raw: &RawOptions) -> WidgetOptions {
    let n = NEXT_INSTANCE.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    });
    // The loader's `upgrade(mode)` mounts the map bundle in place of a basic widget: with mode
    // `pin` its visitor asked for the map, and it opens on the form with the map as its pin;
    // with `mine`, for their own reports.
    #[cfg(feature = "extended")]
    let (pin, mine) = (raw.mode == "pin", raw.mode == "mine");
    WidgetOptions {
        site: raw.site.trim().to_owned(),
        lang: raw.resolve_lang(),
        #[cfg(feature = "extended")]
        mode: if pin || mine {
            civic_wire::Mode::Extended
        } else {
            raw.resolve_mode()
        },
        #[cfg(not(feature = "extended"))]
        mode: raw.resolve_mode(),
        api_base: raw.api.trim_end_matches('/').to_owned(),
        id_prefix: raw
            .id_prefix()
            .map_or_else(|| format!("civic{n}"), str::to_owned),
        #[cfg(feature = "extended")]
        pin,
        #[cfg(feature = "extended")]
        mine,
    }
}

/// Renders a widget into `shadow` (an open shadow root the loader attached to the mount
/// element, and into which it adopted the host's stylesheet). `options` is a plain object:
/// `{site, lang, pageLang, mode, accent, api}`, strings.
#[wasm_bindgen]
pub fn mount(shadow: ShadowRoot, options: JsValue) -> Result<(), JsValue> {
    let raw = RawOptions::from_js(&options);
    let options_js = options.clone();
    // The loader's `ssoToken()`: the page's hook or `data-sso-token`, a Promise of a token or null.
    let function = |name: &str| {
        js_sys::Reflect::get(&options, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    };
    let (sso_token, upgrade) = (function("ssoToken"), function("upgrade"));
    if raw.site.trim().is_empty() {
        return Err(JsValue::from_str(
            "Civic Widget: the data-site attribute is missing",
        ));
    }
    let options = widget_options(&raw);
    let backend = Rc::new(HttpBackend {
        api_base: options.api_base.clone(),
        sso_token,
        upgrade,
        #[cfg(feature = "extended")]
        leaflet: function("leaflet"),
        #[cfg(feature = "extended")]
        base_map: Rc::default(),
        #[cfg(feature = "extended")]
        prefetched: {
            let get = |name: &str| js_sys::Reflect::get(&options_js, &JsValue::from_str(name));
            let url = get("configUrl").ok().and_then(|u| u.as_string());
            let response = get("config").ok().and_then(|p| p.dyn_into().ok());
            std::cell::RefCell::new(url.zip(response))
        },
    });
    // The host's first screen is there (the loader read it as `options.first`): the bundle
    // renders the same form, with what the visitor did in it meanwhile, and the loader puts it
    // in the first screen's place.
    #[cfg(not(feature = "extended"))]
    if let Some(first) = first(&options_js, function("submitted"), function("shown")) {
        let root = mount_root(&shadow)?;
        root.set_attribute("hidden", "")?;
        render(root, options, backend, Some(first));
        return Ok(());
    }
    mount_with(&shadow, options, backend)?;
    Ok(())
}

/// The loader's reading of the host's first screen (`options.first`: the site's configuration,
/// the form's values and ticks, the photos picked), with its `submitted()` and `shown(root)`.
#[cfg(not(feature = "extended"))]
fn first(
    options: &JsValue,
    submitted: Option<js_sys::Function>,
    shown: Option<js_sys::Function>,
) -> Option<app::First> {
    use api::json::{get, items, string};
    let first = get(options, "first");
    let config = api::json::site_config(&get(&first, "config"))?;
    let text = |key: &str| string(&first, key).unwrap_or_default();
    let typed = state::Fields {
        category: text("category"),
        description: text("description"),
        address: text("address"),
        name: text("name"),
        email: text("email"),
        phone: text("phone"),
        website: text("website"),
        consent: get(&first, "consent").is_truthy(),
        share_with_agency: get(&first, "share_with_agency").is_truthy(),
    };
    let call = |f: &Option<js_sys::Function>, arg: &JsValue| {
        f.as_ref()
            .and_then(|f| f.call1(&JsValue::NULL, arg).ok())
            .is_some_and(|v| v.is_truthy())
    };
    Some(app::First {
        config,
        typed,
        photos: items(&first, "photos")
            .into_iter()
            .map(wasm_bindgen::JsCast::unchecked_into)
            .collect(),
        submitted: Rc::new(move || call(&submitted, &JsValue::NULL)),
        shown: Rc::new(move |root: &Element| {
            call(&shown, root);
        }),
    })
}

/// Mounts with any backend; the tests use a fake one. Returns the element Yew renders into.
/// The stylesheet is the loader's to adopt ([`style::sheet`]).
pub fn mount_with(
    shadow: &ShadowRoot,
    options: WidgetOptions,
    backend: Rc<dyn Backend>,
) -> Result<Element, JsValue> {
    let root = mount_root(shadow)?;
    render(root.clone(), options, backend, None);
    Ok(root)
}

/// A new element in `shadow` for Yew to render into.
fn mount_root(shadow: &ShadowRoot) -> Result<Element, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let root = document.create_element("div")?;
    shadow.append_child(&root)?;
    Ok(root)
}

fn render(
    root: Element,
    options: WidgetOptions,
    backend: Rc<dyn Backend>,
    first: Option<app::First>,
) {
    let props = AppProps {
        options: Rc::new(options),
        backend,
        first: first.map(Rc::new),
    };
    yew::Renderer::<App>::with_root_and_props(root, props).render();
}

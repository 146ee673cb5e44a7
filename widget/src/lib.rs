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
pub mod state;
pub mod style;
pub mod success;

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};

use crate::api::{Backend, HttpBackend};
use crate::app::{App, AppProps};
use crate::options::{RawOptions, WidgetOptions};

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
        id_prefix: format!("civic{n}"),
        #[cfg(feature = "extended")]
        pin,
        #[cfg(feature = "extended")]
        mine,
    }
}

/// Renders a widget into `shadow` (an open shadow root the loader attached to the mount
/// element). `options` is a plain object: `{site, lang, pageLang, mode, accent, api}`, strings.
#[wasm_bindgen]
pub fn mount(shadow: ShadowRoot, options: JsValue) -> Result<(), JsValue> {
    let raw = RawOptions::from_js(&options);
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
    });
    mount_with(&shadow, options, backend, Some(raw.accent.as_str()))?;
    Ok(())
}

/// Mounts with any backend; the tests use a fake one. Returns the element Yew renders into.
pub fn mount_with(
    shadow: &ShadowRoot,
    options: WidgetOptions,
    backend: Rc<dyn Backend>,
    accent: Option<&str>,
) -> Result<Element, JsValue> {
    style::adopt(shadow, accent)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let root = document.create_element("div")?;
    shadow.append_child(&root)?;
    let props = AppProps {
        options: Rc::new(options),
        backend,
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    Ok(root)
}

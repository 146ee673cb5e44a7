//! What the loader tells the widget about one mount point (from the `data-*` attributes).

use civic_wire::{Lang, Mode};
use wasm_bindgen::JsValue;

/// One widget's settings, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetOptions {
    /// The site key (`data-site`).
    pub site: String,
    pub lang: Lang,
    pub mode: Mode,
    /// Origin of the host service, where the API lives.
    pub api_base: String,
    /// Prefix of every element id, unique per widget on the page (labels point at ids, and a page
    /// may hold several widgets).
    pub id_prefix: String,
    /// The map bundle, mounted by "Choose on the map" of a basic widget: start on the form.
    #[cfg(feature = "extended")]
    pub pin: bool,
    /// The map bundle, mounted by "My reports" of a basic widget: open them once signed in.
    #[cfg(feature = "extended")]
    pub mine: bool,
}

impl WidgetOptions {
    /// The id of a part of this widget, e.g. `id("description")`.
    pub fn id(&self, part: &str) -> String {
        self.id_prefix.clone() + "-" + part
    }
}

/// The loader's raw options object, as plain strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawOptions {
    pub site: String,
    /// `data-lang`.
    pub lang: String,
    /// The nearest `lang` attribute around the mount point (or `<html lang>`).
    pub page_lang: String,
    pub mode: String,
    pub accent: String,
    pub api: String,
    /// The id prefix the loader gave this widget (`civic3`): the host renders the first screen
    /// with the same one.
    pub id: String,
}

impl RawOptions {
    /// Reads the loader's object; missing or non-string members are empty.
    pub fn from_js(options: &JsValue) -> RawOptions {
        let get = |name: &str| {
            js_sys::Reflect::get(options, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        RawOptions {
            site: get("site"),
            lang: get("lang"),
            page_lang: get("pageLang"),
            mode: get("mode"),
            accent: get("accent"),
            api: get("api"),
            id: get("id"),
        }
    }

    /// `data-lang` if it names a language we speak, else the page's language, else Russian.
    pub fn resolve_lang(&self) -> Lang {
        Lang::from_tag(&self.lang)
            .or_else(|| Lang::from_tag(&self.page_lang))
            .unwrap_or_default()
    }

    /// The loader's id prefix when it is one (`civic` and digits), else `None`.
    pub fn id_prefix(&self) -> Option<&str> {
        let digits = self.id.strip_prefix("civic")?;
        (!digits.is_empty() && digits.len() < 8 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(self.id.as_str())
    }

    pub fn resolve_mode(&self) -> Mode {
        match self.mode.trim().to_ascii_lowercase().as_str() {
            "extended" => Mode::Extended,
            _ => Mode::Basic,
        }
    }
}

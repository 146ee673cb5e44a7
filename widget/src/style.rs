//! The widget's styles, adopted into its shadow root as constructable stylesheets.
//!
//! Host pages run a CSP without `'unsafe-inline'` styles, so there is no `<style>` element and no
//! `style=` attribute anywhere: `CSSStyleSheet.replaceSync` + `adoptedStyleSheets` only. `:host`
//! and the widget's root reset everything the page could pass down by inheritance (page rules
//! that match the host element itself beat `:host`, so the inner reset is the one that counts)
//! except the font size, which the widget follows (sizes are `em`), so a page with larger text
//! gets a larger widget; touch targets stay at least 44 px even on pages with small text.

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, ShadowRoot};

/// Default accent #0b57a4: white text on it has a contrast of 7:1. The other colours pass WCAG AA
/// (4.5:1) on the backgrounds they are used on; field borders (#767680) have 4.49:1 against white,
/// over the 3:1 WCAG asks of control boundaries.
pub const CSS: &str = r#"
:host{all:initial;display:block;font-size:inherit;
--civic-accent:#0b57a4;--civic-on-accent:#fff;--civic-fg:#1b1b1f;--civic-muted:#4b4b55;
--civic-line:#767680;--civic-bg:#fff;--civic-soft:#f3f4f7;--civic-bad:#b00020;--civic-good:#146c2e}
*,*::before,*::after{box-sizing:border-box;margin:0;padding:0;border:0;font:inherit;color:inherit;background:none}
.civic-widget{all:initial;font-size:inherit;box-sizing:border-box;display:block;width:100%;max-width:40em;min-width:0;padding:1em;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:1em;line-height:1.45;color:var(--civic-fg);background:var(--civic-bg);
border:1px solid var(--civic-line);border-radius:.5em;text-align:start;overflow-wrap:anywhere}
h2{font-size:1.25em;font-weight:700;line-height:1.25;margin-bottom:.75em}
p+p{margin-top:.5em}
a{color:var(--civic-accent);text-decoration:underline}
strong{font-weight:700}
.civic-form{display:flex;flex-direction:column;gap:1.1em}
.civic-field,fieldset{display:flex;flex-direction:column;gap:.35em;min-width:0}
label,legend{font-weight:600}
legend{float:left;width:100%;margin-bottom:.35em}
legend+*{clear:both}
.civic-req{color:var(--civic-bad);font-weight:400;margin-inline-start:.25em}
.civic-hint,.civic-count,.civic-geo-status,.civic-private{font-size:.875em;color:var(--civic-muted)}
.civic-count-over{color:var(--civic-bad);font-weight:600}
input[type=text],input[type=email],input[type=tel],select,textarea{display:block;width:100%;
min-height:max(2.75em,44px);padding:.5em .65em;border:1px solid var(--civic-line);border-radius:.375em;
background:#fff;color:var(--civic-fg);font-size:1em}
textarea{min-height:7em;resize:vertical}
select{appearance:auto}
[aria-invalid=true]{border-color:var(--civic-bad);border-width:2px}
.civic-field-error{color:var(--civic-bad);font-size:.9375em;font-weight:600}
.civic-field-error::before{content:"⚠ "}
button{display:inline-flex;align-items:center;justify-content:center;gap:.4em;min-height:max(2.75em,44px);
min-width:max(2.75em,44px);padding:.5em 1em;border-radius:.375em;cursor:pointer;font-weight:600;
border:2px solid var(--civic-accent);color:var(--civic-accent);background:#fff;text-align:center}
button[type=submit],.civic-primary{background:var(--civic-accent);color:var(--civic-on-accent)}
button:disabled{opacity:.65;cursor:progress}
:focus-visible{outline:3px solid var(--civic-accent);outline-offset:2px}
input:focus-visible,select:focus-visible,textarea:focus-visible{outline-offset:0}
.civic-locate-row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
.civic-check{display:flex;gap:.6em;align-items:flex-start;font-weight:400;min-height:max(2.75em,44px);padding:.35em 0;cursor:pointer}
input[type=checkbox]{appearance:auto;flex:none;width:1.4em;height:1.4em;margin-top:.1em;accent-color:var(--civic-accent)}
.civic-contacts{gap:.75em;padding:.75em;border-radius:.375em;background:var(--civic-soft)}
.civic-error,.civic-note{padding:.75em;border-radius:.375em;border-inline-start:.3em solid var(--civic-bad);background:#fdecee}
.civic-note{border-color:var(--civic-accent);background:var(--civic-soft)}
.civic-error button{margin-top:.5em}
.civic-success{display:flex;flex-direction:column;gap:.75em}
.civic-success h2{color:var(--civic-good);margin:0}
.civic-actions{display:flex;flex-wrap:wrap;gap:.75em;align-items:center}
.civic-hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.civic-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.civic-spinner{display:inline-block;width:1em;height:1em;border:.15em solid currentColor;border-right-color:transparent;border-radius:50%}
@media (prefers-reduced-motion:no-preference){.civic-spinner{animation:civic-spin .8s linear infinite}}
@keyframes civic-spin{to{transform:rotate(360deg)}}
@media (max-width:24em){.civic-widget{padding:.75em}button{width:100%}}
@media (forced-colors:active){button,.civic-error,.civic-note{border:1px solid}}
"#;

/// Puts the widget's stylesheets into `shadow`, with the site's accent colour if it is a colour.
pub fn adopt(shadow: &ShadowRoot, accent: Option<&str>) -> Result<(), JsValue> {
    let sheets = js_sys::Array::new();
    let base = CssStyleSheet::new()?;
    base.replace_sync(CSS)?;
    sheets.push(&base);
    if let Some(accent) = accent.filter(|a| is_colour(a)) {
        let custom = CssStyleSheet::new()?;
        custom.replace_sync(&format!(":host{{--civic-accent:{accent}}}"))?;
        sheets.push(&custom);
    }
    shadow.set_adopted_style_sheets(&sheets);
    Ok(())
}

/// Whether `value` is one CSS colour and nothing else (it is spliced into a stylesheet, so
/// anything that could close the rule is refused before the browser is even asked).
pub fn is_colour(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && value.len() <= 64
        && !value.contains(['{', '}', ';', '<', '>', '\\', '@', '"', '\''])
        && !value.contains("/*")
        && web_sys::css::supports_with_value("color", value).unwrap_or(false)
}

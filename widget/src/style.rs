//! The widget's styles, adopted into its shadow root as constructable stylesheets (by the
//! loader: the host sends them, see [`sheet`]).
//!
//! Host pages run a CSP without `'unsafe-inline'` styles, so there is no `<style>` element and no
//! `style=` attribute anywhere: `CSSStyleSheet.replaceSync` + `adoptedStyleSheets` only. `:host`
//! and the widget's root reset everything the page could pass down by inheritance (page rules
//! that match the host element itself beat `:host`, so the inner reset is the one that counts),
//! `direction` too (`all` leaves it out), except the font size, which the widget follows upwards
//! (sizes are `em`): a page with larger text, as a site's version for the visually impaired,
//! gets a larger widget, while a page with small text, or `font-size: 0` on the container (the
//! trick against gaps between inline blocks), gets 16 px, never less; touch targets stay at
//! least 44 px.

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, ShadowRoot};

/// Default accent #0b57a4: white text on it has a contrast of 7:1; it is also the colour of links
/// and outlines on white (`--civic-ink`), which a site's light accent replaces by a darker shade. The other colours pass WCAG AA
/// (4.5:1) on the backgrounds they are used on; field borders (#767680) have 4.49:1 against white,
/// over the 3:1 WCAG asks of control boundaries.
pub const CSS: &str = r#"
:host{all:initial;display:block;font-size:inherit;direction:ltr;unicode-bidi:isolate;
--civic-accent:#0b57a4;--civic-on-accent:#fff;--civic-ink:#0b57a4;--civic-fg:#1b1b1f;--civic-muted:#4b4b55;
--civic-line:#767680;--civic-bg:#fff;--civic-soft:#f3f4f7;--civic-bad:#b00020;--civic-good:#146c2e}
*,*::before,*::after{box-sizing:border-box;margin:0;padding:0;border:0;font:inherit;color:inherit;background:none}
.civic-widget{all:initial;direction:ltr;unicode-bidi:isolate;box-sizing:border-box;display:block;width:100%;max-width:40em;min-width:0;padding:1em;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:max(1em,16px);line-height:1.45;color:var(--civic-fg);background:var(--civic-bg);
border:1px solid var(--civic-line);border-radius:.5em;text-align:start;overflow-wrap:anywhere}
h2{font-size:1.25em;font-weight:700;line-height:1.25;margin-bottom:.75em}
p+p{margin-top:.5em}
a{color:var(--civic-ink);text-decoration:underline}
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
.civic-field-error:empty{display:none}
button,.civic-file-button{display:inline-flex;align-items:center;justify-content:center;gap:.4em;min-height:max(2.75em,44px);
min-width:max(2.75em,44px);padding:.5em 1em;border-radius:.375em;cursor:pointer;font-weight:600;
border:2px solid var(--civic-ink);color:var(--civic-ink);background:#fff;text-align:center}
button[type=submit],.civic-primary{background:var(--civic-accent);color:var(--civic-on-accent)}
button:disabled{opacity:.65;cursor:progress}
:focus-visible,[type=file]:focus-visible+label span{outline:3px solid var(--civic-ink);outline-offset:2px}
input:focus-visible,select:focus-visible,textarea:focus-visible{outline-offset:0}
.civic-icon{flex:none;width:1.25em;height:1.25em;fill:currentColor}
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
.civic-file-button{align-self:flex-start}
.civic-hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.civic-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.civic-spinner{display:inline-block;width:1em;height:1em;border:.15em solid currentColor;border-right-color:transparent;border-radius:50%}
@media (prefers-reduced-motion:no-preference){.civic-spinner{animation:civic-spin .8s linear infinite}}
@keyframes civic-spin{to{transform:rotate(360deg)}}
@media (max-width:24em){.civic-widget{padding:.75em}button,.civic-file-button{width:100%}}
@media (forced-colors:active){button,.civic-error,.civic-note{border:1px solid}}
"#;

/// The map's own rules (extended mode, and a basic widget's "Choose on the map"), after
/// Leaflet's. Status colours pass 3:1 against the tiles' light
/// background and carry white text or a white ring; the status is also in every marker's name.
pub const MAP_CSS: &str = r#"
.civic-map{height:24em;min-height:240px;width:100%;border:1px solid var(--civic-line);border-radius:.375em;
background:var(--civic-soft);font:inherit;z-index:0}
.civic-map:focus-visible{outline:3px solid var(--civic-ink);outline-offset:2px}
.civic-pin-map{position:relative}.civic-pin-map .civic-map{height:15em}
.civic-pin-map::after{content:"";position:absolute;left:50%;top:50%;width:28px;height:28px;margin:-28px 0 0 -14px;
pointer-events:none;z-index:500;border-radius:50% 50% 50% 0;transform:rotate(-45deg);background:var(--civic-accent);
border:3px solid #fff;box-shadow:0 0 0 1px #1b1b1f,0 2px 6px rgba(0,0,0,.45)}
.civic-nearby{padding:.75em;border-radius:.375em;background:var(--civic-soft);display:flex;flex-direction:column;gap:.5em}
.civic-nearby ul{list-style:none;display:flex;flex-direction:column;gap:.5em}
.civic-nearby li{padding:.5em;background:#fff;border-radius:.375em;border:1px solid var(--civic-line)}
.civic-s-published{--s:#c62828}.civic-s-in_progress{--s:#a35200}.civic-s-resolved{--s:#1e6b30}
.civic-s-closed{--s:#3d5361}.civic-s-refused,.civic-s-duplicate{--s:#5f5f66}
.civic-marker::after{content:"";position:absolute;inset:9px;border-radius:50%;border:3px solid #fff;
box-shadow:0 0 0 1px #1b1b1f,0 1px 4px rgba(0,0,0,.4);background:var(--s)}
.civic-cluster{display:flex;align-items:center;justify-content:center;border-radius:50%;background:var(--civic-accent);
color:var(--civic-on-accent);font-weight:700;font-size:.875em;border:3px solid #fff;box-shadow:0 0 0 1px #1b1b1f,0 1px 4px rgba(0,0,0,.4)}
.leaflet-marker-icon:focus-visible{outline:3px solid #1b1b1f;outline-offset:2px}
button.civic-zoom{font-size:1.25em;padding:0}
.civic-filters{flex-direction:row;flex-wrap:wrap;align-items:flex-end;gap:.75em}
.civic-filters .civic-field{flex:1 1 9em}
.civic-map-view{display:flex;flex-direction:column;gap:.75em}
.civic-map-list{list-style:none;max-height:16em;overflow:auto;border-top:1px solid var(--civic-line)}
.civic-map-list li{border-bottom:1px solid var(--civic-soft)}
button.civic-link{border:0;background:none;color:var(--civic-ink);text-decoration:underline;font-weight:400;
justify-content:flex-start;text-align:start;width:100%;padding:.5em .25em}
.civic-card{padding:.75em;border:1px solid var(--civic-line);border-radius:.375em;display:flex;flex-direction:column;gap:.5em}
.civic-card h3{font-size:1.125em;font-weight:700}.civic-card h4{font-weight:700;margin-top:.5em}
.civic-badge{display:inline-block;padding:.15em .6em;border-radius:1em;color:#fff;font-size:.875em;font-weight:600;background:var(--s)}
.civic-card-facts{display:grid;grid-template-columns:auto 1fr;gap:.25em 1em}.civic-card-facts dt{color:var(--civic-muted)}
.civic-card-answer{padding:.5em .75em;border-inline-start:.3em solid var(--civic-accent);background:var(--civic-soft)}
.civic-card-answer footer{font-size:.875em;color:var(--civic-muted);margin-top:.25em}
.civic-card-history{padding-inline-start:1.25em;font-size:.9375em}
@media (max-width:24em){.civic-map{height:18em}}
"#;

/// The widget's stylesheet: the form's rules, the map's with `map`, and the site's accent colour
/// if `accent` is one we read (`#rgb`, `#rrggbb`, `rgb(r, g, b)`; anything else is ignored).
///
/// The host sends it (with the first screen, or at `/widget/style.css`) and the loader adopts it
/// into the widget's shadow root: the bundles carry no stylesheet (3.1 KiB gzip each).
pub fn sheet(map: bool, accent: &str) -> String {
    let mut css = String::from(CSS);
    if map {
        css += MAP_CSS;
    }
    if let Some(rgb) = parse_colour(accent) {
        css += &accent_rules(rgb);
    }
    css
}

/// Puts [`sheet`] into `shadow` as the loader does (the tests, which mount without it).
pub fn adopt(shadow: &ShadowRoot, map: bool, accent: &str) -> Result<(), JsValue> {
    let sheet_ = CssStyleSheet::new()?;
    sheet_.replace_sync(&sheet(map, accent))?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet_));
    Ok(())
}

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Reads `#rgb`, `#rrggbb` or `rgb(r, g, b)` (integers 0–255, commas or spaces). Only these: the
/// colour is spliced into a stylesheet, and it is written back as `#rrggbb`, so nothing of what
/// the page gave reaches the CSS as text.
pub fn parse_colour(value: &str) -> Option<Rgb> {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix('#') {
        let digit = |i: usize| hex.get(i..=i).and_then(|d| u8::from_str_radix(d, 16).ok());
        return match hex.len() {
            3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
            6 => Some([
                digit(0)? * 16 + digit(1)?,
                digit(2)? * 16 + digit(3)?,
                digit(4)? * 16 + digit(5)?,
            ]),
            _ => None,
        };
    }
    let inner = value
        .strip_prefix("rgb(")
        .or_else(|| value.strip_prefix("RGB("))?
        .strip_suffix(')')?;
    let mut parts = inner
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u8>().ok());
    let rgb = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(rgb)
}

/// The stylesheet for an accent: the accent itself, the text colour on it (black or white,
/// whichever reaches WCAG AA's 4.5:1), and the colour of links and outlines on white: the accent
/// when it is dark enough, else the accent darkened until it is.
pub fn accent_rules(accent: Rgb) -> String {
    let on = if on_white_ok(accent) { "#fff" } else { "#000" };
    [
        ":host{--civic-accent:",
        &hex(accent),
        ";--civic-on-accent:",
        on,
        ";--civic-ink:",
        &hex(ink(accent)),
        "}",
    ]
    .concat()
}

/// `#rrggbb`, written by hand: the `{:02x}` formatter would add its code to the bundle.
pub fn hex(rgb: Rgb) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::from("#");
    for c in rgb {
        out.push(char::from(DIGITS[usize::from(c >> 4)]));
        out.push(char::from(DIGITS[usize::from(c & 15)]));
    }
    out
}

/// The accent, darkened (if need be) until it has a contrast of at least 4.5:1 with white.
pub fn ink(accent: Rgb) -> Rgb {
    let mut colour = accent;
    let mut scale = 256u32;
    while !on_white_ok(colour) {
        scale -= 8;
        colour = accent.map(|c| (u32::from(c) * scale / 256) as u8);
    }
    colour
}

/// Whether white text on `colour` (and `colour` as text on white) reaches 4.5:1, i.e. its
/// relative luminance is at most 1.05 / 4.5 − 0.05 = 0.1833. Black on it then fails, and black
/// text reaches 4.5:1 on every colour for which this is false.
pub fn on_white_ok(colour: Rgb) -> bool {
    luminance(colour) <= 1833
}

/// WCAG's relative luminance, in units of 1/10 000.
pub fn luminance([r, g, b]: Rgb) -> u32 {
    let lin = |c: u8| u32::from(LINEAR[usize::from(c)]);
    (2126 * lin(r) + 7152 * lin(g) + 722 * lin(b)) / 10_000
}

/// sRGB channel value → linear light, in units of 1/10 000: WCAG's formula
/// (`c / 12.92`, or `((c + 0.055) / 1.055)^2.4`), tabulated so that the bundle carries no `powf`.
const LINEAR: [u16; 256] = [
    0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 37, 40, 44, 48, 52, 56, 60, 65, 70, 75, 80, 86, 91,
    97, 103, 110, 116, 123, 130, 137, 144, 152, 160, 168, 176, 185, 194, 203, 212, 222, 232, 242,
    252, 262, 273, 284, 296, 307, 319, 331, 343, 356, 369, 382, 395, 409, 423, 437, 452, 467, 482,
    497, 513, 529, 545, 561, 578, 595, 612, 630, 648, 666, 685, 704, 723, 742, 762, 782, 802, 823,
    844, 865, 887, 908, 931, 953, 976, 999, 1022, 1046, 1070, 1095, 1119, 1144, 1170, 1195, 1221,
    1248, 1274, 1301, 1329, 1356, 1384, 1413, 1441, 1470, 1500, 1529, 1559, 1590, 1620, 1651, 1683,
    1714, 1746, 1779, 1812, 1845, 1878, 1912, 1946, 1981, 2016, 2051, 2086, 2122, 2159, 2195, 2232,
    2270, 2307, 2346, 2384, 2423, 2462, 2502, 2542, 2582, 2623, 2664, 2705, 2747, 2789, 2831, 2874,
    2918, 2961, 3005, 3050, 3095, 3140, 3185, 3231, 3278, 3325, 3372, 3419, 3467, 3515, 3564, 3613,
    3663, 3712, 3763, 3813, 3864, 3916, 3968, 4020, 4072, 4125, 4179, 4233, 4287, 4342, 4397, 4452,
    4508, 4564, 4621, 4678, 4735, 4793, 4851, 4910, 4969, 5029, 5089, 5149, 5210, 5271, 5333, 5395,
    5457, 5520, 5583, 5647, 5711, 5776, 5841, 5906, 5972, 6038, 6105, 6172, 6240, 6308, 6376, 6445,
    6514, 6584, 6654, 6724, 6795, 6867, 6939, 7011, 7084, 7157, 7231, 7305, 7379, 7454, 7529, 7605,
    7682, 7758, 7835, 7913, 7991, 8070, 8148, 8228, 8308, 8388, 8469, 8550, 8632, 8714, 8796, 8879,
    8963, 9047, 9131, 9216, 9301, 9387, 9473, 9560, 9647, 9734, 9823, 9911, 10000,
];

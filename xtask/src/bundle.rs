//! Turning wasm-bindgen's output, Leaflet and the hand-written loader into the files of `dist/`:
//! wrapping, comment stripping, content hashing, size measuring. Pure functions, tested below.
//!
//! The widget is built twice from the same crate: the **basic** bundle (the report form) and
//! the **map** bundle (the `extended` feature: the city's problem map and the form). A visitor
//! downloads one of them, by the mode of the widget on the page; the map bundle brings Leaflet
//! (wrapped so it leaves no global behind) only where a map is shown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::compress;

/// The loader's path in `dist/` (served as `/widget.js`: the URL in every embed snippet).
pub const LOADER: &str = "widget.js";
/// The Leaflet file is `widget/civic-leaflet-<hash>.js`.
const LEAFLET_PREFIX: &str = "civic-leaflet-";
const LEAFLET_PLACEHOLDER: &str = "__CIVIC_LEAFLET_JS__";
/// How wasm-bindgen's `--target no-modules` glue starts; anything else means a format we do
/// not know how to wrap.
const GLUE_START: &str = "let wasm_bindgen = (function(exports) {";

/// The two modes of the widget, each built once per language ([`Bundle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The report form: what most pages show. Budget: 90 KiB gzip with the loader.
    Basic,
    /// The `extended` feature: the problem map, its card, and the form. Budget: 150 KiB gzip
    /// with the loader and Leaflet.
    Map,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Basic, Kind::Map];

    /// Hashed bundle files are `widget/<prefix><lang>-<hash>.js` and `..._bg.wasm`.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Basic => "civic-widget-",
            Kind::Map => "civic-map-",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Basic => "basic",
            Kind::Map => "map",
        }
    }

    /// The widget crate's cargo features for this mode.
    pub fn features(self) -> &'static str {
        match self {
            Kind::Basic => "",
            Kind::Map => "extended",
        }
    }
}

/// The languages a bundle is built in: each bundle carries the words of one (the widget's
/// `ru`/`en` features), and the loader fetches the one of the visitor's language.
pub const LANGS: [&str; 2] = ["ru", "en"];

/// One build of the widget: a mode in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundle {
    pub kind: Kind,
    pub lang: &'static str,
}

impl Bundle {
    pub fn all() -> Vec<Bundle> {
        Kind::ALL
            .iter()
            .flat_map(|&kind| LANGS.iter().map(move |&lang| Bundle { kind, lang }))
            .collect()
    }

    /// `civic-widget-ru-`: the bundle's files are `widget/<prefix><hash>.js` and `..._bg.wasm`.
    pub fn prefix(self) -> String {
        format!("{}{}-", self.kind.prefix(), self.lang)
    }

    /// The name the bundle registers under in `CivicWidget.__bundles` (the loader's too):
    /// `basic_ru`.
    pub fn key(self) -> String {
        format!("{}_{}", self.kind.key(), self.lang)
    }

    /// The widget crate's cargo features for this build.
    pub fn features(self) -> String {
        match self.kind.features() {
            "" => self.lang.to_owned(),
            mode => format!("{mode},{}", self.lang),
        }
    }

    /// The loader's placeholders for the glue's and the wasm's names.
    fn placeholders(self) -> (String, String) {
        let key = self.key().to_uppercase();
        (
            format!("__CIVIC_{key}_JS__"),
            format!("__CIVIC_{key}_WASM__"),
        )
    }
}

/// What wasm-bindgen and wasm-opt made of one build.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub glue: String,
    pub wasm: Vec<u8>,
}

/// Whether a file name in `dist/widget/` is one of ours (and so may be replaced or removed).
pub fn is_bundle_file(name: &str) -> bool {
    let bundle = Kind::ALL.iter().any(|k| name.starts_with(k.prefix()))
        && (name.ends_with(".js") || name.ends_with("_bg.wasm"));
    bundle || (name.starts_with(LEAFLET_PREFIX) && name.ends_with(".js"))
}

/// The files of `dist/`, by path relative to it. `minify` is applied to the loader and to each
/// wrapped glue before it is hashed and named.
pub fn assemble(
    loader: &str,
    bundles: &[(Bundle, Built)],
    leaflet: &str,
    minify: &dyn Fn(&str) -> Result<String, String>,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let mut names = Vec::new();
    for (bundle, built) in bundles {
        let js = minify(&wrap_glue(&built.glue, &bundle.key())?)?;
        let hash = content_hash(js.as_bytes(), &built.wasm);
        let js_name = format!("{}{hash}.js", bundle.prefix());
        let wasm_name = format!("{}{hash}_bg.wasm", bundle.prefix());
        let (js_placeholder, wasm_placeholder) = bundle.placeholders();
        names.push((js_placeholder, js_name.clone()));
        names.push((wasm_placeholder, wasm_name.clone()));
        files.insert(format!("widget/{js_name}"), js.into_bytes());
        files.insert(format!("widget/{wasm_name}"), built.wasm.clone());
    }
    let leaflet_name = format!(
        "{LEAFLET_PREFIX}{}.js",
        content_hash(leaflet.as_bytes(), &[])
    );
    names.push((LEAFLET_PLACEHOLDER.to_owned(), leaflet_name.clone()));
    files.insert(
        format!("widget/{leaflet_name}"),
        leaflet.as_bytes().to_vec(),
    );
    let names: Vec<(&str, &str)> = names
        .iter()
        .map(|(p, n)| (p.as_str(), n.as_str()))
        .collect();
    files.insert(
        LOADER.to_owned(),
        minify(&bake_loader(loader, &names)?)?.into_bytes(),
    );
    Ok(files)
}

/// Puts the file names into the loader and strips its comments.
pub fn bake_loader(loader: &str, names: &[(&str, &str)]) -> Result<String, String> {
    let mut baked = loader.to_owned();
    for (placeholder, name) in names {
        if loader.matches(placeholder).count() != 1 {
            return Err(format!("the loader must name {placeholder} exactly once"));
        }
        baked = baked.replace(placeholder, name);
    }
    Ok(strip_js(&baked))
}

/// Wraps the no-modules glue in an IIFE, so `wasm_bindgen` does not leak into the page's
/// globals, and hands its init and exports to the loader through `window.CivicWidget`.
pub fn wrap_glue(glue: &str, key: &str) -> Result<String, String> {
    if !glue.trim_start().starts_with(GLUE_START) {
        return Err(format!(
            "unexpected wasm-bindgen glue: it should start with `{GLUE_START}` \
             (was the CLI's --target changed?)"
        ));
    }
    Ok(format!(
        "/* Civic Widget {key} bundle (wasm-bindgen glue), loaded by /widget.js. */\n\
         (function () {{\n\"use strict\";\n{}\
         var cw = window.CivicWidget = window.CivicWidget || {{}};\n\
         (cw.__bundles = cw.__bundles || {{}}).{key} = {{ init: wasm_bindgen, mount: wasm_bindgen.mount }};\n\
         }})();\n",
        strip_js(glue),
    ))
}

/// Leaflet (the parts `widget/leaflet/entry.js` takes, bundled by esbuild as CommonJS) and its
/// stylesheet as one script that leaves no global behind: the bundle sees our `module`/`exports`,
/// and the library and its CSS (which the widget adopts into its shadow root) are handed over as
/// `CivicWidget.__leaflet`. Its BSD-2-Clause licence travels with it, as the licence asks.
pub fn wrap_leaflet(
    bundle: &str,
    css: &str,
    licence: &str,
    version: &str,
) -> Result<String, String> {
    if !bundle.contains("module.exports") || bundle.contains("window.L=") {
        return Err("unexpected Leaflet bundle: not CommonJS, or it sets window.L".into());
    }
    if !licence.contains("BSD 2-Clause") {
        return Err("Leaflet's licence is not the BSD 2-Clause licence it should be".into());
    }
    let licence: String = licence
        .lines()
        .map(|l| format!(" * {l}").trim_end().to_owned() + "\n")
        .collect();
    Ok(format!(
        "/*! Leaflet {version}, https://leafletjs.com: the parts Civic Widget's map uses.\n{licence} */\n\
         (function () {{\nvar module = {{ exports: {{}} }}, exports = module.exports;\n\
         {}\nvar cw = window.CivicWidget = window.CivicWidget || {{}};\n\
         cw.__leaflet = {{ L: module.exports, css: {} }};\n}})();\n",
        bundle.trim_end(),
        js_string(&drop_selectors(&minify_css(css), LEAFLET_SELECTORS_UNUSED))
    ))
}

/// The sections of Leaflet's stylesheet (by their heading comments) for the parts
/// `widget/leaflet/entry.js` leaves out; they would be dead weight in every map.
pub const LEAFLET_CSS_UNUSED: &[&str] = &[
    "layers control",
    "Default icon URLs",
    "popup",
    "Tooltip",
    "Base styles for the element that has a tooltip",
    "Directions",
    "Printing",
];

/// Leaflet's stylesheet without the sections named in `unused` (each must be there: a new
/// Leaflet that renamed one is noticed, not silently shipped whole). A section runs from its
/// heading comment, a line of its own at the start of a line, to the next one.
pub fn trim_css_sections(css: &str, unused: &[&str]) -> Result<String, String> {
    fn heading(line: &str) -> Option<&str> {
        line.strip_prefix("/* ")
            .and_then(|l| l.strip_suffix(" */"))
            .map(str::trim)
    }
    let mut out = String::with_capacity(css.len());
    let mut found = Vec::new();
    let mut skipping = false;
    for line in css.lines() {
        if let Some(h) = heading(line) {
            skipping = unused.contains(&h);
            if skipping {
                found.push(h);
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    match unused.iter().find(|u| !found.contains(u)) {
        Some(missing) => Err(format!("Leaflet's stylesheet has no section {missing:?}")),
        None => Ok(out),
    }
}

/// Drops the stylesheet's comments, line breaks and the spaces CSS does not need (around
/// `{};,>` and after `:`). Plain CSS: no strings or `url()`s with such spaces inside.
pub fn minify_css(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = words.chars().collect();
    let mut out = String::with_capacity(words.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let tight = |c: Option<char>, set: &str| c.is_some_and(|c| set.contains(c));
        if c == ' ' && (tight(before, "{};,>:") || tight(after, "{};,>")) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Selectors of Leaflet's stylesheet for what the map never shows (vector layers, image icons,
/// their shadows, box zoom, Leaflet's own zoom and scale controls, old IE): any selector naming
/// one of these is dropped, and a rule left with none goes too.
pub const LEAFLET_SELECTORS_UNUSED: &[&str] = &[
    "marker-shadow",
    "shadow-pane",
    "svg",
    "canvas",
    "zoom-box",
    "vml",
    "crosshair",
    "image-layer",
    "leaflet-bar",
    "control-zoom",
    "control-scale",
    "control-layers",
    "oldie",
];

/// `css` (minified by [`minify_css`]) without the selectors that name any of `unused`.
pub fn drop_selectors(css: &str, unused: &[&str]) -> String {
    let mut out = String::with_capacity(css.len());
    for rule in css.split_inclusive('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            out.push_str(rule);
            continue;
        };
        let kept: Vec<&str> = selectors
            .split(',')
            .filter(|s| !unused.iter().any(|u| s.contains(u)))
            .collect();
        if !kept.is_empty() {
            out.push_str(&kept.join(","));
            out.push('{');
            out.push_str(body);
        }
    }
    out
}

/// A JavaScript string literal (double quotes) holding `text`.
pub fn js_string(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '<' => s.push_str("\\x3c"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// Removes whole-line comments, blank lines and indentation. Deliberately simple: it only
/// touches lines that *start* with a comment, and gives up (returns the input unchanged) when a
/// template literal could span lines, where indentation is part of a string.
pub fn strip_js(source: &str) -> String {
    if source.lines().any(|l| l.matches('`').count() % 2 == 1) {
        return source.to_owned();
    }
    let mut out = String::with_capacity(source.len());
    let mut in_block_comment = false;
    for line in source.lines() {
        let mut line = line.trim();
        if in_block_comment || line.starts_with("/*") {
            let from = if in_block_comment { 0 } else { 2 };
            match line[from..].find("*/") {
                Some(end) => {
                    in_block_comment = false;
                    line = line[from + end + 2..].trim();
                }
                None => {
                    in_block_comment = true;
                    continue;
                }
            }
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// 16 hex digits of SHA-256 over both files: a new build of either gets new names, so the
/// host can serve them as immutable.
pub fn content_hash(js: &[u8], wasm: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update((js.len() as u64).to_le_bytes());
    h.update(js);
    h.update(wasm);
    h.finalize()[..8].iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The version of `package` in a Cargo.lock (the first, if several).
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_owned());
        }
    }
    None
}

/// One file's (or one mode's) size: as it is, gzip -9, Brotli 11.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Size {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl std::ops::Add for Size {
    type Output = Size;
    fn add(self, other: Size) -> Size {
        Size {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Raw, gzip -9 and Brotli sizes of the files a visitor downloads, per file and per mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sizes {
    /// (file, size) in a stable order; the compressed copies are not files of their own here.
    pub files: Vec<(String, Size)>,
}

impl Sizes {
    /// The sizes of `files` (paths in `dist/`); a file's compressed sizes are those of its
    /// `.gz` and `.br` copies among `files`, or of a fresh compression where there is none.
    pub fn measure(files: &BTreeMap<String, Vec<u8>>) -> Sizes {
        let copy = |path: &str, suffix: &str, compress: fn(&[u8]) -> Vec<u8>, bytes: &[u8]| {
            files
                .get(&format!("{path}{suffix}"))
                .map_or_else(|| compress(bytes).len(), Vec::len)
        };
        Sizes {
            files: files
                .iter()
                .filter(|(path, _)| !compress::is_copy(path))
                .map(|(path, bytes)| {
                    let size = Size {
                        raw: bytes.len(),
                        gzip: copy(path, ".gz", compress::gzip, bytes),
                        brotli: copy(path, ".br", compress::brotli, bytes),
                    };
                    (path.clone(), size)
                })
                .collect(),
        }
    }

    fn sum(&self, wanted: impl Fn(&str) -> bool) -> Size {
        self.files
            .iter()
            .filter(|(path, _)| wanted(path.trim_start_matches("widget/")))
            .fold(Size::default(), |total, (_, size)| total + *size)
    }

    pub fn loader(&self) -> Size {
        self.sum(|p| p == LOADER)
    }

    /// What a page with a basic-mode widget downloads: the loader and the basic bundle of its
    /// language (the larger of the two).
    pub fn basic_total(&self) -> Size {
        self.mode_total(Kind::Basic, |p| p == LOADER)
    }

    /// What a page with an extended-mode widget downloads: the loader, the map bundle of its
    /// language (the larger), Leaflet.
    pub fn extended_total(&self) -> Size {
        self.mode_total(Kind::Map, |p| p == LOADER || p.starts_with(LEAFLET_PREFIX))
    }

    fn mode_total(&self, kind: Kind, shared: impl Fn(&str) -> bool) -> Size {
        LANGS
            .iter()
            .map(|&lang| {
                let prefix = Bundle { kind, lang }.prefix();
                self.sum(|p| shared(p) || p.starts_with(&prefix))
            })
            .max_by_key(|size| size.gzip)
            .unwrap_or_default()
    }

    pub fn table(&self) -> String {
        let kb = |n: usize| format!("{:.1} KiB", n as f64 / 1024.0);
        let mut t = format!(
            "{:<48} {:>12} {:>12} {:>12}\n",
            "file", "raw", "gzip -9", "brotli"
        );
        let totals = [
            (
                "basic mode (loader + basic bundle)".to_owned(),
                self.basic_total(),
            ),
            (
                "extended mode (loader + map bundle + Leaflet)".to_owned(),
                self.extended_total(),
            ),
        ];
        for (name, size) in self.files.iter().cloned().chain(totals) {
            let _ = writeln!(
                t,
                "{name:<48} {:>12} {:>12} {:>12}",
                kb(size.raw),
                kb(size.gzip),
                kb(size.brotli)
            );
        }
        t
    }
}

/// Size limits, in gzip -9 bytes.
pub struct Budget {
    pub basic_gzip: usize,
    pub extended_gzip: usize,
    pub loader_gzip: usize,
}

impl Budget {
    /// Basic mode: everything a visitor downloads ≤ 90 KiB gzip; extended mode (with the map
    /// library) ≤ 150 KiB; the loader ≤ 3 KiB (it places the widgets, shows the host's first
    /// screen and hands it over to the bundle).
    pub const WIDGET: Budget = Budget {
        basic_gzip: 90 * 1024,
        extended_gzip: 150 * 1024,
        loader_gzip: 3 * 1024,
    };

    pub fn check(&self, sizes: &Sizes) -> Result<(), String> {
        let mut broken = Vec::new();
        for (what, size, budget) in [
            (
                "basic mode (loader + basic bundle)",
                sizes.basic_total().gzip,
                self.basic_gzip,
            ),
            (
                "extended mode (loader + map bundle + Leaflet)",
                sizes.extended_total().gzip,
                self.extended_gzip,
            ),
            ("the loader", sizes.loader().gzip, self.loader_gzip),
        ] {
            if size > budget {
                broken.push(format!(
                    "{what} is {size} bytes gzip, over the budget of {budget} bytes"
                ));
            }
        }
        if broken.is_empty() {
            Ok(())
        } else {
            Err(broken.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "let wasm_bindgen = (function(exports) {\n    /**\n     * Docs.\n     */\n    function mount(a) {\n        // why\n        return a;\n    }\n    exports.mount = mount;\n    return exports;\n})({ __proto__: null });\n";
    const LOADER_TEMPLATE: &str = "'__CIVIC_BASIC_RU_JS__' '__CIVIC_BASIC_RU_WASM__' '__CIVIC_BASIC_EN_JS__' '__CIVIC_BASIC_EN_WASM__' '__CIVIC_MAP_RU_JS__' '__CIVIC_MAP_RU_WASM__' '__CIVIC_MAP_EN_JS__' '__CIVIC_MAP_EN_WASM__' '__CIVIC_LEAFLET_JS__'";

    fn built(wasm: &[u8]) -> Built {
        Built {
            glue: GLUE.into(),
            wasm: wasm.to_vec(),
        }
    }

    /// Every bundle, the basic ones with `basic` as their wasm, the map ones with `map`.
    fn bundles(basic: &[u8], map: &[u8]) -> Vec<(Bundle, Built)> {
        Bundle::all()
            .into_iter()
            .map(|b| {
                let wasm = if b.kind == Kind::Basic { basic } else { map };
                let mut wasm = wasm.to_vec();
                wasm.extend(b.lang.as_bytes());
                (b, built(&wasm))
            })
            .collect()
    }

    /// No minification: the tests read what was assembled.
    fn as_is(js: &str) -> Result<String, String> {
        Ok(js.to_owned())
    }

    #[test]
    fn glue_is_wrapped_without_a_global_and_registers_with_the_loader() {
        let js = wrap_glue(GLUE, "map_en").unwrap();
        assert!(js.starts_with("/* Civic Widget map_en bundle"));
        assert!(
            js.contains("(function () {\n\"use strict\";\nlet wasm_bindgen = (function(exports) {")
        );
        assert!(js.contains(
            "(cw.__bundles = cw.__bundles || {}).map_en = { init: wasm_bindgen, mount: wasm_bindgen.mount };"
        ));
        assert!(js.trim_end().ends_with("})();"));
        assert!(
            !js.contains("Docs.") && !js.contains("// why"),
            "comments are stripped: {js}"
        );
        assert!(js.contains("return a;\n"));
    }

    #[test]
    fn unknown_glue_is_refused() {
        assert!(wrap_glue("export function mount() {}", "basic_ru").is_err());
    }

    #[test]
    fn strip_keeps_code_and_gives_up_on_multiline_template_literals() {
        assert_eq!(
            strip_js("  a();\n\n  // c\n  /* x */\n  b(); // tail\n"),
            "a();\nb(); // tail\n"
        );
        assert_eq!(
            strip_js("/* a */ x();\n/**\n * b\n */ y();\nz();\n"),
            "x();\ny();\nz();\n"
        );
        let multiline = "const s = `one\n   two`;\n";
        assert_eq!(strip_js(multiline), multiline);
        assert_eq!(strip_js("f(`${x}`);\n"), "f(`${x}`);\n");
    }

    #[test]
    fn loader_gets_the_hashed_names() {
        let loader =
            "// doc\nvar JS = '__CIVIC_BUNDLE_JS__';\nvar WASM = '__CIVIC_BUNDLE_WASM__';\n";
        let baked = bake_loader(
            loader,
            &[
                ("__CIVIC_BUNDLE_JS__", "civic-widget-ab.js"),
                ("__CIVIC_BUNDLE_WASM__", "civic-widget-ab_bg.wasm"),
            ],
        )
        .unwrap();
        assert_eq!(
            baked,
            "var JS = 'civic-widget-ab.js';\nvar WASM = 'civic-widget-ab_bg.wasm';\n"
        );
        assert!(bake_loader("var JS = 1;", &[("__CIVIC_BUNDLE_JS__", "a")]).is_err());
    }

    #[test]
    fn the_real_loader_bakes_and_fits_its_budget() {
        let loader = include_str!("../../widget/loader/widget.js");
        let files = assemble(loader, &bundles(&[0], &[1]), "/* leaflet */", &as_is).unwrap();
        let baked = String::from_utf8(files[LOADER].clone()).unwrap();
        assert!(!baked.contains("__CIVIC_"), "{baked}");
        assert!(!baked.contains("eval(") && !baked.contains("Function("));
        // What ships is the minified loader in `dist/` (`dist --check` proves it is what this
        // source builds): it fits its budget.
        let shipped = include_bytes!("../../dist/widget.js");
        assert!(compress::gzip(shipped).len() <= Budget::WIDGET.loader_gzip);
    }

    #[test]
    fn names_change_with_either_file_and_are_stable_otherwise() {
        let a = assemble(LOADER_TEMPLATE, &bundles(&[0, 1], &[0, 3]), "L", &as_is).unwrap();
        let b = assemble(LOADER_TEMPLATE, &bundles(&[0, 1], &[0, 3]), "L", &as_is).unwrap();
        let c = assemble(LOADER_TEMPLATE, &bundles(&[0, 2], &[0, 3]), "L", &as_is).unwrap();
        assert_eq!(a, b);
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_ne!(names(&a), names(&c));
        assert_eq!(names(&a).len(), 10, "{:?}", names(&a));
        for name in names(&a) {
            assert!(
                name == LOADER || is_bundle_file(name.trim_start_matches("widget/")),
                "{name}"
            );
        }
        let loader = String::from_utf8(a[LOADER].clone()).unwrap();
        for name in names(&a).iter().filter(|n| *n != LOADER) {
            assert!(
                loader.contains(name.trim_start_matches("widget/")),
                "{name}"
            );
        }
    }

    #[test]
    fn leaflet_is_wrapped_without_a_global_and_carries_its_css_and_licence() {
        let bundle = "var a=1;module.exports=b;\n";
        let licence = "BSD 2-Clause License\n\nCopyright (c) 2010-2023, Volodymyr Agafonkin\n";
        let css = "/* c */\n.a {\n  color: red;\n}\n.b{background:url(\"x.png\")}";
        let wrapped = wrap_leaflet(bundle, css, licence, "1.9.4").unwrap();
        assert!(wrapped.starts_with("/*! Leaflet 1.9.4"), "{wrapped}");
        assert!(
            wrapped.contains(" * Copyright (c) 2010-2023, Volodymyr Agafonkin\n"),
            "the licence stays"
        );
        assert!(wrapped.contains(
            "var module = { exports: {} }, exports = module.exports;\nvar a=1;module.exports=b;\n"
        ));
        assert!(
            wrapped.contains(r#"css: ".a{color:red;}.b{background:url(\"x.png\")}""#),
            "{wrapped}"
        );
        assert!(
            wrap_leaflet("window.L=x;module.exports=x", "", licence, "1").is_err(),
            "a global is refused"
        );
        assert!(wrap_leaflet(bundle, "", "MIT", "1").is_err());
        assert_eq!(js_string("a</style>\u{2028}"), r#""a\x3c/style>\u2028""#);
    }

    #[test]
    fn css_is_minified_and_unused_selectors_are_dropped() {
        let css = ".a > .b ,\n.c:hover { color : red ;\n margin: 0 1px !important }\n.d .e{x: 1}";
        assert_eq!(
            minify_css(css),
            ".a>.b,.c:hover{color :red;margin:0 1px !important}.d .e{x:1}"
        );
        let min = ".p,.q svg{x:1}.svg-only svg{y:2}.r{z:3}";
        assert_eq!(drop_selectors(min, &["svg"]), ".p{x:1}.r{z:3}");
    }

    #[test]
    fn unused_stylesheet_sections_are_cut_and_a_missing_one_is_an_error() {
        let css = "/* required styles */\n.a{x:1}\n/* popup */\n.p{x:2}\n.q{x:3}\n/* div icon */\n.d{x:4}\n";
        assert_eq!(
            trim_css_sections(css, &["popup"]).unwrap(),
            "/* required styles */\n.a{x:1}\n/* div icon */\n.d{x:4}\n"
        );
        assert!(
            trim_css_sections(css, &["popup", "Tooltip"])
                .unwrap_err()
                .contains("Tooltip")
        );
    }

    #[test]
    fn lock_versions_are_read() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "yew"), None);
    }

    #[test]
    fn budget_counts_gzip_bytes_per_mode() {
        // Brotli is a fixed 80 % of gzip here: the budget does not look at it.
        let file = |path: &str, raw: usize, gzip: usize| {
            let brotli = gzip * 4 / 5;
            (path.to_owned(), Size { raw, gzip, brotli })
        };
        let sizes = |basic_wasm: usize, map_wasm: usize, loader: usize| Sizes {
            files: vec![
                file(LOADER, 3000, loader),
                file("widget/civic-leaflet-1.js", 150_000, 46_000),
                file("widget/civic-map-en-1.js", 40_000, 7_000),
                file("widget/civic-map-en-1_bg.wasm", 300_000, map_wasm - 500),
                file("widget/civic-map-ru-1.js", 40_000, 7_000),
                file("widget/civic-map-ru-1_bg.wasm", 300_000, map_wasm),
                file("widget/civic-widget-en-1.js", 40_000, 7_000),
                file("widget/civic-widget-en-1_bg.wasm", 200_000, basic_wasm),
                file("widget/civic-widget-ru-1.js", 40_000, 7_000),
                file(
                    "widget/civic-widget-ru-1_bg.wasm",
                    200_000,
                    basic_wasm - 500,
                ),
            ],
        };
        // A mode counts the language whose bundle is larger (the English basic, the Russian map).
        let ok = sizes(80_000, 95_000, 1000);
        assert_eq!(ok.basic_total().gzip, 88_000);
        assert_eq!(ok.extended_total().gzip, 149_000);
        assert_eq!(ok.basic_total().brotli, 800 + 5600 + 64_000);
        assert!(Budget::WIDGET.check(&ok).is_ok());
        let fat_basic = Budget::WIDGET
            .check(&sizes(90_000, 95_000, 1000))
            .unwrap_err();
        assert!(
            fat_basic.contains("basic mode") && !fat_basic.contains("extended"),
            "{fat_basic}"
        );
        let fat_map = Budget::WIDGET
            .check(&sizes(80_000, 110_000, 1000))
            .unwrap_err();
        assert!(fat_map.contains("extended mode"), "{fat_map}");
        let big_loader = Budget::WIDGET
            .check(&sizes(80_000, 95_000, Budget::WIDGET.loader_gzip + 1))
            .unwrap_err();
        assert!(big_loader.contains("loader"), "{big_loader}");
    }

    #[test]
    fn sizes_count_each_file_once_with_its_copies_sizes() {
        let wasm: Vec<u8> = (0..20_000u32).map(|i| (i * i % 251) as u8).collect();
        let files = BTreeMap::from([
            (
                LOADER.to_owned(),
                b"var a = 1; var b = 2; var c = a + b;".to_vec(),
            ),
            ("widget/civic-widget-ru-1_bg.wasm".to_owned(), wasm.clone()),
        ]);
        let fresh = Sizes::measure(&files);
        let with_copies = compress::with_copies(files);
        let sizes = Sizes::measure(&with_copies);
        assert_eq!(
            sizes, fresh,
            "a copy's size is the size of a fresh compression"
        );
        assert_eq!(sizes.files.len(), 2, "copies are not files of a mode");
        let (_, size) = &sizes.files[1];
        assert_eq!(size.raw, wasm.len());
        assert_eq!(
            size.gzip,
            with_copies["widget/civic-widget-ru-1_bg.wasm.gz"].len()
        );
        assert_eq!(
            size.brotli,
            with_copies["widget/civic-widget-ru-1_bg.wasm.br"].len()
        );
        assert_eq!(sizes.basic_total(), sizes.files[0].1 + sizes.files[1].1);
        let table = sizes.table();
        let header = table.lines().next().unwrap();
        assert!(
            header.contains("raw") && header.contains("gzip -9") && header.ends_with("brotli"),
            "{table}"
        );
        assert_eq!(table.lines().count(), 1 + 2 + 2, "{table}");
        assert!(
            table.contains("basic mode (loader + basic bundle)"),
            "{table}"
        );
    }
}

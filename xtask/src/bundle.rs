//! Turning wasm-bindgen's output and the hand-written loader into the files of `dist/`:
//! wrapping, comment stripping, content hashing, size measuring. Pure functions, tested below.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// The loader's path in `dist/` (served as `/widget.js`: the URL in every embed snippet).
pub const LOADER: &str = "widget.js";
/// Hashed bundle files are `widget/civic-widget-<hash>.js` and `..._bg.wasm`.
const PREFIX: &str = "civic-widget-";
const JS_PLACEHOLDER: &str = "__CIVIC_BUNDLE_JS__";
const WASM_PLACEHOLDER: &str = "__CIVIC_BUNDLE_WASM__";
/// How wasm-bindgen's `--target no-modules` glue starts; anything else means a format we do
/// not know how to wrap.
const GLUE_START: &str = "let wasm_bindgen = (function(exports) {";

/// Whether a file name in `dist/widget/` is one of ours (and so may be replaced or removed).
pub fn is_bundle_file(name: &str) -> bool {
    name.starts_with(PREFIX) && (name.ends_with(".js") || name.ends_with("_bg.wasm"))
}

/// The files of `dist/`, by path relative to it.
pub fn assemble(
    loader: &str,
    glue: &str,
    wasm: Vec<u8>,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let js = wrap_glue(glue)?;
    let hash = content_hash(js.as_bytes(), &wasm);
    let js_name = format!("{PREFIX}{hash}.js");
    let wasm_name = format!("{PREFIX}{hash}_bg.wasm");
    let loader = bake_loader(loader, &js_name, &wasm_name)?;
    Ok(BTreeMap::from([
        (LOADER.to_owned(), loader.into_bytes()),
        (format!("widget/{js_name}"), js.into_bytes()),
        (format!("widget/{wasm_name}"), wasm),
    ]))
}

/// Puts the bundle names into the loader and strips its comments.
pub fn bake_loader(loader: &str, js_name: &str, wasm_name: &str) -> Result<String, String> {
    for placeholder in [JS_PLACEHOLDER, WASM_PLACEHOLDER] {
        if loader.matches(placeholder).count() != 1 {
            return Err(format!("the loader must name {placeholder} exactly once"));
        }
    }
    let baked = loader
        .replace(JS_PLACEHOLDER, js_name)
        .replace(WASM_PLACEHOLDER, wasm_name);
    Ok(strip_js(&baked))
}

/// Wraps the no-modules glue in an IIFE, so `wasm_bindgen` does not leak into the page's
/// globals, and hands its init and exports to the loader through `window.CivicWidget`.
pub fn wrap_glue(glue: &str) -> Result<String, String> {
    if !glue.trim_start().starts_with(GLUE_START) {
        return Err(format!(
            "unexpected wasm-bindgen glue: it should start with `{GLUE_START}` \
             (was the CLI's --target changed?)"
        ));
    }
    Ok(format!(
        "/* Civic Widget bundle (wasm-bindgen glue), loaded by /widget.js. */\n\
         (function () {{\n\"use strict\";\n{}\
         var cw = window.CivicWidget = window.CivicWidget || {{}};\n\
         cw.__bundle = {{ init: wasm_bindgen, mount: wasm_bindgen.mount }};\n\
         }})();\n",
        strip_js(glue)
    ))
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

pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes).expect("writing to memory");
    gz.finish().expect("writing to memory").len()
}

/// Raw and gzip -9 sizes of the loader, the glue and the wasm.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sizes {
    pub loader: (usize, usize),
    pub glue: (usize, usize),
    pub wasm: (usize, usize),
}

impl Sizes {
    pub fn measure(files: &BTreeMap<String, Vec<u8>>) -> Sizes {
        let mut sizes = Sizes::default();
        for (path, bytes) in files {
            let size = (bytes.len(), gzip_len(bytes));
            if path == LOADER {
                sizes.loader = size;
            } else if path.ends_with("_bg.wasm") {
                sizes.wasm = size;
            } else if path.ends_with(".js") {
                sizes.glue = size;
            }
        }
        sizes
    }

    pub fn total(&self) -> (usize, usize) {
        (
            self.loader.0 + self.glue.0 + self.wasm.0,
            self.loader.1 + self.glue.1 + self.wasm.1,
        )
    }

    pub fn table(&self) -> String {
        let kb = |n: usize| format!("{:.1} KiB", n as f64 / 1024.0);
        let mut t = format!("{:<8} {:>12} {:>12}\n", "file", "raw", "gzip -9");
        for (name, (raw, gz)) in [
            ("loader", self.loader),
            ("glue", self.glue),
            ("wasm", self.wasm),
            ("total", self.total()),
        ] {
            let _ = writeln!(t, "{name:<8} {:>12} {:>12}", kb(raw), kb(gz));
        }
        t
    }
}

/// Size limits, in gzip -9 bytes.
pub struct Budget {
    pub total_gzip: usize,
    pub loader_gzip: usize,
}

impl Budget {
    /// Basic mode: everything a visitor downloads ≤ 100 KiB gzip; the loader ≤ 2 KiB.
    pub const BASIC: Budget = Budget {
        total_gzip: 100 * 1024,
        loader_gzip: 2 * 1024,
    };

    pub fn check(&self, sizes: &Sizes) -> Result<(), String> {
        let mut broken = Vec::new();
        if sizes.total().1 > self.total_gzip {
            broken.push(format!(
                "loader + glue + wasm is {} bytes gzip, over the budget of {} bytes",
                sizes.total().1,
                self.total_gzip
            ));
        }
        if sizes.loader.1 > self.loader_gzip {
            broken.push(format!(
                "the loader is {} bytes gzip, over the budget of {} bytes",
                sizes.loader.1, self.loader_gzip
            ));
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

    #[test]
    fn glue_is_wrapped_without_a_global_and_registers_with_the_loader() {
        let js = wrap_glue(GLUE).unwrap();
        assert!(js.starts_with("/* Civic Widget bundle"));
        assert!(
            js.contains("(function () {\n\"use strict\";\nlet wasm_bindgen = (function(exports) {")
        );
        assert!(js.contains("cw.__bundle = { init: wasm_bindgen, mount: wasm_bindgen.mount };"));
        assert!(js.trim_end().ends_with("})();"));
        assert!(
            !js.contains("Docs.") && !js.contains("// why"),
            "comments are stripped: {js}"
        );
        assert!(js.contains("return a;\n"));
    }

    #[test]
    fn unknown_glue_is_refused() {
        assert!(wrap_glue("export function mount() {}").is_err());
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
        let baked = bake_loader(loader, "civic-widget-ab.js", "civic-widget-ab_bg.wasm").unwrap();
        assert_eq!(
            baked,
            "var JS = 'civic-widget-ab.js';\nvar WASM = 'civic-widget-ab_bg.wasm';\n"
        );
        assert!(bake_loader("var JS = 1;", "a", "b").is_err());
    }

    #[test]
    fn the_real_loader_bakes_and_fits_its_budget() {
        let loader = include_str!("../../widget/loader/widget.js");
        let baked = bake_loader(
            loader,
            "civic-widget-0123456789abcdef.js",
            "civic-widget-0123456789abcdef_bg.wasm",
        )
        .unwrap();
        assert!(!baked.contains("__CIVIC_BUNDLE"));
        assert!(!baked.contains("eval(") && !baked.contains("Function("));
        assert!(gzip_len(baked.as_bytes()) <= Budget::BASIC.loader_gzip);
    }

    #[test]
    fn names_change_with_either_file_and_are_stable_otherwise() {
        let a = assemble(
            "'__CIVIC_BUNDLE_JS__' '__CIVIC_BUNDLE_WASM__'",
            GLUE,
            vec![0, 1],
        )
        .unwrap();
        let b = assemble(
            "'__CIVIC_BUNDLE_JS__' '__CIVIC_BUNDLE_WASM__'",
            GLUE,
            vec![0, 1],
        )
        .unwrap();
        let c = assemble(
            "'__CIVIC_BUNDLE_JS__' '__CIVIC_BUNDLE_WASM__'",
            GLUE,
            vec![0, 2],
        )
        .unwrap();
        assert_eq!(a, b);
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_ne!(names(&a), names(&c));
        for name in names(&a) {
            assert!(
                name == LOADER || is_bundle_file(name.trim_start_matches("widget/")),
                "{name}"
            );
        }
        let loader = String::from_utf8(a[LOADER].clone()).unwrap();
        let js = names(&a)
            .into_iter()
            .find(|n| n.ends_with(".js") && n != LOADER)
            .unwrap();
        assert!(loader.contains(js.trim_start_matches("widget/")));
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
    fn budget_counts_gzip_bytes() {
        let ok = Sizes {
            loader: (3000, 1000),
            glue: (40000, 7000),
            wasm: (200000, 90000),
        };
        assert!(Budget::BASIC.check(&ok).is_ok());
        let fat = Sizes {
            wasm: (300000, 100000),
            ..ok
        };
        assert!(
            Budget::BASIC
                .check(&fat)
                .unwrap_err()
                .contains("over the budget")
        );
        let big_loader = Sizes {
            loader: (9000, 2049),
            ..ok
        };
        assert!(
            Budget::BASIC
                .check(&big_loader)
                .unwrap_err()
                .contains("loader")
        );
    }
}

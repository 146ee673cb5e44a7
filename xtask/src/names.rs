//! Short names for the glue between the widget's wasm and its JavaScript.
//!
//! wasm-bindgen names every imported JavaScript function after the Rust item and a hash
//! (`__wbg_addEventListener_0f3c9a…`) and every closure shim after its whole Rust type
//! (`wasm_bindgen_77b3…___convert__closures_____invoke___web_sys_…_Event______true_`). Each
//! name is spelled twice, in the wasm's import or export section and in the glue, and a
//! minifier cannot shorten either: they are object keys and wasm names. Over 150 of them come to
//! several KiB of gzip in every visitor's download. [`shorten`] renames them to `$0`, `$1`, …
//! in both, consistently; everything else (the exports the loader calls, `memory`, the
//! `__wbindgen_*` runtime) keeps its name.

use std::collections::HashMap;

type Result<T> = std::result::Result<T, String>;

/// Whether a wasm-bindgen name is one of the long generated ones.
fn generated(name: &str) -> bool {
    name.starts_with("__wbg_") || name.starts_with("wasm_bindgen_")
}

/// The wasm module and its glue with the generated import and export names shortened.
pub fn shorten(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut renames: HashMap<String, String> = HashMap::new();
    let mut name_for = |old: &str| -> String {
        if !generated(old) {
            return old.to_owned();
        }
        let next = renames.len();
        renames
            .entry(old.to_owned())
            .or_insert_with(|| format!("${next:x}"))
            .clone()
    };
    // The new names are `$` and hex digits; a glue already using such a name could collide
    // (a template literal's `${` is no identifier of that shape).
    let taken = identifiers(glue).any(|id| {
        id.strip_prefix('$')
            .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
    });
    if taken {
        return Err("the glue already has identifiers like `$0`".into());
    }
    let out = rewrite_sections(wasm, &mut name_for)?;
    let mut js = String::with_capacity(glue.len());
    let mut rest = glue;
    while let Some(start) = rest.find(|c: char| is_ident(c)) {
        js.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
        let id = &tail[..end];
        js.push_str(renames.get(id).map_or(id, String::as_str));
        rest = &tail[end..];
    }
    js.push_str(rest);
    Ok((out, js))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

fn identifiers(js: &str) -> impl Iterator<Item = &str> {
    js.split(|c: char| !is_ident(c)).filter(|s| !s.is_empty())
}

/// Reads an unsigned LEB128 at `*at`.
fn leb(bytes: &[u8], at: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or("truncated LEB128")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("LEB128 too long".into())
}

fn put_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn name<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let len = leb(bytes, at)? as usize;
    let s = bytes.get(*at..*at + len).ok_or("truncated name")?;
    *at += len;
    std::str::from_utf8(s).map_err(|e| format!("a name is not UTF-8: {e}"))
}

fn put_name(out: &mut Vec<u8>, s: &str) {
    put_leb(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Skips a table's or memory's limits.
fn limits(bytes: &[u8], at: &mut usize) -> Result<()> {
    let flags = *bytes.get(*at).ok_or("truncated limits")?;
    *at += 1;
    leb(bytes, at)?;
    if flags & 1 == 1 {
        leb(bytes, at)?;
    }
    Ok(())
}

/// Copies the module, renaming through `rename` in the import (2) and export (7) sections.
fn rewrite_sections(wasm: &[u8], rename: &mut dyn FnMut(&str) -> String) -> Result<Vec<u8>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module (version 1)".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)? as usize;
        let body = wasm.get(at..at + size).ok_or("truncated section")?;
        at += size;
        let body = match id {
            2 => imports(body, rename)?,
            7 => exports(body, rename)?,
            _ => body.to_vec(),
        };
        out.push(id);
        put_leb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    Ok(out)
}

fn imports(body: &[u8], rename: &mut dyn FnMut(&str) -> String) -> Result<Vec<u8>> {
    let mut at = 0;
    let mut out = Vec::with_capacity(body.len());
    let count = leb(body, &mut at)?;
    put_leb(&mut out, count);
    for _ in 0..count {
        put_name(&mut out, name(body, &mut at)?);
        put_name(&mut out, &rename(name(body, &mut at)?));
        let kind_at = at;
        let kind = *body.get(at).ok_or("truncated import")?;
        at += 1;
        match kind {
            0 => {
                leb(body, &mut at)?;
            }
            1 => {
                at += 1; // the element type
                limits(body, &mut at)?;
            }
            2 => limits(body, &mut at)?,
            3 => at += 2, // value type, mutability
            4 => {
                at += 1; // the tag's attribute
                leb(body, &mut at)?;
            }
            other => return Err(format!("unknown import kind {other}")),
        }
        out.extend_from_slice(body.get(kind_at..at).ok_or("truncated import")?);
    }
    Ok(out)
}

fn exports(body: &[u8], rename: &mut dyn FnMut(&str) -> String) -> Result<Vec<u8>> {
    let mut at = 0;
    let mut out = Vec::with_capacity(body.len());
    let count = leb(body, &mut at)?;
    put_leb(&mut out, count);
    for _ in 0..count {
        put_name(&mut out, &rename(name(body, &mut at)?));
        let kind_at = at;
        at += 1;
        leb(body, &mut at)?;
        out.extend_from_slice(body.get(kind_at..at).ok_or("truncated export")?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `./widget_bg.js`.`long` (a function) and a memory, exporting `mount`
    /// and a closure shim.
    fn module(import: &str, shim: &str) -> Vec<u8> {
        let mut imports = Vec::new();
        put_leb(&mut imports, 2);
        put_name(&mut imports, "./widget_bg.js");
        put_name(&mut imports, import);
        imports.extend_from_slice(&[0, 0]);
        put_name(&mut imports, "env");
        put_name(&mut imports, "memory");
        imports.extend_from_slice(&[2, 1, 1, 2]);
        let mut exports = Vec::new();
        put_leb(&mut exports, 2);
        put_name(&mut exports, "mount");
        exports.extend_from_slice(&[0, 1]);
        put_name(&mut exports, shim);
        exports.extend_from_slice(&[0, 2]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        for (id, body) in [(1u8, vec![1, 0x60, 0, 0]), (2, imports), (7, exports)] {
            wasm.push(id);
            put_leb(&mut wasm, body.len() as u64);
            wasm.extend_from_slice(&body);
        }
        wasm
    }

    #[test]
    fn generated_names_are_shortened_in_both_and_the_rest_is_kept() {
        let import = "__wbg_addEventListener_0f3c9a1b2c3d4e5f";
        let shim = "wasm_bindgen_77b3___convert__closures_____invoke_______true_";
        let glue = format!(
            "const import0 = {{ {import}: function(a) {{ x.{import}; }} }};\n\
             function {shim}(a) {{ wasm.{shim}(a); }}\nwasm.mount(); __wbg_init();"
        );
        let (wasm, js) = shorten(&module(import, shim), &glue).unwrap();
        assert_eq!(
            js,
            "const import0 = { $0: function(a) { x.$0; } };\n\
             function $1(a) { wasm.$1(a); }\nwasm.mount(); __wbg_init();"
        );
        assert_eq!(wasm, module("$0", "$1"));
    }

    #[test]
    fn a_name_that_merely_starts_like_one_is_not_touched() {
        let (_, js) =
            shorten(&module("__wbg_a", "wasm_bindgen_b"), "__wbg_a_x; x__wbg_a;").unwrap();
        assert_eq!(js, "__wbg_a_x; x__wbg_a;");
    }

    #[test]
    fn not_wasm_or_a_glue_with_dollar_names_is_refused() {
        assert!(shorten(b"\0asm\x02\0\0\0", "").is_err());
        assert!(shorten(&module("__wbg_a", "wasm_bindgen_b"), "let $0 = 1;").is_err());
        assert!(shorten(&module("__wbg_a", "wasm_bindgen_b"), "`${x}`; let $q = 1;").is_ok());
    }
}

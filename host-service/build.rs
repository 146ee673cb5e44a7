//! Embeds the widget bundle (`dist/`) and the demo city page (`examples/demo-city/`) into the
//! binary: generates tables of `include_bytes!` and tells Cargo to rebuild when any file in
//! those folders changes (a folder given to `rerun-if-changed` is scanned recursively).
//!
//! A file of `dist/` comes with its precompressed copies `<name>.br` and `<name>.gz` (made by
//! `cargo xtask dist`): the table pairs them with the file as its encoded variants (they have no
//! URL of their own) and gives each variant a strong `ETag` from a SHA-256 of its own bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let mut out = String::new();

    let dist = root.join("dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    let paths: BTreeMap<&str, &Path> = files
        .iter()
        .map(|(r, a)| (r.as_str(), a.as_path()))
        .collect();
    writeln!(out, "pub static DIST: &[super::DistFile] = &[").unwrap();
    for (rel, abs) in &paths {
        if let Some(original) = COPIES
            .iter()
            .find_map(|(suffix, _)| rel.strip_suffix(suffix))
        {
            if !paths.contains_key(original) {
                println!("cargo:warning=dist/{rel} is a copy of no file in dist/: not served");
            }
            continue;
        }
        writeln!(out, "    super::DistFile {{\n        path: {rel:?},").unwrap();
        writeln!(out, "        identity: {},", variant(abs, "")).unwrap();
        for (suffix, field) in COPIES {
            let copy = paths.get(format!("{rel}{suffix}").as_str());
            let value = copy.map_or("None".to_owned(), |p| {
                format!("Some({})", variant(p, &suffix[1..]))
            });
            writeln!(out, "        {field}: {value},").unwrap();
        }
        writeln!(out, "    }},").unwrap();
    }
    writeln!(out, "];").unwrap();

    let demo = root.join("examples/demo-city");
    println!("cargo:rerun-if-changed={}", demo.display());
    let mut files = Vec::new();
    collect(&demo, &demo, &mut files);
    files.sort();
    writeln!(out, "pub static DEMO_CITY: &[(&str, &[u8])] = &[").unwrap();
    for (rel, abs) in files {
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}

/// The compressed copies' suffixes, and the fields of `assets::DistFile` they fill.
const COPIES: [(&str, &str); 2] = [(".br", "br"), (".gz", "gzip")];

/// An `assets::Variant` of the file at `path`: its bytes, and an `ETag` of 128 bits of their
/// SHA-256 (with the coding's name, `-br` or `-gz`, after it for a compressed copy).
fn variant(path: &Path, coding: &str) -> String {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let hex: String = Sha256::digest(&bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let tag = if coding.is_empty() {
        format!("\"{hex}\"")
    } else {
        format!("\"{hex}-{coding}\"")
    };
    format!(
        "super::Variant {{ bytes: include_bytes!({:?}), etag: {tag:?} }}",
        path.display().to_string()
    )
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, path));
        }
    }
}

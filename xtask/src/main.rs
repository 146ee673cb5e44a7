//! `cargo xtask`: the project's own automation.
//!
//! - `cargo xtask dist` builds the widget into `dist/`: `dist/widget.js` (the loader),
//!   `dist/widget/civic-widget-<lang>-<hash>.js` + `..._bg.wasm` (the basic bundle: the form;
//!   one per language, `ru` and `en`), `civic-map-<lang>-<hash>.*` (the extended bundle: the
//!   problem map and the form) and
//!   `civic-leaflet-<hash>.js` (Leaflet, wrapped), each with its precompressed copies
//!   `<name>.br` and `<name>.gz` (`compress.rs`), then prints their sizes (raw, gzip -9,
//!   Brotli) and fails when a size budget (gzip) is broken.
//! - `cargo xtask dist --check` builds the same into a temporary folder and compares it byte for
//!   byte with `dist/` (CI runs it to prove `dist/` is what the sources build).
//! - `cargo xtask sizes` prints the sizes of what is in `dist/` now.
//! - `cargo xtask bench` builds the host and `bench/` in release mode and runs the benchmarks,
//!   which print a Markdown table (see BENCHMARKS.md).
//!
//! The pipeline is fixed so that any machine produces the same bytes: `cargo rustc` with the
//! `wasm-release` profile and path remapping, the wasm-bindgen CLI of the exact version in
//! `Cargo.lock`, and binaryen's `wasm-opt` 132 from npm (see `/work/shared/TOOLCHAIN.md`).

mod bench_map;
mod bundle;
mod compress;
mod generate;
mod names;

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use bundle::{Budget, Built, Bundle, Sizes};

type Result<T> = std::result::Result<T, String>;

/// The binaryen release whose output is committed; another version would emit other bytes.
const WASM_OPT_VERSION: &str = "132";
const WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["dist"] => dist(false),
        ["dist", "--check"] => dist(true),
        ["sizes"] => sizes(),
        ["bench"] => bench()
            .and_then(|()| bench_map::run(&workspace_root(), &[]))
            .and_then(|()| widget_tti()),
        ["gen-problems", rest @ ..] => generate::run(&workspace_root(), rest),
        ["bench-map", rest @ ..] => bench_map::run(&workspace_root(), rest),
        _ => {
            Err("usage: cargo xtask dist [--check] | sizes | bench | bench-map [--sizes N,..] [--queries N] \
                 | gen-problems --db PATH --count N [--seed S]"
                .into())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .into()
}

fn dist(check: bool) -> Result<()> {
    let root = workspace_root();
    let files = compress::with_copies(build(&root)?);
    let sizes = Sizes::measure(&files);
    print!("{}", sizes.table());
    let dist = root.join("dist");
    if check {
        let problems = compare(&dist, &files)?;
        if !problems.is_empty() {
            return Err(format!(
                "dist/ is stale: run cargo xtask dist\n{}",
                problems
                    .iter()
                    .map(|p| format!("  {p}\n"))
                    .collect::<String>()
            ));
        }
        println!("dist/ is up to date");
    } else {
        write(&dist, &files)?;
        println!(
            "wrote {} files to dist/ (and their .br and .gz copies)",
            sizes.files.len()
        );
    }
    Budget::WIDGET.check(&sizes)
}

fn sizes() -> Result<()> {
    let dist = workspace_root().join("dist");
    let files = read_ours(&dist)?;
    if files.is_empty() {
        return Err("dist/ holds no widget files: run cargo xtask dist".into());
    }
    let sizes = Sizes::measure(&files);
    print!("{}", sizes.table());
    Budget::WIDGET.check(&sizes)
}

/// Builds everything; returns the files of `dist/` by relative path.
fn build(root: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let wasm_bindgen = check_wasm_bindgen(root)?;
    let wasm_opt = find_wasm_opt(root)?;
    let mut bundles = Vec::new();
    for bundle in Bundle::all() {
        bundles.push((bundle, build_kind(root, bundle, &wasm_bindgen, &wasm_opt)?));
    }
    let leaflet = leaflet(root)?;
    let loader = read_string(&root.join("widget/loader/widget.js"))?;
    bundle::assemble(&loader, &bundles, &leaflet, &|js| minify_js(root, js))
}

/// Minifies a script with the pinned esbuild (whose version `leaflet()` checked), then terser
/// (two compress passes, top-level names mangled): the loader and wasm-bindgen's glue, about
/// 1 KiB gzip of each mode.
fn minify_js(root: &Path, js: &str) -> Result<String> {
    let modules = root.join(".tools/node_modules");
    let esbuild = pipe(
        Command::new(modules.join("esbuild/bin/esbuild")).args([
            "--minify",
            "--charset=utf8",
            "--log-level=warning",
        ]),
        js,
    )?;
    pipe(
        Command::new("node")
            .arg(modules.join("terser/bin/terser"))
            .args(["--compress", "passes=2", "--mangle", "--toplevel"]),
        &esbuild,
    )
}

/// Runs `cmd` with `input` on its standard input; its standard output.
fn pipe(cmd: &mut Command, input: &str) -> Result<String> {
    use std::io::Write;
    let what = format!("{:?}", cmd.get_program());
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| format!("no stdin for {what}"))?
        .write_all(input.as_bytes())
        .map_err(|e| format!("cannot feed {what}: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{what} failed: {e}"))?;
    if !out.status.success() {
        return Err(format!("{what} failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{what} wrote non-UTF-8: {e}"))
}

/// One build of the widget crate (with `kind`'s features), through wasm-bindgen and wasm-opt.
fn build_kind(root: &Path, kind: Bundle, wasm_bindgen: &Path, wasm_opt: &Path) -> Result<Built> {
    let cargo_home = cargo_home()?;
    let target_dir = root.join("target/wasm");

    // `cargo rustc --crate-type cdylib` rather than `cargo build`: the widget is also an rlib
    // (for its tests), and cargo does not run LTO for a crate built as both, which doubles the
    // size of the bundle.
    // Panic locations name source files; short names are bytes every visitor saves. The crates'
    // registry folders become `r`, the workspace `s` (rustc applies the last matching prefix, so
    // the registry folders come after `$CARGO_HOME`).
    let mut rustflags = format!(
        "--remap-path-prefix={}=/cargo --remap-path-prefix={}=s",
        cargo_home.display(),
        root.display()
    );
    if let Ok(registries) = fs::read_dir(cargo_home.join("registry/src")) {
        let mut dirs: Vec<PathBuf> = registries.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for dir in dirs {
            rustflags += &format!(" --remap-path-prefix={}=r", dir.display());
        }
    }
    // Better still, no file names at all: `-Zlocation-detail=none` drops the panic locations
    // (1.7 KiB gzip of the basic bundle). The bundle is built with panic=abort, and a panic's
    // message still reaches the console. It is an unstable flag of the same stable compiler,
    // enabled for this one build by RUSTC_BOOTSTRAP (as cargo-fuzz is, see scripts/test.sh).
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .env("RUSTFLAGS", rustflags + " -Zlocation-detail=none")
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["rustc", "-p", "widget", "--lib", "--crate-type", "cdylib"])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    command.args(["--features", &kind.features()]);
    run(&mut command)?;
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/widget.wasm");

    let stage = root.join("target/xtask-dist").join(kind.key());
    if stage.exists() {
        fs::remove_dir_all(&stage).map_err(|e| format!("cannot clear {}: {e}", stage.display()))?;
    }
    fs::create_dir_all(&stage).map_err(|e| format!("cannot create {}: {e}", stage.display()))?;
    run(Command::new(wasm_bindgen)
        .args(["--target", "no-modules", "--no-typescript"])
        .args(["--remove-name-section", "--remove-producers-section"])
        // The loader always passes the wasm URL to `init`, so the glue needs no fallback that
        // guesses it from `document.currentScript`.
        .arg("--omit-default-module-path")
        .arg("--out-dir")
        .arg(&stage)
        .arg(&wasm))?;
    let optimised = stage.join("widget_opt.wasm");
    run(Command::new(wasm_opt)
        .args(WASM_OPT_FLAGS)
        .arg(stage.join("widget_bg.wasm"))
        .arg("-o")
        .arg(&optimised))?;

    let wasm = fs::read(&optimised).map_err(|e| format!("cannot read the optimised wasm: {e}"))?;
    let (wasm, glue) = names::shorten(&wasm, &read_string(&stage.join("widget.js"))?)?;
    Ok(Built { glue, wasm })
}

/// Leaflet from npm (`.tools/`, the exact version `tools/package.json` pins): the parts
/// `widget/leaflet/entry.js` names, bundled and minified by esbuild (also pinned there) through
/// `widget/leaflet/build.mjs`, wrapped.
fn leaflet(root: &Path) -> Result<String> {
    let modules = root.join(".tools/node_modules");
    let install = "install it with: bash scripts/install-tools.sh";
    let tools = read_string(&root.join("tools/package.json"))?;
    let mut version = String::new();
    for package in ["leaflet", "esbuild", "terser"] {
        let wanted = json_member(&tools, package)
            .ok_or_else(|| format!("tools/package.json does not pin {package}"))?;
        let manifest = read_string(&modules.join(package).join("package.json"))
            .map_err(|e| format!("{package} is not installed ({e}); {install}"))?;
        let found = json_member(&manifest, "version").unwrap_or_default();
        if found != wanted {
            return Err(format!(
                "{package} in .tools is {found}, tools/package.json pins {wanted}; {install}"
            ));
        }
        if package == "leaflet" {
            version = found;
        }
    }
    // esbuild through its JavaScript API (`widget/leaflet/build.mjs`), which can leave modules out.
    let bundle = output(
        Command::new("node")
            .current_dir(root)
            .arg("widget/leaflet/build.mjs")
            .arg(&modules),
    )?;
    let leaflet = modules.join("leaflet");
    bundle::wrap_leaflet(
        &bundle,
        &bundle::trim_css_sections(
            &read_string(&leaflet.join("dist/leaflet.css"))?,
            bundle::LEAFLET_CSS_UNUSED,
        )?,
        &read_string(&leaflet.join("LICENSE"))?,
        &version,
    )
}

/// The string value of the first `"key": "value"` in a JSON text (enough for package.json).
fn json_member(json: &str, key: &str) -> Option<String> {
    let at = json.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = json[at..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The wasm-bindgen CLI, after checking it is the version the widget links against.
fn check_wasm_bindgen(root: &Path) -> Result<PathBuf> {
    let lock = read_string(&root.join("Cargo.lock"))?;
    let wanted = bundle::locked_version(&lock, "wasm-bindgen")
        .ok_or("Cargo.lock has no wasm-bindgen entry: build the widget once")?;
    let cli = find_tool("wasm-bindgen").ok_or_else(|| {
        format!(
            "wasm-bindgen CLI not found. Install it with:\n  \
             cargo install wasm-bindgen-cli --version {wanted}"
        )
    })?;
    let out = output(Command::new(&cli).arg("--version"))?;
    let found = out.split_whitespace().nth(1).unwrap_or("").to_owned();
    if found != wanted {
        return Err(format!(
            "wasm-bindgen CLI is {found} but Cargo.lock has wasm-bindgen {wanted}; they must be \
             equal. Install the right one with:\n  cargo install wasm-bindgen-cli --version {wanted}"
        ));
    }
    Ok(cli)
}

/// binaryen's `wasm-opt` of the pinned version: `.tools/` first, then `PATH`.
fn find_wasm_opt(root: &Path) -> Result<PathBuf> {
    let install = format!(
        "install it with:\n  npm install --prefix {} binaryen@{WASM_OPT_VERSION}.0.0",
        root.join(".tools").display()
    );
    let local = root.join(".tools/node_modules/binaryen/bin/wasm-opt");
    let tool = if local.is_file() {
        Some(local)
    } else {
        find_tool("wasm-opt")
    };
    let tool = tool.ok_or_else(|| format!("wasm-opt (binaryen) not found; {install}"))?;
    let version = output(Command::new(&tool).arg("--version"))?;
    if !version.contains(&format!("version {WASM_OPT_VERSION}")) {
        return Err(format!(
            "{} is `{}`, not binaryen {WASM_OPT_VERSION} (dist/ must be built with the same \
             pipeline everywhere); {install}",
            tool.display(),
            version.trim()
        ));
    }
    Ok(tool)
}

fn find_tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = env::var_os("PATH")
        .map(|p| env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Ok(home) = cargo_home() {
        dirs.push(home.join("bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo"))
        .ok_or_else(|| "neither CARGO_HOME nor HOME is set".into())
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn read_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The files in `dist/` that the xtask owns: the loader and every hashed bundle file, and the
/// compressed copies of each.
fn read_ours(dist: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for suffix in ["", compress::COPIES[0], compress::COPIES[1]] {
        let name = format!("{}{suffix}", bundle::LOADER);
        let loader = dist.join(&name);
        if loader.is_file() {
            files.insert(name, fs::read(&loader).map_err(|e| e.to_string())?);
        }
    }
    let dir = dist.join("widget");
    if dir.is_dir() {
        for entry in fs::read_dir(&dir).map_err(|e| e.to_string())? {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if bundle::is_bundle_file(compress::original(&name)) {
                let bytes = fs::read(entry.path()).map_err(|e| e.to_string())?;
                files.insert(format!("widget/{name}"), bytes);
            }
        }
    }
    Ok(files)
}

/// Every difference between `dist/` and a fresh build, in words.
fn compare(dist: &Path, built: &BTreeMap<String, Vec<u8>>) -> Result<Vec<String>> {
    let committed = read_ours(dist)?;
    let mut problems = Vec::new();
    for (path, bytes) in built {
        match committed.get(path) {
            None => problems.push(format!("missing: dist/{path}")),
            Some(old) if old != bytes => problems.push(format!("differs: dist/{path}")),
            Some(_) => {}
        }
    }
    for path in committed.keys().filter(|p| !built.contains_key(*p)) {
        problems.push(format!("stale, not built any more: dist/{path}"));
    }
    Ok(problems)
}

/// Replaces our files in `dist/`, removing old hashed bundles; other files there are left alone.
fn write(dist: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for old in read_ours(dist)?.keys().filter(|p| !files.contains_key(*p)) {
        fs::remove_file(dist.join(old)).map_err(|e| format!("cannot remove dist/{old}: {e}"))?;
    }
    for (path, bytes) in files {
        let path = dist.join(path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Builds the release host and the benchmark runner, then runs it (it finds the host binary
/// next to itself in `target/release/`).
/// The widget's time to interactive in Chromium against a static form (needs chromium and
/// chromedriver, which `scripts/install-tools.sh` installs).
fn widget_tti() -> Result<()> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(workspace_root())
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "civic-e2e",
            "--bin",
            "widget_tti",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the time-to-interactive benchmark failed".into())
    }
}

fn bench() -> Result<()> {
    let root = workspace_root();
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "-p",
            "host-service",
            "-p",
            "civic-bench",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the release build failed".into());
    }
    let runner = root.join("target/release/civic-bench");
    let status = Command::new(&runner)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err("the benchmarks failed".into())
    }
}

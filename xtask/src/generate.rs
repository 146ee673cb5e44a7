//! `cargo xtask gen-problems --db PATH --count N [--seed S]`: fills a database with N generated
//! problems of the demo city. The generator lives in the host (`host-service dev
//! gen-problems`, `host-service/src/map/generate.rs`) so that it indexes problems with the
//! host's own code; this only builds the host in release mode and runs it.

use std::path::Path;
use std::process::Command;

use crate::Result;

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let mut db = None;
    let mut count = None;
    let mut seed = "42".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match *arg {
            "--db" => db = Some((*value).to_owned()),
            "--count" => count = Some((*value).to_owned()),
            "--seed" => seed = (*value).to_owned(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let (Some(db), Some(count)) = (db, count) else {
        return Err("usage: cargo xtask gen-problems --db PATH --count N [--seed S]".into());
    };
    let host = build_host(root)?;
    generate(&host, Path::new(&db), &count, &seed)
}

/// Builds the host in release mode; returns the binary's path.
pub fn build_host(root: &Path) -> Result<std::path::PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "-q", "-p", "host-service"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the host's release build failed".into());
    }
    Ok(root.join("target/release/host-service"))
}

pub fn generate(host: &Path, db: &Path, count: &str, seed: &str) -> Result<()> {
    let status = Command::new(host)
        .env("RUST_LOG", "warn")
        .arg("--db")
        .arg(db)
        .args(["dev", "gen-problems", "--count", count, "--seed", seed])
        .status()
        .map_err(|e| format!("cannot run {}: {e}", host.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err("generating problems failed".into())
    }
}

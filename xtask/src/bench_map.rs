//! `cargo xtask bench-map [--sizes 10000,100000,1000000] [--queries N]`: the public map's
//! benchmark. For each size, a database of generated problems is made once and kept under
//! `target/bench-data/` (reruns are fast), then `host-service dev bench-map` measures it in its
//! own process (so the RSS printed is that size's alone) and prints rows of one table.

use std::path::Path;
use std::process::Command;

use crate::Result;

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let mut sizes = vec![
        "10000".to_owned(),
        "100000".to_owned(),
        "1000000".to_owned(),
    ];
    let mut queries = "300".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match *arg {
            "--sizes" => sizes = value.split(',').map(str::to_owned).collect(),
            "--queries" => queries = (*value).to_owned(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let host = crate::generate::build_host(root)?;
    let data = root.join("target/bench-data");
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    for (i, size) in sizes.iter().enumerate() {
        let db = data.join(format!("map-{size}.db"));
        let done = data.join(format!("map-{size}.db.done"));
        if !done.exists() {
            for suffix in ["", "-wal", "-shm", ".demo-login.txt"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            eprintln!("generating {size} problems into {} (once)", db.display());
            crate::generate::generate(&host, &db, size, "42")?;
            std::fs::write(&done, "").map_err(|e| format!("{}: {e}", done.display()))?;
        }
        let mut command = Command::new(&host);
        command.env("RUST_LOG", "warn").arg("--db").arg(&db).args([
            "dev",
            "bench-map",
            "--queries",
            &queries,
        ]);
        if i == 0 {
            command.arg("--header");
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run {}: {e}", host.display()))?;
        if !status.success() {
            return Err(format!("the map benchmark failed on {size} problems"));
        }
    }
    Ok(())
}

//! Online backup (`host-service backup PATH`): a consistent copy of the database taken while
//! the server keeps writing.
//!
//! SQLite's backup API copies every page inside one read transaction, so the copy is the
//! database as of one commit: WAL readers never block the writer nor wait for it. The copy is
//! written to a temporary file next to `PATH`, checked with `integrity_check`, synced and only
//! then renamed over `PATH`, so `PATH` is always either the previous backup or a complete new
//! one. It opens the database file itself (read-only), as the CLI runs next to a live server.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// What a finished backup holds, for the operator's log.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub problems: i64,
    pub schema_version: i64,
}

/// Copies the database at `db_path` into `dest` (replacing it atomically).
pub fn backup(db_path: &Path, dest: &Path) -> anyhow::Result<BackupSummary> {
    let source = Connection::open_with_flags(
        db_path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the database {}", db_path.display()))?;
    source.busy_timeout(std::time::Duration::from_secs(5))?;
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = dest
        .file_name()
        .context("the backup path names no file")?
        .to_string_lossy();
    let partial = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let result = copy_and_check(&source, &partial);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, dest)
        .with_context(|| format!("cannot move the backup to {}", dest.display()))?;
    // The rename is durable only once the folder itself is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(BackupSummary {
        path: dest.to_owned(),
        ..summary
    })
}

fn copy_and_check(source: &Connection, partial: &Path) -> anyhow::Result<BackupSummary> {
    {
        let mut copy = Connection::open(partial)?;
        let backup = rusqlite::backup::Backup::new(source, &mut copy)?;
        // All pages in one step: one read transaction, so one consistent snapshot (a stepwise
        // copy would restart whenever the server commits in between).
        backup.step(-1)?;
    }
    let copy = Connection::open(partial)?;
    // The copy carries the source's WAL flag; a backup file is better self-contained.
    copy.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0))?;
    let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(
        integrity == "ok",
        "the copy failed integrity_check: {integrity}"
    );
    let problems: i64 = copy.query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    let schema_version: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    drop(copy);
    let file = std::fs::File::open(partial)?;
    file.sync_all()?;
    Ok(BackupSummary {
        path: partial.to_owned(),
        bytes: file.metadata()?.len(),
        problems,
        schema_version,
    })
}

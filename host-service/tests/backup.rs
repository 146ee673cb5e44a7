//! `host-service backup PATH` under write load, and the restore drill: the copy passes
//! `integrity_check`, holds every report acknowledged before the backup started, and a server
//! started on it serves `/healthz` and a reporter's tracking page.

use crate::child;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[test]
fn a_backup_taken_while_reports_keep_coming_is_complete_and_boots_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live/civic.db");
    let copy = dir.path().join("backups/civic-copy.db");
    let host = child::Host::start(&db, &[]);
    let acked = Arc::new(Mutex::new(BTreeMap::<i64, String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let seq = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (addr, acked, stop, seq) = (host.addr, acked.clone(), stop.clone(), seq.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let n = seq.fetch_add(1, Ordering::Relaxed);
                    if let Some((id, code)) = child::submit(addr, n).unwrap() {
                        acked.lock().unwrap().insert(id, code);
                    }
                }
            })
        })
        .collect();
    // Some reports first, so the backup has something it must contain.
    while acked.lock().unwrap().len() < 50 {
        std::thread::yield_now();
    }
    let before_backup = acked.lock().unwrap().clone();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_host-service"))
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap();
    let during = acked.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    host.kill();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("integrity ok"), "{said}");
    println!(
        "{} reports before the backup, {during} when it finished: {said}",
        before_backup.len()
    );

    let conn = rusqlite::Connection::open(&copy).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    for id in before_backup.keys() {
        let found: i64 = conn
            .query_row("SELECT count(*) FROM problems WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            found, 1,
            "report {id} acknowledged before the backup is in it"
        );
    }
    drop(conn);

    // Restore drill: a server on the copy.
    let restored = child::Host::start(&copy, &["--no-demo"]);
    let (status, body) = child::get(restored.addr, "/healthz").unwrap();
    assert_eq!(status, 200, "{body}");
    let (id, code) = before_backup.iter().next().unwrap();
    let (status, page) = child::get(restored.addr, &format!("/t/{code}")).unwrap();
    assert_eq!(status, 200, "the tracking page of report {id}: {page}");
    assert!(page.contains(&id.to_string()), "the page names report {id}");
    restored.kill();
}

//! Kill -9 under write load: the real binary takes a steady stream of reports and is SIGKILLed
//! at random moments, many times, on the same database. Every report whose `201` reached the
//! client must be there afterwards, and SQLite's `integrity_check` must say `ok`.
//!
//! The kill moments come from a seeded generator; the seed is printed, and `CRASH_SEED=<n>`
//! replays a run.

use crate::child;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Kill cycles to run, unless the time budget runs out first.
const CYCLES: usize = 20;
/// The whole test stays within this (plus one last cycle).
const BUDGET: Duration = Duration::from_secs(30);
/// Clients filing reports at once.
const CLIENTS: usize = 4;

#[test]
fn every_acknowledged_report_survives_sigkill_and_the_database_stays_intact() {
    let mut rng = child::Rng::from_env_or_time("CRASH_SEED");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("civic.db");
    let acknowledged = Arc::new(Mutex::new(BTreeSet::<i64>::new()));
    let sequence = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut cycles = 0;
    while cycles < CYCLES && started.elapsed() < BUDGET {
        let host = child::Host::start(&db, &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (addr, stop, acked, seq) = (
                    host.addr,
                    stop.clone(),
                    acknowledged.clone(),
                    sequence.clone(),
                );
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let n = seq.fetch_add(1, Ordering::Relaxed);
                        // A refused connection or a cut-off answer is expected once the host
                        // is killed: that report was not acknowledged, so nothing is owed.
                        if let Ok(Some((id, _))) = child::submit(addr, n) {
                            acked.lock().unwrap().insert(id);
                        }
                    }
                })
            })
            .collect();
        // The kill moment: somewhere in the first 400 ms of load.
        std::thread::sleep(Duration::from_millis(rng.range(10, 400)));
        host.kill();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        cycles += 1;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    println!(
        "{cycles} kill cycles, {} acknowledged reports",
        acknowledged.len()
    );
    assert!(cycles >= 5, "too few cycles ran: {cycles}");
    assert!(
        !acknowledged.is_empty(),
        "no report was acknowledged at all"
    );

    // A restart on the same database serves again (recovery from the WAL on open).
    let host = child::Host::start(&db, &[]);
    host.kill();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut stmt = conn.prepare("SELECT id FROM problems").unwrap();
    let stored: BTreeSet<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged reports are missing: {lost:?}",
        lost.len()
    );
    // Each stored report kept its contacts row, written in the same transaction.
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM problems p LEFT JOIN reporters r ON r.problem_id = p.id WHERE r.problem_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

//! 16 concurrent writers with read-then-write transactions: no `SQLITE_BUSY` ("database is
//! locked"), and no update lost — through [`host_service::Db::write`], through a second `Db` on
//! the same file (as the admin CLI next to a running server), and through HTTP.

use crate::common;

use axum::http::StatusCode;
use common::*;
use host_service::Db;
use host_service::api::ApiError;

const WRITERS: usize = 16;
const ROUNDS: i64 = 40;

/// One read-then-write transaction: reads the counter, then writes it plus one. Any lost
/// update or lock error shows in the final count or as an `Err`.
async fn increment(db: &Db) -> Result<(), ApiError> {
    db.write(|conn| {
        let value: i64 =
            conn.query_row("SELECT value FROM bench_counter WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        conn.execute(
            "UPDATE bench_counter SET value = ?1 WHERE id = 1",
            [value + 1],
        )?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_writers_read_then_write_without_busy_errors_or_lost_updates() {
    let app = TestApp::new().await;
    let db = app.state.db.clone();
    db.write(|conn| {
        conn.execute_batch(
            "CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);
             INSERT INTO bench_counter VALUES (1, 0);",
        )
        .map_err(ApiError::from)
    })
    .await
    .unwrap();
    // Half the writers use a second handle, so two writer threads (two connections) compete
    // for the file lock as two processes would; the busy timeout must absorb that.
    let second = Db::open(db.path()).unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|i| {
            let db = if i % 2 == 0 {
                db.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    if let Err(e) = increment(&db).await {
                        return Err(e.to_string());
                    }
                }
                Ok(())
            })
        })
        .collect();
    let mut errors = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "writers failed: {errors:?}");
    let value: i64 = db
        .read(|c| {
            c.query_row("SELECT value FROM bench_counter", [], |r| r.get(0))
                .map_err(ApiError::from)
        })
        .await
        .unwrap();
    assert_eq!(value, WRITERS as i64 * ROUNDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_reports_over_http_are_all_stored() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let tasks: Vec<_> = (0..WRITERS)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut created = 0;
                for _ in 0..5 {
                    let r = app
                        .report("demo", Some(DEMO_ORIGIN), &app.valid_report())
                        .await;
                    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                    created += 1;
                }
                created
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, WRITERS * 5);
    assert_eq!(
        app.count("SELECT count(*) FROM problems").await,
        (WRITERS * 5) as i64
    );
    assert_eq!(
        app.count("SELECT count(*) FROM reporters").await,
        (WRITERS * 5) as i64
    );
}

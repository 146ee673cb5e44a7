//! The host service under test: started in this process on `127.0.0.1:<free port>` with the
//! demo city seeded into a fresh SQLite file, stoppable and restartable on the same address
//! (to show what the widget does when the network fails).

use std::net::SocketAddr;
use std::path::PathBuf;

use host_service::{AppState, Config, demo};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct Host {
    addr: SocketAddr,
    state: AppState,
    db_path: PathBuf,
    pub demo_login: String,
    pub demo_password: String,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    _dir: TempDir,
}

impl Host {
    pub async fn start() -> Host {
        Host::start_with(|_| {}).await
    }

    /// Like [`Host::start`], with the configuration adjusted first (e.g. limits lifted for a
    /// test that sends many reports from one address).
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Host {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("civic.db");
        // Bind first, then build the configuration from the real address: no port races.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::new(addr, &db_path);
        adjust(&mut config);
        let state = AppState::open(&config).expect("the database opens");
        let login = demo::seed(&state).await.expect("the demo city is seeded");
        let mut host = Host {
            addr,
            state,
            db_path,
            demo_login: login.login,
            demo_password: login.password,
            running: None,
            _dir: dir,
        };
        host.spawn(listener);
        host
    }

    fn spawn(&mut self, listener: tokio::net::TcpListener) {
        let (stop, stopped) = oneshot::channel::<()>();
        let state = self.state.clone();
        let task = tokio::spawn(async move {
            host_service::serve(state, listener, async {
                let _ = stopped.await;
            })
            .await
            .expect("the host serves");
        });
        self.running = Some((stop, task));
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Stops answering on the address (as when the network drops), keeping the database.
    pub async fn stop_serving(&mut self) {
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            task.await.unwrap();
        }
    }

    /// Serves again on the same address and database.
    pub async fn resume_serving(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("the same address again");
        self.spawn(listener);
    }

    pub async fn stop(mut self) {
        self.stop_serving().await;
    }

    /// The running host's state (its database, for admin calls such as registering keys).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Sends the cabinet's status form of problem `id` (the browser is logged in).
    pub async fn set_status(
        &self,
        browser: &fantoccini::Client,
        id: i64,
        status: &str,
        answer: &str,
    ) {
        use fantoccini::Locator;
        browser
            .goto(&self.url(&format!("/cabinet/problems/{id}")))
            .await
            .unwrap();
        let form = crate::browser::wait_for("the status form", || async {
            browser.find(Locator::Css("form#status-form")).await.ok()
        })
        .await;
        form.find(Locator::Css("select#status"))
            .await
            .unwrap()
            .select_by_value(status)
            .await
            .unwrap();
        form.find(Locator::Css("textarea#public_answer"))
            .await
            .unwrap()
            .send_keys(answer)
            .await
            .unwrap();
        form.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        crate::browser::wait_for("the new status on the problem page", || async {
            let page = browser.source().await.ok()?;
            page.contains(answer).then_some(())
        })
        .await;
    }

    /// Fills in and sends the cabinet's login form (on the page the browser shows, or reached by
    /// a redirect) as the demo official.
    pub async fn log_in_as_demo_official(&self, browser: &fantoccini::Client) {
        use fantoccini::Locator;
        let form = crate::browser::wait_for("the cabinet login form", || async {
            browser.find(Locator::Css("form#login")).await.ok()
        })
        .await;
        for (field, value) in [
            ("login", &self.demo_login),
            ("password", &self.demo_password),
        ] {
            let input = form
                .find(Locator::Css(&format!("input[name={field}]")))
                .await
                .unwrap();
            input.send_keys(value).await.unwrap();
        }
        form.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// The SQLite file the host writes.
    pub fn db_path(&self) -> &std::path::Path {
        &self.db_path
    }

    /// The SQLite file, opened read-only: what is really stored.
    fn stored(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            &self.db_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap()
    }

    /// How many problems are stored, read from the SQLite file itself.
    pub fn count_problems(&self) -> i64 {
        self.stored()
            .query_row("SELECT count(*) FROM problems", [], |r| r.get(0))
            .unwrap()
    }

    /// Where problem `id` is stored (latitude, longitude), read from the SQLite file itself.
    /// The tracking code the reporter of problem `id` was given.
    pub fn tracking_code(&self, id: i64) -> String {
        self.stored()
            .query_row(
                "SELECT tracking_code FROM problems WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }

    pub fn problem_place(&self, id: i64) -> (f64, f64) {
        self.stored()
            .query_row("SELECT lat, lon FROM problems WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    }
}

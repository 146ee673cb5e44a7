//! The cabinet in Chromium (issue 5): an agency official sees their agency's problems and
//! another agency's is "not found"; a problem appears on the overdue list once its term has
//! passed (the test moves the deadline, it does not wait); the CSV export has what the list
//! has, in a form a Russian Excel opens.

use civic_e2e::browser::{Chromedriver, wait_for};
use civic_e2e::host::Host;
use fantoccini::{Client, Locator};
use host_service::admin::{self, OfficialSpec, Role};

/// The page's source once it contains `what`.
async fn page_with(browser: &Client, what: &str) -> String {
    wait_for(what, || async {
        let page = browser.source().await.ok()?;
        page.contains(what).then_some(page)
    })
    .await
}

/// Logs in on the cabinet's login page (the browser is logged out).
async fn log_in(browser: &Client, host: &Host, login: &str, password: &str) {
    browser.goto(&host.url("/cabinet/login")).await.unwrap();
    let form = wait_for("the login form", || async {
        browser.find(Locator::Css("form#login")).await.ok()
    })
    .await;
    for (field, value) in [("login", login), ("password", password)] {
        form.find(Locator::Css(&format!("input[name={field}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("the cabinet list", || async {
        browser.find(Locator::Css("table.problems")).await.ok()
    })
    .await;
}

/// Problem `id` is in progress with agency `agency` and the deadline `due`.
async fn arrange(host: &Host, id: i64, agency: &'static str, due: i64, text: &'static str) {
    host.state()
        .db
        .write(move |c| {
            c.execute(
                "UPDATE problems SET status = 'in_progress', description = ?4, due_at = ?3,
                        agency_id = (SELECT id FROM agencies WHERE name = ?2)
                 WHERE id = ?1",
                rusqlite::params![id, agency, due, text],
            )
            .map_err(host_service::db::DbError::from)
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_officials_overdue_and_export_as_officials_see_them() {
    let host = Host::start().await;
    host_service::map::generate::generate(host.state(), 6, 11)
        .await
        .unwrap();
    let ids: Vec<i64> = {
        let conn = rusqlite::Connection::open(host.db_path()).unwrap();
        let mut stmt = conn
            .prepare("SELECT id FROM problems ORDER BY id LIMIT 2")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (roads, waste) = (ids[0], ids[1]);
    let now = host_service::db::now();
    arrange(
        &host,
        roads,
        "Дорожная служба",
        now - 3 * 86_400 - 60,
        "Провал асфальта у остановки",
    )
    .await;
    arrange(
        &host,
        waste,
        "Управление ЖКХ",
        now + 10 * 86_400,
        "Контейнеры не вывозят неделю",
    )
    .await;
    admin::add_official(
        &host.state().db,
        OfficialSpec {
            login: "roads".into(),
            municipality: "Демоград".into(),
            password: "roads-password-1".into(),
            display_name: Some("Дорожная служба".into()),
            role: Role::AgencyOfficial,
            agency: Some("Дорожная служба".into()),
        },
    )
    .await
    .unwrap();
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;

    // The roads official: their problem in the list, the other agency's not even by address.
    log_in(&browser, &host, "roads", "roads-password-1").await;
    let list = browser.source().await.unwrap();
    assert!(
        list.contains(&format!("data-problem-id=\"{roads}\"")),
        "their problem"
    );
    assert!(
        !list.contains(&format!("data-problem-id=\"{waste}\"")),
        "not another agency's"
    );
    browser
        .goto(&host.url(&format!("/cabinet/problems/{waste}")))
        .await
        .unwrap();
    let page = page_with(&browser, "Не найдено").await;
    assert!(
        !page.contains("Контейнеры не вывозят"),
        "nothing of it shows"
    );
    // Their overdue list has their late problem, three days late.
    browser.goto(&host.url("/cabinet/overdue")).await.unwrap();
    let page = page_with(&browser, "Провал асфальта").await;
    assert!(page.contains("просрочено на 3 дн."), "{page}");
    browser
        .find(Locator::Css("#logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The site admin: the waste problem is not overdue until its term has passed.
    log_in(&browser, &host, &host.demo_login, &host.demo_password).await;
    browser.goto(&host.url("/cabinet/overdue")).await.unwrap();
    let page = page_with(&browser, "Провал асфальта").await;
    assert!(!page.contains("Контейнеры не вывозят"), "not due yet");
    arrange(
        &host,
        waste,
        "Управление ЖКХ",
        now - 86_400 - 60,
        "Контейнеры не вывозят неделю",
    )
    .await;
    browser.refresh().await.unwrap();
    let page = page_with(&browser, "Контейнеры не вывозят").await;
    assert!(page.contains("просрочено на 1 дн."), "{page}");

    // The CSV export, fetched as the page's own script would: BOM, `;`, both problems.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    let csv = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/cabinet/export.csv')
               .then(r => r.arrayBuffer())
               .then(b => done(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b)),
                     e => done('failed: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap().to_owned();
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Статус;") && header.contains(";Описание"),
        "{header}"
    );
    for text in [
        "Провал асфальта у остановки",
        "Контейнеры не вывозят неделю",
    ] {
        assert!(csv.contains(text), "{text} not in the export");
    }
    assert!(
        !csv.contains("canary") && !csv.contains("@"),
        "no reporter contacts"
    );

    browser.close().await.unwrap();
    host.stop().await;
}

/// Problems `ids` wait for moderation, as new reports do.
async fn make_new(host: &Host, ids: Vec<i64>) {
    host.state()
        .db
        .write(move |c| {
            for id in &ids {
                c.execute(
                    "UPDATE problems SET status = 'new', published_at = NULL, due_at = NULL,
                            awaiting_confirmation = 0
                     WHERE id = ?1",
                    [id],
                )?;
            }
            Ok::<_, host_service::db::DbError>(())
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_ticks_reports_in_the_list_and_publishes_them_together() {
    let host = Host::start().await;
    host_service::map::generate::generate(host.state(), 6, 12)
        .await
        .unwrap();
    let ids: Vec<i64> = {
        let conn = rusqlite::Connection::open(host.db_path()).unwrap();
        let mut stmt = conn
            .prepare("SELECT id FROM problems ORDER BY id DESC LIMIT 3")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    make_new(&host, ids.clone()).await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;
    log_in(&browser, &host, &host.demo_login, &host.demo_password).await;
    browser
        .goto(&host.url("/cabinet?status=new"))
        .await
        .unwrap();
    page_with(&browser, "С отмеченными обращениями").await;

    // Two ticked (the ticks are outside the form, joined to it by `form="bulk"`), one not.
    for id in &ids[..2] {
        browser
            .find(Locator::Css(&format!("input[name=id][value=\"{id}\"]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    let form = browser.find(Locator::Css("form#bulk")).await.unwrap();
    form.find(Locator::Css("#bulk-status"))
        .await
        .unwrap()
        .select_by_value("published")
        .await
        .unwrap();
    form.find(Locator::Css("#bulk-answer"))
        .await
        .unwrap()
        .send_keys("Принято, передано исполнителю.")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Back on the list of new reports: only the one not ticked is left.
    let (left, gone) = (ids[2], &ids[..2]);
    wait_for("the ticked reports to leave the new ones", || async {
        let page = browser.source().await.ok()?;
        let url = browser.current_url().await.ok()?;
        (url.query() == Some("status=new")
            && page.contains(&format!("data-problem-id=\"{left}\""))
            && gone
                .iter()
                .all(|id| !page.contains(&format!("data-problem-id=\"{id}\""))))
        .then_some(())
    })
    .await;
    for id in gone {
        browser
            .goto(&host.url(&format!("/problems/{id}")))
            .await
            .unwrap();
        page_with(&browser, "Принято, передано исполнителю.").await;
    }

    browser.close().await.unwrap();
    host.stop().await;
}

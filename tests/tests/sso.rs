//! Single sign-on, end to end: the Python example site (`examples/sso-python/app.py serve`, real
//! PyJWT) logs its user in and hands the widget a token through `CivicWidget.configure`; the
//! widget on that page shows the resident as signed in, reports under them (the cabinet says so),
//! and is signed out by `CivicWidget.logout()` when the site logs out.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, report_number, text_in, type_into, wait_for, widget,
};
use civic_e2e::host::Host;
use fantoccini::{Client, Locator};
use host_service::sso::SsoKey;
use host_service::{admin, demo};

const DESCRIPTION: &str = "Во дворе разбита скамейка, торчат гвозди";
const SECRET: &str = "e2e-shared-secret-of-at-least-32-bytes!!";

/// The example site's process; killed (by its pid) when the test ends, pass or fail.
struct ExampleSite {
    child: Child,
    origin: String,
}

impl Drop for ExampleSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The project's Python with PyJWT, or a failure that says how to get it.
fn python() -> PathBuf {
    let python = root().join(".tools/venv/bin/python");
    let ok = python.exists()
        && Command::new(&python)
            .args(["-c", "import jwt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} with PyJWT is missing: run scripts/install-tools.sh",
        python.display()
    );
    python
}

fn start_example(widget_host: &str, secret_file: &Path) -> ExampleSite {
    let mut child = Command::new(python())
        .arg(root().join("examples/sso-python/app.py"))
        .args([
            "serve",
            "--port",
            "0",
            "--site",
            demo::SITE_KEY,
            "--kid",
            "e2e",
            "--alg",
            "HS256",
        ])
        .arg("--key")
        .arg(secret_file)
        .arg("--widget")
        .arg(widget_host)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example site starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let origin = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_default()
        .to_owned();
    let site = ExampleSite { child, origin };
    assert!(
        site.origin.starts_with("http://127.0.0.1:"),
        "the example site says where it listens: {line:?}"
    );
    site
}

/// The example site, trusted by the host with an HS256 key and allowed as an origin of the demo
/// site. The folder holds the key file; keep it as long as the site runs.
async fn example_site(host: &Host) -> (ExampleSite, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret.txt");
    std::fs::write(&secret_file, SECRET).unwrap();
    admin::add_sso_key(
        &host.state().db,
        demo::SITE_KEY,
        "e2e",
        SsoKey::hs256(SECRET.as_bytes()).unwrap(),
    )
    .await
    .unwrap();
    let site = start_example(host.url("").trim_end_matches('/'), &secret_file);
    admin::allow_origin(&host.state().db, demo::SITE_KEY, &site.origin)
        .await
        .unwrap();
    (site, dir)
}

/// Logs in on the city's own site as `login`, the way a visitor does.
async fn log_in_on_site(browser: &Client, origin: &str, login: &str) {
    browser.goto(&format!("{origin}/")).await.unwrap();
    let form = wait_for("the site's login form", || async {
        browser.find(Locator::Css("#login-form")).await.ok()
    })
    .await;
    for (field, value) in [("#login", login), ("#password", "demo")] {
        form.find(Locator::Css(field))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    form.find(Locator::Css("#site-login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("signed in on the site", || async {
        browser.find(Locator::Css("#who")).await.ok()
    })
    .await;
}

/// Fills in the (prefilled) form of the widget `w` and sends it; the report's number.
async fn report(w: &fantoccini::elements::ShadowRoot) -> i64 {
    let category = find_in(w, "select[name=category]").await;
    let first = category
        .find(Locator::Css("option:not([disabled])"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    category.select_by_label(&first).await.unwrap();
    type_into(w, "textarea[name=description]", DESCRIPTION).await;
    type_into(w, "input[name=address]", "ул. Садовая, 12").await;
    click_in(w, "input[name=consent]").await;
    click_in(w, "button[type=submit]").await;
    report_number(w).await
}

/// Logs out with the site's button (the page stays: the site's script tells the widget).
async fn log_out_on_site(browser: &Client) {
    browser
        .find(Locator::Css("#site-logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("the site says it logged out", || async {
        let t = browser
            .find(Locator::Css("#who"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        t.contains("вышли").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_signed_in_on_the_city_site_reports_under_their_name_and_logs_out() {
    let host = Host::start().await;
    let (site, _keys) = example_site(&host).await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;

    // Log in on the city's own site.
    log_in_on_site(&browser, &site.origin, "maria").await;

    // The widget knows them: the name, the contacts prefilled.
    let w = widget(&browser, "[data-civic-mounted]").await;
    let who = text_in(&w, ".civic-signed-in").await;
    assert!(
        who.contains("Вы вошли как Мария Иванова"),
        "the widget names the resident: {who:?}"
    );
    let name = find_in(&w, "input[name=name]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(name, "Мария Иванова", "the name is prefilled");
    let email = find_in(&w, "input[name=email]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(email, "maria@example.ru", "the e-mail is prefilled");

    // They report.
    let id = report(&w).await;

    // Logout on the site's page (no reload) signs the widget out: the anonymous form is back.
    log_out_on_site(&browser).await;
    click_in(&w, "button.civic-report-another").await;
    wait_for("the widget signed out", || async {
        let gone = w.find(Locator::Css(".civic-signed-in")).await.is_err();
        let name = w
            .find(Locator::Css("input[name=name]"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (gone && name.is_empty()).then_some(())
    })
    .await;

    // The official sees the report as filed by a resident signed in through the site.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;
    let row_css = format!("table.problems tr[data-problem-id='{id}']");
    let row = wait_for("the report in the cabinet list", || async {
        browser.find(Locator::Css(&row_css)).await.ok()
    })
    .await;
    row.find(Locator::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for("the problem page", || async {
        let s = browser.source().await.ok()?;
        s.contains(DESCRIPTION).then_some(s)
    })
    .await;
    assert!(
        page.contains("Вошёл через сайт"),
        "the cabinet says the resident signed in through the site"
    );

    drop(site);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_resident_follows_their_reports_with_status_deadline_and_answers() {
    const ANSWER: &str = "Скамейку заменим до конца недели.";
    let host = Host::start().await;
    let (site, _keys) = example_site(&host).await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;
    log_in_on_site(&browser, &site.origin, "maria").await;
    let w = widget(&browser, "[data-civic-mounted]").await;
    let id = report(&w).await;

    // The city publishes it and answers.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;
    host.set_status(&browser, id, "published", "Принято.").await;
    host.set_status(&browser, id, "in_progress", ANSWER).await;

    // Back on the city's site (still signed in there): "My reports" in the basic widget opens
    // the list, which names the report and its status.
    browser.goto(&format!("{}/", site.origin)).await.unwrap();
    let w = widget(&browser, "[data-civic-mounted]").await;
    click_in(&w, "button.civic-my-reports").await;
    let w = widget(&browser, "[data-civic-mounted]").await;
    let item_css = format!(".civic-mine button[data-id='{id}']");
    let item = wait_for("the report in «Мои обращения»", || async {
        w.find(Locator::Css(&item_css))
            .await
            .ok()?
            .text()
            .await
            .ok()
    })
    .await;
    assert!(item.contains(&format!("№ {id}")), "{item:?}");
    assert!(item.contains("В работе"), "the status: {item:?}");

    // Its card: the deadline and the answer; no vote on one's own report.
    click_in(&w, &item_css).await;
    let card = text_in(&w, ".civic-card").await;
    assert!(card.contains(ANSWER), "the answer: {card:?}");
    assert!(card.contains("Срок"), "the deadline: {card:?}");
    assert!(card.contains(DESCRIPTION), "{card:?}");
    assert!(
        w.find(Locator::Css(".civic-card .civic-support-row"))
            .await
            .is_err(),
        "no vote on one's own report"
    );

    drop(site);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_payloads_show_as_text_in_my_reports() {
    use civic_e2e::corpus::{INJECTED_IN_WIDGET, PAYLOADS};
    let host = Host::start().await;
    let (site, _keys) = example_site(&host).await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;
    log_in_on_site(&browser, &site.origin, "maria").await;
    let w = widget(&browser, "[data-civic-mounted]").await;
    let first = report(&w).await;
    // Her other reports carry the corpus as their text and address (the newest 20 are listed).
    let payloads: Vec<String> = PAYLOADS
        .iter()
        .rev()
        .take(20)
        .map(|p| p.to_string())
        .collect();
    let inserted = payloads.clone();
    let ids: Vec<i64> = host
        .state()
        .db
        .write(move |conn| {
            let mut ids = Vec::new();
            for (i, payload) in inserted.iter().enumerate() {
                conn.execute(
                    "INSERT INTO problems (site_id, category_id, status, description, address, tracking_code,
                                           lang, created_at, updated_at, resident_id)
                     SELECT site_id, category_id, 'new', ?2, ?3, ?4, 'ru', created_at + ?5, updated_at, resident_id
                     FROM problems WHERE id = ?1",
                    rusqlite::params![first, format!("Проверка {i}: {payload}"), payload, format!("XSS{i:09}"), i as i64 + 1],
                )?;
                ids.push(conn.last_insert_rowid());
            }
            Ok::<_, host_service::db::DbError>(ids)
        })
        .await
        .unwrap();

    browser.goto(&format!("{}/", site.origin)).await.unwrap();
    let w = widget(&browser, "[data-civic-mounted]").await;
    click_in(&w, "button.civic-my-reports").await;
    for (id, payload) in ids.iter().zip(&payloads) {
        let item = format!(".civic-mine button[data-id='{id}']");
        wait_for("the report in «Мои обращения»", || async {
            w.find(Locator::Css(&item)).await.ok()
        })
        .await;
        click_in(&w, &item).await;
        let card = text_in(&w, ".civic-card").await;
        assert!(
            card.contains(payload.as_str()),
            "the payload shows as text: {card}"
        );
        let found = browser.execute(INJECTED_IN_WIDGET, vec![]).await.unwrap();
        assert_eq!(
            found,
            serde_json::json!({ "pwned": false, "handlers": [], "frames": 0 }),
            "payload markup became live in my reports ({payload})"
        );
    }

    drop(site);
    host.stop().await;
}

/// The open card's support count, as the resident reads it.
async fn support_count(w: &fantoccini::elements::ShadowRoot) -> u64 {
    text_in(w, ".civic-card .civic-support-count")
        .await
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_resident_supports_a_problem_on_the_map_once() {
    let sink = civic_e2e::smtp::SmtpSink::start();
    let host = Host::start_with(|c| {
        c.mail.smtp_url = Some(sink.url());
        c.mail.retry_min = std::time::Duration::from_millis(200);
    })
    .await;
    // A few published problems on the demo city's map.
    host_service::map::generate::generate(host.state(), 40, 3)
        .await
        .unwrap();
    let (site, _keys) = example_site(&host).await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 900).await;

    // Not signed in: the card asks for an e-mail, and the vote counts once the link in the
    // message sent there is followed and its button pressed.
    browser.goto(&format!("{}/map", site.origin)).await.unwrap();
    let w = widget(&browser, "[data-civic-mounted]").await;
    let first = find_in(&w, ".civic-map-list button[data-id]").await;
    let id = first.attr("data-id").await.unwrap().unwrap();
    first.click().await.unwrap();
    let count_before_email = support_count(&w).await;
    type_into(&w, ".civic-card input[name=email]", "sosed@example.ru").await;
    click_in(&w, ".civic-card button.civic-support").await;
    let news = wait_for("the e-mail sent", || async {
        let t = text_in(&w, ".civic-card .civic-support-news").await;
        t.contains("Мы отправили письмо").then_some(t)
    })
    .await;
    assert!(news.contains("Откройте ссылку"), "{news:?}");
    let mail = sink
        .wait_for(1)
        .await
        .into_iter()
        .find(|m| m.envelope_to == ["sosed@example.ru"])
        .expect("the confirmation message");
    browser
        .goto(&mail.link_with("/support/").expect("a link"))
        .await
        .unwrap();
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let counted = wait_for("the vote counted", || async {
        let page = browser.source().await.ok()?;
        page.contains("Голос учтён").then_some(page)
    })
    .await;
    assert!(
        counted.contains(&format!("Поддержали: {}", count_before_email + 1)),
        "{counted}"
    );

    // Signed in on the city's site: «Это касается и меня» counts once.
    log_in_on_site(&browser, &site.origin, "maria").await;
    let open_card = async |browser: &Client| {
        browser.goto(&format!("{}/map", site.origin)).await.unwrap();
        let w = widget(browser, "[data-civic-mounted]").await;
        // Signed in first: a card opened before the session arrives may be closed by it.
        find_in(&w, ".civic-signed-in").await;
        click_in(&w, &format!(".civic-map-list button[data-id='{id}']")).await;
        find_in(&w, ".civic-card button.civic-support").await;
        w
    };
    let w = open_card(&browser).await;
    // The card may come from the browser's cache (public, for a minute): the count the
    // confirmation page showed is the one to go on.
    let before = count_before_email + 1;
    click_in(&w, ".civic-card button.civic-support").await;
    let news = text_in(&w, ".civic-card .civic-support-news").await;
    assert!(news.contains("Ваш голос учтён"), "{news:?}");
    assert_eq!(
        support_count(&w).await,
        before + 1,
        "the card shows the new count"
    );

    // The same resident again, after a reload: nothing more is counted.
    let w = open_card(&browser).await;
    click_in(&w, ".civic-card button.civic-support").await;
    let news = text_in(&w, ".civic-card .civic-support-news").await;
    assert!(news.contains("уже поддержали"), "{news:?}");
    assert_eq!(
        support_count(&w).await,
        before + 1,
        "a second vote of one person is not counted"
    );

    // Another resident of the site counts too.
    browser.goto(&format!("{}/", site.origin)).await.unwrap();
    log_out_on_site(&browser).await;
    log_in_on_site(&browser, &site.origin, "petr").await;
    let w = open_card(&browser).await;
    click_in(&w, ".civic-card button.civic-support").await;
    text_in(&w, ".civic-card .civic-support-news").await;
    assert_eq!(support_count(&w).await, before + 2);
    let stored: i64 = {
        let conn = rusqlite::Connection::open(host.db_path()).unwrap();
        conn.query_row(
            "SELECT count(*) FROM supports WHERE problem_id = ?1",
            [id.parse::<i64>().unwrap()],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(stored, 3, "three people (one by e-mail), three votes");

    drop(site);
    host.stop().await;
}

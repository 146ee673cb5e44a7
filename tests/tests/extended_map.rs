//! Extended mode, end to end, as people use it: a resident opens the city's problem map on the
//! demo city's page, reports a problem at the place the map shows, an official publishes it and
//! answers in the cabinet, and the map then shows its marker, whose card has the official answer
//! and nothing about the resident. Clusters appear when the city has many problems.

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, report_number, text_in, type_into, wait_for, widget,
};
use civic_e2e::host::Host;
use fantoccini::elements::ShadowRoot;
use fantoccini::{Client, Locator};
use host_service::demo::{BOUNDS, CENTRE};

const DESCRIPTION: &str = "Не горит фонарь на детской площадке, вечером темно";
const PUBLISHED: &str = "Обращение принято и передано в службу освещения.";
const ANSWER: &str = "Заменим светильник до пятницы.";
const NAME: &str = "Ирина Картова";
const EMAIL: &str = "irina.kartova@example.ru";

/// The map of the widget on `/map.html`, once Leaflet has drawn it.
async fn open_map(browser: &Client, host: &Host) -> ShadowRoot {
    browser.goto(&host.url("/map.html")).await.unwrap();
    let w = widget(browser, "[data-civic-widget]").await;
    find_in(&w, ".civic-map[data-ready]").await;
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_from_the_map_becomes_a_marker_whose_card_has_the_answer_and_no_reporter() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await; // a phone-sized window

    // Nothing is public yet: the map says so.
    let w = open_map(&browser, &host).await;
    let count = text_in(&w, ".civic-map-count").await;
    assert!(
        count.contains("нет опубликованных"),
        "an empty map says so: {count:?}"
    );
    // The map library leaves nothing on the city's page: no `L`, no `wasm_bindgen`.
    let globals = browser
        .execute(
            "return [typeof window.L, typeof window.wasm_bindgen].join()",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(globals.as_str(), Some("undefined,undefined"));

    // "Report a problem here": the form opens with the map's centre as the place.
    click_in(&w, "button.civic-report-here").await;
    let place = text_in(&w, ".civic-geo-status").await;
    assert!(
        place.contains("Место определено") || place.chars().any(|c| c.is_ascii_digit()),
        "{place:?}"
    );
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;
    type_into(&w, "input[name=name]", NAME).await;
    type_into(&w, "input[name=email]", EMAIL).await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;
    let id = report_number(&w).await;

    // It is stored at the centre of the city's area, where the map was.
    let (lat, lon) = host.problem_place(id);
    let (mid_lat, mid_lon) = (
        (BOUNDS.south + BOUNDS.north) / 2.0,
        (BOUNDS.west + BOUNDS.east) / 2.0,
    );
    assert!(
        (lat - mid_lat).abs() < 0.01 && (lon - mid_lon).abs() < 0.01,
        "the report is where the map was centred: {lat},{lon} vs {mid_lat},{mid_lon}"
    );

    // Not moderated yet: still not on the map.
    let w = open_map(&browser, &host).await;
    assert!(
        text_in(&w, ".civic-map-count")
            .await
            .contains("нет опубликованных")
    );

    // The reporter adds a photo (as the widget's API allows, with the report's tracking code),
    // from the city's page.
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(60, 40, |x, _| {
        image::Rgb([(x * 4) as u8, 120, 200])
    }))
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let status = browser
        .execute_async(
            "const [url, code, bytes, done] = arguments;
             fetch(url, { method: 'POST', headers: { 'content-type': 'image/jpeg', 'x-tracking-code': code },
                          body: new Uint8Array(bytes) }).then(r => done(r.status), e => done(String(e)));",
            vec![
                serde_json::json!(host.url(&format!("/api/v1/sites/demo/problems/{id}/photos"))),
                serde_json::json!(host.tracking_code(id)),
                serde_json::json!(jpeg),
            ],
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "the photo upload");

    // The official publishes it, then takes it into work with a public answer.
    browser.goto(&host.url("/cabinet")).await.unwrap();
    host.log_in_as_demo_official(&browser).await;
    wait_for("the cabinet after login", || async {
        browser.find(Locator::Css("table.problems")).await.ok()
    })
    .await;
    host.set_status(&browser, id, "published", PUBLISHED).await;
    host.set_status(&browser, id, "in_progress", ANSWER).await;

    // Another resident's map shows it (the first one's browser may keep the empty map for the
    // minute public answers are cached): one marker, named by its number, category and status;
    // and in the list.
    let browser = driver.session(412, 915).await;
    let w = open_map(&browser, &host).await;
    let marker_css = format!(".leaflet-marker-icon.civic-marker[title^='№ {id} ']");
    let marker = find_in(&w, &marker_css).await;
    let title = marker.attr("title").await.unwrap().unwrap_or_default();
    assert!(
        title.contains("Освещение") && title.contains("В работе"),
        "marker name: {title:?}"
    );
    let count = text_in(&w, ".civic-map-count").await;
    assert!(
        count.contains("1 проблема"),
        "the count in words: {count:?}"
    );
    find_in(&w, &format!(".civic-map-list button[data-id='{id}']")).await;

    // Its card: the text, the status, the official answers; never the resident.
    marker.click().await.unwrap();
    let card_css = format!(".civic-card[data-id='{id}'] .civic-card-answer");
    wait_for("the card with its answers", || async {
        let card = w.find(Locator::Css(&card_css)).await.ok()?;
        let text = card.text().await.ok()?;
        (!text.is_empty()).then_some(())
    })
    .await;
    let card = find_in(&w, ".civic-card").await.text().await.unwrap();
    for shown in [DESCRIPTION, ANSWER, PUBLISHED, "В работе", "Освещение"] {
        assert!(card.contains(shown), "the card shows {shown:?}: {card}");
    }
    for private in [NAME, EMAIL, "Картова"] {
        assert!(
            !card.contains(private),
            "the card must not show {private:?}: {card}"
        );
    }
    // The photo, as a thumbnail that loads, linked to its display size.
    let loaded = wait_for("the card's photo loaded", || async {
        let v = browser
            .execute(
                "const img = document.querySelector('[data-civic-widget]').shadowRoot
                   .querySelector('.civic-card-photos img');
                 return img && img.complete && img.naturalWidth > 0
                   ? [img.getAttribute('alt'), img.getAttribute('src'), img.parentElement.getAttribute('href')] : null;",
                vec![],
            )
            .await
            .ok()?;
        (!v.is_null()).then_some(v)
    })
    .await;
    assert_eq!(loaded[0], "Фото 1");
    assert!(
        loaded[1].as_str().unwrap().ends_with("/thumb.jpg"),
        "{loaded}"
    );
    assert!(
        loaded[2].as_str().unwrap().ends_with("/display.jpg"),
        "{loaded}"
    );

    // The card's heading has the focus, so a screen reader reads it out.
    let focused = browser
        .execute(
            "const h = document.querySelector('[data-civic-widget]').shadowRoot.activeElement; return h ? h.textContent : ''",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        focused
            .as_str()
            .unwrap_or_default()
            .contains(&id.to_string()),
        "focus: {focused}"
    );
    click_in(&w, ".civic-card-close").await;

    // A filter the problem does not match hides it.
    find_in(&w, "select[name=filter-status]")
        .await
        .select_by_value("solved")
        .await
        .unwrap();
    wait_for("the filtered map to be empty", || async {
        let t = w
            .find(Locator::Css(".civic-map-count"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        t.contains("нет опубликованных").then_some(())
    })
    .await;
    assert!(
        w.find(Locator::Css(&marker_css)).await.is_err(),
        "the marker is gone under the filter"
    );

    drop(browser);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_problems_show_as_clusters_that_open_by_click_or_keyboard() {
    let host = Host::start().await;
    let written = host_service::map::generate::generate(host.state(), 600, 11)
        .await
        .unwrap();
    assert_eq!(written, 600);
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 900).await;

    let w = open_map(&browser, &host).await;
    find_in(&w, ".leaflet-marker-icon.civic-cluster").await;
    let clusters = w
        .find_all(Locator::Css(".leaflet-marker-icon.civic-cluster"))
        .await
        .unwrap();
    assert!(
        clusters.len() >= 2,
        "the city's problems are grouped: {} groups",
        clusters.len()
    );
    let mut sum = 0i64;
    for c in &clusters {
        sum += c.text().await.unwrap().trim().parse::<i64>().unwrap();
    }
    let public: i64 = {
        let conn = rusqlite::Connection::open(host.db_path()).unwrap();
        conn.query_row(
            "SELECT count(*) FROM problems WHERE published_at IS NOT NULL AND status <> 'new'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        sum, public,
        "the groups on the whole city's map add up to every public problem"
    );
    let count = text_in(&w, ".civic-map-count").await;
    assert!(
        count.contains(&public.to_string()),
        "the count says {public}: {count:?}"
    );

    // A group is a button a keyboard can reach and open: it zooms in until problems show one
    // by one (the list's first group, with Enter, a few times).
    for _ in 0..8 {
        if w.find(Locator::Css(".leaflet-marker-icon.civic-marker"))
            .await
            .is_ok()
        {
            break;
        }
        let group = find_in(&w, ".leaflet-marker-icon.civic-cluster").await;
        assert_eq!(group.attr("role").await.unwrap().as_deref(), Some("button"));
        assert_eq!(group.attr("tabindex").await.unwrap().as_deref(), Some("0"));
        group.send_keys("\u{E007}").await.unwrap(); // Enter
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    }
    let single = find_in(&w, ".leaflet-marker-icon.civic-marker").await;
    let title = single.attr("title").await.unwrap().unwrap_or_default();
    assert!(
        title.starts_with("№ "),
        "single problems are named by number: {title:?}"
    );

    drop(browser);
    host.stop().await;
}

/// A published problem of the demo site's category `category` (its Russian name) at `at`,
/// indexed on the map as the cabinet's publication does it. Returns its number.
async fn published(host: &Host, category: &str, lat: f64, lon: f64, text: &str) -> i64 {
    let (category, text) = (category.to_owned(), text.to_owned());
    host.state()
        .db
        .write(move |conn| {
            let (site, category): (i64, i64) = conn.query_row(
                "SELECT s.id, c.id FROM sites s JOIN categories c ON c.municipality_id = s.municipality_id
                 WHERE s.key = 'demo' AND c.name_ru = ?1",
                [&category],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            conn.execute(
                "INSERT INTO problems (site_id, category_id, status, description, lat, lon, tracking_code,
                                       lang, created_at, updated_at, published_at)
                 VALUES (?1, ?2, 'published', ?3, ?4, ?5, ?6, 'ru', ?7, ?7, ?7)",
                rusqlite::params![site, category, text, lat, lon, format!("e2e-{lat}-{lon}"), now],
            )?;
            let id = conn.last_insert_rowid();
            host_service::map::index::sync(conn, id)?;
            Ok::<_, host_service::db::DbError>(id)
        })
        .await
        .unwrap()
}

/// The place the form holds, as its status line shows it ("… 54.51380, 36.26120").
async fn place(w: &ShadowRoot) -> (f64, f64) {
    wait_for("the place in the form", || async {
        let t = w
            .find(Locator::Css(".civic-geo-status"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let numbers: Vec<f64> = t
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter_map(|n| n.parse().ok())
            .filter(|n: &f64| n.abs() > 1.0)
            .collect();
        (numbers.len() == 2).then(|| (numbers[0], numbers[1]))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_offers_similar_problems_near_its_pin_and_the_pin_moves_by_keyboard() {
    let host = Host::start().await;
    let (lat, lon) = (
        (BOUNDS.south + BOUNDS.north) / 2.0,
        (BOUNDS.west + BOUNDS.east) / 2.0,
    );
    // ~40 m east of the centre, same category; ~2 km away, same category; ~30 m, another one.
    let near = published(
        &host,
        "Освещение",
        lat,
        lon + 0.0006,
        "Фонарь мигает всю ночь",
    )
    .await;
    let far = published(
        &host,
        "Освещение",
        lat + 0.018,
        lon,
        "Не горит фонарь у школы",
    )
    .await;
    let other = published(&host, "Мусор", lat + 0.0003, lon, "Переполнена урна").await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;

    let w = open_map(&browser, &host).await;
    click_in(&w, "button.civic-report-here").await;
    find_in(&w, ".civic-pin-map .civic-map").await;
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    let offered = find_in(&w, &format!(".civic-nearby li[data-id='{near}']")).await;
    let text = offered.text().await.unwrap();
    assert!(
        text.contains("Фонарь мигает") && text.contains("м от метки"),
        "{text}"
    );
    for absent in [far, other] {
        assert!(
            w.find(Locator::Css(&format!(
                ".civic-nearby li[data-id='{absent}']"
            )))
            .await
            .is_err(),
            "problem {absent} is far or of another category"
        );
    }
    // Another category: its own neighbour instead.
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Мусор")
        .await
        .unwrap();
    find_in(&w, &format!(".civic-nearby li[data-id='{other}']")).await;
    wait_for("the lighting problem to go", || async {
        w.find(Locator::Css(&format!(".civic-nearby li[data-id='{near}']")))
            .await
            .is_err()
            .then_some(())
    })
    .await;

    // The pin is the map's centre: the arrow keys move the map, and the place with it.
    let (lat0, lon0) = place(&w).await;
    let map = find_in(&w, ".civic-pin-map .civic-map").await;
    map.click().await.unwrap();
    for _ in 0..3 {
        map.send_keys("\u{E014}").await.unwrap(); // ArrowRight: the view moves east
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    let moved = wait_for("the place to move east", || async {
        let (la, lo) = place(&w).await;
        (lo > lon0 + 0.0005 && (la - lat0).abs() < 0.0005).then_some((la, lo))
    })
    .await;

    // Far out of the city (zoomed out, then a long way west): the form says so at once.
    for _ in 0..7 {
        click_in(&w, "button.civic-zoom:last-child").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    map.click().await.unwrap();
    for _ in 0..12 {
        map.send_keys("\u{E008}\u{E012}\u{E008}").await.unwrap(); // Shift+ArrowLeft
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let warning = text_in(&w, ".civic-field-error[data-field=pin]").await;
    assert!(warning.contains("вне территории"), "{warning:?}");
    let (_, lon_out) = place(&w).await;
    assert!(
        lon_out < BOUNDS.west,
        "the place left the city: {lon_out} (was {moved:?})"
    );

    drop(browser);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_basic_widget_hands_over_to_the_map_for_the_pin_and_keeps_what_was_typed() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await;
    let map_scripts = "return document.querySelectorAll('script[src*=\"civic-map-\"], script[src*=\"civic-leaflet-\"]').length";

    // The basic form: no map code on the page until it is asked for.
    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    assert_eq!(
        browser.execute(map_scripts, vec![]).await.unwrap().as_i64(),
        Some(0)
    );
    find_in(&w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(&w, "textarea[name=description]", DESCRIPTION).await;

    // «Указать на карте»: the map bundle takes the widget's place, with the text typed so far.
    click_in(&w, "button.civic-pin-on-map").await;
    find_in(&w, ".civic-pin-map .civic-map[data-ready]").await;
    assert_eq!(
        browser.execute(map_scripts, vec![]).await.unwrap().as_i64(),
        Some(2)
    );
    let kept = find_in(&w, "textarea[name=description]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some(DESCRIPTION),
        "the description went along"
    );
    let category = find_in(&w, "select[name=category]").await;
    let chosen = category
        .find(Locator::Css("option:checked"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(chosen, "Освещение", "the category went along");
    let (lat, lon) = place(&w).await;
    assert!(
        (lat - CENTRE.lat).abs() < 0.001 && (lon - CENTRE.lon).abs() < 0.001,
        "the pin starts at the city's centre: {lat},{lon}"
    );

    // Sent from there, it is stored where the pin was.
    type_into(&w, "input[name=name]", NAME).await;
    click_in(&w, "input[name=consent]").await;
    click_in(&w, "button[type=submit]").await;
    let id = report_number(&w).await;
    let stored = host.problem_place(id);
    assert!(
        (stored.0 - lat).abs() < 1e-4 && (stored.1 - lon).abs() < 1e-4,
        "{stored:?} vs {lat},{lon}"
    );
    // Exactly one widget on the page: the basic one was replaced, not joined.
    assert_eq!(
        browser
            .execute("return document.querySelector('[data-civic-widget]').shadowRoot.querySelectorAll('.civic-widget').length", vec![])
            .await
            .unwrap()
            .as_i64(),
        Some(1)
    );

    drop(browser);
    host.stop().await;
}

//! The cabinet's exports (CSV that a Russian Excel opens, GeoJSON) and statistics (counts,
//! answer and resolution times, overdue, the people's rating of agencies).

use crate::common;

use axum::http::StatusCode;
use common::{FORM, PUBLIC, TestApp, form};
use host_service::cabinet::stats::quantile;
use host_service::demo;
use serde_json::{Value, json};

async fn report(app: &TestApp, description: &str) -> (i64, String) {
    let mut body = app.valid_report();
    body["description"] = json!(description);
    let r = app.report(demo::SITE_KEY, None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (
        r.json()["id"].as_i64().unwrap(),
        r.json()["tracking_code"].as_str().unwrap().to_owned(),
    )
}

async fn set_status(app: &TestApp, cookie: &str, csrf: &str, id: i64, status: &str, answer: &str) {
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
            form(&[
                ("csrf", csrf),
                ("status", status),
                ("public_answer", answer),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_csv_opens_in_excel_with_cyrillic_and_no_text_becomes_a_formula() {
    let app = TestApp::new().await;
    let (plain, _) = report(&app, "Яма у дома 5; глубокая, \"опасная\"\nвторая строка").await;
    let (formula, _) = report(&app, "=HYPERLINK(\"http://evil.example\";\"нажми\")").await;
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let r = app.get("/cabinet/export.csv", &[("cookie", &cookie)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        r.body.starts_with('\u{feff}'),
        "a BOM, so Excel reads UTF-8"
    );
    let body = r.body.trim_start_matches('\u{feff}');
    let header = body.split("\r\n").next().unwrap();
    assert!(
        header.starts_with("№;Дата;Сайт;Категория;Статус;Исполнитель"),
        "{header}"
    );
    assert!(
        body.contains(&format!("{plain};"))
            && body.contains("\"Яма у дома 5; глубокая, \"\"опасная\"\"\nвторая строка\""),
        "quoted, quotes doubled: {body}"
    );
    assert!(body.contains(&format!("{formula};")));
    assert!(body.contains("\"'=HYPERLINK("), "defused: {body}");
    for private in ["Канарейкин", "canary-mail", "555-01-02"] {
        assert!(!body.contains(private), "{private} in the export");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'export'")
            .await,
        1
    );
    // Filtered as the list is.
    let r = app
        .get(
            "/cabinet/export.csv?status=resolved",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        r.body
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .count(),
        1
    );
}

#[tokio::test]
async fn the_geojson_has_a_point_per_located_problem_and_no_reporter() {
    let app = TestApp::new().await;
    let (id, _) = report(&app, "Не горит фонарь во дворе дома 7").await;
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let r = app
        .get("/cabinet/export.geojson", &[("cookie", &cookie)])
        .await;
    assert_eq!(r.header("content-type"), Some("application/geo+json"));
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["type"], "FeatureCollection");
    let f = &doc["features"][0];
    assert_eq!(f["id"], id);
    assert_eq!(
        f["geometry"]["coordinates"],
        json!([36.26, 54.51]),
        "longitude first"
    );
    assert_eq!(f["properties"]["status"], "new");
    assert!(!r.body.contains("Канарейкин") && !r.body.contains("canary-mail"));
    // Without a session: the login page, no data.
    let anonymous = app.get("/cabinet/export.geojson", &[]).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

#[test]
fn quantiles_are_read_from_the_sorted_values() {
    let mut v = vec![50, 10, 40, 20, 30];
    assert_eq!(quantile(&mut v, 0.5), Some(30));
    assert_eq!(quantile(&mut v, 0.9), Some(50));
    assert_eq!(quantile(&mut [], 0.5), None);
}

#[tokio::test]
async fn the_statistics_count_time_and_rate_the_agencies() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let (a, code_a) = report(&app, "Яма на перекрёстке у школы").await;
    let (b, code_b) = report(&app, "Провал асфальта у остановки").await;
    let (_c, _) = report(&app, "Ещё одна яма во дворе дома").await;
    for (id, code, verdict, rating) in [(a, code_a, "confirmed", "4"), (b, code_b, "reopened", "2")]
    {
        set_status(&app, &cookie, &csrf, id, "published", "Принято.").await;
        set_status(&app, &cookie, &csrf, id, "resolved", "Заделали.").await;
        let r = app
            .post_raw(
                &format!("/t/{code}/verdict"),
                &[FORM, ("origin", PUBLIC)],
                form(&[("verdict", verdict), ("rating", rating)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = app.get("/cabinet/stats", &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(r#"<dd id="stats-total">3</dd>"#), "{body}");
    assert!(body.contains(r#"<dd id="stats-overdue">0</dd>"#));
    // Answered and resolved at once in the test: 0.0 days.
    assert!(
        body.contains(r#"<dd id="stats-first-answer">0.0 дн. / 0.0 дн.</dd>"#),
        "{body}"
    );
    // The people's rating: Дорожная служба, (4 + 2) / 2, half reopened.
    let rating = body.split(r#"id="stats-rating""#).nth(1).unwrap();
    assert!(rating.contains("Дорожная служба"), "{rating}");
    assert!(
        rating.contains("<td>3.0</td><td>2</td><td>50%</td>"),
        "{rating}"
    );
    let status = body.split(r#"id="stats-status""#).nth(1).unwrap();
    assert!(status.contains("Новое</th><td>1</td>"), "{status}");
}

#[tokio::test]
async fn the_statistics_heat_map_shades_where_problems_are() {
    let app = TestApp::new().await;
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let empty = app
        .get("/cabinet/stats?days=all", &[("cookie", &cookie)])
        .await;
    assert!(
        empty.body.contains("нет обращений с местом на карте"),
        "{}",
        empty.body
    );
    // Three reports at one place, one at another (the demo's valid report is at 54.51, 36.26).
    for _ in 0..3 {
        report(&app, "Яма во дворе").await;
    }
    let mut far = app.valid_report();
    far["location"] = serde_json::json!({"lat": 54.45, "lon": 36.15});
    assert_eq!(
        app.report(demo::SITE_KEY, None, &far).await.status,
        StatusCode::CREATED
    );
    let page = app
        .get("/cabinet/stats?days=all", &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains("<svg id=\"heat-map\""), "{}", page.body);
    let counts: Vec<i64> = page
        .body
        .split("data-count=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 3], "two cells: {counts:?}");
    assert!(page.body.contains("больше всего в одной клетке — 3"));
    // The accessible alternative names the busiest place first.
    let table = page.body.split("id=\"stats-heat\"").nth(1).unwrap();
    assert!(table.find(">3<").unwrap() < table.find(">1<").unwrap());
}

#[tokio::test]
async fn the_public_statistics_count_only_what_was_published_and_name_no_one() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let (solved, code) = report(&app, "Яма на перекрёстке у школы").await;
    let (open, _) = report(&app, "Провал асфальта у остановки").await;
    let (spam, _) = report(&app, "Реклама: окна недорого, звоните").await;
    let (waiting, _) = report(&app, "Ещё одна яма во дворе дома").await;
    set_status(&app, &cookie, &csrf, solved, "published", "Принято.").await;
    set_status(&app, &cookie, &csrf, solved, "resolved", "Заделали.").await;
    set_status(&app, &cookie, &csrf, open, "published", "Принято.").await;
    set_status(
        &app,
        &cookie,
        &csrf,
        spam,
        "refused",
        "Не городская проблема.",
    )
    .await;
    let r = app
        .post_raw(
            &format!("/t/{code}/verdict"),
            &[FORM, ("origin", PUBLIC)],
            form(&[("verdict", "confirmed"), ("rating", "5")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Anyone, not signed in: the public card links to its city's figures.
    let card = app.get(&format!("/problems/{solved}"), &[]).await;
    assert!(card.body.contains(r#"href="/stats/demo""#), "{}", card.body);
    let page = app.get("/stats/demo", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("public, max-age=300"));
    let body = &page.body;
    assert!(body.contains("Обращения в цифрах"), "{body}");
    // The two published problems; neither the unmoderated one nor the one refused unpublished.
    assert!(body.contains(r#"<dd id="stats-total">2</dd>"#), "{body}");
    let status = body.split(r#"id="stats-status""#).nth(1).unwrap();
    assert!(!status.contains("Новое"), "{status}");
    assert!(!status.contains("Отказано"), "{status}");
    // Confirmed by its reporter, so closed.
    assert!(status.contains("Закрыто</th><td>1</td>"), "{status}");
    let rating = body.split(r#"id="stats-rating""#).nth(1).unwrap();
    assert!(
        rating.contains("Дорожная служба</th><td>5.0</td><td>1</td><td>0%</td>"),
        "{rating}"
    );
    for private in ["Канарейкин", "canary-mail", "555-01-02", "Реклама"] {
        assert!(!body.contains(private), "{private} is on the public page");
    }

    // The figures are reused for five minutes, as the page says: a problem published now shows
    // in a period not yet asked for, and in this one after.
    set_status(&app, &cookie, &csrf, waiting, "published", "Принято.").await;
    let again = app.get("/stats/demo", &[]).await;
    assert!(again.body.contains(r#"<dd id="stats-total">2</dd>"#));
    let all = app.get("/stats/demo?days=all", &[]).await;
    assert!(
        all.body.contains(r#"<dd id="stats-total">3</dd>"#),
        "{}",
        all.body
    );
    assert!(
        all.body.contains(r#"<option value="all" selected>"#),
        "{}",
        all.body
    );

    let english = app.get("/stats/demo?lang=en", &[]).await;
    assert!(
        english.body.contains("Reports in figures"),
        "{}",
        english.body
    );
    assert!(
        english.body.contains("Closed</th><td>1</td>"),
        "{}",
        english.body
    );

    // The same figures as data, for a portal that shows them itself.
    let api = app.get("/api/v1/sites/demo/stats?days=all", &[]).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v = api.json();
    assert_eq!(v["period_days"], Value::Null);
    assert_eq!(v["total"], 3);
    assert_eq!(v["first_answer_days"]["median"], 0.0);
    let closed = v["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "closed")
        .unwrap();
    assert_eq!(closed["label"], "Закрыто");
    assert_eq!(closed["count"], 1);
    assert_eq!(v["ratings"][0]["agency"], "Дорожная служба");
    assert_eq!(v["ratings"][0]["average"], 5.0);
    for private in ["Канарейкин", "canary-mail", "555-01-02", "Реклама"] {
        assert!(
            !api.body.contains(private),
            "{private} in the public figures"
        );
    }
    let english = app.get("/api/v1/sites/demo/stats?lang=en", &[]).await;
    assert!(
        english.body.contains(r#""label":"Closed""#),
        "{}",
        english.body
    );
    let bad = app.get("/api/v1/sites/demo/stats?days=7", &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "days");
    let nowhere = app.get("/api/v1/sites/no-such-site/stats", &[]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

    let unknown = app.get("/stats/no-such-site", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("Сайт не найден"), "{}", unknown.body);
}

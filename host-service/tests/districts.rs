//! Districts (issue 5): the site admin adds (or replaces) a district by pasting GeoJSON in
//! «Настройки» — refused in words when it is not a closed polygon on the municipality's area —
//! and deletes it (each audited); a located report gets the first district that contains it (a
//! hole excludes); on first publication a (district, category) route wins over the category's
//! agency, a moderator's choice over both; another municipality's district, category or agency
//! is "not found"; the statistics count by district.

use crate::common;

use axum::http::StatusCode;
use common::{FORM, OTHER_LOGIN, OTHER_PASSWORD, PUBLIC, Reply, TestApp, form};
use host_service::admin::{self, OfficialSpec, Role};
use host_service::demo;
use serde_json::json;

const SETTINGS: &str = "/cabinet/settings";

/// A square park in the demo city with a pond (a hole) in the middle.
const PARK: &str = r#"{"type": "Feature", "properties": {"name": "Парк"}, "geometry": {"type": "Polygon", "coordinates": [
    [[36.24, 54.49], [36.30, 54.49], [36.30, 54.53], [36.24, 54.53], [36.24, 54.49]],
    [[36.26, 54.50], [36.28, 54.50], [36.28, 54.52], [36.26, 54.52], [36.26, 54.50]]
]}}"#;
const IN_PARK: (f64, f64) = (54.495, 36.25);
const IN_POND: (f64, f64) = (54.51, 36.27);
const OUTSIDE: (f64, f64) = (54.56, 36.20);

async fn id_of(app: &TestApp, sql: &'static str, name: &'static str) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row(sql, [name], |r| r.get(0))
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

async fn category(app: &TestApp, ru: &'static str) -> i64 {
    id_of(app, "SELECT id FROM categories WHERE name_ru = ?1", ru).await
}

async fn agency(app: &TestApp, name: &'static str) -> i64 {
    id_of(app, "SELECT id FROM agencies WHERE name = ?1", name).await
}

async fn district(app: &TestApp, name: &'static str) -> i64 {
    id_of(app, "SELECT id FROM districts WHERE name = ?1", name).await
}

/// The problem's district and agency.
async fn placed(app: &TestApp, id: i64) -> (Option<i64>, Option<i64>) {
    app.state
        .db
        .read(move |c| {
            c.query_row(
                "SELECT district_id, agency_id FROM problems WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

/// Files a report of the category named `ru` at `at` (none: without a place); its id.
async fn report(app: &TestApp, ru: &'static str, at: Option<(f64, f64)>) -> i64 {
    let mut body = app.valid_report();
    body["category_id"] = json!(category(app, ru).await);
    match at {
        Some((lat, lon)) => body["location"] = json!({ "lat": lat, "lon": lon }),
        None => {
            body.as_object_mut().unwrap().remove("location");
        }
    }
    let r = app.report(demo::SITE_KEY, None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn post(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Reply {
    app.post_raw(
        uri,
        &[FORM, ("cookie", cookie), ("origin", PUBLIC)],
        form(fields),
    )
    .await
}

#[tokio::test]
async fn the_site_admin_adds_replaces_and_deletes_districts_refused_in_words() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Районы"), "{}", page.body);
    for name in demo::DEMO_DISTRICTS {
        assert!(page.body.contains(name), "the demo's district {name}");
    }
    let add = "/cabinet/settings/districts";

    // What is not a closed polygon on the municipality's area is refused, in words.
    for (geojson, words) in [
        ("{\"type\": \"Polygon\"", "не является корректным JSON"),
        (
            r#"{"type": "Point", "coordinates": [36.2, 54.5]}"#,
            "у Point нет площади",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 54.5], [36.3, 54.55]]]}"#,
            "не меньше 4 точек",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 54.5], [36.3, 54.55], [36.2, 54.55]]]}"#,
            "кольцо не замкнуто",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 954.5], [36.3, 54.55], [36.2, 54.5]]]}"#,
            "широта 954.5 вне пределов от -90 до 90",
        ),
        // Latitude first: a place in the Indian Ocean, not in Демоград.
        (
            r#"{"type": "Polygon", "coordinates": [[[54.5, 36.2], [54.5, 36.3], [54.55, 36.3], [54.5, 36.2]]]}"#,
            "вне территории муниципалитета",
        ),
    ] {
        let r = post(
            &app,
            &cookie,
            add,
            &[("csrf", &csrf), ("name", "Плохой"), ("geojson", geojson)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{geojson}");
        assert!(
            r.body.contains("Район не сохранён") && r.body.contains(words),
            "{geojson}: {}",
            r.body
        );
    }
    // An English page says it in English.
    let r = post(
        &app,
        &cookie,
        &format!("{add}?lang=en"),
        &[
            ("csrf", &csrf),
            ("name", "Плохой"),
            (
                "geojson",
                r#"{"type": "Point", "coordinates": [36.2, 54.5]}"#,
            ),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("The district was not saved: a Point encloses no area"),
        "{}",
        r.body
    );
    assert_eq!(
        app.count("SELECT count(*) FROM districts WHERE name = 'Плохой'")
            .await,
        0
    );

    // A report filed before the park exists is placed in it when the park is added.
    let early = report(&app, "Мусор", Some(IN_PARK)).await;
    let r = post(
        &app,
        &cookie,
        add,
        &[("csrf", &csrf), ("name", "А-Парк"), ("geojson", PARK)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let park = district(&app, "А-Парк").await;
    assert_eq!(placed(&app, early).await.0, Some(park));
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains(&format!(
            r#"<tr data-district="{park}"><td>А-Парк</td><td>10</td>"#
        )),
        "the park with its 10 vertices: {}",
        page.body
    );
    // The same name replaces the boundary (the park shrinks to its western half: the early
    // report stays in it).
    let smaller = r#"{"type": "Polygon", "coordinates": [[[36.24, 54.49], [36.26, 54.49], [36.26, 54.53], [36.24, 54.53], [36.24, 54.49]]]}"#;
    let r = post(
        &app,
        &cookie,
        add,
        &[("csrf", &csrf), ("name", "А-Парк"), ("geojson", smaller)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(district(&app, "А-Парк").await, park, "the same district");
    assert_eq!(placed(&app, early).await.0, Some(park));
    assert_eq!(
        app.count("SELECT vertices FROM districts WHERE name = 'А-Парк'")
            .await,
        5
    );

    // A detailed boundary (20 000 vertices, more than the server's usual 1 MiB form) is taken.
    let ring: Vec<String> = (0..=19_999)
        .map(|i| {
            let a = std::f64::consts::TAU * f64::from(i % 19_999) / 19_999.0;
            format!(
                "[{:.15}, {:.15}]",
                36.20 + 0.01 * a.cos(),
                54.55 + 0.01 * a.sin()
            )
        })
        .collect();
    let circle = format!(
        r#"{{"type": "Polygon", "coordinates": [[{}]]}}"#,
        ring.join(", ")
    );
    let body = form(&[("csrf", &csrf), ("name", "Круг"), ("geojson", &circle)]);
    assert!(body.len() > 1024 * 1024, "{}", body.len());
    let r = app
        .post_raw(add, &[FORM, ("cookie", &cookie), ("origin", PUBLIC)], body)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT vertices FROM districts WHERE name = 'Круг'")
            .await,
        20_000
    );

    // Only a site admin; another municipality's admin finds nothing.
    admin::add_official(
        &app.state.db,
        OfficialSpec {
            login: "moderator".into(),
            municipality: "Демоград".into(),
            password: "moderator-password".into(),
            display_name: None,
            role: Role::Moderator,
            agency: None,
        },
    )
    .await
    .unwrap();
    let (moderator, moderator_csrf) = app.login("moderator", "moderator-password").await;
    let delete = format!("/cabinet/settings/districts/{park}/delete");
    let r = post(&app, &moderator, &delete, &[("csrf", &moderator_csrf)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (other, other_csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let r = post(&app, &other, &delete, &[("csrf", &other_csrf)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other_page = app.get(SETTINGS, &[("cookie", &other)]).await;
    assert!(!other_page.body.contains("А-Парк"));

    // Deleted: the report falls back to the demo strip that contains it.
    let r = post(&app, &cookie, &delete, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT count(*) FROM districts WHERE name = 'А-Парк'")
            .await,
        0
    );
    assert_eq!(
        placed(&app, early).await.0,
        Some(district(&app, "Центральный").await)
    );
    for (sql, n) in [
        (
            "SELECT count(*) FROM audit_log WHERE action = 'district_added'",
            2,
        ),
        (
            "SELECT count(*) FROM audit_log WHERE action = 'district_replaced'",
            1,
        ),
        (
            "SELECT count(*) FROM audit_log WHERE action = 'district_deleted'",
            1,
        ),
    ] {
        assert_eq!(app.count(sql).await, n, "{sql}");
    }
}

#[tokio::test]
async fn a_report_goes_to_its_districts_agency_for_its_category_and_is_counted_by_district() {
    let app = TestApp::new().await;
    let saved = admin::add_district(&app.state.db, "Демоград", "А-Парк", PARK)
        .await
        .unwrap();
    assert!(!saved.replaced);
    let park = saved.id;
    let (roads, light) = (
        category(&app, "Дороги и тротуары").await,
        category(&app, "Освещение").await,
    );
    let (road_service, zhkh, gorsvet) = (
        agency(&app, "Дорожная служба").await,
        agency(&app, "Управление ЖКХ").await,
        agency(&app, "Горсвет").await,
    );
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;

    // In the park, roads go to the housing department (the settings' routing form).
    let routing = format!("/cabinet/settings/districts/{park}/routing");
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains(&format!(
            r#"<select id="district-{park}-route-{roads}" name="category_{roads}">"#
        )),
        "{}",
        page.body
    );
    let (road_field, zhkh_value) = (format!("category_{roads}"), zhkh.to_string());
    let r = post(
        &app,
        &cookie,
        &routing,
        &[
            ("csrf", &csrf),
            (&road_field, &zhkh_value),
            (&format!("category_{light}"), ""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'district_routing'")
            .await,
        1
    );

    // Another municipality's agency or category, or its admin: "not found", nothing changes.
    let other_agency = admin::add_agency(
        &app.state.db,
        "Другоград",
        "Чужая служба",
        None,
        host_service::appeals::Delivery::Cabinet,
    )
    .await
    .unwrap();
    let other_category = app.other_category.to_string();
    for fields in [
        vec![(road_field.clone(), other_agency.to_string())],
        vec![(format!("category_{other_category}"), zhkh_value.clone())],
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = post(&app, &cookie, &routing, &all).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{all:?}");
    }
    let (other, other_csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let r = post(
        &app,
        &other,
        &routing,
        &[
            ("csrf", &other_csrf),
            (&format!("category_{other_category}"), ""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT agency_id FROM district_routes").await,
        zhkh,
        "the route is as the admin set it"
    );

    let in_park = report(&app, "Дороги и тротуары", Some(IN_PARK)).await;
    let in_pond = report(&app, "Дороги и тротуары", Some(IN_POND)).await;
    let outside = report(&app, "Дороги и тротуары", Some(OUTSIDE)).await;
    let light_in_park = report(&app, "Освещение", Some(IN_PARK)).await;
    let chosen = report(&app, "Дороги и тротуары", Some(IN_PARK)).await;
    let nowhere = report(&app, "Дороги и тротуары", None).await;
    assert_eq!(placed(&app, in_park).await, (Some(park), None));
    let pond = placed(&app, in_pond).await.0;
    assert!(
        pond.is_some() && pond != Some(park),
        "the pond is in the demo strip, not the park"
    );
    assert_eq!(placed(&app, nowhere).await.0, None);

    // A moderator's choice wins over the district's route.
    let r = post(
        &app,
        &cookie,
        &format!("/cabinet/problems/{chosen}/agency"),
        &[("csrf", &csrf), ("agency", &gorsvet.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for id in [in_park, in_pond, outside, light_in_park, chosen, nowhere] {
        let r = post(
            &app,
            &cookie,
            &format!("/cabinet/problems/{id}/status"),
            &[("csrf", &csrf), ("status", "published")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(
        placed(&app, in_park).await.1,
        Some(zhkh),
        "the park's route"
    );
    assert_eq!(
        placed(&app, in_pond).await.1,
        Some(road_service),
        "a hole excludes"
    );
    assert_eq!(placed(&app, outside).await.1, Some(road_service));
    assert_eq!(
        placed(&app, light_in_park).await.1,
        Some(gorsvet),
        "no route for this category in the park: the category's agency"
    );
    assert_eq!(
        placed(&app, chosen).await.1,
        Some(gorsvet),
        "the moderator's"
    );
    assert_eq!(placed(&app, nowhere).await.1, Some(road_service));

    // The problem page names the district.
    let page = app
        .get(
            &format!("/cabinet/problems/{in_park}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.body
            .contains(r#"<dd class="problem-district">А-Парк</dd>"#),
        "{}",
        page.body
    );

    // The statistics count by district: three in the park, one without a place.
    let stats = app.get("/cabinet/stats", &[("cookie", &cookie)]).await;
    assert_eq!(stats.status, StatusCode::OK);
    let table = stats
        .body
        .split(r#"<table class="stats" id="stats-district">"#)
        .nth(1)
        .expect("a table by district")
        .split("</table>")
        .next()
        .unwrap();
    assert!(table.contains("По районам"), "{table}");
    assert!(
        table.contains(r#"<th scope="row">А-Парк</th><td>3</td>"#),
        "{table}"
    );
    assert!(
        table.contains(r#"<th scope="row">Вне районов</th><td>1</td>"#),
        "{table}"
    );

    // The command line's --none: the park's roads follow the category again.
    admin::route_district(
        &app.state.db,
        "Демоград",
        "А-Парк",
        "Дороги и тротуары",
        None,
    )
    .await
    .unwrap();
    assert_eq!(app.count("SELECT count(*) FROM district_routes").await, 0);
    let err = admin::route_district(
        &app.state.db,
        "Демоград",
        "Нет такого",
        "Дороги и тротуары",
        None,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("no district named"), "{err}");
}

/// In the demo city's western and central strips.
const WEST: (f64, f64) = (54.50, 36.18);
const CENTRE: (f64, f64) = (54.50, 36.26);

/// The ids of the list's rows, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split(r#"<tr data-problem-id=""#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The CSV's lines (the header first), split into fields (no field here holds a `;`).
fn csv_lines(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_list_and_the_exports_filter_by_district_within_the_agency_scope() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let (west, centre) = (
        district(&app, "Западный").await,
        district(&app, "Центральный").await,
    );
    let west_roads = [
        report(&app, "Дороги и тротуары", Some(WEST)).await,
        report(&app, "Дороги и тротуары", Some(WEST)).await,
    ];
    let west_light = report(&app, "Освещение", Some(WEST)).await;
    let centre_road = report(&app, "Дороги и тротуары", Some(CENTRE)).await;
    let nowhere = report(&app, "Дороги и тротуары", None).await;
    // Published, so each has its category's agency.
    for id in [
        west_roads[0],
        west_roads[1],
        west_light,
        centre_road,
        nowhere,
    ] {
        let r = post(
            &app,
            &cookie,
            &format!("/cabinet/problems/{id}/status"),
            &[("csrf", &csrf), ("status", "published")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(placed(&app, west_light).await.0, Some(west));
    assert_eq!(placed(&app, centre_road).await.0, Some(centre));
    assert_eq!(placed(&app, nowhere).await.0, None);
    let get = |uri: String, cookie: String| {
        let app = &app;
        async move {
            let r = app.get(&uri, &[("cookie", &cookie)]).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            r.body
        }
    };

    // The whole list: the district select (every district, "outside" too) and column.
    let page = get("/cabinet".into(), cookie.clone()).await;
    assert!(
        page.contains(
            r#"<select id="filter-district" name="district"><option value="">Все</option>"#
        ),
        "{page}"
    );
    for name in demo::DEMO_DISTRICTS {
        assert!(
            page.contains(&format!(">{name}</option>")),
            "{name}: {page}"
        );
    }
    assert!(
        page.contains(r#"<option value="none">Вне районов</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"<th scope="col">Район</th>"#), "{page}");
    assert_eq!(
        listed(&page),
        vec![
            nowhere,
            centre_road,
            west_light,
            west_roads[1],
            west_roads[0]
        ]
    );
    let cell = |page: &str, id: i64| {
        page.split(&format!(r#"<tr data-problem-id="{id}">"#))
            .nth(1)
            .and_then(|row| row.split(r#"<td class="problem-district">"#).nth(1))
            .and_then(|cell| cell.split("</td>").next())
            .map(str::to_owned)
    };
    assert_eq!(cell(&page, west_light).as_deref(), Some("Западный"));
    assert_eq!(cell(&page, centre_road).as_deref(), Some("Центральный"));
    assert_eq!(
        cell(&page, nowhere).as_deref(),
        Some(r#"<span class="muted">Вне районов</span>"#)
    );

    // One district: its problems, its total, the choice kept in the exports' links.
    let page = get(format!("/cabinet?district={west}"), cookie.clone()).await;
    assert_eq!(
        listed(&page),
        vec![west_light, west_roads[1], west_roads[0]]
    );
    assert!(
        page.contains(r#"<p id="problem-count">3 обращения</p>"#),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            r#"<option value="{west}" selected>Западный</option>"#
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"href="/cabinet/export.csv?district={west}""#)),
        "{page}"
    );
    // With a status too, and on a later page: the pages' links keep the district.
    let page = get(
        format!("/cabinet?status=published&district={centre}"),
        cookie.clone(),
    )
    .await;
    assert_eq!(listed(&page), vec![centre_road]);
    assert!(page.contains(">1 обращение</p>"), "{page}");
    let page = get(
        format!("/cabinet?page=2&before={}&district={west}", west_roads[1]),
        cookie.clone(),
    )
    .await;
    assert_eq!(listed(&page), vec![west_roads[0]]);
    assert!(
        page.contains(&format!(
            r#"<a rel="prev" href="/cabinet?page=1&amp;after={}&amp;district={west}">"#,
            west_roads[0]
        )),
        "{page}"
    );
    // Outside every district: the report without a place.
    let page = get("/cabinet?district=none".into(), cookie.clone()).await;
    assert_eq!(listed(&page), vec![nowhere]);
    assert!(page.contains(">1 обращение</p>"), "{page}");
    assert!(
        page.contains(r#"<option value="none" selected>Вне районов</option>"#),
        "{page}"
    );
    // In English.
    let page = get(format!("/cabinet?lang=en&district={west}"), cookie.clone()).await;
    assert!(
        page.contains(r#"<label for="filter-district">District</label>"#)
            && page.contains(r#"<option value="none">Outside districts</option>"#),
        "{page}"
    );

    // The CSV: a district column, by name, empty outside; filtered as the list is.
    let csv = get("/cabinet/export.csv".into(), cookie.clone()).await;
    let lines = csv_lines(&csv);
    assert_eq!(lines[0][5..8], ["Исполнитель", "Район", "Адрес"], "{csv}");
    let district_of = |lines: &[Vec<String>], id: i64| {
        lines
            .iter()
            .find(|l| l[0] == id.to_string())
            .map(|l| l[6].clone())
    };
    assert_eq!(district_of(&lines, west_light).as_deref(), Some("Западный"));
    assert_eq!(
        district_of(&lines, centre_road).as_deref(),
        Some("Центральный")
    );
    assert_eq!(district_of(&lines, nowhere).as_deref(), Some(""));
    let csv = get(
        format!("/cabinet/export.csv?district={west}"),
        cookie.clone(),
    )
    .await;
    let lines = csv_lines(&csv);
    assert_eq!(lines.len(), 4, "a header and the district's 3: {csv}");
    assert!(lines[1..].iter().all(|l| l[6] == "Западный"), "{csv}");
    assert!(!csv.contains("Канарейкин") && !csv.contains("canary-mail"));
    let csv = get("/cabinet/export.csv?district=none".into(), cookie.clone()).await;
    let lines = csv_lines(&csv);
    assert_eq!(lines.len(), 2, "{csv}");
    assert_eq!(lines[1][0], nowhere.to_string());

    // The GeoJSON: a `district` property.
    let geojson = get("/cabinet/export.geojson".into(), cookie.clone()).await;
    let doc: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    let features = doc["features"].as_array().unwrap();
    let property = |id: i64| {
        features
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["properties"]["district"].clone())
    };
    assert_eq!(property(west_roads[0]), Some(json!("Западный")));
    assert_eq!(property(centre_road), Some(json!("Центральный")));
    let geojson = get(
        format!("/cabinet/export.geojson?district={centre}"),
        cookie.clone(),
    )
    .await;
    let doc: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 1, "{geojson}");
    assert_eq!(doc["features"][0]["id"], centre_road);

    // An agency official filtering by district still sees only their agency's problems.
    admin::add_official(
        &app.state.db,
        OfficialSpec {
            login: "dorogi".into(),
            municipality: demo::MUNICIPALITY.into(),
            password: "dorogi-password".into(),
            display_name: None,
            role: Role::AgencyOfficial,
            agency: Some("Дорожная служба".into()),
        },
    )
    .await
    .unwrap();
    let (roads, _) = app.login("dorogi", "dorogi-password").await;
    let page = get(format!("/cabinet?district={west}"), roads.clone()).await;
    assert_eq!(listed(&page), vec![west_roads[1], west_roads[0]]);
    assert!(page.contains(">2 обращения</p>"), "{page}");
    let page = get("/cabinet?district=none".into(), roads.clone()).await;
    assert_eq!(listed(&page), vec![nowhere]);
    assert!(page.contains(">1 обращение</p>"), "{page}");
    let csv = get(
        format!("/cabinet/export.csv?district={west}"),
        roads.clone(),
    )
    .await;
    let ids: Vec<String> = csv_lines(&csv)[1..].iter().map(|l| l[0].clone()).collect();
    assert_eq!(
        ids,
        [west_roads[1].to_string(), west_roads[0].to_string()],
        "{csv}"
    );
    let geojson = get(format!("/cabinet/export.geojson?district={west}"), roads).await;
    let doc: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    let ids: Vec<i64> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, west_roads.iter().rev().copied().collect::<Vec<_>>());

    // Another municipality's official asking for this city's district: nothing, counted 0.
    let (other, _) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let page = get(format!("/cabinet?district={west}"), other.clone()).await;
    assert!(listed(&page).is_empty(), "{page}");
    assert!(page.contains(">0 обращений</p>"), "{page}");
    let csv = get(format!("/cabinet/export.csv?district={west}"), other).await;
    assert_eq!(csv_lines(&csv).len(), 1, "the header alone: {csv}");
}

#[tokio::test]
async fn a_municipality_without_districts_has_no_district_select_or_column() {
    let app = TestApp::new().await;
    let mut body = app.valid_report();
    body["category_id"] = json!(app.other_category);
    body["location"] = json!({ "lat": 10.5, "lon": 10.5 });
    let r = app.report("other", None, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let (other, _) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let page = app.get("/cabinet", &[("cookie", &other)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(listed(&page.body), vec![id]);
    assert!(page.body.contains(r#"id="filter-category""#));
    for absent in [
        "filter-district",
        "problem-district",
        r#"<th scope="col">Район</th>"#,
    ] {
        assert!(!page.body.contains(absent), "{absent}: {}", page.body);
    }
}

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
        ("{\"type\": \"Polygon\"", "not valid JSON"),
        (
            r#"{"type": "Point", "coordinates": [36.2, 54.5]}"#,
            "encloses no area",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 54.5], [36.3, 54.55]]]}"#,
            "at least 4 positions",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 54.5], [36.3, 54.55], [36.2, 54.55]]]}"#,
            "not closed",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[36.2, 54.5], [36.3, 954.5], [36.3, 54.55], [36.2, 54.5]]]}"#,
            "latitude 954.5 is outside -90..90",
        ),
        // Latitude first: a place in the Indian Ocean, not in Демоград.
        (
            r#"{"type": "Polygon", "coordinates": [[[54.5, 36.2], [54.5, 36.3], [54.55, 36.3], [54.5, 36.2]]]}"#,
            "outside the municipality's area",
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

//! Open311 GeoReport v2: every resource in XML and JSON checked against the field lists of the
//! specification (<http://wiki.open311.org/GeoReport_v2>), creation with and without a valid
//! `api_key`, the spec's error format, and that a reporter's contacts never come back.

use crate::common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use host_service::admin;
use host_service::demo::SITE_KEY;
use serde_json::Value;

const CANARY_NAME: &str = "Канарейкин";
const CANARY_EMAIL: &str = "canary-mail@example.ru";
const CANARY_PHONE: &str = "+7 (900) 555-01-02";

// The spec's field lists, written from its "Response" tables.
const SERVICE_FIELDS: &[&str] = &[
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
];
const REQUEST_REQUIRED: &[&str] = &[
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "description",
    "requested_datetime",
    "updated_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];
/// "May not be returned" in the spec.
const REQUEST_OPTIONAL: &[&str] = &[
    "status_notes",
    "agency_responsible",
    "service_notice",
    "expected_datetime",
];

fn xml(reply: &Reply) -> roxmltree::Document<'_> {
    assert!(
        reply
            .body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "the spec wants the XML declaration with the encoding: {}",
        reply.body
    );
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    roxmltree::Document::parse(&reply.body)
        .unwrap_or_else(|e| panic!("not XML ({e}): {}", reply.body))
}

fn json(reply: &Reply) -> Value {
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    reply.json()
}

fn children<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    node.children().filter(|n| n.is_element()).collect()
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    children(node)
        .into_iter()
        .find(|c| c.tag_name().name() == name)
        .map(|c| c.text().unwrap_or(""))
}

fn names(node: roxmltree::Node<'_, '_>) -> Vec<String> {
    children(node)
        .iter()
        .map(|c| c.tag_name().name().to_owned())
        .collect()
}

/// A w3/ISO 8601 datetime with an offset (`Z` or `±HH:MM`), as the spec requires.
fn assert_w3_datetime(s: &str) {
    let parsed = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339);
    let offset_ok = s.ends_with('Z') || {
        let tail = &s[s.len().saturating_sub(6)..];
        (tail.starts_with('+') || tail.starts_with('-')) && tail.as_bytes()[3] == b':'
    };
    assert!(
        parsed.is_ok() && offset_ok,
        "not a w3 datetime with offset: {s:?}"
    );
}

/// The spec's error answer in both formats: HTTP `status`, a list of `code` + `description`.
fn assert_spec_error(xml_reply: &Reply, json_reply: &Reply, status: StatusCode, words: &str) {
    for reply in [xml_reply, json_reply] {
        assert_eq!(reply.status, status, "{}", reply.body);
    }
    let doc = xml(xml_reply);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "errors");
    let errors = children(root);
    assert!(!errors.is_empty());
    for e in &errors {
        assert_eq!(e.tag_name().name(), "error");
        assert_eq!(names(*e), ["code", "description"]);
        assert!(child_text(*e, "code").unwrap().parse::<u16>().is_ok());
    }
    assert!(
        xml_reply.body.contains(words),
        "{words:?} not in {}",
        xml_reply.body
    );
    let body = json(json_reply);
    let list = body.as_array().expect("errors are an array");
    assert!(!list.is_empty());
    for e in list {
        let obj = e.as_object().unwrap();
        assert_eq!(obj.len(), 2, "{e}");
        assert_eq!(e["code"].as_u64(), Some(status.as_u16() as u64));
        assert!(e["description"].is_string());
    }
    assert!(json_reply.body.contains(words));
}

async fn both(app: &TestApp, path_without_ext: &str, query: &str) -> (Reply, Reply) {
    let x = app
        .get(&format!("{path_without_ext}.xml?{query}"), &[])
        .await;
    let j = app
        .get(&format!("{path_without_ext}.json?{query}"), &[])
        .await;
    (x, j)
}

fn assert_no_canary(reply: &Reply) {
    for canary in [CANARY_NAME, CANARY_EMAIL, "555-01-02", "canary"] {
        assert!(
            !reply.body.contains(canary),
            "{canary} leaked: {}",
            reply.body
        );
    }
}

/// Files a widget report (with canary contacts) and moves it to `status` as an official would,
/// with a public answer.
async fn problem_in_status(
    app: &TestApp,
    status: &'static str,
    answer: Option<&'static str>,
) -> i64 {
    let r = app
        .report(SITE_KEY, Some(common::DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    if status != "new" {
        app.state
            .db
            .write(move |c| {
                c.execute(
                    "UPDATE problems SET status = ?1, published_at = created_at, updated_at = created_at + 60 WHERE id = ?2",
                    (status, id),
                )?;
                c.execute(
                    "INSERT INTO problem_events (problem_id, at, from_status, to_status, public_answer, internal_note)
                     VALUES (?1, 0, 'new', ?2, ?3, 'внутренняя заметка')",
                    (id, status, answer),
                )?;
                Ok::<_, host_service::api::ApiError>(())
            })
            .await
            .unwrap();
    }
    id
}

fn jurisdiction() -> String {
    format!("jurisdiction_id={SITE_KEY}")
}

#[tokio::test]
async fn discovery_names_the_endpoint_and_its_formats() {
    let app = TestApp::new().await;
    let (x, j) = both(&app, "/open311/discovery", "").await;
    assert_eq!((x.status, j.status), (StatusCode::OK, StatusCode::OK));
    let doc = xml(&x);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "discovery");
    assert_eq!(
        names(root),
        ["changeset", "contact", "key_service", "endpoints"]
    );
    assert_w3_datetime(child_text(root, "changeset").unwrap());
    let endpoint = children(children(root)[3])[0];
    assert_eq!(endpoint.tag_name().name(), "endpoint");
    assert_eq!(
        names(endpoint),
        ["specification", "url", "changeset", "type", "formats"]
    );
    assert_eq!(
        child_text(endpoint, "specification"),
        Some("http://wiki.open311.org/GeoReport_v2")
    );
    assert_eq!(
        child_text(endpoint, "url"),
        Some(format!("{}/open311/v2", common::PUBLIC).as_str())
    );
    let body = json(&j);
    let formats = &body["endpoints"][0]["formats"];
    assert_eq!(
        formats,
        &serde_json::json!(["text/xml", "application/json"])
    );
    assert_eq!(body["endpoints"][0]["type"], "production");
}

#[tokio::test]
async fn services_list_one_service_per_category_in_both_formats() {
    let app = TestApp::new().await;
    let (x, j) = both(&app, "/open311/v2/services", &jurisdiction()).await;
    assert_eq!((x.status, j.status), (StatusCode::OK, StatusCode::OK));
    let doc = xml(&x);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "services");
    let services = children(root);
    assert_eq!(services.len(), 5, "the demo city's categories");
    for s in &services {
        assert_eq!(s.tag_name().name(), "service");
        assert_eq!(names(*s), SERVICE_FIELDS);
        assert!(matches!(child_text(*s, "metadata"), Some("true" | "false")));
        assert!(matches!(
            child_text(*s, "type"),
            Some("realtime" | "batch" | "blackbox")
        ));
    }
    assert_eq!(
        child_text(services[0], "service_code"),
        Some(app.demo_category.to_string().as_str())
    );
    assert_eq!(
        child_text(services[0], "service_name"),
        Some("Дороги и тротуары")
    );

    let list = json(&j);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    for s in list {
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = SERVICE_FIELDS.to_vec();
        expected.sort();
        assert_eq!(keys, expected);
        assert!(s["service_code"].is_string() && s["service_name"].is_string());
        assert!(s["metadata"].is_boolean());
        assert_eq!(s["type"], "realtime");
    }
    let en = app
        .get(
            &format!("/open311/v2/services.json?{}&lang=en", jurisdiction()),
            &[],
        )
        .await;
    assert_eq!(en.json()[0]["service_name"], "Roads and pavements");
}

#[tokio::test]
async fn a_service_definition_has_the_spec_shape() {
    let app = TestApp::new().await;
    let code = app.demo_category;
    let (x, j) = both(
        &app,
        &format!("/open311/v2/services/{code}"),
        &jurisdiction(),
    )
    .await;
    assert_eq!((x.status, j.status), (StatusCode::OK, StatusCode::OK));
    let doc = xml(&x);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_definition");
    assert_eq!(names(root), ["service_code", "attributes"]);
    assert_eq!(
        child_text(root, "service_code"),
        Some(code.to_string().as_str())
    );
    let body = json(&j);
    assert_eq!(body["service_code"], code.to_string());
    assert_eq!(body["attributes"], serde_json::json!([]));

    // Another municipality's category is not a service of this jurisdiction.
    let (x, j) = both(
        &app,
        &format!("/open311/v2/services/{}", app.other_category),
        &jurisdiction(),
    )
    .await;
    assert_spec_error(&x, &j, StatusCode::NOT_FOUND, "service_code");
}

#[tokio::test]
async fn jurisdiction_is_required_and_must_exist() {
    let app = TestApp::new().await;
    for resource in ["/open311/v2/services", "/open311/v2/requests"] {
        let (x, j) = both(&app, resource, "").await;
        assert_spec_error(&x, &j, StatusCode::BAD_REQUEST, "jurisdiction_id");
        let (x, j) = both(&app, resource, "jurisdiction_id=nowhere").await;
        assert_spec_error(&x, &j, StatusCode::NOT_FOUND, "jurisdiction_id");
    }
    let (x, j) = both(&app, "/open311/v2/tokens/123", &jurisdiction()).await;
    assert_spec_error(&x, &j, StatusCode::NOT_FOUND, "no such Open311 resource");
}

fn check_request_xml(request: roxmltree::Node<'_, '_>) {
    assert_eq!(request.tag_name().name(), "request");
    let fields = names(request);
    for f in REQUEST_REQUIRED {
        assert!(fields.iter().any(|n| n == f), "{f} missing from {fields:?}");
    }
    for f in &fields {
        assert!(
            REQUEST_REQUIRED.contains(&f.as_str()) || REQUEST_OPTIONAL.contains(&f.as_str()),
            "{f} is not a field of the spec"
        );
    }
    assert!(matches!(
        child_text(request, "status"),
        Some("open" | "closed")
    ));
    assert_w3_datetime(child_text(request, "requested_datetime").unwrap());
    assert_w3_datetime(child_text(request, "updated_datetime").unwrap());
    assert!(child_text(request, "lat").unwrap().parse::<f64>().is_ok());
    assert!(child_text(request, "long").unwrap().parse::<f64>().is_ok());
}

fn check_request_json(r: &Value) {
    let obj = r.as_object().unwrap();
    for f in REQUEST_REQUIRED {
        assert!(obj.contains_key(*f), "{f} missing from {r}");
    }
    for k in obj.keys() {
        assert!(
            REQUEST_REQUIRED.contains(&k.as_str()) || REQUEST_OPTIONAL.contains(&k.as_str()),
            "{k} is not a field of the spec"
        );
    }
    assert!(r["service_request_id"].is_string() && r["service_code"].is_string());
    assert!(matches!(r["status"].as_str(), Some("open" | "closed")));
    assert_w3_datetime(r["requested_datetime"].as_str().unwrap());
    assert_w3_datetime(r["updated_datetime"].as_str().unwrap());
    assert!(r["lat"].is_f64() && r["long"].is_f64());
    for nullable in ["address_id", "zipcode", "media_url"] {
        assert!(r[nullable].is_null() || r[nullable].is_string());
    }
}

#[tokio::test]
async fn requests_list_only_moderated_problems_with_mapped_statuses() {
    let app = TestApp::new().await;
    let unmoderated = problem_in_status(&app, "new", None).await;
    let open = problem_in_status(&app, "in_progress", Some("Бригада выехала")).await;
    let refused = problem_in_status(&app, "refused", Some("Это частная территория")).await;

    let (x, j) = both(&app, "/open311/v2/requests", &jurisdiction()).await;
    assert_eq!((x.status, j.status), (StatusCode::OK, StatusCode::OK));
    for reply in [&x, &j] {
        assert_no_canary(reply);
        assert!(!reply.body.contains("внутренняя заметка"));
    }
    let doc = xml(&x);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    let requests = children(root);
    assert_eq!(requests.len(), 2, "the unmoderated report is not listed");
    for r in &requests {
        check_request_xml(*r);
    }
    // Newest first.
    assert_eq!(
        child_text(requests[0], "service_request_id"),
        Some(refused.to_string().as_str())
    );
    assert_eq!(child_text(requests[0], "status"), Some("closed"));
    assert_eq!(
        child_text(requests[0], "status_notes"),
        Some("Отказано. Это частная территория")
    );
    assert_eq!(child_text(requests[1], "status"), Some("open"));
    assert_eq!(
        child_text(requests[1], "status_notes"),
        Some("В работе. Бригада выехала")
    );

    let list = json(&j);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    for r in list {
        check_request_json(r);
    }
    let ids: Vec<&str> = list
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&unmoderated.to_string().as_str()));

    let en = app
        .get(
            &format!("/open311/v2/requests.json?{}&lang=en", jurisdiction()),
            &[],
        )
        .await;
    assert_eq!(
        en.json()[0]["status_notes"],
        "Refused. Это частная территория"
    );

    // One request; an unmoderated one does not exist for the public.
    let (x, j) = both(
        &app,
        &format!("/open311/v2/requests/{open}"),
        &jurisdiction(),
    )
    .await;
    let doc = xml(&x);
    let only = children(doc.root_element());
    assert_eq!(only.len(), 1);
    check_request_xml(only[0]);
    check_request_json(&json(&j)[0]);
    assert_eq!(json(&j)[0]["service_request_id"], open.to_string());
    let (x, j) = both(
        &app,
        &format!("/open311/v2/requests/{unmoderated}"),
        &jurisdiction(),
    )
    .await;
    assert_spec_error(&x, &j, StatusCode::NOT_FOUND, "service_request_id");
    // Another jurisdiction does not see this site's problems.
    let other = app
        .get(
            &format!("/open311/v2/requests/{open}.json?jurisdiction_id=other"),
            &[],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_filters_and_pages() {
    let app = TestApp::new().await;
    let a = problem_in_status(&app, "published", None).await;
    let b = problem_in_status(&app, "resolved", None).await;
    let c = problem_in_status(&app, "closed", None).await;
    let ids = |reply: Reply| -> Vec<String> {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = |extra: &str| format!("/open311/v2/requests.json?{}&{extra}", jurisdiction());
    assert_eq!(ids(app.get(&q("status=open"), &[]).await), [a.to_string()]);
    assert_eq!(
        ids(app.get(&q("status=closed"), &[]).await),
        [c.to_string(), b.to_string()]
    );
    assert_eq!(ids(app.get(&q("status=open,closed"), &[]).await).len(), 3);
    assert_eq!(
        ids(app
            .get(&q(&format!("service_request_id={a},{c}")), &[])
            .await),
        [c.to_string(), a.to_string()]
    );
    assert_eq!(
        ids(app
            .get(&q(&format!("service_code={}", app.demo_category)), &[])
            .await)
        .len(),
        3
    );
    assert!(ids(app.get(&q("service_code=999999"), &[]).await).is_empty());
    assert!(
        ids(app
            .get(
                &q("start_date=2010-01-01T00:00:00Z&end_date=2010-02-01T00:00:00%2B03:00"),
                &[]
            )
            .await)
        .is_empty()
    );
    let now = time::OffsetDateTime::now_utc();
    let day = time::Duration::days(1);
    let fmt = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let window = format!("start_date={}&end_date={}", fmt(now - day), fmt(now + day));
    assert_eq!(ids(app.get(&q(&window), &[]).await).len(), 3);
    assert_eq!(
        ids(app.get(&q("page_size=2"), &[]).await),
        [c.to_string(), b.to_string()]
    );
    assert_eq!(
        ids(app.get(&q("page_size=2&page=2"), &[]).await),
        [a.to_string()]
    );

    for (bad, words) in [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        (
            "start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z",
            "90 days",
        ),
        ("page_size=100000", "page_size"),
        ("page=0", "page"),
    ] {
        let x = app
            .get(
                &format!("/open311/v2/requests.xml?{}&{bad}", jurisdiction()),
                &[],
            )
            .await;
        let j = app.get(&q(bad), &[]).await;
        assert_spec_error(&x, &j, StatusCode::BAD_REQUEST, words);
    }
}

async fn post(app: &TestApp, ext: &str, body: &str) -> Reply {
    app.post_raw(
        &format!("/open311/v2/requests.{ext}"),
        &[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        body.to_owned(),
    )
    .await
}

fn form(pairs: &[(&str, &str)]) -> String {
    common::form(pairs)
}

#[tokio::test]
async fn post_with_a_valid_key_files_a_report_for_moderation() {
    let app = TestApp::new().await;
    let key = admin::issue_api_key(&app.state.db, SITE_KEY, "CRM мэрии")
        .await
        .unwrap();
    let code = app.demo_category.to_string();
    let fields = |lang: &str| {
        form(&[
            ("api_key", &key.key),
            ("jurisdiction_id", SITE_KEY),
            ("service_code", &code),
            ("lat", "54.51"),
            ("long", "36.26"),
            ("address_string", "ул. Ленина, 12"),
            ("email", CANARY_EMAIL),
            ("first_name", CANARY_NAME),
            ("last_name", "Пётр"),
            ("phone", CANARY_PHONE),
            ("description", "Не горит фонарь у остановки уже неделю"),
            ("lang", lang),
        ])
    };
    let x = post(&app, "xml", &fields("ru")).await;
    assert_eq!(x.status, StatusCode::CREATED, "{}", x.body);
    assert_no_canary(&x);
    let doc = xml(&x);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    let request = children(root)[0];
    assert_eq!(names(request), ["service_request_id", "service_notice"]);
    let id: i64 = child_text(request, "service_request_id")
        .unwrap()
        .parse()
        .unwrap();

    let j = post(&app, "json", &fields("en")).await;
    assert_eq!(j.status, StatusCode::CREATED, "{}", j.body);
    assert_no_canary(&j);
    let body = json(&j);
    assert!(body[0]["service_request_id"].is_string());
    assert!(
        body[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("moderation")
    );

    // Stored like a widget report: waiting for moderation, attributed to the client, contacts
    // only in `reporters`.
    let (status, client, name, email, phone): (String, i64, String, String, String) = app
        .state
        .db
        .read(move |c| {
            c.query_row(
                "SELECT p.status, p.api_client_id, r.name, r.email, r.phone
                 FROM problems p JOIN reporters r ON r.problem_id = p.id WHERE p.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    assert_eq!(status, "new");
    assert_eq!(client, key.client_id);
    assert_eq!(
        (name.as_str(), email.as_str(), phone.as_str()),
        ("Канарейкин Пётр", CANARY_EMAIL, CANARY_PHONE)
    );
    // Not public until a moderator publishes it.
    let listed = app
        .get(
            &format!("/open311/v2/requests/{id}.json?{}", jurisdiction()),
            &[],
        )
        .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
}

/// Form fields, the expected status, and words the error must contain.
type Case = (Vec<(&'static str, String)>, StatusCode, &'static str);

#[tokio::test]
async fn post_errors_use_the_spec_format() {
    let app = TestApp::new().await;
    let key = admin::issue_api_key(&app.state.db, SITE_KEY, "CRM")
        .await
        .unwrap();
    let other_key = admin::issue_api_key(&app.state.db, "other", "CRM")
        .await
        .unwrap();
    let revoked = admin::issue_api_key(&app.state.db, SITE_KEY, "old CRM")
        .await
        .unwrap();
    assert_eq!(
        admin::revoke_api_keys(&app.state.db, SITE_KEY, "old CRM")
            .await
            .unwrap(),
        1
    );
    let code = app.demo_category.to_string();
    let description = "Разбита скамейка во дворе дома 3";
    let base = |api_key: &str, service_code: &str| {
        vec![
            ("api_key", api_key.to_owned()),
            ("jurisdiction_id", SITE_KEY.to_owned()),
            ("service_code", service_code.to_owned()),
            ("description", description.to_owned()),
            ("email", CANARY_EMAIL.to_owned()),
        ]
    };
    let with_place = |mut v: Vec<(&'static str, String)>| {
        v.push(("lat", "54.51".into()));
        v.push(("long", "36.26".into()));
        v
    };
    let encode = |v: &[(&str, String)]| {
        let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form(&pairs)
    };
    let cases: Vec<Case> = vec![
        (
            with_place(base("", &code))
                .into_iter()
                .filter(|(k, _)| *k != "api_key")
                .collect(),
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            with_place(base("civic_wrong", &code)),
            StatusCode::FORBIDDEN,
            "invalid api_key",
        ),
        (
            with_place(base(&other_key.key, &code)),
            StatusCode::FORBIDDEN,
            "invalid api_key",
        ),
        (
            with_place(base(&revoked.key, &code)),
            StatusCode::FORBIDDEN,
            "invalid api_key",
        ),
        (
            with_place(base(&key.key, "999999")),
            StatusCode::NOT_FOUND,
            "service_code",
        ),
        (
            with_place(base(&key.key, &app.other_category.to_string())),
            StatusCode::NOT_FOUND,
            "service_code",
        ),
        (
            with_place(base(&key.key, &code))
                .into_iter()
                .filter(|(k, _)| *k != "service_code")
                .collect(),
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            base(&key.key, &code),
            StatusCode::BAD_REQUEST,
            "lat/long or address_string",
        ),
        (
            {
                let mut v = base(&key.key, &code);
                v.push(("lat", "54.51".into()));
                v
            },
            StatusCode::BAD_REQUEST,
            "lat and long",
        ),
        (
            {
                let mut v = base(&key.key, &code);
                v.push(("lat", "10.5".into()));
                v.push(("long", "10.5".into()));
                v
            },
            StatusCode::BAD_REQUEST,
            "outside",
        ),
        (
            with_place(base(&key.key, &code))
                .into_iter()
                .filter(|(k, _)| *k != "description")
                .collect(),
            StatusCode::BAD_REQUEST,
            "description",
        ),
    ];
    for (fields, status, words) in cases {
        let body = encode(&fields);
        let x = post(&app, "xml", &body).await;
        let j = post(&app, "json", &body).await;
        assert_spec_error(&x, &j, status, words);
        assert_no_canary(&x);
        assert_no_canary(&j);
    }
    assert_eq!(app.count("SELECT count(*) FROM problems").await, 0);
}

#[tokio::test]
async fn public_reads_carry_an_etag_and_answer_304() {
    let app = TestApp::new().await;
    for uri in [
        format!("/open311/v2/services.xml?{}", jurisdiction()),
        format!("/open311/v2/requests.json?{}", jurisdiction()),
        "/open311/discovery.json".to_owned(),
        format!("/api/v1/sites/{SITE_KEY}"),
        "/api/openapi.json".to_owned(),
    ] {
        let first = app.get(&uri, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{uri}");
        let etag = first.header("etag").expect("an ETag").to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "a strong ETag: {etag}"
        );
        assert!(
            first
                .header("cache-control")
                .unwrap()
                .starts_with("public, max-age=")
        );
        let again = app.get(&uri, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let changed = app
            .get(&uri, &[("if-none-match", "\"something-else\"")])
            .await;
        assert_eq!(changed.status, StatusCode::OK);
    }
    // A new moderated problem changes the list, so its ETag.
    let uri = format!("/open311/v2/requests.json?{}", jurisdiction());
    let before = app.get(&uri, &[]).await.header("etag").unwrap().to_owned();
    problem_in_status(&app, "published", None).await;
    let after = app.get(&uri, &[("if-none-match", &before)]).await;
    assert_eq!(after.status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_names_the_agency_it_is_routed_to() {
    let app = TestApp::new().await;
    let routed = problem_in_status(&app, "in_progress", None).await;
    let unrouted = problem_in_status(&app, "published", None).await;
    app.state
        .db
        .write(move |c| {
            c.execute(
                "UPDATE problems SET agency_id = (SELECT id FROM agencies WHERE name = 'Горсвет')
                 WHERE id = ?1",
                [routed],
            )?;
            Ok::<_, host_service::api::ApiError>(())
        })
        .await
        .unwrap();
    let (x, j) = both(&app, "/open311/v2/requests", &jurisdiction()).await;
    let list = json(&j);
    let agency_of = |id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"].as_str() == Some(id.to_string().as_str()))
            .map(|r| r["agency_responsible"].clone())
            .unwrap()
    };
    assert_eq!(agency_of(routed), "Горсвет");
    assert_eq!(agency_of(unrouted), Value::Null);
    let doc = xml(&x);
    let first = children(doc.root_element())
        .into_iter()
        .find(|r| child_text(*r, "service_request_id") == Some(routed.to_string().as_str()))
        .unwrap();
    assert_eq!(child_text(first, "agency_responsible"), Some("Горсвет"));
}

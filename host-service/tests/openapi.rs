//! The widget API's OpenAPI document: served, valid OpenAPI 3, covering every `/api/v1` route of
//! the real router, readable at `/api`, and true to the API when a schema-based fuzzer
//! (schemathesis) drives the running server from it.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::Value;

async fn document(app: &TestApp) -> Value {
    let r = app.get("/api/openapi.json", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/json"));
    r.json()
}

/// Every `"$ref"` in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_served_document_is_openapi_3_and_self_contained() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());
    let methods = [
        "get", "put", "post", "delete", "patch", "head", "options", "trace",
    ];
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            assert!(methods.contains(&method.as_str()), "{method} {path}");
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                !responses.is_empty(),
                "{method} {path} declares its answers"
            );
            // Every path template parameter is declared as a path parameter.
            for name in path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
            {
                let declared = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true);
                assert!(declared, "{method} {path}: path parameter {name}");
            }
            // Errors are documented with the one API error shape.
            for (status, response) in responses {
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ApiError",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local references only");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    // Reporter contacts are accepted (NewProblem) but no answer schema carries them. The one
    // exception is ResidentProfile: the SSO exchange hands a signed-in resident their own name
    // and contacts (from their own site's token), to their own widget only. SupportRequest is
    // a request too: the address a vote is confirmed by.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let requests = [
        "NewProblem",
        "ReporterContacts",
        "ResidentProfile",
        "SupportRequest",
    ];
    for (name, schema) in schemas {
        if !requests.contains(&name.as_str()) {
            let text = schema.to_string();
            assert!(
                !text.contains("ReporterContacts") && !text.contains("\"email\""),
                "{name}"
            );
        }
    }
}

/// The `/api/v1` routes of the real router. axum does not list its routes, but its `Debug`
/// output names every registered path; reading that keeps this test from trusting a copy.
fn router_api_routes(app: &TestApp) -> BTreeSet<String> {
    let debug = format!("{:?}", app.router());
    debug
        .split('"')
        .filter(|s| s.starts_with("/api/v1"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_api_route_of_the_router_is_in_the_document_and_back() {
    let app = TestApp::new().await;
    let routes = router_api_routes(&app);
    assert!(
        routes.contains("/api/v1/sites/{key}") && routes.contains("/api/v1/sites/{key}/problems"),
        "the router's routes were not found in its Debug output: {routes:?}"
    );
    let doc = document(&app).await;
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(routes, documented);
}

#[tokio::test]
async fn the_api_page_lists_every_operation_without_scripts() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    for lang in ["", "?lang=en"] {
        let page = app.get(&format!("/api{lang}"), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            page.header("content-security-policy")
                .unwrap()
                .contains("default-src 'self'")
        );
        assert!(!page.body.contains("<script"));
        assert!(
            page.body.contains("/api/openapi.json") && page.body.contains("/open311/discovery.xml")
        );
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let heading = format!("{} {}", method.to_uppercase(), path);
                assert!(page.body.contains(&heading), "{heading} missing from /api");
            }
        }
    }
}

/// Drives the running server from its own document with schemathesis: every check (no 5xx,
/// status codes, content types, headers and bodies as declared, invalid data refused, wrong
/// methods 405) except `positive_data_acceptance`: a report can be schema-valid and still be
/// refused with 422 for what only the host knows (an unknown category, a place outside the
/// municipality), which that check would count as a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_errors_and_no_schema_violations() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let schemathesis = root.join(".tools/venv/bin/schemathesis");
    assert!(
        schemathesis.exists(),
        "schemathesis is not installed at {}: run scripts/install-tools.sh",
        schemathesis.display()
    );
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(host_service::serve(app.state.clone(), listener, async {
        let _ = stopped.await;
    }));

    let work = tempfile::tempdir().unwrap();
    // Path parameters name the seeded demo site, so requests reach validation and storage
    // rather than stopping at "unknown site".
    let config = work.path().join("schemathesis.toml");
    std::fs::write(&config, "[parameters]\n\"path.key\" = \"demo\"\n").unwrap();
    let url = format!("http://{addr}/api/openapi.json");
    let cwd = work.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(schemathesis)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .arg("--config-file")
            .arg(config)
            .args(["run", &url])
            .args([
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance",
            ])
            .args(["--max-examples", "50", "--max-time", "60"])
            .args(["--request-timeout", "10", "--no-color"])
            .output()
            .expect("schemathesis runs")
    })
    .await
    .unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{report}"
    );
    let operations: usize = document(&app).await["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert!(
        report.contains(&format!("Tested: {operations}")),
        "every operation ({operations}) was tested:\n{report}"
    );
    assert!(!report.contains("[5"), "no 5xx answers:\n{report}");
}

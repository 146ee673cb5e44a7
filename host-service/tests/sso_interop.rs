//! Interop: tokens minted by real JWT libraries of the host sites' ecosystems — PyJWT
//! (examples/sso-python) and Node's jsonwebtoken / jose (examples/sso-node) — are accepted
//! unchanged, for every algorithm a key may pin. The libraries come from `.tools/` (installed by
//! scripts/install-tools.sh); nothing is fetched here.

use crate::common;
use crate::sso_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use common::{DEMO_ORIGIN, TestApp};
use host_service::{admin, demo};
use serde_json::json;
use sso_support::SiteKey;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The key file a site's backend would hold.
fn key_file(dir: &Path, key: &SiteKey) -> PathBuf {
    let path = dir.join(format!("{}.key", key.kid));
    let bytes = match key.alg {
        jsonwebtoken::Algorithm::HS256 => key.secret.clone(),
        _ => key.private_pem.clone().into_bytes(),
    };
    std::fs::write(&path, bytes).unwrap();
    path
}

fn mint_with(program: &str, mut cmd: Command, key: &SiteKey, key_path: &Path, sub: &str) -> String {
    let out = cmd
        .args(["mint", "--site", demo::SITE_KEY, "--kid", &key.kid])
        .args(["--alg", sso_support::alg_name(key.alg)])
        .arg("--key")
        .arg(key_path)
        .args(["--sub", sub])
        .output()
        .unwrap_or_else(|e| panic!("{program} did not start ({e}): run scripts/install-tools.sh"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn python() -> Command {
    let py = root().join(".tools/venv/bin/python");
    assert!(
        py.exists(),
        "no {}: run scripts/install-tools.sh",
        py.display()
    );
    let mut cmd = Command::new(py);
    cmd.arg(root().join("examples/sso-python/app.py"));
    cmd
}

fn node() -> Command {
    let modules = root().join(".tools/node_modules");
    assert!(
        modules.join("jsonwebtoken").exists() && modules.join("jose").exists(),
        "no jsonwebtoken/jose in .tools/node_modules: run scripts/install-tools.sh"
    );
    let mut cmd = Command::new("node");
    cmd.env("NODE_PATH", modules)
        .arg(root().join("examples/sso-node/app.js"));
    cmd
}

#[tokio::test]
async fn tokens_minted_by_pyjwt_and_node_libraries_are_accepted() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let keys = [
        SiteKey::hs256("py-hs"),
        SiteKey::ed25519("py-ed"),
        SiteKey::p256("py-es"),
    ];
    for key in &keys {
        admin::add_sso_key(&app.state.db, demo::SITE_KEY, &key.kid, key.registered())
            .await
            .unwrap();
    }
    for key in &keys {
        let path = key_file(dir.path(), key);
        for (program, cmd) in [("PyJWT", python()), ("node", node())] {
            let sub = format!("{program}-{}", key.kid);
            let token = mint_with(program, cmd, key, &path, &sub);
            assert_eq!(token.split('.').count(), 3, "{program}: {token}");
            let r = app
                .post_raw(
                    "/api/v1/sso/exchange",
                    &[
                        ("content-type", "application/json"),
                        ("origin", DEMO_ORIGIN),
                    ],
                    json!({"site": demo::SITE_KEY, "token": token}).to_string(),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{program} {:?}: {}",
                key.alg,
                r.body
            );
            assert_eq!(r.json()["resident"]["display_name"], json!("Мария Иванова"));
            // The example's token is single-use like any other.
            let again = app
                .post_raw(
                    "/api/v1/sso/exchange",
                    &[("content-type", "application/json")],
                    json!({"site": demo::SITE_KEY, "token": token}).to_string(),
                )
                .await;
            assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{program} replay");
        }
    }
    assert_eq!(app.count("SELECT count(*) FROM residents").await, 6);
}

#[tokio::test]
async fn library_tokens_with_a_wrong_audience_or_key_are_refused() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let registered = SiteKey::ed25519("ed");
    admin::add_sso_key(&app.state.db, demo::SITE_KEY, "ed", registered.registered())
        .await
        .unwrap();
    // Same kid, another private key: what a site that lost its key (or an attacker) would mint.
    let wrong = SiteKey::ed25519("ed");
    let path = key_file(dir.path(), &wrong);
    for (program, cmd) in [("PyJWT", python()), ("node", node())] {
        let token = mint_with(program, cmd, &wrong, &path, "x");
        let r = app
            .post_raw(
                "/api/v1/sso/exchange",
                &[("content-type", "application/json")],
                json!({"site": demo::SITE_KEY, "token": token}).to_string(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{program}");
    }
}

//! Single sign-on (issue 3, SECURITY.md's SSO row): the token mutation table, each refused with
//! the same 401; valid tokens of each pinned algorithm accepted; identity is (site, sub); the
//! widget session is a bearer (never a cookie) that files reports and lists "my reports".

use crate::common;
use crate::sso_support;

use axum::http::StatusCode;
use common::{DEMO_ORIGIN, OTHER_ORIGIN, Reply, TestApp};
use host_service::{admin, demo};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};
use sso_support::{SiteKey, b64, claims, now, sign_raw};

const DEMO: &str = demo::SITE_KEY;

struct Keys {
    ed: SiteKey,
    es: SiteKey,
    hs: SiteKey,
    /// Site "other"'s key, with the same kid as `ed` on the demo site.
    other: SiteKey,
}

async fn setup() -> (TestApp, Keys) {
    let app = TestApp::new().await;
    let keys = Keys {
        ed: SiteKey::ed25519("ed-1"),
        es: SiteKey::p256("es-1"),
        hs: SiteKey::hs256("hs-1"),
        other: SiteKey::ed25519("ed-1"),
    };
    for k in [&keys.ed, &keys.es, &keys.hs] {
        admin::add_sso_key(&app.state.db, DEMO, &k.kid, k.registered())
            .await
            .unwrap();
    }
    admin::add_sso_key(
        &app.state.db,
        "other",
        &keys.other.kid,
        keys.other.registered(),
    )
    .await
    .unwrap();
    (app, keys)
}

async fn exchange(app: &TestApp, site: &str, token: &str, origin: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(o) = origin {
        headers.push(("origin", o));
    }
    app.post_raw(
        "/api/v1/sso/exchange",
        &headers,
        json!({"site": site, "token": token}).to_string(),
    )
    .await
}

fn assert_refused(r: &Reply, case: &str) {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{case}: {}", r.body);
    assert_eq!(
        r.json(),
        json!({"error": {"code": "sso_failed", "message": "sign-in failed"}}),
        "{case}: the answer does not say why"
    );
    assert!(r.header("set-cookie").is_none(), "{case}");
}

fn tamper(token: &str, f: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[1])
            .unwrap(),
    )
    .unwrap();
    f(&mut payload);
    format!(
        "{}.{}.{}",
        parts[0],
        b64(payload.to_string().as_bytes()),
        parts[2]
    )
}

#[tokio::test]
async fn every_mutated_token_is_refused_with_the_same_401() {
    let (app, keys) = setup().await;
    let ed = &keys.ed;
    let c = || claims(DEMO, "user-42");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = c();
        f(&mut v);
        v
    };
    let attacker = SiteKey::ed25519("ed-1");
    let mut cases: Vec<(&str, String, &str, Option<&str>)> = vec![
        (
            "alg: none",
            format!(
                "{}.{}.",
                b64(json!({"alg": "none", "typ": "JWT", "kid": "ed-1"})
                    .to_string()
                    .as_bytes()),
                b64(c().to_string().as_bytes())
            ),
            DEMO,
            None,
        ),
        (
            "alg: none on an HS256 kid",
            format!(
                "{}.{}.",
                b64(json!({"alg": "none", "kid": "hs-1"}).to_string().as_bytes()),
                b64(c().to_string().as_bytes())
            ),
            DEMO,
            None,
        ),
        (
            "HS256 signed with the public key as the secret",
            sign_raw(
                &json!({"alg": "HS256", "typ": "JWT", "kid": "ed-1"}),
                &c(),
                &EncodingKey::from_secret(ed.public_pem.as_bytes()),
                Algorithm::HS256,
            ),
            DEMO,
            None,
        ),
        (
            "HS256 signed with the ES256 public key as the secret",
            sign_raw(
                &json!({"alg": "HS256", "typ": "JWT", "kid": "es-1"}),
                &c(),
                &EncodingKey::from_secret(keys.es.public_pem.as_bytes()),
                Algorithm::HS256,
            ),
            DEMO,
            None,
        ),
        (
            "wrong aud",
            ed.mint(&with(&|v| v["aud"] = json!("civic-widget:other"))),
            DEMO,
            None,
        ),
        (
            "aud missing",
            ed.mint(&with(&|v| {
                v.as_object_mut().unwrap().remove("aud");
            })),
            DEMO,
            None,
        ),
        (
            "wrong iss",
            ed.mint(&with(&|v| v["iss"] = json!("other"))),
            DEMO,
            None,
        ),
        (
            "expired",
            ed.mint(&with(&|v| {
                v["iat"] = json!(now() - 400);
                v["exp"] = json!(now() - 100);
            })),
            DEMO,
            None,
        ),
        (
            "exp missing",
            ed.mint(&with(&|v| {
                v.as_object_mut().unwrap().remove("exp");
            })),
            DEMO,
            None,
        ),
        (
            "lives longer than 10 minutes",
            ed.mint(&with(&|v| v["exp"] = json!(now() + 3600))),
            DEMO,
            None,
        ),
        (
            "iat in the future",
            ed.mint(&with(&|v| {
                v["iat"] = json!(now() + 300);
                v["exp"] = json!(now() + 600);
            })),
            DEMO,
            None,
        ),
        (
            "nbf in the future",
            ed.mint(&with(&|v| v["nbf"] = json!(now() + 120))),
            DEMO,
            None,
        ),
        (
            "jti missing",
            ed.mint(&with(&|v| {
                v.as_object_mut().unwrap().remove("jti");
            })),
            DEMO,
            None,
        ),
        (
            "tampered payload",
            tamper(&ed.mint(&c()), |v| v["sub"] = json!("admin")),
            DEMO,
            None,
        ),
        (
            "tampered payload (a claim added)",
            tamper(&keys.hs.mint(&c()), |v| v["name"] = json!("Someone else")),
            DEMO,
            None,
        ),
        (
            "jku header pointing elsewhere, signed by the attacker",
            sign_raw(
                &json!({"alg": "EdDSA", "kid": "ed-1", "jku": "https://evil.example/jwks.json"}),
                &c(),
                &attacker.encoding_key(),
                Algorithm::EdDSA,
            ),
            DEMO,
            None,
        ),
        (
            "x5u header pointing elsewhere, signed by the attacker",
            sign_raw(
                &json!({"alg": "EdDSA", "kid": "ed-1", "x5u": "https://evil.example/cert.pem"}),
                &c(),
                &attacker.encoding_key(),
                Algorithm::EdDSA,
            ),
            DEMO,
            None,
        ),
        (
            "jwk header embedding the attacker's key",
            sign_raw(
                &json!({"alg": "EdDSA", "kid": "ed-1", "jwk": {
                    "kty": "OKP", "crv": "Ed25519",
                    "x": b64(&pem_body_tail(&attacker.public_pem)),
                }}),
                &c(),
                &attacker.encoding_key(),
                Algorithm::EdDSA,
            ),
            DEMO,
            None,
        ),
        (
            "jwk header and no kid",
            sign_raw(
                &json!({"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519",
                    "x": b64(&pem_body_tail(&attacker.public_pem))}}),
                &c(),
                &attacker.encoding_key(),
                Algorithm::EdDSA,
            ),
            DEMO,
            None,
        ),
        (
            "unknown kid",
            SiteKey::ed25519("nope").mint(&c()),
            DEMO,
            None,
        ),
        (
            "no kid",
            sign_raw(
                &json!({"alg": "EdDSA"}),
                &c(),
                &ed.encoding_key(),
                Algorithm::EdDSA,
            ),
            DEMO,
            None,
        ),
        (
            "site A's token presented for site B",
            ed.mint(&c()),
            "other",
            None,
        ),
        (
            "site A's token presented for site B from B's page",
            ed.mint(&c()),
            "other",
            Some(OTHER_ORIGIN),
        ),
        (
            "site A's token sent from site B's page",
            ed.mint(&c()),
            DEMO,
            Some(OTHER_ORIGIN),
        ),
        (
            "a token for site B (iss, aud) signed with site A's key",
            ed.mint(&claims("other", "user-42")),
            "other",
            None,
        ),
        ("unknown site", ed.mint(&c()), "nowhere", None),
        ("not a JWT", "not.a.jwt".to_owned(), DEMO, None),
        ("empty", String::new(), DEMO, None),
    ];
    // A revoked key no longer signs anyone in.
    let revoked = SiteKey::ed25519("old");
    admin::add_sso_key(&app.state.db, DEMO, "old", revoked.registered())
        .await
        .unwrap();
    admin::revoke_sso_key(&app.state.db, DEMO, "old")
        .await
        .unwrap();
    cases.push(("revoked key", revoked.mint(&c()), DEMO, None));

    for (case, token, site, origin) in &cases {
        let r = exchange(&app, site, token, *origin).await;
        assert_refused(&r, case);
    }
    assert_eq!(app.count("SELECT count(*) FROM residents").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM widget_sessions").await, 0);
}

/// The raw 32-byte key at the end of an Ed25519 SPKI PEM.
fn pem_body_tail(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
    der[der.len() - 32..].to_vec()
}

#[tokio::test]
async fn a_replayed_token_is_refused() {
    let (app, keys) = setup().await;
    let token = keys.ed.mint(&claims(DEMO, "user-1"));
    assert_eq!(
        exchange(&app, DEMO, &token, None).await.status,
        StatusCode::OK
    );
    assert_refused(&exchange(&app, DEMO, &token, None).await, "replayed jti");
    // The same jti under another token (re-signed) is a replay too.
    let mut c = claims(DEMO, "user-1");
    c["jti"] = json!("fixed-jti");
    assert_eq!(
        exchange(&app, DEMO, &keys.hs.mint(&c), None).await.status,
        StatusCode::OK
    );
    c["exp"] = json!(now() + 200);
    assert_refused(
        &exchange(&app, DEMO, &keys.es.mint(&c), None).await,
        "same jti, new token",
    );
}

#[tokio::test]
async fn valid_tokens_of_each_pinned_algorithm_sign_in() {
    let (app, keys) = setup().await;
    for (key, sub) in [
        (&keys.hs, "hs-user"),
        (&keys.ed, "ed-user"),
        (&keys.es, "es-user"),
    ] {
        // Within the leeway: issued "in 10 s" by a slightly fast clock, nbf now.
        let mut c = claims(DEMO, sub);
        c["nbf"] = json!(now() + 10);
        let r = exchange(&app, DEMO, &key.mint(&c), Some(DEMO_ORIGIN)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}: {}", key.alg, r.body);
        assert!(r.header("set-cookie").is_none());
        assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));
        let body = r.json();
        assert_eq!(body["expires_in"], json!(1800));
        assert!(body["session"].as_str().unwrap().len() >= 43);
        assert_eq!(
            body["resident"],
            json!({"display_name": "Мария Канарейкина", "email": "sso-canary@example.ru", "phone": "+7 900 555-77-66"})
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM residents").await, 3);
    // The session is stored only as a hash.
    assert_eq!(
        app.count("SELECT count(*) FROM widget_sessions WHERE length(token_hash) = 32")
            .await,
        3
    );
}

#[tokio::test]
async fn identity_is_site_and_sub_never_the_email() {
    let (app, keys) = setup().await;
    let mut c = claims(DEMO, "same-sub");
    assert_eq!(
        exchange(&app, DEMO, &keys.ed.mint(&c), None).await.status,
        StatusCode::OK
    );
    c = claims("other", "same-sub");
    assert_eq!(
        exchange(&app, "other", &keys.other.mint(&c), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.count("SELECT count(*) FROM residents WHERE sub = 'same-sub'")
            .await,
        2
    );
    // Another sub with the same e-mail is another resident; the same sub again is the same one
    // (with the contacts the site sends now).
    let c = claims(DEMO, "another-sub");
    assert_eq!(
        exchange(&app, DEMO, &keys.es.mint(&c), None).await.status,
        StatusCode::OK
    );
    let mut c = claims(DEMO, "same-sub");
    c["name"] = json!("Мария К.");
    assert_eq!(
        exchange(&app, DEMO, &keys.hs.mint(&c), None).await.status,
        StatusCode::OK
    );
    assert_eq!(app.count("SELECT count(*) FROM residents").await, 3);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM residents WHERE sub = 'same-sub' AND display_name = 'Мария К.'"
        )
        .await,
        1
    );
}

async fn sign_in(app: &TestApp, key: &SiteKey, site: &str, sub: &str) -> String {
    let r = exchange(app, site, &key.mint(&claims(site, sub)), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["session"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_session_files_reports_and_lists_them() {
    let (app, keys) = setup().await;
    let session = sign_in(&app, &keys.ed, DEMO, "reporter-7").await;
    let bearer = format!("Bearer {session}");
    // Two reports signed in, one anonymous.
    let mut ids = Vec::new();
    for text in [
        "Первая яма у дома 1, глубокая",
        "Вторая яма у дома 2, глубокая",
    ] {
        let mut report = app.valid_report();
        report["description"] = json!(text);
        let r = app
            .post_raw(
                &format!("/api/v1/sites/{DEMO}/problems"),
                &[
                    ("content-type", "application/json"),
                    ("origin", DEMO_ORIGIN),
                    ("authorization", &bearer),
                ],
                report.to_string(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert!(r.header("set-cookie").is_none());
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    let anon = app
        .report(DEMO, Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(anon.status, StatusCode::CREATED);
    // The contacts the form sent are stored for each problem, as for any report.
    assert_eq!(
        app.count("SELECT count(*) FROM problems p JOIN reporters r ON r.problem_id = p.id WHERE p.resident_id IS NOT NULL AND r.email = 'canary-mail@example.ru'")
            .await,
        2
    );

    let r = app
        .get(
            &format!("/api/v1/sites/{DEMO}/me/problems"),
            &[("authorization", &bearer), ("origin", DEMO_ORIGIN)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    let body = r.json();
    let listed: Vec<i64> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![ids[1], ids[0]],
        "own reports only, newest first"
    );
    let first = &body["problems"][0];
    assert_eq!(first["status"], json!("new"));
    assert_eq!(first["status_label"], json!("Новое"));
    assert!(first["category"].is_string());
    assert_eq!(first["created"].as_str().unwrap().len(), 10);
    assert_eq!(body["more"], json!(false));
    // Pagination: one per page.
    let r = app
        .get(
            &format!("/api/v1/sites/{DEMO}/me/problems?per_page=1&page=2"),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.json()["problems"][0]["id"].as_i64(), Some(ids[0]));
    let r = app
        .get(
            &format!("/api/v1/sites/{DEMO}/me/problems?per_page=1"),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.json()["more"], json!(true));

    // The cabinet shows the report as filed by a signed-in resident.
    let (cookie, _) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app
        .get(
            &format!("/cabinet/problems/{}", ids[0]),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Вошёл через сайт"), "{}", page.body);
    assert!(page.body.contains("reporter-7"));
    let page = app
        .get(
            &format!("/cabinet/problems/{}", anon.json()["id"]),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(!page.body.contains("Вошёл через сайт"));
}

#[tokio::test]
async fn without_a_valid_bearer_my_reports_are_401() {
    let (app, keys) = setup().await;
    let url = format!("/api/v1/sites/{DEMO}/me/problems");
    let session = sign_in(&app, &keys.ed, DEMO, "u").await;
    for (case, headers) in [
        ("nothing", vec![]),
        (
            "a cookie and no bearer",
            vec![("cookie", format!("session={session}"))],
        ),
        (
            "a made-up bearer",
            vec![("authorization", "Bearer 0000".to_owned())],
        ),
        (
            "basic auth",
            vec![("authorization", format!("Basic {session}"))],
        ),
    ] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.get(&url, &h).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(
            r.json()["error"]["code"],
            json!("unauthenticated"),
            "{case}"
        );
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        assert!(r.header("set-cookie").is_none());
    }
    // A demo session is no session on another site, for reading or reporting.
    let bearer = format!("Bearer {session}");
    let r = app
        .get(
            "/api/v1/sites/other/me/problems",
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut report = app.valid_report();
    report["category_id"] = json!(app.other_category);
    report["location"] = json!({"lat": 10.5, "lon": 10.5});
    let r = app
        .post_raw(
            "/api/v1/sites/other/problems",
            &[
                ("content-type", "application/json"),
                ("authorization", &bearer),
            ],
            report.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    // An expired session is dead.
    app.state
        .db
        .write(|c| {
            c.execute("UPDATE widget_sessions SET expires_at = 1", [])
                .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap();
    let r = app.get(&url, &[("authorization", &bearer)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_exchange_answers_cors_only_to_registered_origins() {
    let (app, _keys) = setup().await;
    let preflight =
        |origin: &'static str| common::preflight("/api/v1/sso/exchange", origin, "content-type");
    let r = app.send(preflight(DEMO_ORIGIN)).await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));
    assert!(r.header("access-control-allow-credentials").is_none());
    let r = app.send(preflight("https://evil.example")).await;
    assert!(r.header("access-control-allow-origin").is_none());
    let r = exchange(&app, DEMO, "x.y.z", Some("https://evil.example")).await;
    assert_refused(&r, "unregistered origin");
    assert!(r.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn keys_are_checked_when_registered() {
    assert!(host_service::sso::SsoKey::hs256(b"short").is_err());
    let ed = SiteKey::ed25519("k");
    assert!(
        host_service::sso::SsoKey::public_pem(&ed.private_pem).is_err(),
        "a private key"
    );
    assert_eq!(
        host_service::sso::SsoKey::public_pem(&ed.public_pem)
            .unwrap()
            .alg,
        host_service::sso::KeyAlg::EdDsa
    );
    assert_eq!(
        host_service::sso::SsoKey::public_pem(&SiteKey::p256("k").public_pem)
            .unwrap()
            .alg,
        host_service::sso::KeyAlg::Es256
    );
    assert!(
        host_service::sso::SsoKey::public_pem(
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
        )
        .is_err()
    );
    let (app, keys) = setup().await;
    // A kid is never reused on a site.
    assert!(
        admin::add_sso_key(&app.state.db, DEMO, "ed-1", keys.es.registered())
            .await
            .is_err()
    );
}

//! The site admin's settings page in the cabinet: report settings and SSO keys, changed by the
//! forms as an admin would, with their effect seen where residents meet it; refused to other
//! roles, other municipalities and forged forms.

use crate::common;
use crate::sso_support;

use axum::http::StatusCode;
use common::{FORM, OTHER_LOGIN, OTHER_PASSWORD, PUBLIC, TestApp, form};
use host_service::admin::{self, OfficialSpec, Role};
use host_service::demo;
use serde_json::json;
use sso_support::{SiteKey, claims};

const SETTINGS: &str = "/cabinet/settings";

async fn exchange(app: &TestApp, token: &str) -> StatusCode {
    app.post_raw(
        "/api/v1/sso/exchange",
        &[("content-type", "application/json")],
        json!({"site": demo::SITE_KEY, "token": token}).to_string(),
    )
    .await
    .status
}

#[tokio::test]
async fn a_site_admin_sets_how_reports_are_taken_and_residents_meet_it() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert!(
        list.body.contains(r#"href="/cabinet/settings""#),
        "a way to the settings"
    );
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!(r#"data-site="{}""#, demo::SITE_KEY))
    );
    assert!(
        page.body.contains(r#"value="moderated" checked"#),
        "{}",
        page.body
    );

    let uri = format!("/cabinet/settings/sites/{}/reports", demo::SITE_KEY);
    let headers = [FORM, ("cookie", cookie.as_str()), ("origin", PUBLIC)];
    let r = app
        .post_raw(
            &uri,
            &headers,
            form(&[("csrf", &csrf), ("anonymous", "confirm_email")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The widget learns it from the site's configuration.
    let config = app
        .get(&format!("/api/v1/sites/{}", demo::SITE_KEY), &[])
        .await;
    assert_eq!(config.json()["anonymous"], "confirm_email");
    // Pre-moderation was left unticked: it is off now.
    assert_eq!(
        app.count("SELECT premoderation FROM sites WHERE key = 'demo'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'site_reports'")
            .await,
        1
    );
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(page.body.contains(r#"value="confirm_email" checked"#));

    // Nonsense is refused in words, and nothing changes.
    let r = app
        .post_raw(
            &uri,
            &headers,
            form(&[
                ("csrf", &csrf),
                ("anonymous", "everyone"),
                ("premoderation", "on"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Выберите"), "{}", r.body);
    assert_eq!(
        app.count("SELECT premoderation FROM sites WHERE key = 'demo'")
            .await,
        0
    );
    // A form without the session's token is refused.
    let r = app
        .post_raw(&uri, &headers, form(&[("anonymous", "off")]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_key_added_in_the_cabinet_signs_residents_in_until_it_is_revoked() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let headers = [FORM, ("cookie", cookie.as_str()), ("origin", PUBLIC)];
    let key = SiteKey::ed25519("portal-2026");
    let token = key.mint(&claims(demo::SITE_KEY, "resident-1"));
    assert_eq!(exchange(&app, &token).await, StatusCode::UNAUTHORIZED);

    let add = format!("/cabinet/settings/sites/{}/sso-keys", demo::SITE_KEY);
    // A private key is refused: the host must never hold what can mint users.
    let r = app
        .post_raw(
            &add,
            &headers,
            form(&[
                ("csrf", &csrf),
                ("kid", "x"),
                ("public_key", &key.private_pem),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ключ не принят"), "{}", r.body);
    let r = app
        .post_raw(
            &add,
            &headers,
            form(&[
                ("csrf", &csrf),
                ("kid", &key.kid),
                ("public_key", &key.public_pem),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(page.body.contains(r#"data-kid="portal-2026""#));
    assert!(page.body.contains("EdDSA"));
    assert_eq!(exchange(&app, &token).await, StatusCode::OK);

    let r = app
        .post_raw(
            &format!("{add}/revoke"),
            &headers,
            form(&[("csrf", &csrf), ("kid", &key.kid)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = key.mint(&claims(demo::SITE_KEY, "resident-1"));
    assert_eq!(exchange(&app, &again).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('sso_key_added', 'sso_key_revoked')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_kid_full_of_markup_is_shown_as_text() {
    let app = TestApp::new().await;
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let key = SiteKey::hs256("x");
    let kid = r#"<img src=x onerror=alert(1)>"#;
    let secret = String::from_utf8(key.secret.clone()).unwrap();
    let r = app
        .post_raw(
            &format!("/cabinet/settings/sites/{}/sso-keys", demo::SITE_KEY),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("kid", kid), ("hs256_secret", &secret)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(!page.body.contains("<img src=x"), "escaped");
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test]
async fn only_a_site_admin_of_the_municipality_reaches_the_settings() {
    let app = TestApp::new().await;
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
    let (cookie, csrf) = app.login("moderator", "moderator-password").await;
    let list = app.get("/cabinet", &[("cookie", &cookie)]).await;
    assert!(!list.body.contains(r#"href="/cabinet/settings""#));
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("Недостаточно прав"));
    let uri = format!("/cabinet/settings/sites/{}/reports", demo::SITE_KEY);
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("anonymous", "off")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Another municipality's admin does not even learn the site exists.
    let (cookie, csrf) = app.login(OTHER_LOGIN, OTHER_PASSWORD).await;
    let r = app
        .post_raw(
            &uri,
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("anonymous", "off")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = app.get(SETTINGS, &[("cookie", &cookie)]).await;
    assert!(!page.body.contains(r#"data-site="demo""#));
    assert_eq!(
        app.count("SELECT count(*) FROM sites WHERE anonymous_reports = 'off'")
            .await,
        0
    );
}

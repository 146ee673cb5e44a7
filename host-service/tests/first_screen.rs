//! `GET /api/v1/sites/{key}/widget`: the basic widget's first screen, rendered by the host with
//! the widget's own components, as the loader fetches it from a city's page.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn the_first_screen_is_the_form_in_the_visitors_language_with_the_sites_categories() {
    let app = TestApp::new().await;
    for (query, lang, category, submit, title) in [
        ("", "ru", "Дороги и тротуары", "Отправить", "Демоград"),
        (
            "?page_lang=en-GB",
            "en",
            "Roads and pavements",
            "Send",
            "Демоград",
        ),
        (
            "?lang=ru&page_lang=en",
            "ru",
            "Дороги и тротуары",
            "Отправить",
            "Демоград",
        ),
        (
            "?lang=xx&page_lang=en",
            "en",
            "Roads and pavements",
            "Send",
            "Демоград",
        ),
    ] {
        let r = app
            .get(
                &format!("/api/v1/sites/demo/widget{query}"),
                &[("origin", DEMO_ORIGIN)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        // A city page fetches it across origins, and may reuse it.
        assert_eq!(r.header("access-control-allow-origin"), Some(DEMO_ORIGIN));
        assert!(r.header("etag").is_some());
        let a: civic_wire::FirstScreenAnswer = serde_json::from_str(&r.body).unwrap();
        assert_eq!(a.lang, lang, "{query}");
        assert_eq!(a.config.config.categories[0].name, category, "{query}");
        for part in [
            category,
            submit,
            title,
            "name=\"category\"",
            "name=\"description\"",
            "name=\"consent\"",
            "type=\"submit\"",
            "data-state=\"ready\"",
        ] {
            assert!(a.html.contains(part), "{query}: {part} in {}", a.html);
        }
        // The privacy policy is linked from the consent text.
        assert!(a.html.contains(&a.config.config.privacy_policy_url));
        assert!(
            a.css.contains(".civic-widget{"),
            "the stylesheet comes along"
        );
    }
}

#[tokio::test]
async fn ids_accent_and_hostile_values_are_taken_only_when_they_are_what_they_should_be() {
    let app = TestApp::new().await;
    // The loader's id prefix is used, so the labels point at the bundle's own ids.
    let a = first(&app, "?id=civic7&accent=%23c00").await;
    assert!(a.html.contains("id=\"civic7-description\""));
    assert!(a.css.contains("--civic-accent:#cc0000"), "{}", a.css);
    // Anything else is ignored, never spliced into the HTML or the CSS.
    let a = first(
        &app,
        "?id=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&accent=red%7D*%7Bdisplay:none",
    )
    .await;
    assert!(!a.html.contains("<script"), "{}", a.html);
    assert!(!a.html.contains("alert(1)"));
    assert_eq!(
        a.css,
        first(&app, "").await.css,
        "the stylesheet without an accent"
    );
    // An unknown site is the API's JSON 404.
    let r = app.get("/api/v1/sites/nowhere/widget", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_site");
}

async fn first(app: &TestApp, query: &str) -> civic_wire::FirstScreenAnswer {
    let r = app
        .get(&format!("/api/v1/sites/demo/widget{query}"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn a_sites_own_loader_carries_its_first_screen() {
    let app = TestApp::new().await;
    let loader = app.get("/widget.js", &[]).await.body;
    for (query, lang, category) in [
        ("", "ru", "Дороги и тротуары"),
        ("?lang=en", "en", "Roads and pavements"),
    ] {
        let r = app.get(&format!("/w/demo.js{query}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        assert_eq!(
            r.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert!(r.header("etag").is_some());
        // The first screen, keyed as the loader looks it up, then the loader itself.
        let slot = format!("[\"demo|{lang}||civic1\"]=");
        assert!(r.body.contains(&slot), "{query}: {slot}");
        assert!(r.body.contains(category), "{query}");
        assert!(r.body.ends_with(&loader), "{query}: the loader follows");
        assert!(
            !r.body.contains("</script"),
            "never closes a script element"
        );
    }
    // An unknown site gets the plain loader (the widget then says so in words).
    let r = app.get("/w/nowhere.js", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, loader);
    assert_eq!(
        app.get("/w/demo.css", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_widgets_stylesheet_is_served_for_each_mode_with_the_accent() {
    let app = TestApp::new().await;
    let basic = app
        .get(
            "/widget/style.css?accent=%23c00",
            &[("origin", DEMO_ORIGIN)],
        )
        .await;
    assert_eq!(basic.status, StatusCode::OK);
    assert_eq!(
        basic.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    // Fetched across origins like the bundle, and reused.
    assert_eq!(basic.header("access-control-allow-origin"), Some("*"));
    assert!(basic.header("etag").is_some());
    assert!(basic.body.contains(".civic-widget{"));
    assert!(basic.body.contains("--civic-accent:#cc0000"));
    assert!(!basic.body.contains(".civic-map{"), "no map rules in basic");
    // The same as the first screen brings.
    assert_eq!(basic.body, first(&app, "?accent=%23c00").await.css);

    let map = app
        .get("/widget/style.css?mode=map&accent=rgb(0,%200,%200)", &[])
        .await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.body.contains(".civic-widget{") && map.body.contains(".civic-map{"));
    assert!(map.body.contains("--civic-accent:#000000"));
    // An accent we cannot read is left out, never spliced in.
    let hostile = app
        .get(
            "/widget/style.css?mode=map&accent=red%7D*%7Bdisplay:none",
            &[],
        )
        .await;
    assert_eq!(
        hostile.body,
        app.get("/widget/style.css?mode=map", &[]).await.body
    );
    // A mode we do not have is refused in words, like any invalid field.
    let r = app.get("/widget/style.css?mode=huge", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"][0]["field"],
        "mode",
        "{}",
        r.body
    );
}

//! Residents' photos (issue 5; SECURITY.md's upload rules): the reporter adds photos with the
//! report's tracking code; each is stored upright and re-encoded, so no EXIF (GPS, a canary
//! description) survives; the public sees it only once the report is public and while no
//! moderator hid it; Open311 gives its URL; bad uploads are refused in JSON, nothing stored.

use crate::common;

use std::io::Cursor;

use axum::http::StatusCode;
use common::{DEMO_ORIGIN, FORM, PUBLIC, Reply, TestApp, form, photo_with_exif, preflight};
use host_service::demo;
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::Value;

const CANARY: &str = "CANARY-GPS-55.7558N-37.6173E";

/// A PNG whose header claims `width`×`height` (its CRC fixed up), with no pixels to match.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(2, 2))
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

async fn upload(app: &TestApp, id: i64, code: &str, content_type: &str, body: Vec<u8>) -> Reply {
    app.post_raw(
        &format!("/api/v1/sites/{}/problems/{id}/photos", demo::SITE_KEY),
        &[
            ("content-type", content_type),
            ("x-tracking-code", code),
            ("origin", DEMO_ORIGIN),
        ],
        body,
    )
    .await
}

async fn reported(app: &TestApp) -> (i64, String) {
    let r = app
        .report(demo::SITE_KEY, Some(DEMO_ORIGIN), &app.valid_report())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    (
        v["id"].as_i64().unwrap(),
        v["tracking_code"].as_str().unwrap().to_owned(),
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn bytes(app: &TestApp, uri: &str, cookie: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut req = axum::http::Request::builder().uri(uri);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res =
        tower::ServiceExt::oneshot(app.router(), req.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
    let status = res.status();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

fn media_url(app_reply: &Reply, id: i64) -> Value {
    let list: Value = serde_json::from_str(&app_reply.body).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"].as_str() == Some(id.to_string().as_str()))
        .map(|r| r["media_url"].clone())
        .unwrap()
}

#[tokio::test]
async fn a_phone_photo_is_stored_upright_without_its_exif_and_public_only_when_the_report_is() {
    let app = TestApp::new().await;
    let (id, code) = reported(&app).await;
    let original = photo_with_exif(CANARY);
    assert!(
        contains(&original, CANARY.as_bytes()),
        "the canary is in the upload"
    );
    let r = upload(&app, id, &code, "image/jpeg", original).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let photo = r.json()["id"].as_i64().unwrap();
    let url = r.json()["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{PUBLIC}/photos/{photo}/display.jpg"));

    // Not public while the report is not.
    let public = format!("/photos/{photo}/display.jpg");
    assert_eq!(bytes(&app, &public, None).await.0, StatusCode::NOT_FOUND);

    // The cabinet shows it: upright (the EXIF rotation applied), no EXIF left, no canary.
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app
        .get(&format!("/cabinet/problems/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(
        page.body
            .contains(&format!("/cabinet/photos/{photo}/thumb.jpg")),
        "{}",
        page.body
    );
    let (status, stored) = bytes(
        &app,
        &format!("/cabinet/photos/{photo}/display.jpg"),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!contains(&stored, CANARY.as_bytes()), "the canary is gone");
    assert!(!contains(&stored, b"Exif"), "no EXIF block at all");
    let upright = image::load_from_memory(&stored).unwrap();
    assert_eq!(
        (upright.width(), upright.height()),
        (20, 40),
        "turned upright"
    );

    // Published: public, and named by Open311.
    let s = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER);
    let (status, served) = bytes(&app, &public, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(served.starts_with(&[0xFF, 0xD8]));
    let requests = app
        .get(
            &format!(
                "/open311/v2/requests.json?jurisdiction_id={}",
                demo::SITE_KEY
            ),
            &[],
        )
        .await;
    assert_eq!(media_url(&requests, id), url.as_str());

    // A moderator hides it (a face, a number plate): gone from the public, kept in the cabinet.
    let s = app
        .post_raw(
            &format!("/cabinet/photos/{photo}/visibility"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("hidden", "1")]),
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER);
    assert_eq!(bytes(&app, &public, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        bytes(
            &app,
            &format!("/cabinet/photos/{photo}/thumb.jpg"),
            Some(&cookie)
        )
        .await
        .0,
        StatusCode::OK
    );
    let requests = app
        .get(
            &format!(
                "/open311/v2/requests.json?jurisdiction_id={}",
                demo::SITE_KEY
            ),
            &[],
        )
        .await;
    assert_eq!(media_url(&requests, id), Value::Null);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'photo_hidden'")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_uploads_are_refused_in_json_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let (id, code) = reported(&app).await;
    let (other_id, _) = reported(&app).await;

    // Without the report's code, or with another report's, the report does not exist.
    let r = upload(
        &app,
        id,
        "0000000000AA",
        "image/jpeg",
        photo_with_exif(CANARY),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = upload(&app, other_id, &code, "image/jpeg", photo_with_exif(CANARY)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Not an image, whatever the client says.
    let r = upload(
        &app,
        id,
        &code,
        "image/jpeg",
        b"<svg onload=alert(1)>".to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "bad_photo");
    // A header promising 20000×20000 pixels is refused before any pixel is decoded.
    let r = upload(&app, id, &code, "image/png", png_claiming(20_000, 20_000)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger"),
        "{}",
        r.body
    );
    // Over 10 MiB.
    let r = upload(
        &app,
        id,
        &code,
        "image/jpeg",
        vec![0xFF; 10 * 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT count(*) FROM photos").await, 0);

    // Three at most.
    for _ in 0..3 {
        let r = upload(&app, id, &code, "image/jpeg", photo_with_exif(CANARY)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = upload(&app, id, &code, "image/jpeg", photo_with_exif(CANARY)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "no_more_photos");
    assert_eq!(app.count("SELECT count(*) FROM photos").await, 3);
}

#[tokio::test]
async fn the_sites_pages_may_send_the_tracking_code_header() {
    let app = TestApp::new().await;
    let uri = format!("/api/v1/sites/{}/problems/1/photos", demo::SITE_KEY);
    let r = app
        .send(preflight(&uri, DEMO_ORIGIN, "content-type,x-tracking-code"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        r.header("access-control-allow-headers")
            .unwrap()
            .contains("x-tracking-code")
    );
}

#[tokio::test]
async fn on_a_site_without_premoderation_photos_follow_the_published_report() {
    let app = TestApp::new().await;
    host_service::admin::set_report_policy(&app.state.db, demo::SITE_KEY, None, Some(false))
        .await
        .unwrap();
    let (id, code) = reported(&app).await;
    assert_eq!(
        app.count("SELECT count(*) FROM problems WHERE status = 'published'")
            .await,
        1,
        "published as filed"
    );
    // The widget sends the photos right after the report's 201: they are taken, and public.
    let r = upload(&app, id, &code, "image/jpeg", photo_with_exif(CANARY)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (status, photo) = bytes(&app, r.json()["url"].as_str().unwrap(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!contains(&photo, CANARY.as_bytes()));

    // Once an official acts on the report, it takes no more.
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let s = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "in_progress")]),
        )
        .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.body);
    let r = upload(&app, id, &code, "image/jpeg", photo_with_exif(CANARY)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(app.count("SELECT count(*) FROM photos").await, 1);
}

//! Photos from the resident's own computer or phone: chosen in the widget's form on the demo
//! city's page, sent after the report, and seen by the official in the cabinet. The demo site
//! pre-moderates reports, so they wait as `new` and take photos.

use std::path::{Path, PathBuf};

use civic_e2e::browser::{
    Chromedriver, click_in, find_in, has_cyrillic, report_number, text_in, type_into, wait_for,
    widget,
};
use civic_e2e::host::Host;
use fantoccini::Locator;
use fantoccini::elements::ShadowRoot;

/// A small picture written to `dir` in `format`.
fn picture(dir: &Path, name: &str, format: image::ImageFormat) -> PathBuf {
    let path = dir.join(name);
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 160])
    }))
    .save_with_format(&path, format)
    .unwrap();
    path
}

/// The names in the widget's list of chosen photos.
async fn chosen(w: &ShadowRoot) -> Vec<String> {
    let mut names = Vec::new();
    for li in w
        .find_all(Locator::Css(".civic-photo-list li"))
        .await
        .unwrap()
    {
        let button = li
            .find(Locator::Css("button.civic-photo-remove"))
            .await
            .unwrap();
        let label = button.attr("aria-label").await.unwrap().unwrap_or_default();
        names.push(label);
    }
    names
}

async fn fill_in_report(w: &ShadowRoot) {
    find_in(w, "select[name=category]")
        .await
        .select_by_label("Освещение")
        .await
        .unwrap();
    type_into(
        w,
        "textarea[name=description]",
        "Фонарь разбит, на фото видно осколки плафона",
    )
    .await;
    type_into(w, "input[name=address]", "ул. Садовая, 12").await;
    click_in(w, "input[name=consent]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_attaches_two_photos_and_the_official_sees_them() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(412, 915).await; // a phone-sized window
    let dir = tempfile::tempdir().unwrap();
    let jpeg = picture(dir.path(), "фонарь.jpg", image::ImageFormat::Jpeg);
    let png = picture(dir.path(), "plafond.png", image::ImageFormat::Png);

    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    fill_in_report(&w).await;

    // Nothing refused yet: the field's error line is there for screen readers, but empty.
    let error = find_in(&w, ".civic-field-error[data-field=photos]").await;
    assert!(!error.is_displayed().await.unwrap());

    // Both photos at once, as a file picker with several chosen hands them over.
    let input = find_in(&w, "input[name=photos]").await;
    let paths = format!("{}\n{}", jpeg.display(), png.display());
    input.send_keys(&paths).await.unwrap();
    let names = wait_for("the two chosen photos listed", || async {
        let names = chosen(&w).await;
        (names.len() == 2).then_some(names)
    })
    .await;
    assert!(
        names[0].contains("фонарь.jpg") && names[1].contains("plafond.png"),
        "{names:?}"
    );
    assert!(
        has_cyrillic(&names[0]),
        "the remove button speaks Russian: {names:?}"
    );

    click_in(&w, "button[type=submit]").await;
    let id = report_number(&w).await;
    let news = wait_for("the photos' news on the success panel", || async {
        let t = w
            .find(Locator::Css(".civic-success .civic-photos"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        t.contains(':').then_some(t).filter(|t| !t.contains('…'))
    })
    .await;
    assert_eq!(news.trim(), "Прикреплено фото: 2.", "{news:?}");

    // The official: the problem's page shows the two photos.
    browser
        .goto(&host.url(&format!("/cabinet/problems/{id}")))
        .await
        .unwrap();
    host.log_in_as_demo_official(&browser).await;
    browser
        .goto(&host.url(&format!("/cabinet/problems/{id}")))
        .await
        .unwrap();
    let photos = wait_for("the photos on the cabinet's problem page", || async {
        let list = browser.find(Locator::Css("ul.photo-list")).await.ok()?;
        let items = list.find_all(Locator::Css("li")).await.ok()?;
        Some(items.len())
    })
    .await;
    assert_eq!(photos, 2, "the cabinet shows both photos");
    // Each is a real, re-encoded picture the official's browser can show.
    let loaded: i64 = browser
        .execute(
            "return [...document.querySelectorAll('ul.photo-list img')].filter(i => i.complete && i.naturalWidth > 0).length",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert_eq!(loaded, 2, "both thumbnails load");

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_photo_is_refused_in_words_before_anything_is_sent() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 900).await;
    let dir = tempfile::tempdir().unwrap();
    let text_file = dir.path().join("заявление.txt");
    std::fs::write(&text_file, "это не фотография").unwrap();
    let jpeg = picture(dir.path(), "yama.jpg", image::ImageFormat::Jpeg);

    browser.goto(&host.url("/")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    let input = find_in(&w, "input[name=photos]").await;
    input
        .send_keys(&text_file.display().to_string())
        .await
        .unwrap();
    let refusal = text_in(&w, ".civic-field-error[data-field=photos]").await;
    assert!(
        refusal.contains("заявление.txt") && has_cyrillic(&refusal) && refusal.contains("JPEG"),
        "the refusal names the file and says what is taken, in Russian: {refusal:?}"
    );
    assert!(chosen(&w).await.is_empty(), "the text file is not listed");
    // The field points at its refusal.
    let error_id = find_in(&w, ".civic-field-error[data-field=photos]")
        .await
        .attr("id")
        .await
        .unwrap()
        .unwrap();
    let described_by = input.attr("aria-describedby").await.unwrap().unwrap();
    assert!(
        described_by.split(' ').any(|i| i == error_id),
        "{described_by} ties the field to {error_id}"
    );
    assert_eq!(host.count_problems(), 0, "nothing was sent");

    // A photo chosen next is listed and the refusal goes away.
    input.send_keys(&jpeg.display().to_string()).await.unwrap();
    wait_for("the photo listed", || async {
        (chosen(&w).await.len() == 1).then_some(())
    })
    .await;
    let error = find_in(&w, ".civic-field-error[data-field=photos]").await;
    assert!(!error.is_displayed().await.unwrap());
    assert_eq!(host.count_problems(), 0, "still nothing sent");

    browser.close().await.unwrap();
    host.stop().await;
}

//! The widget lives in other people's pages: their CSS and globals must not change it, and it must
//! change nothing of theirs. Two widgets on one page work side by side.

use civic_e2e::browser::{
    Chromedriver, find_in, has_cyrillic, report_as_resident, text_in, widget,
};
use civic_e2e::host::Host;
use fantoccini::Locator;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_page_css_and_globals_do_not_reach_two_widgets() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 1000).await;
    browser.goto(&host.url("/hostile.html")).await.unwrap();

    let ru = widget(&browser, "#widget-ru").await;
    let en = widget(&browser, "#widget-en").await;

    for (w, russian) in [(&ru, true), (&en, false)] {
        // The page hides every form, select and button with `display: none !important`: the
        // widget's still show, in the widget's own colours and fonts.
        for css in [
            "select[name=category]",
            "textarea[name=description]",
            "button[type=submit]",
        ] {
            let el = find_in(w, css).await;
            assert!(
                el.is_displayed().await.unwrap(),
                "{css} is visible despite the page's CSS"
            );
            let colour = el.css_value("color").await.unwrap();
            assert_ne!(colour, "rgba(255, 0, 255, 1)", "{css} keeps its own colour");
            let font = el.css_value("font-family").await.unwrap();
            assert!(
                !font.contains("Comic Sans"),
                "{css} keeps its own font: {font}"
            );
        }
        let label = text_in(w, "button[type=submit]").await;
        assert_eq!(has_cyrillic(&label), russian, "language of {label:?}");
    }

    // Every label points at a field inside its own widget: ids do not collide between the two.
    let unmatched: i64 = browser
        .execute(
            "let n = 0;
             for (const id of ['widget-ru', 'widget-en']) {
               const root = document.getElementById(id).shadowRoot;
               for (const l of root.querySelectorAll('label[for]')) {
                 if (!root.getElementById(l.htmlFor)) n++;
               }
             }
             const a = [...document.getElementById('widget-ru').shadowRoot.querySelectorAll('[id]')].map(e => e.id);
             const b = new Set([...document.getElementById('widget-en').shadowRoot.querySelectorAll('[id]')].map(e => e.id));
             return n + a.filter(id => b.has(id)).length;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert_eq!(
        unmatched, 0,
        "labels without their field, or ids shared between widgets"
    );

    // The page is as its author made it: its globals, its text and its styles.
    let page = browser
        .execute(
            "return {
               marker: window.__hostileMarker,
               wasmBindgen: window.wasm_bindgen,
               yew: window.Yew,
               heading: getComputedStyle(document.getElementById('page-heading')).color,
               between: document.getElementById('between').textContent,
               globals: Object.keys(window).filter(k => /civic/i.test(k)),
             };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        page,
        json!({
            "marker": "intact",
            "wasmBindgen": "host page value",
            "yew": "host page value",
            "heading": "rgb(255, 0, 255)",
            "between": "Text between the two widgets.",
            "globals": ["CivicWidget"],
        })
    );

    // Both widgets are live: the Russian one lists the categories in Russian, the other in English.
    let ru_options = find_in(&ru, "select[name=category]")
        .await
        .text()
        .await
        .unwrap();
    let en_options = find_in(&en, "select[name=category]")
        .await
        .text()
        .await
        .unwrap();
    assert!(ru_options.contains("Освещение"), "{ru_options}");
    assert!(en_options.contains("Street lighting"), "{en_options}");
    assert!(browser.find(Locator::Css("#widget-ru")).await.is_ok());

    browser.close().await.unwrap();
    host.stop().await;
}

/// What a person sees of the form: each part's rendered box and the text properties a container
/// passes down by inheritance.
const LOOK: &str = "
    const root = document.querySelector('[data-civic-widget]').shadowRoot;
    const out = {};
    for (const css of ['.civic-widget', 'h2', 'label', 'select[name=category]',
                       'textarea[name=description]', 'input[name=address]', 'button[type=submit]',
                       '.civic-check']) {
      const el = root.querySelector(css);
      if (!el) { out[css] = 'missing'; continue; }
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      out[css] = [Math.round(r.width), Math.round(r.height), s.fontSize, s.lineHeight,
        s.direction, s.letterSpacing, s.wordSpacing, s.textTransform, s.whiteSpace,
        s.visibility, s.cursor, s.fontStyle, s.fontWeight, s.textAlign, s.textIndent,
        s.fontFamily, s.color, s.fontVariant, s.wordBreak, s.textShadow].join(' | ');
    }
    return out;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_with_hostile_inherited_text_changes_nothing_and_the_report_goes_through() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 1400).await;

    browser.goto(&host.url("/plain.html")).await.unwrap();
    widget(&browser, "[data-civic-widget]").await;
    let plain = browser.execute(LOOK, vec![]).await.unwrap();

    // font-size: 0, line-height: 0, direction: rtl, spacing, uppercase, pre, hidden, wait,
    // italic, 900 and more on the widget's container.
    browser.goto(&host.url("/inherit.html")).await.unwrap();
    let w = widget(&browser, "[data-civic-widget]").await;
    let hostile = browser.execute(LOOK, vec![]).await.unwrap();
    assert!(
        !plain.to_string().contains("missing"),
        "the plain page shows the whole form: {plain:#}"
    );
    assert_eq!(
        hostile, plain,
        "the widget in a hostile container looks exactly as on a plain page"
    );
    let submit = find_in(&w, "button[type=submit]").await;
    assert!(submit.is_displayed().await.unwrap());

    // And it works: the report goes through.
    let number = report_as_resident(
        &w,
        "Освещение",
        "Не горит фонарь, страница с нулевым шрифтом",
        "ул. Садовая, 3",
        "resident@example.ru",
    )
    .await;
    assert!(number > 0);

    browser.close().await.unwrap();
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_loader_tag_mounts_its_own_widget_once_wherever_it_is() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1024, 1400).await;
    browser.goto(&host.url("/several.html")).await.unwrap();

    // A tag in the head fills the placeholder no tag stands next to; a tag with no placeholder
    // mounts right after itself; a placeholder right before its tag (the snippet) is that tag's.
    let placed = widget(&browser, "#placed").await;
    let inline = widget(&browser, "#inline-tag + div").await;
    let snippet = widget(&browser, "#snippet").await;
    assert!(has_cyrillic(&text_in(&placed, "button[type=submit]").await));
    assert!(!has_cyrillic(
        &text_in(&inline, "button[type=submit]").await
    ));
    assert!(has_cyrillic(
        &text_in(&snippet, "button[type=submit]").await
    ));

    // Three tags, three widgets, each mounted once, and the page's own text where it was.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let page = browser
        .execute(
            "const hosts = [...document.querySelectorAll('*')].filter(e => e.shadowRoot);
             return {
               hosts: hosts.map(e => e.id || (e.previousElementSibling || {}).id),
               sections: hosts.map(e => e.shadowRoot.querySelectorAll('section.civic-widget').length),
               after: document.getElementById('inline-tag').nextElementSibling.nextElementSibling.id,
             };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        page,
        json!({
            "hosts": ["placed", "inline-tag", "snippet"],
            "sections": [1, 1, 1],
            "after": "after-inline",
        })
    );

    browser.close().await.unwrap();
    host.stop().await;
}

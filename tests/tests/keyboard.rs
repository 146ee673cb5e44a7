//! A resident who uses no mouse: from the top of the city's page, with key presses only, they
//! reach the widget, fill it in, send it and hear the report's number. Every stop shows where
//! the focus is, and the focus can leave the widget again (no keyboard trap).

use civic_e2e::browser::{Chromedriver, wait_for, widget};
use civic_e2e::host::Host;
use fantoccini::Client;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;

/// What has the focus, looking through the widget's shadow root.
const FOCUSED: &str = "
    const a = document.activeElement;
    const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : null;
    const f = inner || a;
    if (!f) return null;
    const cs = getComputedStyle(f);
    return {
      in_widget: !!inner,
      tag: f.tagName.toLowerCase(),
      name: f.getAttribute('name') || '',
      type: f.getAttribute('type') || '',
      class: f.getAttribute('class') || '',
      text: (f.innerText || '').trim(),
      value: f.value === undefined ? '' : String(f.value),
      checked: !!f.checked,
      visible_focus: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
    };";

async fn focused(browser: &Client) -> Value {
    browser.execute(FOCUSED, vec![]).await.unwrap()
}

/// Presses the keys, one after the other, as a keyboard does.
async fn press(browser: &Client, keys: &[char]) {
    let mut actions = KeyActions::new("keyboard".into());
    for &key in keys {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    browser.perform_actions(actions).await.unwrap();
}

async fn type_text(browser: &Client, text: &str) {
    press(browser, &text.chars().collect::<Vec<_>>()).await;
}

/// Presses Tab until the focus is on the widget's element named `name` (a form field's `name`,
/// or the button's `type`), checking that every stop inside the widget shows its focus.
async fn tab_to(browser: &Client, name: &str) -> Value {
    for _ in 0..40 {
        press(browser, &[Key::Tab.into()]).await;
        let f = focused(browser).await;
        if f["in_widget"] == true {
            assert_eq!(f["visible_focus"], true, "the focus is visible on {f}");
            if f["name"] == name || f["type"] == name {
                return f;
            }
        }
    }
    panic!("Tab never reached {name} in the widget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_sent_with_the_keyboard_alone() {
    let host = Host::start().await;
    let driver = Chromedriver::start().await;
    let browser = driver.session(1280, 900).await;
    browser.goto(&host.url("/")).await.unwrap();
    widget(&browser, "[data-civic-widget]").await;
    assert_eq!(
        focused(&browser).await["tag"],
        "body",
        "nothing has the focus at the start"
    );

    // Through the page's own links into the widget: the category comes first.
    tab_to(&browser, "category").await;
    press(&browser, &[Key::Down.into()]).await;
    let f = focused(&browser).await;
    assert_ne!(f["value"], "", "the arrow key chose a category: {f}");

    tab_to(&browser, "description").await;
    type_text(&browser, "Не горит фонарь у подъезда, вечером темно").await;
    tab_to(&browser, "address").await;
    type_text(&browser, "ул. Садовая, 12").await;
    tab_to(&browser, "consent").await;
    press(&browser, &[Key::Space.into()]).await;
    assert_eq!(
        focused(&browser).await["checked"],
        true,
        "Space ticked the consent"
    );

    // Enter on the send button; the news takes the focus so that it is read out.
    tab_to(&browser, "submit").await;
    press(&browser, &[Key::Enter.into()]).await;
    let news = wait_for("the focus on the report's number", || async {
        let f = focused(&browser).await;
        f["class"]
            .as_str()
            .is_some_and(|c| c.contains("civic-tracking-number"))
            .then_some(f)
    })
    .await;
    let text = news["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("принято"),
        "the news is read in Russian: {text}"
    );
    let number: String = text.chars().filter(char::is_ascii_digit).collect();
    assert!(!number.is_empty(), "the number is in the news: {text}");
    assert_eq!(host.count_problems(), 1, "the report is stored");

    // The tracking link is reachable by Tab, and Tab goes on out of the widget: no trap.
    let mut seen_link = false;
    let mut left = false;
    for _ in 0..10 {
        press(&browser, &[Key::Tab.into()]).await;
        let f = focused(&browser).await;
        if f["in_widget"] != true {
            left = true;
            break;
        }
        assert_eq!(f["visible_focus"], true, "the focus is visible on {f}");
        seen_link |= f["class"]
            .as_str()
            .is_some_and(|c| c.contains("civic-tracking-link"));
    }
    assert!(seen_link, "the tracking link can be reached with Tab");
    assert!(left, "Tab leads out of the widget again");

    browser.close().await.unwrap();
    host.stop().await;
}

//! The widget in a real (headless) Chromium, mounted in a shadow root like the loader does, with a
//! fake backend instead of the network. Run with
//! `cargo test --target wasm32-unknown-unknown -p widget` (without `-q`). On other targets this
//! file is empty, so `cargo test --workspace` on the host skips it.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use civic_wire::{
    AnonymousReports, Bounds, Category, FieldError, FieldErrorCode, Lang, LatLon, Mode, NewProblem,
    ProblemCreated, ResidentProfile, SiteConfig, Status,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    DataTransfer, Element, Event, EventInit, File, FilePropertyBag, HtmlElement, HtmlInputElement,
    HtmlSelectElement, HtmlTextAreaElement, ShadowRoot, ShadowRootInit, ShadowRootMode,
};
use widget::api::{Backend, Failure, LocalFuture, Session};
use widget::i18n::{self, Msg, t};
use widget::options::RawOptions;

wasm_bindgen_test_configure!(run_in_browser);

fn config() -> SiteConfig {
    SiteConfig {
        key: "test".into(),
        name: "Калуга".into(),
        municipality: "Калуга".into(),
        centre: LatLon {
            lat: 54.51,
            lon: 36.26,
        },
        bounds: Bounds {
            west: 36.0,
            south: 54.3,
            east: 36.5,
            north: 54.7,
        },
        default_lang: Lang::Ru,
        default_mode: Mode::Basic,
        privacy_policy_url: "https://example.ru/privacy".into(),
        categories: vec![
            Category {
                id: 7,
                name: "Яма на дороге".into(),
                hint: Some("Ямы, выбоины".into()),
            },
            Category {
                id: 9,
                name: "Не горит фонарь".into(),
                hint: None,
            },
        ],
        anonymous: AnonymousReports::Moderated,
    }
}

/// Answers from a script instead of the network, and remembers what was sent.
struct FakeBackend {
    answers: RefCell<Vec<Result<ProblemCreated, Failure>>>,
    sent: RefCell<Vec<NewProblem>>,
    /// The bearer each report was sent with.
    bearers: RefCell<Vec<Option<String>>>,
    /// The tokens the page hands out, one per call (`None`: not signed in there).
    tokens: RefCell<Vec<Option<String>>>,
    /// What the site does with reports of visitors who are not signed in.
    anonymous: Cell<AnonymousReports>,
    /// Answers to photo uploads, one per request (`Ok` once they run out).
    photo_answers: RefCell<Vec<Result<(), Failure>>>,
    /// Each upload: (report number, tracking code, file name, content type).
    uploads: RefCell<Vec<(i64, String, String, String)>>,
}

impl FakeBackend {
    fn answering(answers: Vec<Result<ProblemCreated, Failure>>) -> Rc<FakeBackend> {
        FakeBackend::signed_in(answers, vec![])
    }

    fn signed_in(
        answers: Vec<Result<ProblemCreated, Failure>>,
        tokens: Vec<Option<&str>>,
    ) -> Rc<FakeBackend> {
        Rc::new(FakeBackend {
            answers: RefCell::new(answers),
            sent: RefCell::default(),
            bearers: RefCell::default(),
            tokens: RefCell::new(tokens.into_iter().map(|t| t.map(str::to_owned)).collect()),
            anonymous: Cell::default(),
            photo_answers: RefCell::default(),
            uploads: RefCell::default(),
        })
    }
}

impl Backend for FakeBackend {
    fn site_config(&self, _site: &str, _lang: Lang) -> LocalFuture<Result<SiteConfig, Failure>> {
        Box::pin(std::future::ready(Ok(SiteConfig {
            anonymous: self.anonymous.get(),
            ..config()
        })))
    }

    fn submit_problem(
        &self,
        _site: &str,
        problem: &NewProblem,
        bearer: Option<&str>,
    ) -> LocalFuture<Result<ProblemCreated, Failure>> {
        self.sent.borrow_mut().push(problem.clone());
        self.bearers.borrow_mut().push(bearer.map(str::to_owned));
        let answer = self.answers.borrow_mut().remove(0);
        Box::pin(std::future::ready(answer))
    }

    fn upload_photo(
        &self,
        _site: &str,
        id: i64,
        tracking_code: &str,
        photo: &File,
    ) -> LocalFuture<Result<(), Failure>> {
        self.uploads
            .borrow_mut()
            .push((id, tracking_code.into(), photo.name(), photo.type_()));
        let mut answers = self.photo_answers.borrow_mut();
        let answer = if answers.is_empty() {
            Ok(())
        } else {
            answers.remove(0)
        };
        Box::pin(std::future::ready(answer))
    }

    fn sso_token(&self) -> LocalFuture<Option<String>> {
        let mut tokens = self.tokens.borrow_mut();
        let token = if tokens.is_empty() {
            None
        } else {
            tokens.remove(0)
        };
        Box::pin(std::future::ready(token))
    }

    /// Token "t1" is Мария's first session, "t2" her renewed one; anything else is refused.
    fn sso_exchange(&self, _site: &str, token: &str) -> LocalFuture<Result<Session, Failure>> {
        let answer = match token {
            "t1" | "t2" => Ok(Session {
                bearer: format!("bearer-{token}"),
                resident: ResidentProfile {
                    display_name: Some("Мария Иванова".into()),
                    email: Some("maria@example.ru".into()),
                    phone: None,
                },
            }),
            _ => Err(Failure::Unauthorized),
        };
        Box::pin(std::future::ready(answer))
    }
}

fn created() -> ProblemCreated {
    ProblemCreated {
        id: 1042,
        tracking_code: "k3j4h5".into(),
        tracking_url: "https://widget.example.ru/t/k3j4h5".into(),
        status: Status::New,
        confirmation_sent: false,
    }
}

/// A fresh site key per test, so that drafts of one test do not leak into another.
fn site(name: &str) -> String {
    format!("test-{name}-{}", js_sys::Math::random().to_bits())
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

/// Mounts a widget as the loader does: into an open shadow root of a new `<div>`.
async fn mount(site: &str, lang: &str, backend: Rc<FakeBackend>) -> ShadowRoot {
    let document = window().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap();
    let raw = RawOptions {
        site: site.into(),
        lang: lang.into(),
        ..RawOptions::default()
    };
    widget::style::adopt(&shadow, false, "").unwrap();
    widget::mount_with(&shadow, widget::widget_options(&raw), backend).unwrap();
    tick().await;
    shadow
}

fn find(root: &ShadowRoot, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn get(root: &ShadowRoot, selector: &str) -> Element {
    find(root, selector).unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    get(root, selector)
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn state(root: &ShadowRoot) -> String {
    get(root, "[data-state]")
        .get_attribute("data-state")
        .unwrap()
}

fn fire(el: &web_sys::EventTarget, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    el.dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

async fn type_into(root: &ShadowRoot, name: &str, value: &str) {
    let el = get(root, &format!("[name={name}]"));
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    }
    fire(&el, "input");
    tick().await;
}

async fn choose_category(root: &ShadowRoot, id: &str) {
    let select = get(root, "select[name=category]");
    select.unchecked_ref::<HtmlSelectElement>().set_value(id);
    fire(&select, "change");
    tick().await;
}

async fn click(root: &ShadowRoot, selector: &str) {
    get(root, selector).unchecked_into::<HtmlElement>().click();
    tick().await;
}

async fn fill_valid(root: &ShadowRoot) {
    choose_category(root, "9").await;
    type_into(root, "description", "Не горит фонарь у подъезда №3").await;
    type_into(root, "address", "ул. Ленина, 5").await;
    click(root, "input[name=consent]").await;
}

fn field_error(root: &ShadowRoot, field: &str) -> Option<String> {
    find(root, &format!(".civic-field-error[data-field=\"{field}\"]"))
        .map(|e| e.text_content().unwrap_or_default().trim().to_owned())
}

fn local_draft(site: &str) -> Option<String> {
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(&format!("civic-widget:draft:{site}"))
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_form_offers_the_sites_categories() {
    let root = mount(&site("categories"), "ru", FakeBackend::answering(vec![])).await;
    assert_eq!(state(&root), "ready");
    assert_eq!(
        get(&root, "[data-state]").get_attribute("lang").as_deref(),
        Some("ru")
    );
    let options = root
        .query_selector_all("select[name=category] option")
        .unwrap();
    let names: Vec<String> = (0..options.length())
        .map(|i| {
            options
                .item(i)
                .unwrap()
                .text_content()
                .unwrap()
                .trim()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["Выберите категорию", "Яма на дороге", "Не горит фонарь"]
    );
    for hook in [
        "form.civic-form",
        "textarea[name=description]",
        "input[name=address]",
        "button.civic-locate",
        "input[name=name]",
        "input[name=email]",
        "input[name=phone]",
        "input[name=consent][type=checkbox]",
        "button[type=submit]",
        "input[name=website][tabindex=\"-1\"][autocomplete=off]",
    ] {
        assert!(find(&root, hook).is_some(), "{hook}");
    }
    // The category's hint appears once it is chosen.
    choose_category(&root, "7").await;
    assert_eq!(text(&root, ".civic-hint"), "Ямы, выбоины");
}

#[wasm_bindgen_test]
async fn an_empty_form_says_what_is_missing_next_to_each_field_in_russian() {
    let backend = FakeBackend::answering(vec![]);
    let root = mount(&site("empty-ru"), "ru", backend.clone()).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(
        field_error(&root, "category_id").as_deref(),
        Some("Выберите категорию.")
    );
    assert_eq!(
        field_error(&root, "description").as_deref(),
        Some("Опишите проблему.")
    );
    assert_eq!(
        field_error(&root, "location").as_deref(),
        Some(t(Lang::Ru, Msg::ErrLocationRequired))
    );
    assert_eq!(
        field_error(&root, "consent").as_deref(),
        Some(t(Lang::Ru, Msg::ErrConsentRequired))
    );
    assert!(
        backend.sent.borrow().is_empty(),
        "nothing is sent while the form is incomplete"
    );
    // The field points at its error, and says it is invalid.
    let description = get(&root, "textarea[name=description]");
    let error_id = get(&root, ".civic-field-error[data-field=description]").id();
    assert!(
        description
            .get_attribute("aria-describedby")
            .unwrap()
            .contains(&error_id)
    );
    assert_eq!(
        description.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    // Typing clears that field's error only.
    type_into(&root, "description", "Яма на дороге у дома 5").await;
    assert_eq!(field_error(&root, "description"), None);
    assert!(field_error(&root, "consent").is_some());
}

#[wasm_bindgen_test]
async fn errors_are_in_english_when_the_widget_is() {
    let root = mount(&site("empty-en"), "en", FakeBackend::answering(vec![])).await;
    assert_eq!(
        get(&root, "[data-state]").get_attribute("lang").as_deref(),
        Some("en")
    );
    type_into(&root, "description", "hole").await;
    type_into(&root, "email", "not-an-email").await;
    click(&root, "button[type=submit]").await;
    assert_eq!(
        field_error(&root, "description").as_deref(),
        Some("Too short: at least 10 characters, please.")
    );
    assert_eq!(
        field_error(&root, "reporter.email").as_deref(),
        Some(t(Lang::En, Msg::ErrEmailInvalid))
    );
    assert_eq!(text(&root, "button[type=submit]"), "Send");
}

#[wasm_bindgen_test]
async fn the_hosts_422_lands_on_the_named_fields() {
    let refused = Failure::Validation(vec![
        FieldError {
            field: "location".into(),
            code: FieldErrorCode::OutsideBounds,
            message: "x".into(),
        },
        FieldError {
            field: "category_id".into(),
            code: FieldErrorCode::UnknownCategory,
            message: "x".into(),
        },
    ]);
    let backend = FakeBackend::answering(vec![Err(refused)]);
    let root = mount(&site("422"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(backend.sent.borrow().len(), 1);
    assert_eq!(
        field_error(&root, "location").as_deref(),
        Some(t(Lang::Ru, Msg::ErrOutsideBounds))
    );
    assert_eq!(
        field_error(&root, "category_id").as_deref(),
        Some(t(Lang::Ru, Msg::ErrUnknownCategory))
    );
    assert_eq!(state(&root), "ready");
    assert!(find(&root, ".civic-error").is_none());
}

#[wasm_bindgen_test]
async fn a_network_failure_keeps_the_text_and_resends_when_back_online() {
    let backend = FakeBackend::answering(vec![Err(Failure::Network), Ok(created())]);
    let key = site("offline");
    let root = mount(&key, "ru", backend.clone()).await;
    fill_valid(&root).await;
    type_into(&root, "email", "ivan@example.ru").await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "error");
    assert!(text(&root, ".civic-error").starts_with("Нет связи с сервером"));
    let description = get(&root, "textarea[name=description]");
    assert_eq!(
        description.unchecked_ref::<HtmlTextAreaElement>().value(),
        "Не горит фонарь у подъезда №3"
    );
    // The draft keeps the report but never the contacts.
    let draft = local_draft(&key).expect("a draft is saved");
    assert!(
        draft.contains("подъезда") && draft.contains("ул. Ленина"),
        "{draft}"
    );
    assert!(!draft.contains("ivan@"), "{draft}");

    fire(&window(), "online");
    tick().await;
    tick().await;
    assert_eq!(backend.sent.borrow().len(), 2);
    assert_eq!(state(&root), "done");
    assert_eq!(
        local_draft(&key),
        None,
        "the draft is cleared once the report is in"
    );
}

#[wasm_bindgen_test]
async fn a_saved_draft_is_restored() {
    let key = site("draft");
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(
            &format!("civic-widget:draft:{key}"),
            r#"{"category":"7","description":"Яма у школы","address":"ул. Мира, 1"}"#,
        )
        .unwrap();
    let root = mount(&key, "ru", FakeBackend::answering(vec![])).await;
    let value = |sel: &str| match get(&root, sel).dyn_into::<HtmlInputElement>() {
        Ok(input) => input.value(),
        Err(el) => el
            .dyn_into::<HtmlTextAreaElement>()
            .map(|a| a.value())
            .unwrap_or_else(|el| el.unchecked_into::<HtmlSelectElement>().value()),
    };
    assert_eq!(value("textarea[name=description]"), "Яма у школы");
    assert_eq!(value("input[name=address]"), "ул. Мира, 1");
    assert_eq!(value("select[name=category]"), "7");
}

#[wasm_bindgen_test]
async fn success_shows_the_number_and_the_tracking_link() {
    let backend = FakeBackend::answering(vec![Ok(created())]);
    let root = mount(&site("success"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    type_into(&root, "website", "").await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    let focused = root.active_element().map(|e| e.class_name());
    assert_eq!(
        focused.as_deref(),
        Some("civic-tracking-number"),
        "focus moves to the news"
    );
    assert_eq!(
        text(&root, ".civic-success .civic-tracking-number"),
        "Ваше обращение № 1042 принято"
    );
    let link = get(&root, ".civic-success a.civic-tracking-link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://widget.example.ru/t/k3j4h5")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    let sent = backend.sent.borrow()[0].clone();
    assert_eq!(sent.category_id, 9);
    assert_eq!(sent.address.as_deref(), Some("ул. Ленина, 5"));
    assert_eq!(
        (sent.consent, sent.lang, sent.website),
        (true, Lang::Ru, None)
    );

    click(&root, ".civic-report-another").await;
    assert_eq!(state(&root), "ready");
    assert_eq!(
        get(&root, "textarea[name=description]")
            .unchecked_into::<HtmlTextAreaElement>()
            .value(),
        ""
    );
}

#[wasm_bindgen_test]
async fn on_a_site_that_confirms_by_email_the_address_is_asked_for_and_the_mail_announced() {
    let refused = Failure::Validation(vec![FieldError {
        field: "reporter.email".into(),
        code: FieldErrorCode::Required,
        message: "x".into(),
    }]);
    let confirming = ProblemCreated {
        confirmation_sent: true,
        ..created()
    };
    let backend = FakeBackend::answering(vec![Err(refused), Ok(confirming)]);
    backend.anonymous.set(AnonymousReports::ConfirmEmail);
    let root = mount(&site("confirm"), "ru", backend.clone()).await;
    let email = get(&root, "input[name=email]");
    assert_eq!(
        email.get_attribute("aria-required").as_deref(),
        Some("true")
    );
    let label = get(&root, &format!("label[for=\"{}\"]", email.id()));
    assert!(
        label.text_content().unwrap().contains('*'),
        "marked required"
    );
    assert_eq!(
        get(&root, "input[name=phone]")
            .get_attribute("aria-required")
            .as_deref(),
        Some("false")
    );

    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(
        field_error(&root, "reporter.email").as_deref(),
        Some(t(Lang::Ru, Msg::ErrEmailRequired))
    );
    type_into(&root, "email", "ivan@example.ru").await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    assert!(
        text(&root, ".civic-success").contains(t(Lang::Ru, Msg::ConfirmSent)),
        "{}",
        text(&root, ".civic-success")
    );
}

#[wasm_bindgen_test]
async fn a_site_for_signed_in_users_only_says_so_when_an_anonymous_report_is_refused() {
    let backend = FakeBackend::answering(vec![Err(Failure::Unauthorized)]);
    let root = mount(&site("members"), "en", backend.clone()).await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(text(&root, ".civic-error p"), t(Lang::En, Msg::ErrSignIn));
}

fn value(root: &ShadowRoot, name: &str) -> String {
    get(root, &format!("input[name={name}]"))
        .unchecked_into::<HtmlInputElement>()
        .value()
}

/// What the loader does on `CivicWidget.configure(...)` and `CivicWidget.logout()`.
async fn sso_event() {
    window()
        .dispatch_event(&Event::new("civic-widget-sso").unwrap())
        .unwrap();
    tick().await;
}

#[wasm_bindgen_test]
async fn a_signed_in_resident_is_named_prefilled_and_reports_with_the_bearer() {
    let backend = FakeBackend::signed_in(vec![Ok(created())], vec![Some("t1")]);
    let root = mount(&site("sso"), "ru", backend.clone()).await;
    assert_eq!(
        text(&root, ".civic-signed-in"),
        "Вы вошли как Мария Иванова Мои обращения",
        "named, with the way to their reports"
    );
    assert_eq!(text(&root, "button.civic-my-reports"), "Мои обращения");
    assert_eq!(value(&root, "name"), "Мария Иванова");
    assert_eq!(value(&root, "email"), "maria@example.ru");
    assert_eq!(value(&root, "phone"), "");
    // Prefilled, still editable.
    type_into(&root, "phone", "+7 900 123-45-67").await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    assert_eq!(
        backend.bearers.borrow().as_slice(),
        [Some("bearer-t1".to_owned())]
    );
    let sent = backend.sent.borrow()[0].clone();
    assert_eq!(sent.reporter.name.as_deref(), Some("Мария Иванова"));
    assert_eq!(sent.reporter.phone.as_deref(), Some("+7 900 123-45-67"));
    // The bearer is in memory only.
    let storage = window().local_storage().unwrap().unwrap();
    for i in 0..storage.length().unwrap() {
        let key = storage.key(i).unwrap().unwrap();
        let item = storage.get_item(&key).unwrap().unwrap_or_default();
        assert!(
            !item.contains("bearer-"),
            "no session in localStorage: {key}"
        );
    }
    let cookie = js_sys::Reflect::get(
        &window().document().unwrap(),
        &wasm_bindgen::JsValue::from_str("cookie"),
    )
    .unwrap()
    .as_string()
    .unwrap_or_default();
    assert!(!cookie.contains("bearer"), "no session in a cookie");
}

#[wasm_bindgen_test]
async fn signed_in_in_english() {
    let backend = FakeBackend::signed_in(vec![], vec![Some("t1")]);
    let root = mount(&site("sso-en"), "en", backend).await;
    assert_eq!(
        text(&root, ".civic-signed-in"),
        "Signed in as Мария Иванова My reports"
    );
}

#[wasm_bindgen_test]
async fn logout_brings_back_the_anonymous_form() {
    let backend = FakeBackend::signed_in(vec![], vec![Some("t1"), None]);
    let root = mount(&site("sso-out"), "ru", backend).await;
    assert!(find(&root, ".civic-signed-in").is_some());
    type_into(&root, "description", "Яма у дома номер пять").await;
    sso_event().await;
    assert!(find(&root, ".civic-signed-in").is_none(), "no name shown");
    assert_eq!(value(&root, "name"), "", "the resident's contacts are gone");
    assert_eq!(value(&root, "email"), "");
    assert_eq!(
        get(&root, "textarea[name=description]")
            .unchecked_into::<HtmlTextAreaElement>()
            .value(),
        "Яма у дома номер пять",
        "the report being written stays"
    );
}

#[wasm_bindgen_test]
async fn without_a_token_the_form_is_anonymous() {
    let backend = FakeBackend::signed_in(vec![], vec![Some("forged")]);
    let root = mount(&site("sso-none"), "ru", backend).await;
    assert_eq!(state(&root), "ready");
    assert!(find(&root, ".civic-signed-in").is_none());
    assert_eq!(value(&root, "name"), "");
}

#[wasm_bindgen_test]
async fn a_401_renews_the_session_once_then_falls_back_to_anonymous() {
    // Renewed: the report goes again with the fresh bearer.
    let backend = FakeBackend::signed_in(
        vec![Err(Failure::Unauthorized), Ok(created())],
        vec![Some("t1"), Some("t2")],
    );
    let root = mount(&site("sso-renew"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    assert_eq!(
        backend.bearers.borrow().as_slice(),
        [Some("bearer-t1".to_owned()), Some("bearer-t2".to_owned())]
    );

    // No fresh token: sent anonymously, and the widget says so by not naming anyone.
    let backend = FakeBackend::signed_in(
        vec![Err(Failure::Unauthorized), Ok(created())],
        vec![Some("t1"), None],
    );
    let root = mount(&site("sso-fallback"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    assert_eq!(
        backend.bearers.borrow().as_slice(),
        [Some("bearer-t1".to_owned()), None]
    );
    assert!(find(&root, ".civic-signed-in").is_none());
}

#[wasm_bindgen_test]
async fn two_widgets_on_a_page_have_distinct_ids() {
    let a = mount(&site("ids-a"), "ru", FakeBackend::answering(vec![])).await;
    let b = mount(&site("ids-b"), "ru", FakeBackend::answering(vec![])).await;
    let id_a = get(&a, "textarea[name=description]").id();
    let id_b = get(&b, "textarea[name=description]").id();
    assert_ne!(id_a, id_b);
    let label = get(&a, &format!("label[for=\"{id_a}\"]"));
    assert!(!label.text_content().unwrap().is_empty());
}

fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

#[wasm_bindgen_test]
fn the_catalogue_has_every_text_in_both_languages() {
    for (i, msg) in Msg::ALL.iter().enumerate() {
        assert_eq!(
            *msg as usize, i,
            "Msg::ALL lists every message once, in order: {msg:?}"
        );
    }
    assert_eq!(
        Msg::ALL.last(),
        Some(&Msg::PhotoFailed),
        "a new message goes into Msg::ALL"
    );
    for msg in Msg::ALL {
        for lang in [Lang::Ru, Lang::En] {
            assert!(!t(lang, *msg).trim().is_empty(), "{msg:?} in {lang:?}");
        }
        let (ru, en) = (t(Lang::Ru, *msg), t(Lang::En, *msg));
        assert_ne!(ru, en, "{msg:?} is not translated");
        assert!(has_cyrillic(ru), "{msg:?}: no Russian words: {ru}");
        assert!(
            !has_cyrillic(en),
            "{msg:?}: Russian left in the English text: {en}"
        );
        assert!(
            !ru.replace("{max}", "")
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.len() > 2 && !["ivan", "example", "JPEG", "PNG", "WebP"].contains(&w)),
            "{msg:?}: English words in the Russian text: {ru}"
        );
        assert_eq!(
            ru.contains("{n}"),
            en.contains("{n}"),
            "{msg:?}: placeholders differ"
        );
    }
    let fields = [
        "category_id",
        "description",
        "location",
        "address",
        "reporter.name",
        "reporter.email",
        "reporter.phone",
        "consent",
    ];
    for code in widget::api::json::FIELD_ERROR_CODES {
        for field in fields {
            let e = FieldError {
                field: field.into(),
                code,
                message: String::new(),
            };
            for lang in [Lang::Ru, Lang::En] {
                let words = i18n::field_error(lang, &e);
                assert!(
                    !words.is_empty() && !words.contains('{'),
                    "{field} {code:?}: {words}"
                );
            }
        }
    }
}

#[wasm_bindgen_test]
fn the_hand_written_json_agrees_with_the_wire_types() {
    use widget::api::json;
    let c = config();
    let read = json::site_config(&json::parse(&serde_json::to_string(&c).unwrap()));
    assert_eq!(read, Some(c));
    for anonymous in [
        AnonymousReports::ConfirmEmail,
        AnonymousReports::Moderated,
        AnonymousReports::Off,
    ] {
        let c = SiteConfig {
            anonymous,
            ..config()
        };
        let read = json::site_config(&json::parse(&serde_json::to_string(&c).unwrap()));
        assert_eq!(read, Some(c));
    }
    for confirmation_sent in [false, true] {
        let p = ProblemCreated {
            confirmation_sent,
            ..created()
        };
        assert_eq!(
            json::problem_created(&json::parse(&serde_json::to_string(&p).unwrap())),
            Some(p)
        );
    }
    for code in json::FIELD_ERROR_CODES {
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            format!("\"{}\"", json::field_error_code_name(code))
        );
    }
    let error = civic_wire::ApiError {
        error: civic_wire::ErrorBody {
            code: "validation".into(),
            message: "bad".into(),
            fields: vec![FieldError {
                field: "reporter.phone".into(),
                code: FieldErrorCode::Invalid,
                message: "m".into(),
            }],
        },
    };
    let fields = json::field_errors(&json::parse(&serde_json::to_string(&error).unwrap()));
    assert_eq!(fields, error.error.fields);
    let problem = NewProblem {
        category_id: 9,
        description: "Яма".into(),
        location: Some(LatLon {
            lat: 54.5,
            lon: 36.25,
        }),
        address: None,
        reporter: civic_wire::ReporterContacts {
            name: Some("Иван".into()),
            email: None,
            phone: Some("+7 900".into()),
            share_with_agency: true,
        },
        consent: true,
        lang: Lang::En,
        website: Some("bot".into()),
    };
    let text = json::stringify(&json::new_problem(&problem));
    assert_eq!(serde_json::from_str::<NewProblem>(&text).unwrap(), problem);
    let session = civic_wire::SsoSession {
        session: "s3cr3t".into(),
        expires_in: 3600,
        resident: ResidentProfile {
            display_name: Some("Мария".into()),
            email: None,
            phone: Some("+7 900".into()),
        },
    };
    let read = json::session(&json::parse(&serde_json::to_string(&session).unwrap())).unwrap();
    assert_eq!(
        (read.bearer, read.resident),
        (session.session, session.resident)
    );
}

#[wasm_bindgen_test]
fn languages_resolve_like_the_embed_contract_says() {
    let lang = |data: &str, page: &str| {
        RawOptions {
            lang: data.into(),
            page_lang: page.into(),
            ..RawOptions::default()
        }
        .resolve_lang()
    };
    assert_eq!(lang("en", "ru"), Lang::En);
    assert_eq!(lang("", "en-GB"), Lang::En);
    assert_eq!(lang("de", "en"), Lang::En);
    assert_eq!(lang("", "de"), Lang::Ru);
}

#[wasm_bindgen_test]
fn a_sites_accent_is_read_strictly_and_text_on_it_stays_readable() {
    use widget::style::{accent_rules, ink, luminance, on_white_ok, parse_colour};
    assert_eq!(parse_colour("#c00"), Some([0xcc, 0, 0]));
    assert_eq!(parse_colour(" #0B57A4 "), Some([0x0b, 0x57, 0xa4]));
    assert_eq!(parse_colour("rgb(255, 204, 0)"), Some([255, 204, 0]));
    assert_eq!(parse_colour("rgb(255 204 0)"), Some([255, 204, 0]));
    for refused in [
        "red;}:host{display:none",
        "red",
        "hsl(0 100% 50%)",
        "#12345",
        "#ggg",
        "rgb(256, 0, 0)",
        "rgb(1, 2)",
        "rgb(1, 2, 3, 4)",
        "",
    ] {
        assert_eq!(parse_colour(refused), None, "{refused:?}");
    }

    // WCAG's contrast ratio, from the luminance in units of 1/10 000.
    let contrast = |a: [u8; 3], b: [u8; 3]| {
        let (la, lb) = (luminance(a) as f64 / 1e4, luminance(b) as f64 / 1e4);
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    };
    let (white, black) = ([255; 3], [0; 3]);
    assert!((contrast(white, black) - 21.0).abs() < 0.01);
    // Dark accents carry white text; light ones (yellow, light green, sky blue) black text.
    for (accent, white_text) in [
        ([0x0b, 0x57, 0xa4], true),
        ([0xcc, 0x00, 0x00], true),
        ([0x14, 0x6c, 0x2e], true),
        ([0xff, 0xcc, 0x00], false),
        ([0x90, 0xee, 0x90], false),
        ([0x87, 0xce, 0xeb], false),
        ([0xff, 0xff, 0xff], false),
    ] {
        assert_eq!(on_white_ok(accent), white_text, "{accent:?}");
        let text = if white_text { white } else { black };
        assert!(contrast(accent, text) >= 4.5, "text on {accent:?}");
        let rules = accent_rules(accent);
        assert!(
            rules.contains(if white_text {
                "--civic-on-accent:#fff"
            } else {
                "--civic-on-accent:#000"
            }),
            "{rules}"
        );
        // Links and outlines drawn in the accent on white are darkened until readable.
        let ink = ink(accent);
        assert!(
            contrast(ink, white) >= 4.5,
            "{accent:?} as text on white: {ink:?}"
        );
        if white_text {
            assert_eq!(ink, accent, "a dark enough accent is kept as it is");
        }
    }
    assert_eq!(
        accent_rules([0xff, 0xcc, 0x00]),
        format!(
            ":host{{--civic-accent:#ffcc00;--civic-on-accent:#000;--civic-ink:{}}}",
            widget::style::hex(ink([0xff, 0xcc, 0x00]))
        )
    );
}

#[wasm_bindgen_test]
async fn my_location_says_what_happened() {
    let root = mount(&site("geo"), "en", FakeBackend::answering(vec![])).await;
    click(&root, "button.civic-locate").await;
    // Headless Chromium has no position to give and no one to grant permission: whichever of
    // these comes, the visitor is told in words, and the address field stays the way out.
    let outcomes = [
        t(Lang::En, Msg::Locating),
        t(Lang::En, Msg::LocationDenied),
        t(Lang::En, Msg::LocationUnavailable),
        t(Lang::En, Msg::LocationFound),
    ];
    let status = text(&root, ".civic-geo-status");
    assert!(outcomes.iter().any(|o| status.contains(o)), "{status}");
    assert!(find(&root, "input[name=address]").is_some());
}

/// A file as the browser hands it over from a file picker: `size` bytes of type `kind`.
fn file(name: &str, kind: &str, size: u32) -> File {
    let bag = FilePropertyBag::new();
    bag.set_type(kind);
    let bytes = js_sys::Array::of1(&js_sys::Uint8Array::new_with_length(size));
    File::new_with_u8_array_sequence_and_options(&bytes, name, &bag).unwrap()
}

/// Chooses `files` in the photo field, as a file picker (or a phone's camera) does.
async fn choose_photos(root: &ShadowRoot, files: &[File]) {
    let transfer = DataTransfer::new().unwrap();
    for f in files {
        transfer.items().add_with_file(f).unwrap();
    }
    let input = get(root, "input[name=photos]");
    input
        .unchecked_ref::<HtmlInputElement>()
        .set_files(transfer.files().as_ref());
    fire(&input, "change");
    tick().await;
}

fn chosen(root: &ShadowRoot) -> Vec<String> {
    let items = root.query_selector_all(".civic-photo-list li").unwrap();
    (0..items.length())
        .map(|i| {
            let li = items.item(i).unwrap().unchecked_into::<Element>();
            let button = li
                .query_selector("button.civic-photo-remove")
                .unwrap()
                .unwrap();
            let label = button.get_attribute("aria-label").unwrap();
            let name = li.first_child().unwrap().text_content().unwrap();
            assert!(
                label.ends_with(&name),
                "the remove button names its file: {label}"
            );
            name
        })
        .collect()
}

const TEN_MIB: u32 = 10 * 1024 * 1024;

#[wasm_bindgen_test]
async fn photos_are_listed_removable_and_refused_in_words_before_anything_is_sent() {
    let backend = FakeBackend::answering(vec![]);
    let key = site("photos");
    let root = mount(&key, "ru", backend.clone()).await;
    let input = get(&root, "input[name=photos]");
    for (attr, value) in [
        ("type", "file"),
        ("accept", "image/jpeg,image/png,image/webp"),
    ] {
        assert_eq!(input.get_attribute(attr).as_deref(), Some(value), "{attr}");
    }
    assert!(input.has_attribute("multiple"));
    // Its label names the field and the button-like words that open the picker.
    let label = get(&root, &format!("label[for=\"{}\"]", input.id()));
    let label_text = label.text_content().unwrap();
    assert!(
        label_text.contains("Фотографии (до 3)") && label_text.contains("Добавить фото"),
        "{label_text}"
    );
    assert_eq!(field_error(&root, "photos").as_deref(), Some(""));

    choose_photos(
        &root,
        &[
            file("яма.jpg", "image/jpeg", 2000),
            file("b.png", "image/png", 10),
        ],
    )
    .await;
    assert_eq!(chosen(&root), ["яма.jpg", "b.png"]);
    // A third is fine; a fourth, a text file and one over 10 MiB are refused, each in words.
    choose_photos(
        &root,
        &[
            file("c.webp", "image/webp", TEN_MIB),
            file("d.jpg", "image/jpeg", 10),
            file("notes.txt", "text/plain", 10),
            file("big.jpg", "image/jpeg", TEN_MIB + 1),
        ],
    )
    .await;
    assert_eq!(chosen(&root), ["яма.jpg", "b.png", "c.webp"]);
    let refused = field_error(&root, "photos").unwrap();
    for (msg, name) in [
        (Msg::ErrPhotoCount, "d.jpg"),
        (Msg::ErrPhotoType, "notes.txt"),
        (Msg::ErrPhotoSize, "big.jpg"),
    ] {
        let words = i18n::tn(Lang::Ru, msg, name);
        assert!(refused.contains(&words), "{words:?} in {refused:?}");
    }
    // The refusal is tied to the field.
    let error_id = get(&root, ".civic-field-error[data-field=photos]").id();
    assert!(
        input
            .get_attribute("aria-describedby")
            .unwrap()
            .split(' ')
            .any(|id| id == error_id)
    );

    // Removing one: the list says so, the refusal goes, the focus is back on the field.
    click(
        &root,
        ".civic-photo-list li:nth-child(2) button.civic-photo-remove",
    )
    .await;
    assert_eq!(chosen(&root), ["яма.jpg", "c.webp"]);
    assert_eq!(field_error(&root, "photos").as_deref(), Some(""));
    assert_eq!(
        root.active_element()
            .and_then(|e| e.get_attribute("name"))
            .as_deref(),
        Some("photos")
    );

    assert!(backend.sent.borrow().is_empty() && backend.uploads.borrow().is_empty());
    // The draft never holds the photos.
    type_into(&root, "description", "Яма у подъезда, глубокая").await;
    let draft = local_draft(&key).expect("a draft is saved");
    assert!(
        !draft.contains("яма.jpg") && !draft.contains("webp"),
        "{draft}"
    );
}

#[wasm_bindgen_test]
async fn a_refused_photo_is_explained_in_english_when_the_widget_is() {
    let root = mount(&site("photos-en"), "en", FakeBackend::answering(vec![])).await;
    choose_photos(&root, &[file("scan.pdf", "application/pdf", 10)]).await;
    assert_eq!(
        field_error(&root, "photos").as_deref(),
        Some(i18n::tn(Lang::En, Msg::ErrPhotoType, "scan.pdf").as_str())
    );
    assert!(chosen(&root).is_empty());
}

#[wasm_bindgen_test]
async fn photos_follow_the_report_and_the_panel_says_which_were_attached_and_why_not() {
    let backend = FakeBackend::answering(vec![Ok(created())]);
    // a.jpg: a dropped connection, then attached on the retry; b.png: the report was already
    // published; c.webp: unreadable.
    *backend.photo_answers.borrow_mut() = vec![
        Err(Failure::Network),
        Ok(()),
        Err(Failure::Conflict),
        Err(Failure::Validation(vec![])),
    ];
    let root = mount(&site("photos-send"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    choose_photos(
        &root,
        &[
            file("a.jpg", "image/jpeg", 10),
            file("b.png", "image/png", 10),
            file("c.webp", "image/webp", 10),
        ],
    )
    .await;
    click(&root, "button[type=submit]").await;
    tick().await;
    assert_eq!(state(&root), "done");
    assert_eq!(backend.sent.borrow().len(), 1, "the report is sent once");
    let uploads: Vec<_> = backend
        .uploads
        .borrow()
        .iter()
        .map(|(id, code, name, kind)| format!("{id} {code} {name} {kind}"))
        .collect();
    assert_eq!(
        uploads,
        [
            "1042 k3j4h5 a.jpg image/jpeg",
            "1042 k3j4h5 a.jpg image/jpeg",
            "1042 k3j4h5 b.png image/png",
            "1042 k3j4h5 c.webp image/webp",
        ]
    );
    let news = text(&root, ".civic-success .civic-photos");
    let expected = i18n::tn(Lang::Ru, Msg::PhotosAttached, 1)
        + " "
        + t(Lang::Ru, Msg::PhotosNotAttached)
        + " b.png — "
        + t(Lang::Ru, Msg::PhotoPublished)
        + "; c.webp — "
        + t(Lang::Ru, Msg::PhotoUnreadable)
        + ".";
    assert_eq!(news, expected);
    // The report itself stands: its number and tracking link are there.
    assert_eq!(
        text(&root, ".civic-tracking-number"),
        "Ваше обращение № 1042 принято"
    );

    // The next report starts with no photos and no news of the last ones.
    click(&root, ".civic-report-another").await;
    assert!(chosen(&root).is_empty());
}

#[wasm_bindgen_test]
async fn photos_wait_in_memory_while_the_report_cannot_be_sent() {
    let backend = FakeBackend::answering(vec![Err(Failure::Network), Ok(created())]);
    *backend.photo_answers.borrow_mut() = vec![
        Err(Failure::Network),
        Err(Failure::Network),
        Err(Failure::TooLarge),
    ];
    let root = mount(&site("photos-offline"), "en", backend.clone()).await;
    fill_valid(&root).await;
    choose_photos(
        &root,
        &[
            file("a.jpg", "image/jpeg", 10),
            file("b.jpg", "image/jpeg", 10),
        ],
    )
    .await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "error");
    assert_eq!(chosen(&root), ["a.jpg", "b.jpg"], "the photos stay chosen");
    assert!(
        backend.uploads.borrow().is_empty(),
        "no photo before the report is in"
    );

    fire(&window(), "online");
    tick().await;
    tick().await;
    assert_eq!(state(&root), "done");
    assert_eq!(
        backend.uploads.borrow().len(),
        3,
        "one retry after a dropped connection"
    );
    assert_eq!(
        text(&root, ".civic-success .civic-photos"),
        i18n::tn(Lang::En, Msg::PhotosAttached, 0)
            + " "
            + t(Lang::En, Msg::PhotosNotAttached)
            + " a.jpg — "
            + t(Lang::En, Msg::PhotoNetwork)
            + "; b.jpg — "
            + t(Lang::En, Msg::PhotoTooLarge)
            + "."
    );
}

#[wasm_bindgen_test]
async fn a_report_without_photos_says_nothing_about_photos() {
    let backend = FakeBackend::answering(vec![Ok(created())]);
    let root = mount(&site("no-photos"), "ru", backend.clone()).await;
    fill_valid(&root).await;
    click(&root, "button[type=submit]").await;
    assert_eq!(state(&root), "done");
    assert!(find(&root, ".civic-photos").is_none());
    assert!(backend.uploads.borrow().is_empty());
}

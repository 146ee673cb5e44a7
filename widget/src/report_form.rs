//! The report form of the basic mode: category, description, place, photos, private contacts,
//! consent.
//!
//! A pure view of [`crate::state::FormState`]: every change goes out through an `on_*` callback.
//! Element names and classes here are hooks the end-to-end tests rely on (see the crate docs).

use std::rc::Rc;

use civic_wire::{FieldError, SiteConfig, limits};
use web_sys::{File, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::Failure;
use crate::field_error::{described_by, field_error_text, flag};
use crate::i18n::{self, Msg, t};
use crate::location::{LocationFieldProps, location_field};
use crate::options::WidgetOptions;
use crate::state::{Action, Field, Fields, Geo, PHOTO_TYPES};
use crate::view::{button, label, new_tab, para, required};

/// What the form shows and where its events go.
pub struct ReportFormProps {
    pub options: Rc<WidgetOptions>,
    pub config: Rc<SiteConfig>,
    pub fields: Fields,
    pub geo: Geo,
    pub errors: Rc<Vec<FieldError>>,
    pub failure: Option<Failure>,
    pub submitting: bool,
    /// Not signed in on a site that confirms such reports by e-mail: the address is needed.
    pub email_required: bool,
    pub on_edit: Callback<(Field, String)>,
    /// A checkbox changed: (`true` for sharing the contacts, `false` for the consent; checked).
    pub on_check: Callback<(bool, bool)>,
    pub on_locate: Callback<()>,
    pub on_clear_location: Callback<()>,
    /// "Choose on the map": the basic bundle hands over to the map bundle (`None` where the
    /// form already has its map).
    pub on_pin: Option<Callback<()>>,
    pub on_submit: Callback<()>,
    /// The photos chosen so far (in memory only).
    pub photos: Vec<File>,
    /// Why the files last chosen were refused, in words ("" when none was).
    pub photo_error: String,
    /// The photo field's changes: [`Action::AddPhotos`] or [`Action::RemovePhoto`].
    pub on_photos: Callback<Action>,
}

/// The sentence for a failed send.
pub fn failure_text(failure: &Failure) -> Msg {
    match failure {
        Failure::Network => Msg::ErrNetwork,
        Failure::Validation(_) => Msg::ErrCheckFields,
        Failure::NotFound | Failure::Forbidden => Msg::ErrForbidden,
        Failure::TooLarge => Msg::ErrTooLarge,
        Failure::RateLimited => Msg::ErrRateLimited,
        Failure::Server => Msg::ErrServer,
        // A site for signed-in residents only, or a session the host no longer knows.
        Failure::Unauthorized => Msg::ErrSignIn,
        Failure::Conflict | Failure::Unexpected => Msg::ErrUnexpected,
    }
}

/// Links from the host are only followed when they are plain web links.
pub fn is_web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Moves focus to the first refused field of the form in `form_ref` (the App runs it each time
/// new errors are shown).
pub fn focus_first_error(form_ref: &NodeRef) {
    focus_in(form_ref, "[aria-invalid=true]");
}

/// Moves focus to the first element matching `selector` in the form.
fn focus_in(form_ref: &NodeRef, selector: &str) {
    let first = form_ref
        .cast::<HtmlElement>()
        .and_then(|form| form.query_selector(selector).ok().flatten())
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(el).ok());
    if let Some(el) = first {
        let _ = el.focus();
    }
}

/// "Photos (up to 3)": the file input, visually hidden, whose label holds a button-like span
/// that opens the picker (keyboard focus on the input shows on it); the chosen files, each with
/// a remove button; the files refused when chosen, with why.
fn photo_field(props: &ReportFormProps, form_ref: &NodeRef) -> Html {
    let o = &props.options;
    let lang = o.lang;
    let on_photos = props.on_photos.reform(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        let list = js_sys::Reflect::get(&input, &"files".into()).unwrap_or_default();
        let files = js_sys::Array::from(&list)
            .to_vec()
            .into_iter()
            .map(wasm_bindgen::JsCast::unchecked_into)
            .collect();
        // The list below is what counts; the same file may be chosen again after a removal.
        input.set_value("");
        Action::AddPhotos(files, lang)
    });
    let remove = t(lang, Msg::RemovePhoto);
    html! {
        <div class="civic-field">
            <input type="file" class="civic-sr" id={o.id("photos")} name="photos"
                accept={PHOTO_TYPES} multiple=true onchange={on_photos}
                aria-describedby={o.id("photos-hint") + " " + &o.id("photos-error")} />
            <label class="civic-field" for={o.id("photos")}>
                { t(lang, Msg::Photos) }<span class="civic-file-button">{ t(lang, Msg::ChoosePhotos) }</span>
            </label>
            { para("civic-hint", o.id("photos-hint"), t(lang, Msg::PhotosHint).into()) }
            <ul class="civic-photo-list" aria-live="polite">
                { for props.photos.iter().enumerate().map(|(i, file)| {
                    let name = crate::api::file_name(file);
                    let form_ref = form_ref.clone();
                    // The button goes away: the focus goes back to the file input.
                    let onclick = props.on_photos.reform(move |_: MouseEvent| {
                        focus_in(&form_ref, "[name=photos]");
                        Action::RemovePhoto(i)
                    });
                    html! {
                        <li class="civic-locate-row">{ name.clone() }<button type="button" class="civic-photo-remove"
                            aria-label={String::from(remove) + " " + &name} {onclick}>{ remove }</button></li>
                    }
                }) }
            </ul>
            // Always there (empty, hidden, when nothing was refused): an alert region that exists
            // before its words do is read out more reliably.
            <p class="civic-field-error" id={o.id("photos-error")} data-field="photos" role="alert">{ props.photo_error.clone() }</p>
        </div>
    }
}

/// A view function rather than a component, like [`crate::success::success`]: every component
/// type adds its own copy of Yew's lifecycle code to the bundle. `form_ref` is the App's, which
/// focuses the first refused field ([`focus_first_error`]).
pub fn report_form(props: ReportFormProps, form_ref: NodeRef) -> Html {
    let props = &props;
    let o = &props.options;
    let lang = o.lang;
    let f = &props.fields;

    let error = |wire: &str| props.errors.iter().find(|e| e.field == wire).cloned();
    let error_id = |wire: &str, part: &str| error(wire).map(|_| o.id(part));
    let edit = |field: Field| {
        props.on_edit.reform(move |e: InputEvent| {
            (field, e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let on_submit = {
        let on_submit = props.on_submit.clone();
        let submitting = props.submitting;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !submitting {
                on_submit.emit(());
            }
        })
    };
    let on_category = props.on_edit.reform(|e: Event| {
        (
            Field::Category,
            e.target_unchecked_into::<HtmlSelectElement>().value(),
        )
    });
    let on_description = props.on_edit.reform(|e: InputEvent| {
        (
            Field::Description,
            e.target_unchecked_into::<HtmlTextAreaElement>().value(),
        )
    });
    let check = |share: bool| {
        props.on_check.reform(move |e: Event| {
            (
                share,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            )
        })
    };
    let on_retry = props.on_submit.reform(|_: MouseEvent| ());

    let category_error = error("category_id").or_else(|| error("category"));
    let hint = props
        .config
        .categories
        .iter()
        .find(|c| c.id.to_string() == f.category)
        .and_then(|c| c.hint.clone());
    let typed = f.description.trim().chars().count();
    let over = typed > limits::DESCRIPTION_MAX_CHARS;
    let required = required(lang);
    let policy = &props.config.privacy_policy_url;
    let photos = photo_field(props, &form_ref);

    let contact = |field: Field, text: Msg, kind: &'static str, autocomplete: &'static str| {
        let needed = field == Field::Email && props.email_required;
        let err = error(field.wire());
        let err_id = err
            .as_ref()
            .map(|_| o.id(&(field.name().to_owned() + "-error")));
        html! {
            <div class="civic-field">
                { label(o.id(field.name()), t(lang, text), if needed { required.clone() } else { Html::default() }) }
                <input type={kind} id={o.id(field.name())} name={field.name()}
                    autocomplete={autocomplete} value={f.get(field).to_owned()}
                    oninput={edit(field)} aria-required={flag(needed)}
                    aria-invalid={flag(err.is_some())}
                    aria-describedby={described_by(&[err_id])} />
                { field_error_text(o.id(&(field.name().to_owned() + "-error")), field.wire(), lang, err) }
            </div>
        }
    };

    html! {
        <form class="civic-form" novalidate=true onsubmit={on_submit} ref={form_ref}
            aria-busy={flag(props.submitting)}>
            <div class="civic-field">
                { label(o.id("category"), t(lang, Msg::Category), required.clone()) }
                <select id={o.id("category")} name="category" onchange={on_category}
                    aria-required="true" aria-invalid={flag(category_error.is_some())}
                    aria-describedby={described_by(&[
                        hint.as_ref().map(|_| o.id("category-hint")),
                        error_id("category_id", "category-error").or_else(|| error_id("category", "category-error")),
                    ])}>
                    <option value="" selected={f.category.is_empty()} disabled=true>
                        { t(lang, Msg::CategoryPlaceholder) }
                    </option>
                    { for props.config.categories.iter().map(|c| {
                        let id = c.id.to_string();
                        html! {
                            <option key={id.clone()} value={id.clone()} selected={id == f.category}>{ &c.name }</option>
                        }
                    }) }
                </select>
                if let Some(hint) = hint {
                    { para("civic-hint", o.id("category-hint"), hint.into()) }
                }
                { field_error_text(o.id("category-error"), "category_id", lang, category_error) }
            </div>

            <div class="civic-field">
                { label(o.id("description"), t(lang, Msg::Description), required.clone()) }
                { para("civic-hint", o.id("description-hint"), t(lang, Msg::DescriptionHint).into()) }
                <textarea id={o.id("description")} name="description" rows="5"
                    value={f.description.clone()} oninput={on_description}
                    aria-required="true" aria-invalid={flag(error("description").is_some())}
                    aria-describedby={described_by(&[
                        Some(o.id("description-hint")),
                        Some(o.id("description-count")),
                        error_id("description", "description-error"),
                    ])} />
                { para(
                    if over { "civic-count civic-count-over" } else { "civic-count" },
                    o.id("description-count"),
                    i18n::char_count(lang, typed, limits::DESCRIPTION_MAX_CHARS).into(),
                ) }
                { field_error_text(o.id("description-error"), "description", lang, error("description")) }
            </div>

            { location_field(LocationFieldProps {
                options: o.clone(),
                geo: props.geo,
                address: AttrValue::from(f.address.clone()),
                location_error: error("location"),
                address_error: error("address"),
                on_locate: props.on_locate.clone(),
                on_clear: props.on_clear_location.clone(),
                on_pin: props.on_pin.clone(),
                on_address: props.on_edit.reform(|v| (Field::Address, v)),
            }) }

            { photos }

            <fieldset class="civic-field civic-contacts" aria-describedby={o.id("contacts-private")}>
                <legend>{ t(lang, Msg::Contacts) }</legend>
                { para("civic-private", o.id("contacts-private"), t(lang, Msg::ContactsPrivate).into()) }
                { contact(Field::Name, Msg::Name, "text", "name") }
                { contact(Field::Email, Msg::Email, "email", "email") }
                { contact(Field::Phone, Msg::Phone, "tel", "tel") }
                <label class="civic-check" for={o.id("share")}>
                    <input type="checkbox" id={o.id("share")} name="share_with_agency"
                        checked={f.share_with_agency} onchange={check(true)} />
                    <span>{ t(lang, Msg::ShareWithAgency) }</span>
                </label>
            </fieldset>

            // The honeypot: invisible and unreachable for people, tempting for bots.
            <div class="civic-hp" aria-hidden="true">
                <label for={o.id("website")}>{ "Website" }</label>
                <input type="text" id={o.id("website")} name="website" tabindex="-1" autocomplete="off"
                    value={f.website.clone()} oninput={edit(Field::Website)} />
            </div>

            <div class="civic-field">
                <label class="civic-check" for={o.id("consent")}>
                    <input type="checkbox" id={o.id("consent")} name="consent" checked={f.consent}
                        onchange={check(false)} aria-required="true"
                        aria-invalid={flag(error("consent").is_some())}
                        aria-describedby={described_by(&[error_id("consent", "consent-error")])} />
                    <span>
                        { t(lang, Msg::ConsentText) }{ " " }
                        if is_web_link(policy) {
                            <a href={policy.clone()} target="_blank" rel="noopener noreferrer">
                                { t(lang, Msg::ConsentLink) }
                                { new_tab(lang) }
                            </a>
                        } else {
                            { t(lang, Msg::ConsentLink) }
                        }
                        { required }
                    </span>
                </label>
                { field_error_text(o.id("consent-error"), "consent", lang, error("consent")) }
            </div>

            if let Some(failure) = &props.failure {
                <div class="civic-error" role="alert">
                    <p>{ t(lang, failure_text(failure)) }</p>
                    { button("civic-retry", t(lang, Msg::Retry), on_retry) }
                </div>
            }
            if !props.errors.is_empty() {
                <p class="civic-sr" role="status">{ t(lang, Msg::ErrCheckFields) }</p>
            }

            <div class="civic-actions">
                <button type="submit" disabled={props.submitting}>
                    if props.submitting {
                        <span class="civic-spinner" aria-hidden="true"></span>
                        { t(lang, Msg::Submitting) }
                    } else {
                        { t(lang, Msg::Submit) }
                    }
                </button>
            </div>
        </form>
    }
}

//! The widget's state and every way it changes: a reducer with an [`Action`] enum.
//!
//! Kept free of the DOM and the network so it can be reasoned about (and tested) on its own:
//! the App component turns events into actions and runs the effects (fetch, geolocation, draft).
//! Chosen photos are held as the browser's `File` handles, in memory only.

use std::rc::Rc;

use civic_wire::{
    FieldError, FieldErrorCode, Lang, LatLon, NewProblem, ProblemCreated, ReporterContacts,
    SiteConfig, validate_new_problem,
};
use web_sys::File;
use yew::Reducible;

use crate::api::{Failure, Session, file_name, file_size, file_type};
use crate::i18n::{Msg, tn};

/// Photos per report (the host's `photos::MAX_PER_PROBLEM`).
pub const MAX_PHOTOS: usize = 3;
/// The largest photo, in bytes (the host's `civic_photo::MAX_BYTES`, 10 MiB).
pub const PHOTO_MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
/// The kinds of image the host takes (the file input's `accept`; [`Action::AddPhotos`] refuses
/// other types).
pub const PHOTO_TYPES: &str = "image/jpeg,image/png,image/webp";

/// A text field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Category,
    Description,
    Address,
    Name,
    Email,
    Phone,
    /// The honeypot.
    Website,
}

impl Field {
    /// The `name` attribute of the form control (a stable hook for tests).
    pub fn name(self) -> &'static str {
        match self {
            Field::Category => "category",
            Field::Description => "description",
            Field::Address => "address",
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Website => "website",
        }
    }

    /// The field's path in [`NewProblem`], as the host names it in errors.
    pub fn wire(self) -> &'static str {
        match self {
            Field::Category => "category_id",
            Field::Description => "description",
            Field::Address => "address",
            Field::Name => "reporter.name",
            Field::Email => "reporter.email",
            Field::Phone => "reporter.phone",
            Field::Website => "website",
        }
    }
}

/// Where geolocation stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Geo {
    #[default]
    Idle,
    Locating,
    Found(LatLon),
    Denied,
    Unavailable,
}

/// What the visitor typed. `category` is the id as text, empty when none is chosen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields {
    pub category: String,
    pub description: String,
    pub address: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub consent: bool,
    /// The reporter lets the agency that handles the problem see their contacts.
    pub share_with_agency: bool,
}

impl Fields {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Category => &self.category,
            Field::Description => &self.description,
            Field::Address => &self.address,
            Field::Name => &self.name,
            Field::Email => &self.email,
            Field::Phone => &self.phone,
            Field::Website => &self.website,
        }
    }

    fn get_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Category => &mut self.category,
            Field::Description => &mut self.description,
            Field::Address => &mut self.address,
            Field::Name => &mut self.name,
            Field::Email => &mut self.email,
            Field::Phone => &mut self.phone,
            Field::Website => &mut self.website,
        }
    }
}

/// The part of the form kept in `localStorage` if the visitor's network or tab gives up.
/// Contacts are deliberately not in it: personal data stays only in the live form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub category: String,
    pub description: String,
    pub address: String,
}

impl Draft {
    pub fn is_empty(&self) -> bool {
        self.category.is_empty() && self.description.is_empty() && self.address.is_empty()
    }
}

/// Where the widget is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    LoadFailed(Failure),
    /// The form is shown (possibly with errors from the last attempt).
    Ready,
    Submitting,
    Done(Rc<ProblemCreated>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormState {
    pub phase: Phase,
    pub config: Option<Rc<SiteConfig>>,
    pub fields: Fields,
    pub geo: Geo,
    /// Field errors, from the widget's own check or the host's 422.
    pub errors: Rc<Vec<FieldError>>,
    /// Why the last send failed, when it was not the fields' fault.
    pub failure: Option<Failure>,
    /// Bumped each time errors are shown, so the form can move focus to the first one.
    pub error_round: u32,
    /// Bumped each time the browser says it is back online.
    pub online_round: u32,
    /// The signed-in resident (single sign-on); `None` for an anonymous visitor.
    pub session: Option<Rc<Session>>,
    /// The photos chosen for the report: in memory only, never in the draft.
    pub photos: Vec<File>,
    /// Why the files last chosen were refused, in the visitor's words ("" when none was).
    pub photo_error: String,
    /// Once the report is in: what became of its photos, in words ("" when it had none).
    pub photo_news: String,
}

impl FormState {
    /// A fresh form, with a saved draft restored into it.
    pub fn new(draft: Draft) -> FormState {
        FormState {
            phase: Phase::Loading,
            config: None,
            fields: Fields {
                category: draft.category,
                description: draft.description,
                address: draft.address,
                ..Fields::default()
            },
            geo: Geo::Idle,
            errors: Rc::default(),
            failure: None,
            error_round: 0,
            online_round: 0,
            session: None,
            photos: Vec::new(),
            photo_error: String::new(),
            photo_news: String::new(),
        }
    }

    /// The form the host rendered for `config` (its first screen), with what the visitor typed,
    /// chose, ticked and picked in it before the bundle took over; an empty text field or
    /// category takes the draft's. The bundle renders this state hidden and then puts it in the
    /// first screen's place.
    pub fn first(
        config: SiteConfig,
        typed: &Fields,
        photos: Vec<File>,
        draft: Draft,
        lang: Lang,
    ) -> FormState {
        let pick = |typed: &str, saved: String| {
            if typed.is_empty() {
                saved
            } else {
                typed.to_owned()
            }
        };
        let mut s = FormState::new(Draft::default());
        s.fields = Fields {
            category: pick(&typed.category, draft.category),
            description: pick(&typed.description, draft.description),
            address: pick(&typed.address, draft.address),
            ..typed.clone()
        };
        // `Loaded` forgets a category the site no longer has, and picks the only one.
        let s = Rc::new(s)
            .reduce(Action::Loaded(config))
            .reduce(Action::AddPhotos(photos, lang));
        Rc::unwrap_or_clone(s)
    }

    /// The value of the root element's `data-state`.
    pub fn data_state(&self) -> &'static str {
        match (&self.phase, &self.failure) {
            (Phase::Loading, _) => "loading",
            (Phase::LoadFailed(_), _) | (Phase::Ready, Some(_)) => "error",
            (Phase::Ready, None) => "ready",
            (Phase::Submitting, _) => "submitting",
            (Phase::Done(_), _) => "done",
        }
    }

    pub fn draft(&self) -> Draft {
        Draft {
            category: self.fields.category.clone(),
            description: self.fields.description.clone(),
            address: self.fields.address.clone(),
        }
    }

    /// The report as the host wants it, or the reasons it cannot be sent yet.
    pub fn new_problem(&self, lang: Lang) -> Result<NewProblem, Vec<FieldError>> {
        let f = &self.fields;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let category_id = f.category.parse::<i64>().ok();
        let problem = NewProblem {
            category_id: category_id.unwrap_or(0),
            description: f.description.trim().to_owned(),
            location: match self.geo {
                Geo::Found(p) => Some(p),
                _ => None,
            },
            address: text(&f.address),
            reporter: ReporterContacts {
                name: text(&f.name),
                email: text(&f.email),
                phone: text(&f.phone),
                share_with_agency: f.share_with_agency,
            },
            consent: f.consent,
            lang,
            website: text(&f.website),
        };
        let mut errors = Vec::new();
        if category_id.is_none() {
            errors.push(FieldError {
                field: Field::Category.wire().into(),
                code: FieldErrorCode::Required,
                message: "choose a category".into(),
            });
        }
        errors.extend(validate_new_problem(&problem));
        if errors.is_empty() {
            Ok(problem)
        } else {
            Err(errors)
        }
    }

    /// The first error for a wire field, if any.
    pub fn error_for(&self, wire_field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == wire_field)
    }

    fn clear_errors_for(&mut self, wire_fields: &[&str]) {
        if self
            .errors
            .iter()
            .any(|e| wire_fields.contains(&e.field.as_str()))
        {
            let kept = self
                .errors
                .iter()
                .filter(|e| !wire_fields.contains(&e.field.as_str()))
                .cloned()
                .collect();
            self.errors = Rc::new(kept);
        }
    }
}

/// Everything that can happen to the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Loaded(SiteConfig),
    LoadFailed(Failure),
    /// A new attempt to load the site's configuration.
    Reload,
    Edit(Field, String),
    /// A checkbox: the consent (`share: false`) or sharing the contacts with the agency.
    Check {
        share: bool,
        on: bool,
    },
    Locating,
    Located(LatLon),
    LocationDenied,
    LocationUnavailable,
    ClearLocation,
    /// The widget's own check refused the form.
    Invalid(Vec<FieldError>),
    Sending,
    /// The report is in; `.1` says (in words) that its photos are on their way, if it has any.
    Sent(ProblemCreated, String),
    SendFailed(Failure),
    BackOnline,
    ReportAnother,
    /// The page's sign-in token was exchanged for a widget session.
    SignedIn(Session),
    /// The page said the visitor logged out, or the session could not be renewed.
    SignedOut,
    /// Files chosen in the photo field: each kept, or refused with a reason in this language.
    AddPhotos(Vec<File>, Lang),
    /// The chosen photo at this index is taken off the list.
    RemovePhoto(usize),
    /// What became of the photos of report `.0`, in words.
    PhotosDone(i64, String),
}

impl Reducible for FormState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Loaded(config) => {
                // A draft may name a category the site has since removed.
                let known = config
                    .categories
                    .iter()
                    .any(|c| c.id.to_string() == s.fields.category);
                if !known {
                    s.fields.category.clear();
                }
                // With one category there is nothing to choose.
                if let [only] = config.categories.as_slice() {
                    s.fields.category = only.id.to_string();
                }
                s.config = Some(Rc::new(config));
                s.phase = Phase::Ready;
            }
            Action::LoadFailed(f) => s.phase = Phase::LoadFailed(f),
            Action::Reload => s.phase = Phase::Loading,
            Action::Edit(field, value) => {
                *s.fields.get_mut(field) = value;
                match field {
                    Field::Address => s.clear_errors_for(&["address", "location"]),
                    other => s.clear_errors_for(&[other.wire(), other.name()]),
                }
            }
            Action::Check { share: true, on } => s.fields.share_with_agency = on,
            Action::Check { share: false, on } => {
                s.fields.consent = on;
                s.clear_errors_for(&["consent"]);
            }
            Action::Locating => s.geo = Geo::Locating,
            Action::Located(p) => {
                s.geo = Geo::Found(p);
                s.clear_errors_for(&["location"]);
            }
            Action::LocationDenied => s.geo = Geo::Denied,
            Action::LocationUnavailable => s.geo = Geo::Unavailable,
            Action::ClearLocation => s.geo = Geo::Idle,
            Action::Invalid(errors) => {
                s.errors = Rc::new(errors);
                s.failure = None;
                s.error_round += 1;
            }
            Action::Sending => {
                s.phase = Phase::Submitting;
                s.failure = None;
                s.errors = Rc::default();
            }
            Action::Sent(created, news) => {
                s.phase = Phase::Done(Rc::new(created));
                // The App uploads the photos it took at sending; the form forgets them.
                s.photo_news = news;
                s.photos.clear();
                s.photo_error.clear();
            }
            Action::SendFailed(Failure::Validation(errors)) => {
                s.phase = Phase::Ready;
                s.errors = Rc::new(errors);
                s.error_round += 1;
            }
            Action::SendFailed(f) => {
                s.phase = Phase::Ready;
                s.failure = Some(f);
            }
            Action::BackOnline => s.online_round += 1,
            Action::ReportAnother => {
                // A second report from the same person usually shares the contacts; the consent
                // is asked again, as it is given per report.
                let keep = Fields {
                    name: s.fields.name.clone(),
                    email: s.fields.email.clone(),
                    phone: s.fields.phone.clone(),
                    ..Fields::default()
                };
                s.fields = keep;
                if let Some([only]) = s.config.as_deref().map(|c| c.categories.as_slice()) {
                    s.fields.category = only.id.to_string();
                }
                s.geo = Geo::Idle;
                s.errors = Rc::default();
                s.failure = None;
                s.phase = Phase::Ready;
                s.photo_news.clear();
            }
            Action::SignedIn(session) => {
                // Prefilled, still editable: what the visitor typed wins.
                let r = &session.resident;
                for (field, value) in [
                    (Field::Name, &r.display_name),
                    (Field::Email, &r.email),
                    (Field::Phone, &r.phone),
                ] {
                    let slot = s.fields.get_mut(field);
                    if slot.is_empty() {
                        *slot = value.clone().unwrap_or_default();
                    }
                }
                s.session = Some(Rc::new(session));
            }
            Action::SignedOut => {
                // The next person at this computer must not find the previous one's contacts.
                if let Some(old) = s.session.take() {
                    let r = &old.resident;
                    for (field, value) in [
                        (Field::Name, &r.display_name),
                        (Field::Email, &r.email),
                        (Field::Phone, &r.phone),
                    ] {
                        let slot = s.fields.get_mut(field);
                        if value.as_deref() == Some(slot.as_str()) {
                            slot.clear();
                        }
                    }
                }
            }
            Action::AddPhotos(files, lang) => {
                s.photo_error.clear();
                for file in files {
                    let kind = file_type(&file);
                    let why = if !matches!(kind.as_str(), "image/jpeg" | "image/png" | "image/webp")
                    {
                        Msg::ErrPhotoType
                    } else if file_size(&file) > PHOTO_MAX_BYTES {
                        Msg::ErrPhotoSize
                    } else if s.photos.len() >= MAX_PHOTOS {
                        Msg::ErrPhotoCount
                    } else {
                        s.photos.push(file);
                        continue;
                    };
                    s.photo_error = s.photo_error + &tn(lang, why, file_name(&file)) + " ";
                }
            }
            Action::RemovePhoto(index) => {
                if index < s.photos.len() {
                    s.photos.remove(index);
                }
                s.photo_error.clear();
            }
            Action::PhotosDone(id, news) => {
                // Only for the report still shown ("Report another" may have been pressed).
                if matches!(&s.phase, Phase::Done(c) if c.id == id) {
                    s.photo_news = news;
                }
            }
        }
        Rc::new(s)
    }
}

//! The root component: loads the site's configuration, owns the form state, runs the effects
//! (sending and then the photos, geolocation, the draft, coming back online) and picks what to
//! show.

use std::rc::Rc;

use civic_wire::{AnonymousReports, Lang, Mode};
use gloo::events::EventListener;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Backend, Failure, Session};
use crate::draft;
use crate::geo::{self, GeoFailure};
use crate::i18n::tn;
use crate::i18n::{Msg, t};
use crate::options::WidgetOptions;
use crate::report_form::{ReportFormProps, focus_first_error, report_form};
use crate::state::{Action, FormState, Phase};
use crate::success::{SuccessProps, success};

#[derive(Properties, Clone)]
pub struct AppProps {
    pub options: Rc<WidgetOptions>,
    pub backend: Rc<dyn Backend>,
    /// The host rendered the first screen (the form for this configuration): the widget starts
    /// on it instead of loading the configuration.
    #[prop_or_default]
    pub first: Option<Rc<First>>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.options, &other.options) && Rc::ptr_eq(&self.backend, &other.backend)
    }
}

/// The host's first screen, which the bundle takes over.
pub struct First {
    /// The site's configuration the host rendered it with.
    pub config: civic_wire::SiteConfig,
    /// What the visitor typed, chose and ticked in it before the bundle took over.
    pub typed: crate::state::Fields,
    /// The photos picked in it.
    pub photos: Vec<web_sys::File>,
    /// Whether «Отправить» was pressed before the bundle took over (the loader's answer).
    pub submitted: Rc<dyn Fn() -> bool>,
    /// The loader's `shown(root)`: puts the bundle's rendering (in `root`) in the first screen's
    /// place, with the focus where it was, and presses again a button pressed there before.
    pub shown: Rc<dyn Fn(&web_sys::Element)>,
}

type Dispatcher = UseReducerDispatcher<FormState>;

/// A widget session for the page's current sign-in token, if the page has one and the host takes it.
async fn sign_in(backend: &dyn Backend, site: &str) -> Option<Session> {
    let token = backend.sso_token().await?;
    backend.sso_exchange(site, &token).await.ok()
}

/// Signs in (again) in the background; a failure leaves the widget as it was.
fn start_sign_in(backend: Rc<dyn Backend>, site: String, dispatcher: Dispatcher) {
    spawn_local(async move {
        if let Some(session) = sign_in(&*backend, &site).await {
            dispatcher.dispatch(Action::SignedIn(session));
        }
    });
}

/// After a 401: one fresh token from the page; without one, the widget is anonymous again.
async fn renew(backend: &dyn Backend, site: &str, dispatcher: &Dispatcher) -> Option<String> {
    let session = sign_in(backend, site).await;
    let bearer = session.as_ref().map(|s| s.bearer.clone());
    dispatcher.dispatch(match session {
        Some(s) => Action::SignedIn(s),
        None => Action::SignedOut,
    });
    bearer
}

fn bearer(state: &FormState) -> Option<String> {
    state.session.as_ref().map(|s| s.bearer.clone())
}

/// Why a photo was not attached.
fn photo_failure(failure: Failure) -> Msg {
    match failure {
        // The report left `new` at once: a site without pre-moderation published it.
        Failure::Conflict => Msg::PhotoPublished,
        Failure::Validation(_) => Msg::PhotoUnreadable,
        Failure::TooLarge => Msg::PhotoTooLarge,
        Failure::Network => Msg::PhotoNetwork,
        _ => Msg::PhotoFailed,
    }
}

/// Uploads the photos of report `id` (tracking code `code`), one by one, then says how that
/// went: "Photos attached: 1. Not attached: a.jpg — why; b.png — why." A dropped connection gets
/// one more try; the report itself is in whatever happens here.
async fn upload_photos(
    backend: &dyn Backend,
    site: &str,
    lang: Lang,
    id: i64,
    code: &str,
    photos: &[web_sys::File],
) -> Action {
    let (mut attached, mut failed) = (0, String::new());
    for photo in photos {
        // Two tries at most, the second only after a network failure.
        let mut result = Err(Failure::Network);
        for _ in 0..2 {
            if matches!(result, Err(Failure::Network)) {
                result = backend.upload_photo(site, id, code, photo).await;
            }
        }
        match result {
            Ok(()) => attached += 1,
            Err(failure) => {
                let first = failed.is_empty();
                failed = failed
                    + if first { " " } else { ";" }
                    + if first {
                        t(lang, Msg::PhotosNotAttached)
                    } else {
                        ""
                    }
                    + " "
                    + &crate::api::file_name(photo)
                    + " — "
                    + t(lang, photo_failure(failure));
            }
        }
    }
    let news = tn(lang, Msg::PhotosAttached, attached) + &failed;
    Action::PhotosDone(id, if failed.is_empty() { news } else { news + "." })
}

/// Checks the form and, when it is complete, sends it (as the signed-in resident, if one is);
/// once the report is in, its photos follow.
fn send(state: &UseReducerHandle<FormState>, props: &AppProps) {
    if matches!(state.phase, Phase::Submitting | Phase::Done(_)) {
        return;
    }
    match state.new_problem(props.options.lang) {
        Err(errors) => state.dispatch(Action::Invalid(errors)),
        Ok(problem) => {
            state.dispatch(Action::Sending);
            let (backend, site) = (props.backend.clone(), props.options.site.clone());
            let bearer = bearer(state);
            let photos = state.photos.clone();
            let lang = props.options.lang;
            let dispatcher = state.dispatcher();
            spawn_local(async move {
                let mut result = backend
                    .submit_problem(&site, &problem, bearer.as_deref())
                    .await;
                if bearer.is_some() && matches!(result, Err(Failure::Unauthorized)) {
                    let renewed = renew(&*backend, &site, &dispatcher).await;
                    result = backend
                        .submit_problem(&site, &problem, renewed.as_deref())
                        .await;
                }
                match result {
                    Ok(created) if !photos.is_empty() => {
                        let (id, code) = (created.id, created.tracking_code.clone());
                        let news = t(lang, Msg::PhotosUploading).into();
                        dispatcher.dispatch(Action::Sent(created, news));
                        let done = upload_photos(&*backend, &site, lang, id, &code, &photos).await;
                        dispatcher.dispatch(done);
                    }
                    Ok(created) => dispatcher.dispatch(Action::Sent(created, String::new())),
                    Err(failure) => dispatcher.dispatch(Action::SendFailed(failure)),
                }
            });
        }
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let o = props.options.clone();
    let lang = o.lang;
    let state = {
        let site = o.site.clone();
        let first = props.first.clone();
        // Only the basic bundle takes a first screen over (the map bundle starts from nothing).
        use_reducer(move || match first {
            Some(f) if cfg!(not(feature = "extended")) => FormState::first(
                f.config.clone(),
                &f.typed,
                f.photos.clone(),
                draft::load(&site),
                lang,
            ),
            _ => FormState::new(draft::load(&site)),
        })
    };

    // Taking over the host's first screen: once rendered (hidden), the bundle's form takes its
    // place, then a «Отправить» pressed there before is carried out, once.
    let section = use_node_ref();
    {
        let state = state.clone();
        let props = props.clone();
        let section = section.clone();
        use_effect_with((), move |()| {
            let Some(first) = props
                .first
                .clone()
                .filter(|_| cfg!(not(feature = "extended")))
            else {
                return;
            };
            if let Some(root) = section.get().and_then(|s| s.parent_element()) {
                (first.shown)(&root);
            }
            if (first.submitted)() {
                send(&state, &props);
            }
        });
    }

    // Load (and, after a failure, reload) the site's configuration.
    let loading = matches!(state.phase, Phase::Loading);
    {
        let dispatcher = state.dispatcher();
        let props = props.clone();
        use_effect_with(loading, move |loading| {
            if *loading {
                let future = props
                    .backend
                    .site_config(&props.options.site, props.options.lang);
                spawn_local(async move {
                    dispatcher.dispatch(match future.await {
                        Ok(config) => Action::Loaded(config),
                        Err(failure) => Action::LoadFailed(failure),
                    });
                });
            }
        });
    }

    // Keep the draft in step with what is typed; forget it once the report is in.
    {
        let site = o.site.clone();
        let done = matches!(state.phase, Phase::Done(_));
        use_effect_with((state.draft(), done), move |(draft, done)| {
            if *done {
                draft::clear(&site);
            } else {
                draft::save(&site, draft);
            }
        });
    }

    // When the connection comes back, finish what it interrupted. Single sign-on: sign in at
    // once, again whenever the page calls `CivicWidget.configure`, out on `CivicWidget.logout()`.
    {
        let dispatcher = state.dispatcher();
        let props = props.clone();
        use_effect_with((), move |_| {
            start_sign_in(
                props.backend.clone(),
                props.options.site.clone(),
                dispatcher.clone(),
            );
            let listeners = web_sys::window().map(|window| {
                let d = dispatcher.clone();
                let online =
                    EventListener::new(&window, "online", move |_| d.dispatch(Action::BackOnline));
                // `configure` or `logout`: forget the session, then ask the page again (after
                // `logout` the loader answers no token until the next `configure`).
                let sso = EventListener::new(&window, "civic-widget-sso", move |_| {
                    dispatcher.dispatch(Action::SignedOut);
                    start_sign_in(
                        props.backend.clone(),
                        props.options.site.clone(),
                        dispatcher.clone(),
                    )
                });
                (online, sso)
            });
            move || drop(listeners)
        });
    }

    {
        let state = state.clone();
        let props = props.clone();
        use_effect_with(state.online_round, move |_| {
            match (&state.phase, &state.failure) {
                (Phase::LoadFailed(Failure::Network), _) => state.dispatch(Action::Reload),
                (Phase::Ready, Some(Failure::Network)) => send(&state, &props),
                _ => {}
            }
        });
    }

    // When the report is in, the form the visitor was in is gone: focus the news instead. After
    // a refused send, focus moves to the first refused field.
    let success_heading = use_node_ref();
    let form_ref = use_node_ref();
    {
        let heading = success_heading.clone();
        let form_ref = form_ref.clone();
        let done = matches!(state.phase, Phase::Done(_));
        use_effect_with((done, state.error_round), move |&(done, round)| {
            if let Some(h) = heading.cast::<HtmlElement>().filter(|_| done) {
                let _ = h.focus();
            } else if round > 0 {
                focus_first_error(&form_ref);
            }
        });
    }

    let on_submit = {
        let state = state.clone();
        let props = props.clone();
        Callback::from(move |()| send(&state, &props))
    };
    let on_edit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(field, value)| dispatcher.dispatch(Action::Edit(field, value)))
    };
    let on_check = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(share, on)| dispatcher.dispatch(Action::Check { share, on }))
    };
    let on_locate = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            dispatcher.dispatch(Action::Locating);
            let dispatcher = dispatcher.clone();
            geo::locate(Callback::from(move |result| {
                dispatcher.dispatch(match result {
                    Ok(p) => Action::Located(p),
                    Err(GeoFailure::Denied) => Action::LocationDenied,
                    Err(GeoFailure::Unavailable) => Action::LocationUnavailable,
                })
            }));
        })
    };
    let on_clear_location = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ClearLocation))
    };
    let on_reload = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Reload))
    };
    // Extended mode (the map bundle): whether the form is shown instead of the map.
    #[cfg(feature = "extended")]
    let show_form = use_state(|| o.pin);
    #[cfg(not(feature = "extended"))]
    let show_form = ();
    let on_report_another = {
        let dispatcher = state.dispatcher();
        #[cfg(feature = "extended")]
        let show_form = show_form.clone();
        Callback::from(move |()| {
            #[cfg(feature = "extended")]
            show_form.set(false);
            dispatcher.dispatch(Action::ReportAnother)
        })
    };

    #[cfg(feature = "extended")]
    let title = if o.mode == Mode::Extended && !*show_form {
        crate::map::i18n::m(lang, crate::map::i18n::MapMsg::MapLabel)
    } else {
        t(lang, Msg::Title)
    };
    #[cfg(not(feature = "extended"))]
    let title = t(lang, Msg::Title);
    let heading = match state.config.as_deref() {
        Some(c) if !c.name.is_empty() => format!("{title} · {}", c.name),
        _ => title.to_owned(),
    };
    let ready = matches!(
        state.phase,
        Phase::Ready | Phase::Submitting | Phase::Done(_)
    );
    let signed_in = match &state.session {
        Some(session) if ready => {
            let r = &session.resident;
            let name = r
                .display_name
                .as_ref()
                .or(r.email.as_ref())
                .or(r.phone.as_ref());
            // The basic bundle has no list of one's reports: "My reports" hands the widget over
            // to the map bundle, which opens on them (the map bundle has its button on the map).
            #[cfg(not(feature = "extended"))]
            let mine = {
                let backend = props.backend.clone();
                let onclick = Callback::from(move |_: MouseEvent| backend.upgrade("mine"));
                crate::view::button(
                    "civic-link civic-my-reports",
                    t(lang, Msg::MyReports),
                    onclick,
                )
            };
            #[cfg(feature = "extended")]
            let mine = Html::default();
            html! {
                <p class="civic-signed-in">{ tn(lang, Msg::SignedInAs, name.map_or("", |n| n.as_str())) }{ " " }{ mine }</p>
            }
        }
        _ => Html::default(),
    };
    let body = match (&state.phase, &state.config) {
        (Phase::Loading, _) => html! {
            <p class="civic-loading" role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ t(lang, Msg::Loading) }</p>
        },
        (Phase::LoadFailed(failure), _) => html! {
            <div class="civic-error" role="alert">
                <p>{ t(lang, if matches!(failure, Failure::NotFound) { Msg::SiteNotFound } else { Msg::LoadFailed }) }</p>
                { crate::view::button("civic-retry", t(lang, Msg::Retry), on_reload) }
            </div>
        },
        (Phase::Done(created), _) => success(SuccessProps {
            lang,
            created: created.clone(),
            heading: success_heading,
            on_report_another,
            photos: state.photo_news.clone(),
        }),
        (Phase::Ready | Phase::Submitting, Some(config)) => {
            let form = report_form(
                ReportFormProps {
                    options: o.clone(),
                    config: config.clone(),
                    fields: state.fields.clone(),
                    geo: state.geo,
                    errors: state.errors.clone(),
                    failure: state.failure.clone(),
                    submitting: matches!(state.phase, Phase::Submitting),
                    email_required: state.session.is_none()
                        && config.anonymous == AnonymousReports::ConfirmEmail,
                    on_edit,
                    on_check,
                    on_locate,
                    on_clear_location,
                    on_submit,
                    // The basic bundle: "Choose on the map" hands the widget over to the map
                    // bundle (the draft goes with it); the map bundle's form has its map.
                    on_pin: cfg!(not(feature = "extended")).then(|| {
                        let backend = props.backend.clone();
                        Callback::from(move |()| backend.upgrade("pin"))
                    }),
                    photos: state.photos.clone(),
                    photo_error: state.photo_error.clone(),
                    on_photos: {
                        let dispatcher = state.dispatcher();
                        Callback::from(move |action| dispatcher.dispatch(action))
                    },
                },
                form_ref,
            );
            if o.mode == Mode::Extended {
                with_map(props, &state, config, &show_form, form)
            } else {
                form
            }
        }
        (Phase::Ready | Phase::Submitting, None) => Html::default(),
    };

    html! {
        <section ref={section} class="civic-widget" lang={lang.code()} data-state={state.data_state()}
            aria-labelledby={o.id("title")}>
            <h2 id={o.id("title")}>{ heading }</h2>
            { signed_in }
            { body }
        </section>
    }
}

/// Extended mode (the map bundle): the map first; on "report here" the form, with the map as
/// its pin and the similar problems nearby.
#[cfg(feature = "extended")]
fn with_map(
    props: &AppProps,
    state: &UseReducerHandle<FormState>,
    config: &Rc<civic_wire::SiteConfig>,
    show_form: &UseStateHandle<bool>,
    form: Html,
) -> Html {
    use crate::state::Geo;
    let on_report_here = {
        let (dispatcher, show_form) = (state.dispatcher(), show_form.clone());
        Callback::from(move |at| {
            dispatcher.dispatch(Action::Located(at));
            show_form.set(true);
        })
    };
    let at = match state.geo {
        Geo::Found(p) => Some(p),
        _ => None,
    };
    let dispatcher = state.dispatcher();
    let on_move = Callback::from(move |p| dispatcher.dispatch(Action::Located(p)));
    let on_back = {
        let show_form = show_form.clone();
        Callback::from(move |()| show_form.set(false))
    };
    html! {
        <crate::map::view::ProblemMap options={props.options.clone()} config={config.clone()}
            backend={props.backend.clone()} {on_report_here} session={state.session.clone()}
            form={show_form.then_some(form)} {at} category={state.fields.category.clone()}
            {on_move} {on_back} />
    }
}

/// The basic bundle has no map (the loader gives extended widgets the map bundle).
#[cfg(not(feature = "extended"))]
fn with_map(
    _props: &AppProps,
    _state: &UseReducerHandle<FormState>,
    _config: &Rc<civic_wire::SiteConfig>,
    _show_form: &(),
    form: Html,
) -> Html {
    form
}

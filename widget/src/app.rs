//! The root component: loads the site's configuration, owns the form state, runs the effects
//! (sending, geolocation, the draft, coming back online) and picks what to show.

use std::rc::Rc;

use civic_wire::Mode;
use gloo::events::EventListener;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Backend, Failure};
use crate::draft;
use crate::geo::{self, GeoFailure};
use crate::i18n::{Msg, t};
use crate::options::WidgetOptions;
use crate::report_form::ReportForm;
use crate::state::{Action, FormState, Phase};
use crate::success::{SuccessProps, success};

#[derive(Properties, Clone)]
pub struct AppProps {
    pub options: Rc<WidgetOptions>,
    pub backend: Rc<dyn Backend>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.options, &other.options) && Rc::ptr_eq(&self.backend, &other.backend)
    }
}

/// Checks the form and, when it is complete, sends it.
fn send(state: &UseReducerHandle<FormState>, props: &AppProps) {
    if matches!(state.phase, Phase::Submitting | Phase::Done(_)) {
        return;
    }
    match state.new_problem(props.options.lang) {
        Err(errors) => state.dispatch(Action::Invalid(errors)),
        Ok(problem) => {
            state.dispatch(Action::Sending);
            let future = props.backend.submit_problem(&props.options.site, &problem);
            let dispatcher = state.dispatcher();
            spawn_local(async move {
                match future.await {
                    Ok(created) => dispatcher.dispatch(Action::Sent(created)),
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
        use_reducer(move || FormState::new(draft::load(&site)))
    };

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

    // When the connection comes back, finish what it interrupted.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "online", move |_| {
                    dispatcher.dispatch(Action::BackOnline)
                })
            });
            move || drop(listener)
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

    // When the report is in, the form the visitor was in is gone: focus the news instead.
    let success_heading = use_node_ref();
    {
        let heading = success_heading.clone();
        let done = matches!(state.phase, Phase::Done(_));
        use_effect_with(done, move |done| {
            if let Some(h) = heading.cast::<HtmlElement>().filter(|_| *done) {
                let _ = h.focus();
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
    let on_consent = {
        let dispatcher = state.dispatcher();
        Callback::from(move |on| dispatcher.dispatch(Action::SetConsent(on)))
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
    let on_report_another = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ReportAnother))
    };

    let heading = match state.config.as_deref() {
        Some(c) if !c.name.is_empty() => format!("{} · {}", t(lang, Msg::Title), c.name),
        _ => t(lang, Msg::Title).to_owned(),
    };
    let body = match (&state.phase, &state.config) {
        (Phase::Loading, _) => html! {
            <p class="civic-loading" role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ t(lang, Msg::Loading) }</p>
        },
        (Phase::LoadFailed(failure), _) => html! {
            <div class="civic-error" role="alert">
                <p>{ t(lang, if *failure == Failure::NotFound { Msg::SiteNotFound } else { Msg::LoadFailed }) }</p>
                <button type="button" class="civic-retry" onclick={on_reload}>{ t(lang, Msg::Retry) }</button>
            </div>
        },
        (Phase::Done(created), _) => success(SuccessProps {
            lang,
            created: created.clone(),
            heading: success_heading,
            on_report_another,
        }),
        (Phase::Ready | Phase::Submitting, Some(config)) => html! {
            <>
                if o.mode == Mode::Extended {
                    <p class="civic-note">{ t(lang, Msg::ExtendedModeNote) }</p>
                }
                <ReportForm options={o.clone()} config={config.clone()} fields={state.fields.clone()}
                    geo={state.geo} errors={state.errors.clone()} failure={state.failure.clone()}
                    submitting={state.phase == Phase::Submitting} error_round={state.error_round}
                    on_edit={on_edit} on_consent={on_consent} on_locate={on_locate}
                    on_clear_location={on_clear_location} on_submit={on_submit} />
            </>
        },
        (Phase::Ready | Phase::Submitting, None) => Html::default(),
    };

    html! {
        <section class="civic-widget" lang={lang.code()} data-state={state.data_state()}
            aria-labelledby={o.id("title")}>
            <h2 id={o.id("title")}>{ heading }</h2>
            { body }
        </section>
    }
}

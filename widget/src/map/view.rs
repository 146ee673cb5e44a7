//! The extended mode's screen: filters, the map, the list of what is in view (also the way to
//! the problems without a pointer or without sight), and the card of the chosen problem.

use std::cell::Cell;
use std::rc::Rc;

use civic_wire::{Bounds, LatLon, MapView, SiteConfig, Status};
use wasm_bindgen::JsValue;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::card::{CardProps, CardState, Support, card};
use super::i18n::{MapMsg, counted, m};
use super::leaflet::{MapEvent, MapLabels, MapRenderer, adopt_css, library, markers};
use crate::api::{Backend, Session};
use crate::options::WidgetOptions;

#[derive(Properties, Clone)]
pub struct ProblemMapProps {
    pub options: Rc<WidgetOptions>,
    pub config: Rc<SiteConfig>,
    pub backend: Rc<dyn Backend>,
    /// "Report a problem here": the centre of the map.
    pub on_report_here: Callback<LatLon>,
    /// The signed-in resident's session, who may support problems.
    pub session: Option<Rc<Session>>,
}

impl PartialEq for ProblemMapProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.options, &other.options)
            && Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.backend, &other.backend)
            && match (&self.session, &other.session) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

/// The filters as chosen (option values of the three selects).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// A category id, or empty for all.
    pub category: String,
    /// `open`, `solved`, `rejected`, or empty for all.
    pub status: String,
    /// Days back (`7`, `30`, `365`), or empty for all time.
    pub period: String,
}

impl Filters {
    /// The statuses a status choice stands for (the map endpoint's `status` list).
    pub fn statuses(&self) -> Option<&'static str> {
        match self.status.as_str() {
            "open" => Some("published,in_progress"),
            "solved" => Some("resolved,closed"),
            "rejected" => Some("refused,duplicate"),
            _ => None,
        }
    }
}

/// The map endpoint's query for a viewport: `bbox=W,S,E,N&zoom=Z` and the filters.
pub fn map_query(bbox: Bounds, zoom: u8, filters: &Filters, today_ms: f64) -> String {
    let mut q = [
        "bbox=",
        &coord(bbox.west),
        ",",
        &coord(bbox.south),
        ",",
        &coord(bbox.east),
        ",",
        &coord(bbox.north),
    ]
    .concat();
    q += "&zoom=";
    q += &zoom.to_string();
    if filters.category.parse::<i64>().is_ok() {
        q += "&category=";
        q += &filters.category;
    }
    if let Some(statuses) = filters.statuses() {
        q += "&status=";
        q += statuses;
    }
    if let Ok(days) = filters.period.parse::<u32>() {
        let since = js_sys::Date::new(&JsValue::from_f64(
            today_ms - f64::from(days) * 86_400_000.0,
        ));
        let iso = String::from(since.to_iso_string());
        q += "&since=";
        q += iso.get(..10).unwrap_or_default();
    }
    q
}

/// A coordinate with six decimals (JavaScript prints it: Rust's float formatter is big).
fn coord(value: f64) -> String {
    js_sys::Number::from(value)
        .to_fixed(6)
        .map(String::from)
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ready {
    Loading,
    Shown,
    Failed,
}

#[function_component(ProblemMap)]
pub fn problem_map(props: &ProblemMapProps) -> Html {
    let o = props.options.clone();
    let lang = o.lang;
    let container = use_node_ref();
    let renderer = use_mut_ref(|| None::<Rc<MapRenderer>>);
    let ready = use_state(|| Ready::Loading);
    let viewport = use_state(|| None::<(Bounds, u8)>);
    let filters = use_state(Filters::default);
    let view = use_state(|| None::<Rc<MapView>>);
    let card_state = use_state(|| CardState::Closed);
    let card_heading = use_node_ref();
    let support = use_state(|| Support::Ready);
    // Answers to older requests than the newest are dropped when they come late.
    let generation = use_mut_ref(|| Cell::new(0u32));

    let open_card = {
        let (card_state, backend, site) =
            (card_state.clone(), props.backend.clone(), o.site.clone());
        let support = support.clone();
        Callback::from(move |id: i64| {
            support.set(Support::Ready);
            card_state.set(CardState::Loading(id));
            let (card_state, backend, site) = (card_state.clone(), backend.clone(), site.clone());
            spawn_local(async move {
                card_state.set(match backend.problem_card(&site, id, lang).await {
                    Ok(c) => CardState::Shown(Rc::new(c)),
                    Err(_) => CardState::Failed(id),
                });
            });
        })
    };

    // Draw the map once Leaflet has arrived; remove it with the component.
    {
        let (container, renderer, ready, viewport) = (
            container.clone(),
            renderer.clone(),
            ready.clone(),
            viewport.clone(),
        );
        let (props, open_card) = (props.clone(), open_card.clone());
        use_effect_with((), move |_| {
            let keep = renderer.clone();
            spawn_local(async move {
                let lib = props.backend.leaflet().await;
                let (Some((lib, css)), Some(element)) = (
                    lib.as_ref().and_then(library),
                    container.cast::<HtmlElement>(),
                ) else {
                    ready.set(Ready::Failed);
                    return;
                };
                let _ = adopt_css(&element, &css);
                let events = Callback::from(move |e| match e {
                    MapEvent::Moved { bbox, zoom } => viewport.set(Some((bbox, zoom))),
                    MapEvent::Problem(id) => open_card.emit(id),
                });
                let labels = MapLabels {
                    zoom_in: m(lang, MapMsg::ZoomIn).into(),
                    zoom_out: m(lang, MapMsg::ZoomOut).into(),
                    map: m(lang, MapMsg::MapLabel).into(),
                };
                let base = props.backend.base_map();
                let r = MapRenderer::new(
                    lib,
                    &element,
                    props.config.bounds,
                    base.as_ref(),
                    &labels,
                    events,
                );
                *renderer.borrow_mut() = Some(r);
                ready.set(Ready::Shown);
            });
            move || drop(keep.borrow_mut().take())
        });
    }

    // Ask the host what to draw whenever the view or the filters change.
    {
        let (view, backend, site, generation) = (
            view.clone(),
            props.backend.clone(),
            o.site.clone(),
            generation.clone(),
        );
        use_effect_with(
            (*viewport, (*filters).clone()),
            move |(viewport, filters)| {
                if let Some((bbox, zoom)) = *viewport {
                    let query = map_query(bbox, zoom, filters, js_sys::Date::now());
                    let mine = generation.borrow().get() + 1;
                    generation.borrow().set(mine);
                    spawn_local(async move {
                        let answer = backend.map_view(&site, &query).await;
                        if generation.borrow().get() == mine
                            && let Ok(v) = answer
                        {
                            view.set(Some(Rc::new(v)));
                        }
                    });
                }
            },
        );
    }

    // Draw the answer.
    let category_name = {
        let config = props.config.clone();
        move |id: i64| {
            config
                .categories
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        }
    };
    let problem_title = {
        let category_name = category_name.clone();
        move |id: i64, category: i64, status: Status| {
            [
                m(lang, MapMsg::NumberPrefix),
                " ",
                &id.to_string(),
                " · ",
                &category_name(category),
                " — ",
                status.label(lang),
            ]
            .concat()
        }
    };
    let cluster_title = move |n: u64| {
        counted(
            lang,
            [MapMsg::ClusterOne, MapMsg::ClusterFew, MapMsg::ClusterMany],
            n,
        )
    };
    {
        let renderer = renderer.clone();
        let (problem_title, cluster_title) = (problem_title.clone(), cluster_title);
        use_effect_with(((*view).clone(), *ready), move |(view, _)| {
            if let (Some(r), Some(view)) = (renderer.borrow().as_ref(), view) {
                r.show(&markers(view, problem_title, cluster_title));
            }
        });
    }

    // A card that opens is read out: focus its heading.
    {
        let heading = card_heading.clone();
        let shown = match &*card_state {
            CardState::Shown(c) => c.id,
            _ => 0,
        };
        use_effect_with(shown, move |id| {
            if *id != 0
                && let Some(h) = heading.cast::<HtmlElement>()
            {
                let _ = h.focus();
            }
        });
    }

    let select = |name: &'static str,
                  label: MapMsg,
                  value: &str,
                  options: Vec<(String, String)>,
                  set: fn(&mut Filters, String)| {
        let filters = filters.clone();
        let onchange = Callback::from(move |e: Event| {
            let mut f = (*filters).clone();
            set(
                &mut f,
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            filters.set(f);
        });
        let id = o.id(name);
        html! {
            <div class="civic-field">
                <label for={id.clone()}>{ m(lang, label) }</label>
                <select id={id} name={name} {onchange}>
                    for (v, text) in options {
                        <option value={v.clone()} selected={v == value}>{ text }</option>
                    }
                </select>
            </div>
        }
    };
    let f = &*filters;
    let mut categories = vec![(String::new(), m(lang, MapMsg::AllCategories).to_owned())];
    categories.extend(
        props
            .config
            .categories
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    let pair = |v: &str, msg: MapMsg| (v.to_owned(), m(lang, msg).to_owned());
    let filters_html = html! {
        <fieldset class="civic-filters">
            <legend class="civic-sr">{ m(lang, MapMsg::Filters) }</legend>
            { select("filter-category", MapMsg::FilterCategory, &f.category, categories, |f, v| f.category = v) }
            { select("filter-status", MapMsg::FilterStatus, &f.status, vec![
                pair("", MapMsg::AllStatuses), pair("open", MapMsg::StatusOpen),
                pair("solved", MapMsg::StatusSolved), pair("rejected", MapMsg::StatusRejected),
            ], |f, v| f.status = v) }
            { select("filter-period", MapMsg::FilterPeriod, &f.period, vec![
                pair("", MapMsg::AllTime), pair("7", MapMsg::LastWeek),
                pair("30", MapMsg::LastMonth), pair("365", MapMsg::LastYear),
            ], |f, v| f.period = v) }
        </fieldset>
    };

    let list = match &*view {
        None => Html::default(),
        Some(v) => {
            let count = if v.total == 0 {
                m(lang, MapMsg::NothingInView).to_owned()
            } else {
                counted(
                    lang,
                    [MapMsg::InViewOne, MapMsg::InViewFew, MapMsg::InViewMany],
                    v.total,
                )
            };
            let items = if v.clusters.is_empty() {
                html! {
                    for p in v.problems.iter() {
                        <li><button type="button" class="civic-link" data-id={p.id.to_string()}
                            onclick={open_card.reform({ let id = p.id; move |_: MouseEvent| id })}>
                            { problem_title(p.id, p.category_id, p.status) }
                        </button></li>
                    }
                }
            } else {
                html! {
                    for c in v.clusters.iter() {
                        <li><button type="button" class="civic-link" onclick={{
                            let renderer = renderer.clone();
                            let (at, zoom) = (LatLon { lat: c.lat, lon: c.lon }, c.expansion_zoom);
                            Callback::from(move |_: MouseEvent| if let Some(r) = renderer.borrow().as_ref() { r.fly_to(at, zoom) })
                        }}>{ cluster_title(c.count) }</button></li>
                    }
                }
            };
            html! {
                <>
                    <p class="civic-map-count" aria-live="polite">{ count }
                        if v.truncated { { " " }{ m(lang, MapMsg::Truncated) } }
                    </p>
                    if !v.clusters.is_empty() { <p class="civic-hint">{ m(lang, MapMsg::ZoomInToList) }</p> }
                    <ul class="civic-map-list" aria-label={m(lang, MapMsg::ListLabel)}>{ items }</ul>
                </>
            }
        }
    };

    let on_report_here = {
        let (renderer, cb) = (renderer.clone(), props.on_report_here.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(r) = renderer.borrow().as_ref() {
                cb.emit(r.centre());
            }
        })
    };
    // "This affects me too": the vote, then the card's count as the host counted it.
    let on_support = {
        let (card_state, support, backend, site) = (
            card_state.clone(),
            support.clone(),
            props.backend.clone(),
            o.site.clone(),
        );
        let bearer = props.session.as_ref().map(|s| s.bearer.clone());
        let shown = match &*card_state {
            CardState::Shown(c) => Some(c.clone()),
            _ => None,
        };
        Callback::from(move |_: MouseEvent| {
            let (Some(bearer), Some(c)) = (bearer.clone(), shown.clone()) else {
                return;
            };
            support.set(Support::Sending);
            let (card_state, support, backend, site) = (
                card_state.clone(),
                support.clone(),
                backend.clone(),
                site.clone(),
            );
            spawn_local(async move {
                match backend.support(&site, c.id, &bearer).await {
                    Ok(r) => {
                        let mut updated = (*c).clone();
                        updated.support_count = r.support_count;
                        card_state.set(CardState::Shown(Rc::new(updated)));
                        support.set(Support::Done(r.counted));
                    }
                    Err(_) => support.set(Support::Failed),
                }
            });
        })
    };
    let support_state = if props.session.is_some() {
        *support
    } else {
        Support::SignInFirst
    };
    let on_close = {
        let card_state = card_state.clone();
        Callback::from(move |_: MouseEvent| card_state.set(CardState::Closed))
    };
    let status = match *ready {
        Ready::Loading => {
            html! { <p class="civic-loading" role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ m(lang, MapMsg::MapLoading) }</p> }
        }
        Ready::Failed => {
            html! { <p class="civic-error" role="alert">{ m(lang, MapMsg::MapFailed) }</p> }
        }
        Ready::Shown => Html::default(),
    };
    html! {
        <div class="civic-map-view">
            { filters_html }
            { status }
            <div class="civic-map" ref={container} data-ready={(*ready == Ready::Shown).then_some("")}></div>
            <div class="civic-actions">
                <button type="button" class="civic-primary civic-report-here" onclick={on_report_here}
                    disabled={*ready != Ready::Shown}>{ m(lang, MapMsg::ReportHere) }</button>
            </div>
            { card(CardProps {
                lang, state: &card_state, support: support_state, on_support,
                heading: card_heading, id_prefix: &o.id_prefix, on_close,
            }) }
            { list }
        </div>
    }
}

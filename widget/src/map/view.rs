//! The extended mode's screen: filters, the map, the list of what is in view (also the way to
//! the problems without a pointer or without sight), and the card of the chosen problem.

use std::cell::Cell;
use std::rc::Rc;

use civic_wire::{
    Bounds, LatLon, MapView, MyProblems, NearbyProblems, SiteConfig, Status, SupportResult,
};
use wasm_bindgen::JsValue;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::Reducible;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::card::{CardProps, CardState, Support, card};
use super::i18n::{MapMsg, counted, day, m, mn};
use super::leaflet::{MapEvent, MapRenderer, adopt_css, library, markers};
use crate::api::{Backend, Session, coord};
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
    /// The report form, while the resident fills it in: the map then becomes the form's pin
    /// (the place is under the pin in its centre) and shows similar problems nearby.
    #[prop_or_default]
    pub form: Option<Html>,
    /// The form's place and category (for the pin and the nearby problems).
    #[prop_or_default]
    pub at: Option<LatLon>,
    #[prop_or_default]
    pub category: AttrValue,
    /// The pin moved: the form's new place.
    #[prop_or_default]
    pub on_move: Callback<LatLon>,
    /// "Back to the map" from the form.
    #[prop_or_default]
    pub on_back: Callback<()>,
}

impl PartialEq for ProblemMapProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.options, &other.options)
            && Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.backend, &other.backend)
            && self.session.as_ref().map(Rc::as_ptr) == other.session.as_ref().map(Rc::as_ptr)
            && self.form == other.form
            && self.at == other.at
            && self.category == other.category
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

/// Everything the map screen shows, changed only by [`MapAction`]s (one reducer rather than a
/// hook per part: every hook type adds its own code to the bundle).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapState {
    /// `None` while Leaflet loads; then whether the map could be drawn.
    pub drawn: Option<bool>,
    pub viewport: Option<(Bounds, u8)>,
    pub filters: Filters,
    pub view: Option<Rc<MapView>>,
    pub card: CardState,
    /// The last "this affects me too" and where it stands.
    pub vote: Option<(i64, Support)>,
    pub nearby: Option<Rc<NearbyProblems>>,
    /// The signed-in resident's own reports, when asked for.
    pub mine: Mine,
}

/// "My reports" and where it stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mine {
    #[default]
    Closed,
    Loading,
    Shown(Rc<MyProblems>),
    Failed,
}

pub enum MapAction {
    Drawn(bool),
    Moved(Bounds, u8),
    Filter(Filters),
    View(Rc<MapView>),
    Card(CardState),
    Vote(i64, Support),
    Counted(i64, SupportResult),
    Nearby(Option<Rc<NearbyProblems>>),
    Mine(Mine),
}

impl Reducible for MapState {
    type Action = MapAction;

    fn reduce(self: Rc<Self>, action: MapAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            MapAction::Drawn(ok) => s.drawn = Some(ok),
            MapAction::Moved(bbox, zoom) => s.viewport = Some((bbox, zoom)),
            MapAction::Filter(f) => s.filters = f,
            MapAction::View(v) => s.view = Some(v),
            MapAction::Card(c) => {
                if !matches!(c, CardState::Shown(_)) {
                    s.vote = None;
                }
                s.card = c;
            }
            MapAction::Vote(id, v) => s.vote = Some((id, v)),
            MapAction::Counted(id, r) => {
                s.vote = Some((id, Support::Done(r.counted)));
                if let CardState::Shown(c) = &s.card
                    && c.id == id
                {
                    let mut c = (**c).clone();
                    c.support_count = r.support_count;
                    s.card = CardState::Shown(Rc::new(c));
                }
            }
            MapAction::Nearby(n) => s.nearby = n,
            MapAction::Mine(m) => s.mine = m,
        }
        Rc::new(s)
    }
}

/// What Leaflet's event handlers and late answers read, outside the render: kept in a ref, so
/// they see the current value, not the one of the render that made them.
struct Live {
    /// The newest map request: answers to older ones are dropped when they come late.
    request: Cell<u32>,
    /// Whether the map is the form's pin now.
    pinning: Cell<bool>,
    /// Where the pin's moves go now.
    on_move: Callback<LatLon>,
    /// "My reports" were opened once already (a basic widget's "My reports" opens them once
    /// the resident is signed in).
    mine_opened: Cell<bool>,
}

/// The card of one of the resident's own reports, from what "my reports" gave: it has no public
/// history (it may not be public yet), so the card shows no supporters or history for it.
fn own_card(r: &civic_wire::MyProblem) -> civic_wire::ProblemCard {
    civic_wire::ProblemCard {
        id: r.id,
        category: civic_wire::Category {
            id: 0,
            name: r.category.clone(),
            hint: None,
        },
        description: r.description.clone(),
        address: None,
        location: None,
        status: r.status,
        status_label: r.status_label.clone(),
        created_at: r.created.clone(),
        published_at: String::new(),
        updated_at: String::new(),
        deadline: r.deadline.clone(),
        support_count: 0,
        history: Vec::new(),
        answers: r.answers.clone(),
        photos: Vec::new(),
    }
}

/// A street-level zoom for the pin: a house, not a district.
const PIN_ZOOM: u8 = 17;

/// The place rounded to about 10 m, so that small moves of the pin ask nothing new.
fn rounded(at: LatLon) -> (i64, i64) {
    ((at.lat * 1e4).round() as i64, (at.lon * 1e4).round() as i64)
}

#[function_component(ProblemMap)]
pub fn problem_map(props: &ProblemMapProps) -> Html {
    let o = props.options.clone();
    let lang = o.lang;
    let container = use_node_ref();
    let renderer = use_mut_ref(|| None::<Rc<MapRenderer>>);
    let state = use_reducer(MapState::default);
    let card_heading = use_node_ref();
    let shared = use_mut_ref(|| Live {
        request: Cell::new(0),
        pinning: Cell::new(false),
        on_move: props.on_move.clone(),
        mine_opened: Cell::new(false),
    });
    let pinning = props.form.is_some();
    {
        let mut live = shared.borrow_mut();
        live.pinning.set(pinning);
        live.on_move = props.on_move.clone();
    }

    let open_card = {
        let (dispatcher, backend, site) =
            (state.dispatcher(), props.backend.clone(), o.site.clone());
        Callback::from(move |id: i64| {
            dispatcher.dispatch(MapAction::Card(CardState::Loading(id)));
            let (dispatcher, backend, site) = (dispatcher.clone(), backend.clone(), site.clone());
            spawn_local(async move {
                dispatcher.dispatch(MapAction::Card(
                    match backend.problem_card(&site, id, lang).await {
                        Ok(c) => CardState::Shown(Rc::new(c)),
                        Err(_) => CardState::Failed(id),
                    },
                ));
            });
        })
    };

    // "My reports": the signed-in resident's own reports, newest first.
    let open_mine = {
        let (dispatcher, backend, site) =
            (state.dispatcher(), props.backend.clone(), o.site.clone());
        let bearer = props.session.as_ref().map(|s| s.bearer.clone());
        Callback::from(move |()| {
            let Some(bearer) = bearer.clone() else { return };
            dispatcher.dispatch(MapAction::Mine(Mine::Loading));
            let (dispatcher, backend, site) = (dispatcher.clone(), backend.clone(), site.clone());
            spawn_local(async move {
                dispatcher.dispatch(MapAction::Mine(
                    match backend.my_problems(&site, &bearer, lang).await {
                        Ok(p) => Mine::Shown(Rc::new(p)),
                        Err(_) => Mine::Failed,
                    },
                ));
            });
        })
    };
    // Opened by a basic widget's "My reports": open them as soon as the resident is signed in
    // (here rather than in an effect: each effect adds its own code to the bundle).
    if o.mine && props.session.is_some() && !shared.borrow().mine_opened.replace(true) {
        open_mine.emit(());
    }

    // Draw the map once Leaflet has arrived; remove it with the component.
    {
        let (container, renderer, dispatcher, shared) = (
            container.clone(),
            renderer.clone(),
            state.dispatcher(),
            shared.clone(),
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
                    dispatcher.dispatch(MapAction::Drawn(false));
                    return;
                };
                let _ = adopt_css(&element, &css);
                let (pan, done) = (renderer.clone(), dispatcher.clone());
                // Opened on the form (a basic widget's "Choose on the map"): at the place.
                let start = shared
                    .borrow()
                    .pinning
                    .get()
                    .then(|| (props.at.unwrap_or(props.config.centre), PIN_ZOOM));
                let events = Callback::from(move |e| {
                    let pinning = shared.borrow().pinning.get();
                    match e {
                        MapEvent::Moved { centre, .. } if pinning => {
                            shared.borrow().on_move.emit(centre)
                        }
                        MapEvent::Moved { bbox, zoom, .. } => {
                            dispatcher.dispatch(MapAction::Moved(bbox, zoom))
                        }
                        MapEvent::Problem(id) => open_card.emit(id),
                        MapEvent::Clicked(at) if pinning => {
                            if let Some(r) = pan.borrow().as_ref() {
                                r.pan_to(at);
                            }
                        }
                        MapEvent::Clicked(_) => {}
                    }
                });
                let base = props.backend.base_map();
                let r = MapRenderer::new(
                    lib,
                    &element,
                    props.config.bounds,
                    start,
                    base.as_ref(),
                    m(lang, MapMsg::MapLabel),
                    events,
                );
                *renderer.borrow_mut() = Some(r);
                done.dispatch(MapAction::Drawn(true));
            });
            move || drop(keep.borrow_mut().take())
        });
    }

    // The map becomes the form's pin and back: markers off and the place under the pin at street
    // level, or the problems again.
    {
        let (renderer, at, centre) = (renderer.clone(), props.at, props.config.centre);
        use_effect_with((pinning, state.drawn), move |(pinning, _)| {
            if let Some(r) = renderer.borrow().as_ref() {
                r.resized();
                if *pinning {
                    r.show(&[]);
                    r.fly_to(at.unwrap_or(centre), PIN_ZOOM);
                }
            }
        });
    }
    // "My location" (or anything else) moved the form's place: bring it under the pin.
    {
        let renderer = renderer.clone();
        use_effect_with((props.at, pinning), move |(at, pinning)| {
            if let (Some(r), Some(at), true) = (renderer.borrow().as_ref(), at, *pinning) {
                let c = r.centre();
                if (c.lat - at.lat).abs() > 1e-6 || (c.lon - at.lon).abs() > 1e-6 {
                    r.pan_to(*at);
                }
            }
        });
    }

    // Ask the host what to draw whenever the view or the filters change (not while pinning).
    {
        let (dispatcher, backend, site, shared) = (
            state.dispatcher(),
            props.backend.clone(),
            o.site.clone(),
            shared.clone(),
        );
        use_effect_with(
            (state.viewport, state.filters.clone(), pinning),
            move |(viewport, filters, pinning)| {
                if let (Some((bbox, zoom)), false) = (*viewport, *pinning) {
                    let query = map_query(bbox, zoom, filters, js_sys::Date::now());
                    let mine = shared.borrow().request.get() + 1;
                    shared.borrow().request.set(mine);
                    spawn_local(async move {
                        let answer = backend.map_view(&site, &query).await;
                        if shared.borrow().request.get() == mine
                            && let Ok(v) = answer
                        {
                            dispatcher.dispatch(MapAction::View(Rc::new(v)));
                        }
                    });
                }
            },
        );
    }

    // Open problems of the form's category near its place.
    {
        let (dispatcher, backend, site) =
            (state.dispatcher(), props.backend.clone(), o.site.clone());
        let category = props.category.parse::<i64>().ok().filter(|_| pinning);
        let at = props.at;
        use_effect_with((at.map(rounded), category), move |_| {
            dispatcher.dispatch(MapAction::Nearby(None));
            if let (Some(at), Some(category)) = (at, category) {
                spawn_local(async move {
                    if let Ok(n) = backend.nearby(&site, at, category).await {
                        dispatcher.dispatch(MapAction::Nearby(Some(Rc::new(n))));
                    }
                });
            }
        });
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
    let problem_title = move |id: i64, category: i64, status: Status| {
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
        use_effect_with(
            (state.view.clone(), state.drawn, pinning),
            move |(view, _, pinning)| {
                if let (Some(r), Some(view), false) = (renderer.borrow().as_ref(), view, *pinning) {
                    r.show(&markers(view, problem_title, cluster_title));
                }
            },
        );
    }

    // A card that opens is read out: focus its heading.
    {
        let heading = card_heading.clone();
        let shown = match &state.card {
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

    // "This affects me too", on the card or on a nearby problem.
    let vote = {
        let (dispatcher, backend, site) =
            (state.dispatcher(), props.backend.clone(), o.site.clone());
        let bearer = props.session.as_ref().map(|s| s.bearer.clone());
        move |id: i64| {
            let (dispatcher, backend, site, bearer) = (
                dispatcher.clone(),
                backend.clone(),
                site.clone(),
                bearer.clone(),
            );
            Callback::from(move |email: Option<String>| {
                dispatcher.dispatch(MapAction::Vote(id, Support::Sending));
                let (dispatcher, backend, site, bearer) = (
                    dispatcher.clone(),
                    backend.clone(),
                    site.clone(),
                    bearer.clone(),
                );
                spawn_local(async move {
                    let voted = backend
                        .support(&site, id, bearer.as_deref(), email.as_deref(), lang)
                        .await;
                    dispatcher.dispatch(match voted {
                        Ok(r) if r.confirmation_sent => MapAction::Vote(id, Support::EmailSent),
                        Ok(r) => MapAction::Counted(id, r),
                        Err(crate::api::Failure::Validation(_)) => {
                            MapAction::Vote(id, Support::BadEmail)
                        }
                        Err(_) => MapAction::Vote(id, Support::Failed),
                    });
                });
            })
        }
    };
    let signed_in = props.session.is_some();
    let vote_of = |id: i64| match state.vote {
        Some((voted, s)) if voted == id => s,
        _ => Support::Ready,
    };

    let drawn = state.drawn == Some(true);
    let status = match state.drawn {
        None => {
            html! { <p class="civic-loading" role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ m(lang, MapMsg::MapLoading) }</p> }
        }
        Some(false) => {
            html! { <p class="civic-error" role="alert">{ m(lang, MapMsg::MapFailed) }</p> }
        }
        Some(true) => Html::default(),
    };
    let zoom = |closer: bool, label: MapMsg, sign: &'static str| {
        let renderer = renderer.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(r) = renderer.borrow().as_ref() {
                r.zoom(closer);
            }
        });
        html! {
            <button type="button" class="civic-zoom" {onclick} disabled={!drawn}>
                <span aria-hidden="true">{ sign }</span><span class="civic-sr">{ m(lang, label) }</span>
            </button>
        }
    };
    let map = html! {
        <div key="map" class={classes!("civic-map-wrap", pinning.then_some("civic-pin-map"))}>
            <div class="civic-map" ref={container} data-ready={drawn.then_some("")}></div>
            <div class="civic-actions">{ zoom(true, MapMsg::ZoomIn, "+") }{ zoom(false, MapMsg::ZoomOut, "−") }</div>
        </div>
    };

    if let Some(form) = &props.form {
        let on_back = props.on_back.reform(|_: MouseEvent| ());
        let outside = props.at.is_some_and(|p| !props.config.bounds.contains(p));
        let nearby = match &state.nearby {
            Some(n) if !n.problems.is_empty() => html! {
                <section class="civic-nearby" aria-labelledby={o.id("nearby-title")}>
                    <h3 id={o.id("nearby-title")}>{ m(lang, MapMsg::NearbyTitle) }</h3>
                    <p class="civic-hint">{ m(lang, MapMsg::NearbyHint) }</p>
                    <ul>
                        for p in n.problems.iter() {
                            <li data-id={p.id.to_string()}>
                                <p><strong>{ [m(lang, MapMsg::NumberPrefix), " ", &p.id.to_string()].concat() }</strong>
                                    { [" · ", p.status.label(lang), " · ", &mn(lang, MapMsg::MetresAway, u64::from(p.distance_m)), " · ", &day(lang, &p.created_at)].concat() }</p>
                                <p>{ &p.excerpt }</p>
                                { super::card::support(lang, vote_of(p.id), signed_in, vote(p.id)) }
                            </li>
                        }
                    </ul>
                </section>
            },
            _ => Html::default(),
        };
        return html! {
            <div class="civic-map-view">
                <div class="civic-actions">
                    <button type="button" class="civic-back-to-map" onclick={on_back}>{ m(lang, MapMsg::BackToMap) }</button>
                </div>
                <p class="civic-label"><strong>{ m(lang, MapMsg::PinLabel) }</strong></p>
                <p class="civic-hint" id={o.id("pin-hint")}>{ m(lang, MapMsg::PinHint) }</p>
                { status }
                { map }
                <p class="civic-field-error" data-field="pin" role="status">{ if outside { m(lang, MapMsg::OutsideArea) } else { "" } }</p>
                <div aria-live="polite">{ nearby }</div>
                { form.clone() }
            </div>
        };
    }

    let select = |name: &'static str,
                  label: MapMsg,
                  value: &str,
                  options: Vec<(String, String)>,
                  set: fn(&mut Filters, String)| {
        let (dispatcher, filters) = (state.dispatcher(), state.filters.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut f = filters.clone();
            set(
                &mut f,
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            dispatcher.dispatch(MapAction::Filter(f));
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
    let f = &state.filters;
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

    let list = match &state.view {
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
    let on_close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(MapAction::Card(CardState::Closed)))
    };
    let card_id = match &state.card {
        CardState::Shown(c) => c.id,
        _ => 0,
    };
    let mine = match &state.mine {
        Mine::Closed => Html::default(),
        Mine::Loading => html! {
            <p class="civic-loading" role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ m(lang, MapMsg::CardLoading) }</p>
        },
        Mine::Failed => html! {
            <p class="civic-error" role="alert">{ m(lang, MapMsg::CardFailed) }</p>
        },
        Mine::Shown(p) => {
            let dispatcher = state.dispatcher();
            let close = Callback::from(move |_: MouseEvent| {
                dispatcher.dispatch(MapAction::Mine(Mine::Closed))
            });
            // One's own report may not be public (yet): its card is made from what "my
            // reports" gave, not asked from the public card API.
            let open = |r: &civic_wire::MyProblem| {
                let (dispatcher, card) = (state.dispatcher(), Rc::new(own_card(r)));
                Callback::from(move |_: MouseEvent| {
                    dispatcher.dispatch(MapAction::Card(CardState::Shown(card.clone())))
                })
            };
            html! {
                <section class="civic-mine" aria-labelledby={o.id("mine-title")}>
                    <h3 id={o.id("mine-title")}>{ m(lang, MapMsg::MyReports) }</h3>
                    if p.problems.is_empty() { <p class="civic-hint">{ m(lang, MapMsg::MyReportsEmpty) }</p> }
                    <ul class="civic-map-list">
                        for r in p.problems.iter() {
                            <li><button type="button" class="civic-link" data-id={r.id.to_string()} onclick={open(r)}>
                                { [m(lang, MapMsg::NumberPrefix), " ", &r.id.to_string(), " · ", &r.category, " — ", &r.status_label].concat() }
                            </button></li>
                        }
                    </ul>
                    <div class="civic-actions"><button type="button" class="civic-close-mine" onclick={close}>{ m(lang, MapMsg::Close) }</button></div>
                </section>
            }
        }
    };
    let on_mine = open_mine.reform(|_: MouseEvent| ());
    html! {
        <div class="civic-map-view">
            <div aria-live="polite">{ mine }</div>
            { filters_html }
            { status }
            { map }
            <div class="civic-actions">
                <button type="button" class="civic-primary civic-report-here" onclick={on_report_here}
                    disabled={!drawn}>{ m(lang, MapMsg::ReportHere) }</button>
                if signed_in {
                    <button type="button" class="civic-my-reports" onclick={on_mine}>{ m(lang, MapMsg::MyReports) }</button>
                }
            </div>
            { card(CardProps {
                lang, state: &state.card, support: vote_of(card_id), signed_in, on_support: vote(card_id),
                heading: card_heading, id_prefix: &o.id_prefix, on_close,
            }) }
            { list }
        </div>
    }
}

//! The `MapRenderer` boundary: the only code that knows Leaflet.
//!
//! Leaflet 1.9 (from `dist/`, wrapped by `cargo xtask dist` so it leaves no global behind) is
//! handed over by the loader as `{L, css}`; this module binds the handful of its calls the
//! widget needs and offers them as [`MapRenderer`]. The components speak only in wire types
//! (`Bounds`, `LatLon`, `MapView`), so another renderer (a vector one) can replace this file.
//!
//! Markers are Leaflet `divIcon`s: focusable (`tabindex=0`, `role=button`), named by their
//! `title`, opened by click, Enter or Space; their text is put in as DOM text, never as HTML.

use std::cell::RefCell;
use std::ops::Not as _;
use std::rc::Rc;

use civic_wire::{Bounds, LatLon, MapView};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot};
use yew::Callback;

#[wasm_bindgen]
extern "C" {
    /// The `L` namespace.
    #[derive(Clone)]
    pub type Leaflet;
    #[wasm_bindgen(method)]
    fn map(this: &Leaflet, container: &HtmlElement, options: &Object) -> LMap;
    #[wasm_bindgen(method, js_name = tileLayer)]
    fn tile_layer(this: &Leaflet, url: &str, options: &Object) -> Layer;
    #[wasm_bindgen(method)]
    fn marker(this: &Leaflet, at: &Array, options: &Object) -> Layer;
    #[wasm_bindgen(method, js_name = divIcon)]
    fn div_icon(this: &Leaflet, options: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = layerGroup)]
    fn layer_group(this: &Leaflet) -> Layer;

    #[derive(Clone)]
    type LMap;
    #[wasm_bindgen(method, js_name = setView)]
    fn set_view(this: &LMap, centre: &Array, zoom: f64, options: &Object);
    #[wasm_bindgen(method, js_name = fitBounds)]
    fn fit_bounds(this: &LMap, bounds: &Array);
    #[wasm_bindgen(method, js_name = getZoom)]
    fn get_zoom(this: &LMap) -> f64;
    #[wasm_bindgen(method, js_name = getCenter)]
    fn get_center(this: &LMap) -> JsValue;
    #[wasm_bindgen(method, js_name = panTo)]
    fn pan_to(this: &LMap, at: &JsValue);
    #[wasm_bindgen(method, js_name = zoomIn)]
    fn zoom_in(this: &LMap);
    #[wasm_bindgen(method, js_name = zoomOut)]
    fn zoom_out(this: &LMap);
    #[wasm_bindgen(method, js_name = getBounds)]
    fn get_bounds(this: &LMap) -> LBounds;
    #[wasm_bindgen(method, js_name = invalidateSize)]
    fn invalidate_size(this: &LMap);
    #[wasm_bindgen(method, js_name = on)]
    fn on_map(this: &LMap, event: &str, handler: &Function);
    #[wasm_bindgen(method, js_name = remove)]
    fn remove_map(this: &LMap);
    #[wasm_bindgen(method, getter, js_name = attributionControl)]
    fn attribution_control(this: &LMap) -> Attribution;

    type Attribution;
    #[wasm_bindgen(method, js_name = setPrefix)]
    fn set_prefix(this: &Attribution, prefix: &str);

    type LBounds;
    #[wasm_bindgen(method, js_name = getWest)]
    fn west(this: &LBounds) -> f64;
    #[wasm_bindgen(method, js_name = getSouth)]
    fn south(this: &LBounds) -> f64;
    #[wasm_bindgen(method, js_name = getEast)]
    fn east(this: &LBounds) -> f64;
    #[wasm_bindgen(method, js_name = getNorth)]
    fn north(this: &LBounds) -> f64;

    #[derive(Clone)]
    type Layer;
    #[wasm_bindgen(method, js_name = addTo)]
    fn add_to(this: &Layer, target: &JsValue) -> Layer;
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer(this: &Layer, layer: &Layer);
    #[wasm_bindgen(method, js_name = clearLayers)]
    fn clear_layers(this: &Layer);
    #[wasm_bindgen(method)]
    fn on(this: &Layer, events: &str, handler: &Function);
}

/// A marker to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Marker {
    /// A single problem: its id, status (for the colour) and accessible name.
    Problem {
        id: i64,
        at: LatLon,
        status: &'static str,
        title: String,
    },
    /// A group: its count, the zoom that splits it, and its accessible name.
    Cluster {
        at: LatLon,
        count: u64,
        zoom: u8,
        title: String,
    },
}

/// What happened on the map, for the component.
#[derive(Debug, Clone, PartialEq)]
pub enum MapEvent {
    /// The visible area changed (pan, zoom, resize).
    Moved {
        bbox: Bounds,
        zoom: u8,
        centre: LatLon,
    },
    /// A problem's marker was chosen.
    Problem(i64),
    /// The map was clicked or tapped here.
    Clicked(LatLon),
}

/// The base map: an XYZ tile URL template and the attribution it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseMap {
    pub url: String,
    pub attribution: String,
}

/// A Rust function Leaflet calls with its event object.
type Handler = Closure<dyn FnMut(JsValue)>;

/// A live Leaflet map in one element of the widget's shadow root.
pub struct MapRenderer {
    lib: Leaflet,
    map: LMap,
    markers: Layer,
    events: Callback<MapEvent>,
    /// The JS closures Leaflet calls; dropped (and so released) with the renderer.
    handlers: RefCell<Vec<Handler>>,
    marker_handlers: RefCell<Vec<Handler>>,
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn point(at: LatLon) -> Array {
    Array::of2(&at.lat.into(), &at.lon.into())
}

fn number(value: &JsValue, key: &str) -> f64 {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

/// Reads the loader's `{L, css}`; `None` when it is not Leaflet.
pub fn library(value: &JsValue) -> Option<(Leaflet, String)> {
    let lib = Reflect::get(value, &JsValue::from_str("L")).ok()?;
    let css = Reflect::get(value, &JsValue::from_str("css"))
        .ok()?
        .as_string()?;
    Reflect::get(&lib, &JsValue::from_str("map"))
        .ok()
        .filter(JsValue::is_function)?;
    Some((lib.unchecked_into(), css))
}

/// Adds Leaflet's stylesheet to the shadow root `element` lives in (once per root).
pub fn adopt_css(element: &HtmlElement, css: &str) -> Result<(), JsValue> {
    let root: ShadowRoot = element.get_root_node().dyn_into()?;
    let sheets = Array::from(&root.adopted_style_sheets());
    let marker = JsValue::from_str("civicLeaflet");
    if sheets
        .iter()
        .any(|s| Reflect::get(&s, &marker).is_ok_and(|v| v.is_truthy()))
    {
        return Ok(());
    }
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(css)?;
    Reflect::set(&sheet, &marker, &JsValue::TRUE)?;
    // Leaflet's rules first, so the widget's own (adopted earlier) are put after them again.
    sheets.unshift(&sheet);
    root.set_adopted_style_sheets(&sheets);
    Ok(())
}

impl MapRenderer {
    /// A map in `container` showing `area` (or, with `start`, a place at a zoom), with the base
    /// map if the site has one. `events` hears every move (also the first view) and every
    /// marker chosen.
    pub fn new(
        lib: Leaflet,
        container: &HtmlElement,
        area: Bounds,
        start: Option<(LatLon, u8)>,
        base: Option<&BaseMap>,
        label: &str,
        events: Callback<MapEvent>,
    ) -> Rc<MapRenderer> {
        let options = Object::new();
        set(&options, "zoomSnap", &1.into());
        // No zooming out past the city; the keyboard pans and zooms once the map has focus.
        set(&options, "minZoom", &9.into());
        set(&options, "maxZoom", &19.into());
        set(&options, "zoomControl", &JsValue::FALSE);
        let map = lib.map(container, &options);
        // Leaflet's attribution prefix carries a flag picture; the library's name is enough.
        map.attribution_control().set_prefix("Leaflet");
        if let Some(base) = base {
            let tiles = Object::new();
            // Leaflet writes attributions as HTML: the site's text goes in escaped, as text.
            set(
                &tiles,
                "attribution",
                &JsValue::from_str(&escape_html(&base.attribution)),
            );
            set(&tiles, "maxZoom", &19.into());
            lib.tile_layer(&base.url, &tiles).add_to(&map);
        }
        let markers = lib.layer_group().add_to(&map);
        // The zoom buttons are the widget's own (labelled, 44 px), under the map.
        let _ = container.set_attribute("aria-label", label);
        let renderer = Rc::new(MapRenderer {
            lib,
            map,
            markers,
            events,
            handlers: RefCell::default(),
            marker_handlers: RefCell::default(),
        });
        let weak = Rc::downgrade(&renderer);
        let moved = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(r) = weak.upgrade() {
                r.events.emit(r.moved());
            }
        });
        renderer
            .map
            .on_map("moveend", moved.as_ref().unchecked_ref());
        let weak = Rc::downgrade(&renderer);
        let clicked = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let at = Reflect::get(&e, &JsValue::from_str("latlng")).unwrap_or_default();
            if let Some(r) = weak.upgrade() {
                r.events.emit(MapEvent::Clicked(LatLon {
                    lat: number(&at, "lat"),
                    lon: number(&at, "lng"),
                }));
            }
        });
        renderer
            .map
            .on_map("click", clicked.as_ref().unchecked_ref());
        renderer.handlers.borrow_mut().push(moved);
        renderer.handlers.borrow_mut().push(clicked);
        match start {
            Some((at, zoom)) => renderer.fly_to(at, zoom),
            None => renderer.map.fit_bounds(&Array::of2(
                &point(LatLon {
                    lat: area.south,
                    lon: area.west,
                }),
                &point(LatLon {
                    lat: area.north,
                    lon: area.east,
                }),
            )),
        }
        renderer
    }

    fn moved(&self) -> MapEvent {
        let b = self.map.get_bounds();
        MapEvent::Moved {
            bbox: Bounds {
                west: b.west().max(-180.0),
                south: b.south().max(-85.0),
                east: b.east().min(180.0),
                north: b.north().min(85.0),
            },
            zoom: self.map.get_zoom().clamp(0.0, 20.0) as u8,
            centre: self.centre(),
        }
    }

    /// The centre of what is shown.
    pub fn centre(&self) -> LatLon {
        let c = self.map.get_center();
        LatLon {
            lat: number(&c, "lat"),
            lon: number(&c, "lng"),
        }
    }

    /// Moves to `at` at `zoom` (a cluster opened, a card shown).
    pub fn fly_to(&self, at: LatLon, zoom: u8) {
        let options = Object::new();
        set(&options, "animate", &reduced_motion().not().into());
        self.map.set_view(&point(at), zoom.into(), &options);
    }

    /// One zoom level closer (`true`) or farther.
    pub fn zoom(&self, closer: bool) {
        if closer {
            self.map.zoom_in();
        } else {
            self.map.zoom_out();
        }
    }

    /// Pans (no zoom change) so that `at` is in the centre.
    pub fn pan_to(&self, at: LatLon) {
        self.map.pan_to(&point(at));
    }

    /// Tells Leaflet its element changed size (it was hidden, or the page reflowed).
    pub fn resized(&self) {
        self.map.invalidate_size();
    }

    /// Replaces the markers by `markers`.
    pub fn show(&self, markers: &[Marker]) {
        self.markers.clear_layers();
        let mut handlers = self.marker_handlers.borrow_mut();
        handlers.clear();
        let document = gloo::utils::document();
        for m in markers {
            let (at, class, title, text) = match m {
                Marker::Problem {
                    at, status, title, ..
                } => (*at, ["civic-marker civic-s-", status].concat(), title, None),
                Marker::Cluster {
                    at, count, title, ..
                } => (*at, "civic-cluster".into(), title, Some(count.to_string())),
            };
            let icon = Object::new();
            set(&icon, "className", &JsValue::from_str(&class));
            // Every marker is a 44 px touch target; a problem's dot is drawn smaller inside it.
            let size = if text.is_some() { cluster_size(m) } else { 44 };
            set(&icon, "iconSize", &Array::of2(&size.into(), &size.into()));
            if let Some(text) = text
                && let Ok(span) = document.create_element("span")
            {
                span.set_text_content(Some(&text));
                set(&icon, "html", &span);
            }
            let options = Object::new();
            set(&options, "icon", &self.lib.div_icon(&icon));
            set(&options, "title", &JsValue::from_str(title));
            set(&options, "alt", &JsValue::from_str(title));
            set(&options, "keyboard", &JsValue::TRUE);
            set(&options, "riseOnHover", &JsValue::TRUE);
            let marker = self.lib.marker(&point(at), &options);
            let chosen = self.chosen(m);
            let handler = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                let key = Reflect::get(&e, &JsValue::from_str("originalEvent"))
                    .ok()
                    .and_then(|o| Reflect::get(&o, &JsValue::from_str("key")).ok())
                    .and_then(|k| k.as_string());
                if matches!(key.as_deref(), None | Some("Enter" | " ")) {
                    chosen();
                }
            });
            marker.on("click keypress", handler.as_ref().unchecked_ref());
            handlers.push(handler);
            self.markers.add_layer(&marker);
        }
    }

    /// What choosing marker `m` does: a problem opens its card, a cluster zooms in on it.
    fn chosen(&self, m: &Marker) -> Box<dyn Fn()> {
        match m {
            Marker::Problem { id, .. } => {
                let (events, id) = (self.events.clone(), *id);
                Box::new(move || events.emit(MapEvent::Problem(id)))
            }
            Marker::Cluster { at, zoom, .. } => {
                let (map, at, zoom) = (self.map.clone(), *at, *zoom);
                Box::new(move || {
                    let options = Object::new();
                    set(&options, "animate", &reduced_motion().not().into());
                    map.set_view(&point(at), zoom.into(), &options);
                })
            }
        }
    }
}

impl Drop for MapRenderer {
    fn drop(&mut self) {
        self.map.remove_map();
    }
}

/// `text` with the characters HTML gives a meaning to escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn cluster_size(m: &Marker) -> i32 {
    match m {
        Marker::Cluster { count, .. } if *count >= 100 => 52,
        Marker::Cluster { count, .. } if *count >= 10 => 48,
        _ => 44,
    }
}

/// Whether the visitor asked for less motion (then the map jumps instead of flying).
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Turns a map answer into markers, named in the visitor's language.
pub fn markers(
    view: &MapView,
    problem_title: impl Fn(i64, i64, civic_wire::Status) -> String,
    cluster_title: impl Fn(u64) -> String,
) -> Vec<Marker> {
    let clusters = view.clusters.iter().map(|c| Marker::Cluster {
        at: LatLon {
            lat: c.lat,
            lon: c.lon,
        },
        count: c.count,
        zoom: c.expansion_zoom,
        title: cluster_title(c.count),
    });
    let problems = view.problems.iter().map(|p| Marker::Problem {
        id: p.id,
        at: LatLon {
            lat: p.lat,
            lon: p.lon,
        },
        status: p.status.as_str(),
        title: problem_title(p.id, p.category_id, p.status),
    });
    clusters.chain(problems).collect()
}

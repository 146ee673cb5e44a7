//! The browser's geolocation, asked once per press of "My location".

use civic_wire::LatLon;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::PositionOptions;
use yew::Callback;

/// Why no position came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoFailure {
    /// The visitor (or the page's permissions policy) refused.
    Denied,
    /// No fix, a timeout, or no geolocation in this browser.
    Unavailable,
}

/// `GeolocationPositionError.PERMISSION_DENIED`.
const PERMISSION_DENIED: f64 = 1.0;

// web-sys has the position types only behind `web_sys_unstable_apis`; reading the two numbers
// by name avoids a cfg flag that would change the whole build.
fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Asks for the current position; `done` is called exactly once.
pub fn locate(done: Callback<Result<LatLon, GeoFailure>>) {
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done.emit(Err(GeoFailure::Unavailable));
        return;
    };
    let on_position = {
        let done = done.clone();
        Closure::once_into_js(move |position: JsValue| {
            let coords = get(&position, "coords");
            match (
                get(&coords, "latitude").as_f64(),
                get(&coords, "longitude").as_f64(),
            ) {
                (Some(lat), Some(lon)) => done.emit(Ok(LatLon { lat, lon })),
                _ => done.emit(Err(GeoFailure::Unavailable)),
            }
        })
    };
    let on_error = {
        let done = done.clone();
        Closure::once_into_js(move |error: JsValue| {
            done.emit(Err(
                if get(&error, "code").as_f64() == Some(PERMISSION_DENIED) {
                    GeoFailure::Denied
                } else {
                    GeoFailure::Unavailable
                },
            ));
        })
    };
    let options = PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(20_000);
    options.set_maximum_age(60_000);
    if geolocation
        .get_current_position_with_error_callback_and_options(
            on_position.unchecked_ref(),
            Some(on_error.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        done.emit(Err(GeoFailure::Unavailable));
    }
}

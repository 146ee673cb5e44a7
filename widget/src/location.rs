//! "Where is it": the "My location" button and the address / landmark field. One of the two is
//! enough; the map pin comes with the extended mode.

use std::rc::Rc;

use civic_wire::FieldError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::field_error::{described_by, field_error_text, flag};
use crate::i18n::{Msg, t};
use crate::options::WidgetOptions;
use crate::state::Geo;
use crate::view::{button, label, para, required};

/// What the location part shows and where its events go.
pub struct LocationFieldProps {
    pub options: Rc<WidgetOptions>,
    pub geo: Geo,
    pub address: AttrValue,
    pub location_error: Option<FieldError>,
    pub address_error: Option<FieldError>,
    pub on_locate: Callback<()>,
    pub on_clear: Callback<()>,
    pub on_pin: Option<Callback<()>>,
    pub on_address: Callback<String>,
}

/// A view function rather than a component: it holds no state of its own, and every component
/// type adds its own copy of Yew's lifecycle code to the bundle (which has a size budget).
pub fn location_field(props: LocationFieldProps) -> Html {
    let o = &props.options;
    let lang = o.lang;
    let status = match props.geo {
        Geo::Idle => None,
        Geo::Locating => Some(html! {
            <><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ t(lang, Msg::Locating) }</>
        }),
        Geo::Found(p) => Some(html! {
            <>{ t(lang, Msg::LocationFound) }{ format!(" {}, {}", degrees(p.lat), degrees(p.lon)) }</>
        }),
        Geo::Denied => Some(html! { t(lang, Msg::LocationDenied) }),
        Geo::Unavailable => Some(html! { t(lang, Msg::LocationUnavailable) }),
    };
    let props = &props;
    let on_locate = props.on_locate.reform(|_: MouseEvent| ());
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    let on_address = props
        .on_address
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let location_error_id = props
        .location_error
        .as_ref()
        .map(|_| o.id("location-error"));
    let address_error_id = props.address_error.as_ref().map(|_| o.id("address-error"));
    let invalid = props.location_error.is_some() || props.address_error.is_some();
    html! {
        <fieldset class="civic-field" aria-describedby={described_by(&[Some(o.id("location-hint")), location_error_id.clone()])}>
            <legend>{ t(lang, Msg::Location) }{ required(lang) }</legend>
            { para("civic-hint", o.id("location-hint"), t(lang, Msg::LocationHint).into()) }
            <div class="civic-locate-row">
                <button type="button" class="civic-locate" onclick={on_locate}
                    disabled={matches!(props.geo, Geo::Locating)}>{ pin() }{ t(lang, Msg::LocateMe) }</button>
                if let Some(on_pin) = &props.on_pin {
                    { button("civic-pin-on-map", t(lang, Msg::PinOnMap), on_pin.reform(|_: MouseEvent| ())) }
                }
                if matches!(props.geo, Geo::Found(_)) {
                    { button("civic-clear-location", t(lang, Msg::ClearLocation), on_clear) }
                }
            </div>
            <p class="civic-geo-status" id={o.id("geo-status")} aria-live="polite">{ for status }</p>
            { label(o.id("address"), t(lang, Msg::Address), Html::default()) }
            <input type="text" id={o.id("address")} name="address" autocomplete="street-address"
                value={props.address.clone()} oninput={on_address}
                placeholder={t(lang, Msg::AddressHint)}
                aria-invalid={flag(invalid)}
                aria-describedby={described_by(&[location_error_id, address_error_id])} />
            { field_error_text(o.id("location-error"), "location", lang, props.location_error.clone()) }
            { field_error_text(o.id("address-error"), "address", lang, props.address_error.clone()) }
        </fieldset>
    }
}

/// A map pin drawn in the text colour: an emoji would need an emoji font, which many computers
/// lack (they show an empty box). Decorative: the button's words say what it does.
fn pin() -> Html {
    html! {
        <svg class="civic-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5z" />
        </svg>
    }
}

/// A coordinate with five decimals (about a metre), written without the float formatter, which
/// would add several kilobytes to the bundle for this one line.
pub fn degrees(value: f64) -> String {
    let scaled = (value.abs() * 100_000.0).round() as u64;
    let sign = if value < 0.0 && scaled != 0 { "-" } else { "" };
    format!("{sign}{}.{:05}", scaled / 100_000, scaled % 100_000)
}

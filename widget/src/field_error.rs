//! The message under a field that was refused, in the visitor's language.

use civic_wire::{FieldError, Lang};
use yew::prelude::*;

use crate::i18n;

/// Renders nothing when the field is fine. It is an alert so that screen readers announce it
/// when it appears; focus also moves to the first refused field. `field` is the wire name of the
/// field (`data-field`, a stable hook for tests); `id` is what the field's `aria-describedby`
/// points at.
///
/// A plain function rather than a component: it has no state, and each component type costs
/// the bundle its own copy of Yew's lifecycle code.
pub fn field_error_text(
    id: String,
    field: &'static str,
    lang: Lang,
    error: Option<FieldError>,
) -> Html {
    match error {
        Some(e) => html! {
            <p class="civic-field-error" id={id} data-field={field} role="alert">
                { i18n::field_error(lang, &e) }
            </p>
        },
        None => Html::default(),
    }
}

/// The `aria-describedby` of a field: its hint, then its error when there is one.
pub fn described_by(ids: &[Option<String>]) -> Option<AttrValue> {
    let joined = ids
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then(|| AttrValue::from(joined))
}

/// An ARIA boolean (`aria-invalid`, `aria-busy`) as a static string, without formatting code.
pub fn flag(on: bool) -> &'static str {
    if on { "true" } else { "false" }
}

//! Element builders the views share. An `html!` element is built by code at its place in the
//! view, a few hundred bytes of wasm each; built here once, each use is a call. Used where the
//! same shape repeats (buttons, hints, required marks); the bundle has a size budget.

use std::rc::Rc;

use civic_wire::Lang;
use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes};

use crate::i18n::{Msg, t};

/// `<p class id>` with `text`: a hint under a field, a status line.
#[inline(never)]
pub fn para(class: &'static str, id: String, text: Html) -> Html {
    let node = html! { <p>{ text }</p> };
    with_attributes(node, &["class", "id"], [class.into(), id.into()])
}

/// A plain button (not a submit) with its words.
#[inline(never)]
pub fn button(class: &'static str, text: &'static str, onclick: Callback<MouseEvent>) -> Html {
    let node = html! { <button {onclick}>{ text }</button> };
    with_attributes(node, &["type", "class"], ["button".into(), class.into()])
}

/// The red asterisk after a required field's label, read out as "required".
#[inline(never)]
pub fn required(lang: Lang) -> Html {
    html! {
        <span class="civic-req">{ "*" }<span class="civic-sr">{ t(lang, Msg::RequiredMark) }</span></span>
    }
}

/// What a screen reader says after a link that opens a new tab.
#[inline(never)]
pub fn new_tab(lang: Lang) -> Html {
    html! { <span class="civic-sr">{ " " }{ t(lang, Msg::OpensInNewTab) }</span> }
}

/// A field's label: its words, then `after` (a required mark, or nothing).
#[inline(never)]
pub fn label(for_id: String, text: &'static str, after: Html) -> Html {
    html! { <label for={for_id}>{ text }{ after }</label> }
}

/// `node` (an element just made) with the attributes `keys` = `values`, as `html!` would set
/// them, except that a variable class is taken as it is: `class={…}` would take it through
/// Yew's `Classes` (split, deduplicated, joined again), whose code the basic bundle then carries.
fn with_attributes<const N: usize>(
    mut node: Html,
    keys: &'static [&'static str],
    values: [AttrValue; N],
) -> Html {
    if let Html::VTag(tag) = &mut node
        && let Some(tag) = Rc::get_mut(tag)
    {
        tag.set_attributes(Attributes::Dynamic {
            keys,
            values: values
                .map(|v| Some(AttributeOrProperty::Attribute(v)))
                .into(),
        });
    }
    node
}

//! The panel shown once the host has accepted a report: its number, the tracking link, and what
//! became of its photos.

use std::rc::Rc;

use civic_wire::{Lang, ProblemCreated};
use yew::prelude::*;

use crate::i18n::{Msg, t, tn};
use crate::report_form::is_web_link;

/// What the success panel shows and where its events go.
pub struct SuccessProps {
    pub lang: Lang,
    pub created: Rc<ProblemCreated>,
    /// The heading, which the App focuses when the panel appears (the form the visitor was in
    /// is gone, and the news must be read out).
    pub heading: NodeRef,
    pub on_report_another: Callback<()>,
    /// What became of the report's photos, in words ("" when it had none).
    pub photos: String,
}

/// A view function rather than a component: it holds no state, and every component type adds
/// its own copy of Yew's lifecycle code to the bundle (which has a size budget).
pub fn success(props: SuccessProps) -> Html {
    let lang = props.lang;
    let c = &props.created;
    let heading = props.heading.clone();
    let on_another = props.on_report_another.reform(|_: MouseEvent| ());
    html! {
        <div class="civic-success" role="status">
            <h2 class="civic-tracking-number" tabindex="-1" ref={heading}>{ tn(lang, Msg::SuccessTitle, c.id) }</h2>
            <p>{ t(lang, if c.confirmation_sent { Msg::ConfirmSent } else { Msg::SuccessText }) }</p>
            <p>{ t(lang, Msg::Status) }{ " " }<strong>{ c.status.label(lang) }</strong></p>
            if !props.photos.is_empty() {
                <p class="civic-photos">{ props.photos.clone() }</p>
            }
            <div class="civic-actions">
                if is_web_link(&c.tracking_url) {
                    <a class="civic-tracking-link" href={c.tracking_url.clone()} target="_blank" rel="noopener noreferrer">
                        { t(lang, Msg::TrackingLink) }
                        { crate::view::new_tab(lang) }
                    </a>
                }
                { crate::view::button("civic-report-another", t(lang, Msg::ReportAnother), on_another) }
            </div>
        </div>
    }
}

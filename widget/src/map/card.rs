//! A public problem's card: what it is, where, its status history and the official answers.
//! Never the reporter: the wire type has no field about them.

use civic_wire::{Lang, OfficialAnswer, ProblemCard};
use yew::prelude::*;

use super::i18n::{MapMsg, day, m};
use crate::report_form::is_web_link;

/// What the card panel shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CardState {
    #[default]
    Closed,
    Loading(i64),
    Shown(std::rc::Rc<ProblemCard>),
    Failed(i64),
}

/// Where the visitor's "this affects me too" stands for the open card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Support {
    Ready,
    Sending,
    /// The host answered: `true` if this vote was counted now, `false` if it had been before.
    Done(bool),
    /// Not signed in: the link that counts the vote was e-mailed.
    EmailSent,
    /// Not signed in: the host refused the address.
    BadEmail,
    Failed,
}

pub struct CardProps<'a> {
    pub lang: Lang,
    pub state: &'a CardState,
    pub support: Support,
    /// A signed-in resident votes at once; anyone else gives an e-mail to confirm the vote.
    pub signed_in: bool,
    pub on_support: Callback<Option<String>>,
    /// The card's heading, focused when a card opens (so it is read out).
    pub heading: NodeRef,
    pub id_prefix: &'a str,
    pub on_close: Callback<MouseEvent>,
}

/// A view function: the card holds no state of its own.
pub fn card(props: CardProps<'_>) -> Html {
    let lang = props.lang;
    let close = html! {
        <button type="button" class="civic-card-close" onclick={props.on_close.clone()}>{ m(lang, MapMsg::Close) }</button>
    };
    let heading_id = [props.id_prefix, "-card-title"].concat();
    let body = match props.state {
        CardState::Closed => return Html::default(),
        CardState::Loading(_) => html! {
            <p role="status"><span class="civic-spinner" aria-hidden="true"></span>{ " " }{ m(lang, MapMsg::CardLoading) }</p>
        },
        CardState::Failed(_) => {
            html! { <p class="civic-error" role="alert">{ m(lang, MapMsg::CardFailed) }</p> }
        }
        CardState::Shown(c) => html! {
            <>
                { shown(lang, c, props.heading.clone(), &heading_id) }
                if !c.history.is_empty() { { support(lang, props.support, props.signed_in, props.on_support.clone()) } }
            </>
        },
    };
    let id = match props.state {
        CardState::Loading(id) | CardState::Failed(id) => *id,
        CardState::Shown(c) => c.id,
        CardState::Closed => 0,
    };
    html! {
        <section class="civic-card" data-id={id.to_string()} aria-labelledby={heading_id.clone()}>
            { body }
            <div class="civic-actions">{ close }</div>
        </section>
    }
}

/// The vote button (with the e-mail field for a visitor who is not signed in) and what became
/// of the vote (read out). `on_support` gets the address typed, or `None` from a signed-in one.
pub fn support(
    lang: Lang,
    state: Support,
    signed_in: bool,
    on_support: Callback<Option<String>>,
) -> Html {
    let news = match state {
        Support::Done(true) => Some(MapMsg::Supported),
        Support::Done(false) => Some(MapMsg::AlreadySupported),
        Support::EmailSent => Some(MapMsg::SupportEmailSent),
        Support::BadEmail => Some(MapMsg::SupportBadEmail),
        Support::Failed => Some(MapMsg::SupportFailed),
        Support::Ready | Support::Sending => None,
    };
    let open = !matches!(state, Support::Done(_) | Support::EmailSent);
    let onsubmit = on_support.reform(move |e: SubmitEvent| {
        e.prevent_default();
        (!signed_in).then(|| {
            e.target_unchecked_into::<web_sys::Element>()
                .query_selector("input")
                .ok()
                .flatten()
                .map(|i| {
                    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(i).value()
                })
                .unwrap_or_default()
        })
    });
    html! {
        <div class="civic-support-row">
            if open {
                <form class="civic-support-form" {onsubmit}>
                    if !signed_in {
                        <label class="civic-hint">{ m(lang, MapMsg::SupportSignIn) }
                            <input type="email" name="email" required=true autocomplete="email"
                                aria-invalid={(state == Support::BadEmail).then_some("true")} /></label>
                    }
                    <button type="submit" class="civic-primary civic-support"
                        disabled={state == Support::Sending}>{ m(lang, MapMsg::SupportButton) }</button>
                </form>
            }
            <p class="civic-support-news" role="status">{ for news.map(|n| m(lang, n)) }</p>
        </div>
    }
}

/// The official answers of a problem (its card, or one of "my reports"), oldest first.
pub fn answers(lang: Lang, answers: &[OfficialAnswer]) -> Html {
    if answers.is_empty() {
        return html! { <p class="civic-hint">{ m(lang, MapMsg::NoAnswerYet) }</p> };
    }
    html! {
        for a in answers.iter() {
            <blockquote class="civic-card-answer">
                <p>{ &a.text }</p>
                <footer>{ [a.by.as_str(), ", ", &day(lang, &a.at)].concat() }</footer>
            </blockquote>
        }
    }
}

fn shown(lang: Lang, c: &ProblemCard, heading: NodeRef, heading_id: &str) -> Html {
    // A public card always has its history; one of the resident's own reports (see
    // `view::own_card`) has none, nor supporters to show, nor a vote.
    let own = c.history.is_empty().then_some(());
    let title = [
        m(lang, MapMsg::NumberPrefix),
        " ",
        &c.id.to_string(),
        " · ",
        &c.category.name,
    ]
    .concat();
    let row = |label: MapMsg, value: String| {
        html! { <><dt>{ m(lang, label) }</dt><dd>{ value }</dd></> }
    };
    html! {
        <>
            <h3 id={heading_id.to_owned()} tabindex="-1" ref={heading}>{ title }</h3>
            <p><span class={classes!("civic-badge", ["civic-s-", c.status.as_str()].concat())}>{ &c.status_label }</span></p>
            if let Some(address) = &c.address {
                <p class="civic-card-address">{ address }</p>
            }
            <p class="civic-card-text">{ &c.description }</p>
            if !c.photos.is_empty() {
                <p class="civic-card-photos">
                    for (n, p) in c.photos.iter().enumerate().filter(|(_, p)| is_web_link(&p.url)) {
                        <a href={p.url.clone()} target="_blank" rel="noopener noreferrer">
                            <img src={p.thumb_url.clone()} loading="lazy" alt={[m(lang, MapMsg::Photo), " ", &(n + 1).to_string()].concat()} />
                        </a>
                    }
                </p>
            }
            <dl class="civic-card-facts">
                { row(MapMsg::Reported, day(lang, &c.created_at)) }
                if let Some(deadline) = &c.deadline {
                    { row(MapMsg::Deadline, day(lang, deadline)) }
                }
                if own.is_none() {
                    <dt>{ m(lang, MapMsg::Supporters) }</dt><dd class="civic-support-count">{ c.support_count }</dd>
                }
            </dl>
            <h4>{ m(lang, MapMsg::Answers) }</h4>
            { answers(lang, &c.answers) }
            if own.is_none() {
                <h4>{ m(lang, MapMsg::History) }</h4>
                <ol class="civic-card-history">
                    for e in c.history.iter() {
                        <li>{ [day(lang, &e.at).as_str(), " — ", &e.status_label].concat() }</li>
                    }
                </ol>
            }
        </>
    }
}

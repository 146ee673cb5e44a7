//! The widget's first screen, rendered by the host (`yew::ServerRenderer`): the same `App` on the
//! same configuration as the bundle renders, so the bundle's own rendering, with what the visitor
//! typed meanwhile, replaces it unnoticed (see `crate::takeover`). Compiled into the host service
//! only (feature `ssr`); the bundles never carry it.

use std::rc::Rc;

use civic_wire::{Lang, SiteConfig};

use crate::api::{Backend, Failure, LocalFuture, Session};
use crate::app::{App, AppProps, First};
use crate::options::RawOptions;

/// What the host sends for one widget: its first screen and the stylesheet it needs.
pub struct FirstScreen {
    /// The `App`'s elements.
    pub html: String,
    /// The widget's stylesheet, with the site's accent when it is one we read.
    pub css: String,
    pub lang: Lang,
}

/// Nothing is asked of a backend while rendering on the host: effects do not run there.
struct NoBackend;

impl Backend for NoBackend {
    fn site_config(&self, _: &str, _: Lang) -> LocalFuture<Result<SiteConfig, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    fn submit_problem(
        &self,
        _: &str,
        _: &civic_wire::NewProblem,
        _: Option<&str>,
    ) -> LocalFuture<Result<civic_wire::ProblemCreated, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
    fn sso_token(&self) -> LocalFuture<Option<String>> {
        Box::pin(async { None })
    }
    fn sso_exchange(&self, _: &str, _: &str) -> LocalFuture<Result<Session, Failure>> {
        Box::pin(async { Err(Failure::Unexpected) })
    }
}

/// Renders the basic form's first screen for the loader's options `raw` (site, `data-lang`,
/// the page's language, accent, id prefix) and the site's `config` (in the language resolved
/// from `raw`).
pub async fn first_screen(raw: RawOptions, config: SiteConfig) -> FirstScreen {
    let css = crate::style::sheet(false, &raw.accent);
    let lang = raw.resolve_lang();
    let html = yew::ServerRenderer::<App>::with_props(move || {
        let mut options = crate::widget_options(&raw);
        options.mode = civic_wire::Mode::Basic;
        AppProps {
            options: Rc::new(options),
            backend: Rc::new(NoBackend),
            first: Some(Rc::new(First {
                config,
                typed: Default::default(),
                photos: Vec::new(),
                submitted: Rc::new(|| false),
                shown: Rc::new(|_| ()),
            })),
        }
    })
    .hydratable(false)
    .render()
    .await;
    FirstScreen { html, css, lang }
}

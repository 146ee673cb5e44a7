//! Response templates per category (issue 5): the site admin writes the answers an agency gives
//! again and again («Заявка передана подрядчику, срок — 10 дней»); on a problem's page the
//! status form offers its category's templates, and an empty public answer takes the chosen
//! template's text (a typed answer wins). Without scripts: the texts are shown under the
//! choice, to read or copy.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;

use super::settings::require_admin;
use super::{
    ANSWER_MAX_CHARS, CabinetError, CabinetFailure, InLang, NoFields, Posted, Session, audit,
};
use crate::AppState;
use crate::db::now;
use crate::i18n::Msg;
use crate::pages::PageLang;

/// A title is this long at most.
pub const TITLE_MAX_CHARS: usize = 100;
/// A category has at most this many templates.
pub const PER_CATEGORY_MAX: i64 = 30;

/// A template as the pages show it.
pub struct Template {
    pub id: i64,
    pub category_id: i64,
    pub title: String,
    pub text: String,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get(0)?,
        category_id: r.get(1)?,
        title: r.get(2)?,
        text: r.get(3)?,
    })
}

/// The templates of every category of the municipality, by category and title.
pub fn of_municipality(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Vec<Template>> {
    conn.prepare_cached(
        "SELECT t.id, t.category_id, t.title, t.text FROM answer_templates t
         JOIN categories c ON c.id = t.category_id
         WHERE c.municipality_id = ?1 ORDER BY t.category_id, t.title, t.id",
    )?
    .query_map([municipality_id], row)?
    .collect()
}

/// The templates of one category, by title.
pub fn of_category(conn: &Connection, category_id: i64) -> rusqlite::Result<Vec<Template>> {
    conn.prepare_cached(
        "SELECT id, category_id, title, text FROM answer_templates
         WHERE category_id = ?1 ORDER BY title, id",
    )?
    .query_map([category_id], row)?
    .collect()
}

/// The text of template `id` if it belongs to category `category_id`.
pub fn text_for(conn: &Connection, id: i64, category_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT text FROM answer_templates WHERE id = ?1 AND category_id = ?2",
        params![id, category_id],
        |r| r.get(0),
    )
    .optional()
}

/// The choice of a template in the status form (nothing when the category has none).
pub fn choice(lang: PageLang, templates: &[Template]) -> Markup {
    if templates.is_empty() {
        return html! {};
    }
    html! {
        label for="template" { (lang.m(Msg::AnswerTemplate)) }
        select id="template" name="template" aria-describedby="template-hint" {
            option value="" { (lang.m(Msg::NotGiven)) }
            @for t in templates {
                option value=(t.id) { (t.title) }
            }
        }
        p.muted id="template-hint" { (lang.m(Msg::AnswerTemplateHint)) }
        details.templates {
            summary { (lang.m(Msg::TemplateTexts)) }
            dl {
                @for t in templates {
                    dt { (t.title) }
                    dd.pre-wrap { (t.text) }
                }
            }
        }
    }
}

/// The settings page's section: the templates by category, a delete button each, the form to
/// add one.
pub fn section(
    lang: PageLang,
    session: &Session,
    categories: &[(i64, String, Option<i64>)],
    templates: &[Template],
) -> Markup {
    let name_of = |id: i64| {
        categories
            .iter()
            .find(|(c, _, _)| *c == id)
            .map_or("", |(_, n, _)| n.as_str())
    };
    html! {
        section.answer-templates aria-labelledby="templates-title" {
            h2 id="templates-title" { (lang.m(Msg::AnswerTemplates)) }
            p.muted { (lang.m(Msg::AnswerTemplatesHint)) }
            @if !templates.is_empty() {
                table.template-list aria-labelledby="templates-title" {
                    thead { tr {
                        th scope="col" { (lang.m(Msg::Category)) }
                        th scope="col" { (lang.m(Msg::TemplateTitle)) }
                        th scope="col" { (lang.m(Msg::TemplateText)) }
                        td {}
                    } }
                    tbody {
                        @for t in templates {
                            tr data-template=(t.id) {
                                td { (name_of(t.category_id)) }
                                td { (t.title) }
                                td.pre-wrap { (t.text) }
                                td {
                                    form method="post" action=(lang.href(&format!("/cabinet/settings/templates/{}/delete", t.id))) {
                                        input type="hidden" name="csrf" value=(session.csrf);
                                        button type="submit" aria-label=(format!("{}: {}", lang.m(Msg::Delete), t.title)) { (lang.m(Msg::Delete)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.add-template method="post" action=(lang.href("/cabinet/settings/templates")) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="template-category" { (lang.m(Msg::Category)) }
                select id="template-category" name="category" required {
                    @for (id, name, _) in categories {
                        option value=(id) { (name) }
                    }
                }
                label for="template-title" { (lang.m(Msg::TemplateTitle)) }
                input id="template-title" name="title" required maxlength=(TITLE_MAX_CHARS);
                label for="template-text" { (lang.m(Msg::TemplateText)) }
                textarea id="template-text" name="text" required maxlength=(ANSWER_MAX_CHARS) rows="4" {}
                div { button type="submit" { (lang.m(Msg::AddTemplate)) } }
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TemplateForm {
    category: Option<String>,
    title: Option<String>,
    text: Option<String>,
}

/// Adds a template to a category of the municipality.
pub(super) async fn add(
    State(state): State<AppState>,
    Posted(session, lang, form): Posted<TemplateForm>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let title = form.title.unwrap_or_default().trim().to_owned();
    let text = form.text.unwrap_or_default().trim().to_owned();
    let fits = |s: &str, max: usize| !s.is_empty() && s.chars().count() <= max;
    if !fits(&title, TITLE_MAX_CHARS) || !fits(&text, ANSWER_MAX_CHARS) {
        return Err(CabinetError::BadInput(lang.m(Msg::TemplateInvalid).into())).in_lang(lang);
    }
    let category = form
        .category
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok())
        .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::TemplateInvalid).into()))
        .in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let count: Option<i64> = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM answer_templates WHERE category_id = c.id)
                     FROM categories c WHERE c.id = ?1 AND c.municipality_id = ?2",
                    params![category, municipality_id],
                    |r| r.get(0),
                )
                .optional()?;
            match count {
                None => return Err(CabinetError::NotFound),
                Some(n) if n >= PER_CATEGORY_MAX => {
                    return Err(CabinetError::BadInput(lang.tn(Msg::TooManyTemplates, PER_CATEGORY_MAX)));
                }
                Some(_) => {}
            }
            conn.execute(
                "INSERT INTO answer_templates (category_id, title, text, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![category, title, text, now()],
            )?;
            let detail = format!("template {} for category {category}", conn.last_insert_rowid());
            audit(conn, Some(official_id), "template_added", None, Some(&detail))?;
            Ok(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

/// Deletes a template of the municipality.
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, _): Posted<NoFields>,
) -> Result<Response, CabinetFailure> {
    require_admin(&session).in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let n = conn.execute(
                "DELETE FROM answer_templates WHERE id = ?1
                   AND category_id IN (SELECT id FROM categories WHERE municipality_id = ?2)",
                params![id, municipality_id],
            )?;
            if n == 0 {
                return Err(CabinetError::NotFound);
            }
            audit(
                conn,
                Some(official_id),
                "template_deleted",
                None,
                Some(&format!("template {id}")),
            )?;
            Ok(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/settings")).into_response())
}

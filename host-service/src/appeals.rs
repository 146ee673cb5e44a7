//! The e-mail channel out (issue 9): a problem routed to an agency that works by e-mail becomes
//! a formal appeal, a letter with everything needed to act on it — category, address and map
//! link, description, the reporter's photos attached, the deadline, the public card — and a
//! reply address unique to the problem and the agency, `reply+<token>@<reply domain>`. The
//! agency's reply comes back through `host-service mail-in` (inbound.rs) and becomes the public
//! answer.
//!
//! The reporter's name and contacts are in the letter only when the reporter agreed to share
//! them with the agency; otherwise the letter says the platform answers the reporter.
//!
//! The token is random (128 bits); only its SHA-256 is kept in `appeals`. The outbox row keeps
//! the reply address until the row is pruned. The letter's `Message-ID` is chosen here, so a
//! reply's `In-Reply-To`/`References` can be checked against it.

use civic_wire::Lang;
use maud::html;
use rusqlite::{Connection, params};

use crate::i18n::date_time;
use crate::mail::{self, Mail, Rich};
use crate::secrets;

/// How an agency hears of the problems routed to it (`agencies.delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// A short notice linking to the cabinet.
    #[default]
    Cabinet,
    /// A formal appeal, answered by e-mail.
    Email,
    /// The appeal, with the cabinet link as well.
    Both,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::Cabinet, Delivery::Email, Delivery::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Cabinet => "cabinet",
            Delivery::Email => "email",
            Delivery::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// The local part of reply addresses before the token: `reply+<token>@…`.
pub const REPLY_PREFIX: &str = "reply+";

/// The token in a reply address's local part, when it has the shape of one.
pub fn token_of(address: &str) -> Option<String> {
    let (local, _domain) = address.trim().rsplit_once('@')?;
    let local = local.to_ascii_lowercase();
    let token = local.strip_prefix(REPLY_PREFIX)?;
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_owned())
}

/// Everything the letter says, gathered by [`queue`].
struct Letter {
    id: i64,
    agency: String,
    site: String,
    lang: Lang,
    category: String,
    description: String,
    address: Option<String>,
    position: Option<(f64, f64)>,
    created_at: i64,
    due_at: Option<i64>,
    photos: i64,
    /// Name, e-mail, phone: only when the reporter agreed to share them.
    contacts: Option<Vec<String>>,
    card: String,
    cabinet: Option<String>,
}

/// The words of the letter in one language.
struct Words {
    quotes: (&'static str, &'static str),
    subject: &'static str,
    intro: &'static str,
    category: &'static str,
    address: &'static str,
    map: &'static str,
    filed: &'static str,
    due: &'static str,
    description: &'static str,
    photos: &'static str,
    reporter: &'static str,
    no_contacts: &'static str,
    card: &'static str,
    cabinet: &'static str,
    how: &'static str,
}

const RU: Words = Words {
    quotes: ("«", "»"),
    subject: "Обращение №",
    intro: "направляем вам обращение жителя, поступившее через сайт",
    category: "Категория:",
    address: "Адрес:",
    map: "Место на карте:",
    filed: "Поступило:",
    due: "Срок решения:",
    description: "Описание проблемы:",
    photos: "Фотографии заявителя во вложении:",
    reporter: "Заявитель:",
    no_contacts: "Заявитель не давал согласия на передачу своих контактов. Ваш ответ ему направит платформа.",
    card: "Публичная карточка проблемы:",
    cabinet: "Открыть в кабинете:",
    how: "Чтобы ответить, ответьте на это письмо, не меняя адрес получателя. Ваш текст (без цитаты) будет опубликован как официальный ответ, а заявитель получит уведомление. Можно приложить фотографии.",
};

const EN: Words = Words {
    quotes: ("\"", "\""),
    subject: "Appeal No.",
    intro: "we forward to you a resident's report received through the site",
    category: "Category:",
    address: "Address:",
    map: "On the map:",
    filed: "Received:",
    due: "Deadline:",
    description: "The problem:",
    photos: "The reporter's photos attached:",
    reporter: "Reporter:",
    no_contacts: "The reporter did not agree to share their contacts. The platform forwards your answer to them.",
    card: "The problem's public card:",
    cabinet: "Open it in the cabinet:",
    how: "To answer, reply to this letter without changing the recipient. Your text (without the quote) is published as the official answer and the reporter is notified. You may attach photos.",
};

/// The keyword lines an agency may write to change the status.
fn keywords(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => crate::inbound::text::KEYWORDS_RU,
        Lang::En => crate::inbound::text::KEYWORDS_EN,
    }
}

impl Letter {
    fn words(&self) -> &'static Words {
        match self.lang {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }

    fn subject(&self) -> String {
        let w = self.words();
        match &self.address {
            Some(a) => format!("{} {}: {} — {a}", w.subject, self.id, self.category),
            None => format!("{} {}: {}", w.subject, self.id, self.category),
        }
    }

    fn map_link(&self) -> Option<String> {
        self.position.map(|(lat, lon)| {
            format!(
                "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=18/{lat:.6}/{lon:.6}"
            )
        })
    }

    /// The facts, as label/value pairs, in the order both parts show them.
    fn facts(&self) -> Vec<(&'static str, String)> {
        let w = self.words();
        let mut facts = vec![(w.category, self.category.clone())];
        if let Some(a) = &self.address {
            facts.push((w.address, a.clone()));
        }
        if let Some(link) = self.map_link() {
            facts.push((w.map, link));
        }
        facts.push((w.filed, date_time(self.lang, self.created_at)));
        if let Some(due) = self.due_at {
            facts.push((w.due, date_time(self.lang, due)));
        }
        if self.photos > 0 {
            facts.push((w.photos, self.photos.to_string()));
        }
        facts
    }

    fn text(&self) -> String {
        let w = self.words();
        let (open, close) = w.quotes;
        let mut t = format!(
            "{}: {} {open}{}{close}.\n\n",
            self.agency, w.intro, self.site
        );
        for (label, value) in self.facts() {
            t += &format!("{label} {value}\n");
        }
        t += &format!("\n{}\n{}\n\n", w.description, self.description);
        match &self.contacts {
            Some(c) => t += &format!("{} {}\n\n", w.reporter, c.join(", ")),
            None => t += &format!("{}\n\n", w.no_contacts),
        }
        t += &format!("{} {}\n", w.card, self.card);
        if let Some(cabinet) = &self.cabinet {
            t += &format!("{} {cabinet}\n", w.cabinet);
        }
        t += &format!("\n{}\n{}\n\n— {}\n", w.how, keywords(self.lang), self.site);
        t
    }

    fn html(&self) -> String {
        let w = self.words();
        let lang = self.lang.code();
        html! {
            (maud::DOCTYPE)
            html lang=(lang) {
                head { meta charset="utf-8"; title { (self.subject()) } }
                body {
                    p { (self.agency) ": " (w.intro) " " (w.quotes.0) (self.site) (w.quotes.1) "." }
                    table {
                        @for (label, value) in self.facts() {
                            tr {
                                th align="left" valign="top" { (label) }
                                td {
                                    @if value.starts_with("https://") { a href=(value) { (value) } }
                                    @else { (value) }
                                }
                            }
                        }
                    }
                    h3 { (w.description) }
                    p style="white-space: pre-wrap" { (self.description) }
                    @match &self.contacts {
                        Some(c) => p { strong { (w.reporter) } " " (c.join(", ")) },
                        None => p { (w.no_contacts) },
                    }
                    p { (w.card) " " a href=(self.card) { (self.card) } }
                    @if let Some(cabinet) = &self.cabinet {
                        p { (w.cabinet) " " a href=(cabinet) { (cabinet) } }
                    }
                    p { (w.how) }
                    p { (keywords(self.lang)) }
                    p { "— " (self.site) }
                }
            }
        }
        .into_string()
    }
}

/// What [`queue`] needs to know of the agency (read by agencies.rs).
pub struct To<'a> {
    pub agency_id: i64,
    pub agency: &'a str,
    pub email: &'a str,
    pub site: &'a str,
    pub lang: Lang,
    pub category: &'a str,
    pub delivery: Delivery,
}

/// Queues the appeal about problem `id` to the agency `to`, in the caller's transaction: a new
/// reply token (a problem routed again gets a new one; the old agency's stops matching).
pub fn queue(conn: &Connection, base: &str, id: i64, to: &To) -> rusqlite::Result<()> {
    let (description, address, lat, lon, created_at, due_at): (
        String,
        Option<String>,
        Option<f64>,
        Option<f64>,
        i64,
        Option<i64>,
    ) = conn.query_row(
        "SELECT description, address, lat, lon, created_at, due_at FROM problems WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    let photos: i64 = conn.query_row(
        "SELECT count(*) FROM photos WHERE problem_id = ?1 AND hidden_at IS NULL AND inbound_id IS NULL",
        [id],
        |r| r.get(0),
    )?;
    let contacts = shared_contacts(conn, id)?;
    let letter = Letter {
        id,
        agency: to.agency.to_owned(),
        site: to.site.to_owned(),
        lang: to.lang,
        category: to.category.to_owned(),
        description,
        address,
        position: lat.zip(lon),
        created_at,
        due_at,
        photos: photos.min(3),
        contacts,
        card: format!("{base}/problems/{id}"),
        cabinet: (to.delivery == Delivery::Both).then(|| format!("{base}/cabinet/problems/{id}")),
    };
    let token = secrets::token()[..32].to_owned();
    let at = crate::db::now();
    conn.execute(
        "INSERT INTO appeals (problem_id, agency_id, token_hash, message_id, created_at)
         VALUES (?1, ?2, ?3, '', ?4)",
        params![id, to.agency_id, secrets::token_hash(&token), at],
    )?;
    let appeal_id = conn.last_insert_rowid();
    let host = url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".into());
    let message_id = format!("<civic-appeal-{appeal_id}-{at}@{host}>");
    conn.execute(
        "UPDATE appeals SET message_id = ?2 WHERE id = ?1",
        params![appeal_id, message_id],
    )?;
    mail::enqueue(
        conn,
        &Mail {
            kind: "appeal",
            problem_id: Some(id),
            to: to.email.to_owned(),
            subject: letter.subject(),
            body: letter.text(),
            rich: Some(Rich {
                html: Some(letter.html()),
                // The worker adds `@<reply domain>`.
                reply_to: Some(format!("{REPLY_PREFIX}{token}")),
                message_id: Some(message_id),
                attach_photos_of: (photos > 0).then_some(id),
            }),
        },
    )?;
    Ok(())
}

/// The reporter's name and contacts, when they agreed to share them with the agency.
fn shared_contacts(conn: &Connection, id: i64) -> rusqlite::Result<Option<Vec<String>>> {
    let row = conn.query_row(
        "SELECT coalesce(rp.share_with_agency, 0),
                coalesce(rp.name, rs.display_name), coalesce(rp.email, rs.email), coalesce(rp.phone, rs.phone)
         FROM problems p LEFT JOIN reporters rp ON rp.problem_id = p.id
         LEFT JOIN residents rs ON rs.id = p.resident_id WHERE p.id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, bool>(0)?,
                [
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ],
            ))
        },
    )?;
    let (shared, fields) = row;
    let fields: Vec<String> = fields
        .into_iter()
        .flatten()
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect();
    Ok((shared && !fields.is_empty()).then_some(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_address_gives_its_token_whatever_the_case() {
        let t = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            token_of(&format!("reply+{t}@city.example")).as_deref(),
            Some(t)
        );
        assert_eq!(
            token_of(&format!("Reply+{}@City.Example", t.to_uppercase())).as_deref(),
            Some(t)
        );
        assert_eq!(token_of("reply+short@city.example"), None);
        assert_eq!(token_of(&format!("noreply+{t}@city.example")), None);
        assert_eq!(token_of(&format!("reply+{t}")), None);
    }

    #[test]
    fn delivery_names_round_trip() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("fax"), None);
    }
}

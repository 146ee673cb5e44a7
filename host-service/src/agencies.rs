//! Agencies and routing: the departments, services and utilities of a municipality that solve
//! problems. A category may be routed to an agency (and, in a district, to another one:
//! districts.rs); a problem is routed when it is first published (to its district's route for
//! its category, else its category's agency, unless a moderator chose one before), and a moderator
//! may route it elsewhere later. Each routing queues an e-mail to the agency (when it has an
//! address) in the same transaction. The e-mail names the problem and links to the cabinet;
//! it never carries the reporter's contacts, which stay behind the audited cabinet page.

use civic_wire::Lang;
use rusqlite::{Connection, OptionalExtension, params};

use crate::appeals::{self, Delivery};
use crate::mail;

/// An agency as the cabinet and the command line show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub delivery: Delivery,
}

/// Longest agency name accepted.
pub const NAME_MAX_CHARS: usize = 200;

/// The municipality's agencies, by name.
pub fn list(conn: &Connection, municipality_id: i64) -> rusqlite::Result<Vec<Agency>> {
    conn.prepare_cached(
        "SELECT id, name, email, delivery FROM agencies WHERE municipality_id = ?1 ORDER BY name, id",
    )?
    .query_map([municipality_id], |r| {
        Ok(Agency {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            delivery: Delivery::parse(&r.get::<_, String>(3)?).unwrap_or_default(),
        })
    })?
    .collect()
}

/// Why an agency was not added or changed, in words for the cabinet ([`Refusal::text`]) and
/// the command line (`Display`: English).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// It works by e-mail but has no address.
    EmailNeeded,
    /// The name is empty or longer than `max` characters.
    NameLength { max: usize },
    /// The address does not look like one.
    NotAnEmail { email: String },
    /// The municipality has an agency of that name.
    NameTaken { name: String },
    /// The database failed: its error's text.
    Database(String),
}

impl Refusal {
    /// The refusal as a sentence (lower-case: it follows the page's "not added:").
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::EmailNeeded, Lang::Ru) => {
                "исполнителю, который работает по электронной почте, нужен адрес электронной почты"
                    .into()
            }
            (Refusal::EmailNeeded, Lang::En) => {
                "an agency that works by e-mail needs an e-mail address".into()
            }
            (Refusal::NameLength { max }, Lang::Ru) => {
                // "до 200 символов", "до 201 символа": the genitive.
                let word = match crate::i18n::plural(Lang::Ru, *max as u64) {
                    crate::i18n::Plural::One => "символа",
                    _ => "символов",
                };
                format!("название исполнителя должно содержать от 1 до {max} {word}")
            }
            (Refusal::NameLength { max }, Lang::En) => {
                format!("an agency's name is 1-{max} characters")
            }
            (Refusal::NotAnEmail { email }, Lang::Ru) => {
                format!("«{email}» не похоже на адрес электронной почты")
            }
            (Refusal::NotAnEmail { email }, Lang::En) => {
                format!("{email:?} is not an e-mail address")
            }
            (Refusal::NameTaken { name }, Lang::Ru) => {
                format!("исполнитель с названием «{name}» уже есть")
            }
            (Refusal::NameTaken { name }, Lang::En) => {
                format!("there is an agency named {name:?} already")
            }
            (Refusal::Database(e), Lang::Ru) => format!("ошибка базы данных: {e}"),
            (Refusal::Database(e), Lang::En) => e.clone(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for Refusal {}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Refusal {
        Refusal::Database(e.to_string())
    }
}

/// Checks an agency's name and e-mail (a plain shape check: the SMTP server has the last word),
/// and that an agency working by e-mail has an address.
pub fn check(name: &str, email: Option<&str>, delivery: Delivery) -> Result<(), Refusal> {
    if delivery != Delivery::Cabinet && email.is_none() {
        return Err(Refusal::EmailNeeded);
    }
    let n = name.trim().chars().count();
    if n == 0 || n > NAME_MAX_CHARS {
        return Err(Refusal::NameLength {
            max: NAME_MAX_CHARS,
        });
    }
    if let Some(email) = email {
        let ok = email.len() <= civic_wire::limits::EMAIL_MAX_CHARS
            && email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>');
        if !ok {
            return Err(Refusal::NotAnEmail {
                email: email.to_owned(),
            });
        }
    }
    Ok(())
}

/// Adds an agency to the municipality; its id. A name taken already is refused.
pub fn add(
    conn: &Connection,
    municipality_id: i64,
    name: &str,
    email: Option<&str>,
    delivery: Delivery,
) -> Result<i64, Refusal> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    check(name, email, delivery)?;
    let name = name.trim();
    let taken = conn
        .query_row(
            "SELECT 1 FROM agencies WHERE municipality_id = ?1 AND name = ?2",
            params![municipality_id, name],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(Refusal::NameTaken {
            name: name.to_owned(),
        });
    }
    conn.execute(
        "INSERT INTO agencies (municipality_id, name, email, created_at, delivery) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![municipality_id, name, email, crate::db::now(), delivery.as_str()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Changes an agency's address and how it hears of problems; `Ok(false)` when it is not the
/// municipality's.
pub fn update(
    conn: &Connection,
    municipality_id: i64,
    agency_id: i64,
    email: Option<&str>,
    delivery: Delivery,
) -> Result<bool, Refusal> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM agencies WHERE id = ?1 AND municipality_id = ?2",
            params![agency_id, municipality_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(name) = name else { return Ok(false) };
    check(&name, email, delivery)?;
    conn.execute(
        "UPDATE agencies SET email = ?2, delivery = ?3 WHERE id = ?1",
        params![agency_id, email, delivery.as_str()],
    )?;
    Ok(true)
}

/// Whether `agency_id` is an agency of the municipality.
pub fn belongs(conn: &Connection, municipality_id: i64, agency_id: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM agencies WHERE id = ?1 AND municipality_id = ?2",
            params![agency_id, municipality_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Routes the category's future problems to `agency_id` (`None`: to nobody; a moderator
/// routes each one). Both must be the municipality's: `Ok(false)` otherwise.
pub fn route_category(
    conn: &Connection,
    municipality_id: i64,
    category_id: i64,
    agency_id: Option<i64>,
) -> rusqlite::Result<bool> {
    if let Some(agency) = agency_id
        && !belongs(conn, municipality_id, agency)?
    {
        return Ok(false);
    }
    Ok(conn.execute(
        "UPDATE categories SET agency_id = ?3 WHERE id = ?1 AND municipality_id = ?2",
        params![category_id, municipality_id, agency_id],
    )? == 1)
}

/// Whom an agency's message about a problem goes to, and in which words: the agency's name and
/// address, the site's name and language, the category in that language.
struct Contact {
    agency_id: i64,
    agency: String,
    email: String,
    site: String,
    lang: Lang,
    category: String,
    delivery: Delivery,
}

impl Contact {
    fn about(&self, problem_id: i64) -> mail::About<'_> {
        mail::About {
            lang: self.lang,
            site_name: &self.site,
            problem_id,
            category: &self.category,
        }
    }
}

/// The [`Contact`] of agency `agency_id` about problem `id`; `None` when it has no address.
fn agency_contact(conn: &Connection, id: i64, agency_id: i64) -> rusqlite::Result<Option<Contact>> {
    let found = conn
        .query_row(
            "SELECT a.name, a.email, s.name, s.default_lang, p.category_id, a.delivery
             FROM problems p JOIN sites s ON s.id = p.site_id JOIN agencies a ON a.id = ?2
             WHERE p.id = ?1",
            params![id, agency_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((agency, Some(email), site, lang, category_id, delivery)) = found else {
        return Ok(None);
    };
    let lang = Lang::from_tag(&lang).unwrap_or_default();
    let category = crate::problems::category_name(conn, category_id, lang.code())?;
    Ok(Some(Contact {
        agency_id,
        agency,
        email,
        site,
        lang,
        category,
        delivery: Delivery::parse(&delivery).unwrap_or_default(),
    }))
}

/// Gives problem `id` to `agency_id` and, when the agency has an address, queues the e-mail
/// that tells it: the formal appeal (appeals.rs) to an agency that works by e-mail, else a
/// notice with the cabinet link. Returns whether a message was queued. The caller checked that the agency is
/// the problem's municipality's.
pub fn assign(
    conn: &Connection,
    base: &str,
    id: i64,
    agency_id: Option<i64>,
) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE problems SET agency_id = ?2 WHERE id = ?1",
        params![id, agency_id],
    )?;
    let Some(agency_id) = agency_id else {
        return Ok(false);
    };
    let Some(to) = agency_contact(conn, id, agency_id)? else {
        return Ok(false);
    };
    if to.delivery != Delivery::Cabinet {
        let appeal = appeals::To {
            agency_id: to.agency_id,
            agency: &to.agency,
            email: &to.email,
            site: &to.site,
            lang: to.lang,
            category: &to.category,
            delivery: to.delivery,
        };
        appeals::queue(conn, base, id, &appeal)?;
        return Ok(true);
    }
    let (description, address, due_at): (String, Option<String>, Option<i64>) = conn.query_row(
        "SELECT description, address, due_at FROM problems WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (about, agency, lang) = (to.about(id), &to.agency, to.lang);
    let routed = mail::Routed {
        agency,
        description: &description,
        address: address.as_deref(),
        due: due_at.map(|d| crate::i18n::date_time(lang, d)),
        link: &format!("{base}/cabinet/problems/{id}"),
    };
    mail::enqueue(conn, &mail::routed_to_agency(&about, &to.email, &routed))?;
    Ok(true)
}

/// Tells a problem's agency (when it has an address) that the reporter reopened it, with their
/// words. Returns whether a message was queued.
pub fn tell_reopened(
    conn: &Connection,
    base: &str,
    id: i64,
    comment: Option<&str>,
) -> rusqlite::Result<bool> {
    let agency_id: Option<i64> =
        conn.query_row("SELECT agency_id FROM problems WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    let Some(to) = agency_id
        .map(|a| agency_contact(conn, id, a))
        .transpose()?
        .flatten()
    else {
        return Ok(false);
    };
    let about = to.about(id);
    let link = format!("{base}/cabinet/problems/{id}");
    mail::enqueue(
        conn,
        &mail::reopened(&about, &to.email, &to.agency, comment, &link),
    )?;
    Ok(true)
}

/// Routes a problem that is being published for the first time: to the agency a moderator
/// chose before, else to the route of its district and category (districts.rs), else to its
/// category's. Returns whether an e-mail was queued.
pub fn route_on_publication(conn: &Connection, base: &str, id: i64) -> rusqlite::Result<bool> {
    let agency: Option<i64> = conn.query_row(
        "SELECT coalesce(p.agency_id, r.agency_id, c.agency_id) FROM problems p
         JOIN categories c ON c.id = p.category_id
         LEFT JOIN district_routes r ON r.district_id = p.district_id AND r.category_id = p.category_id
         WHERE p.id = ?1",
        [id],
        |r| r.get(0),
    )?;
    assign(conn, base, id, agency)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Has Cyrillic words and no Latin letters.
    fn all_russian(text: &str) -> bool {
        text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я'))
            && !text.chars().any(|c| c.is_ascii_alphabetic())
    }

    #[test]
    fn refusals_are_in_russian_and_english() {
        assert_eq!(
            check("Водоканал", None, Delivery::Email),
            Err(Refusal::EmailNeeded)
        );
        assert_eq!(
            check("", None, Delivery::Cabinet),
            Err(Refusal::NameLength {
                max: NAME_MAX_CHARS
            })
        );
        let bad = check("Водоканал", Some("vodokanal.example"), Delivery::Email).unwrap_err();
        assert_eq!(
            bad,
            Refusal::NotAnEmail {
                email: "vodokanal.example".into()
            }
        );
        // The command line prints the English text.
        assert_eq!(
            bad.to_string(),
            "\"vodokanal.example\" is not an e-mail address"
        );
        let ru = bad.text(Lang::Ru);
        let rest = ru.replace("vodokanal.example", "");
        assert!(
            all_russian(&rest) && ru.contains("«vodokanal.example»"),
            "{ru}"
        );
        assert!(all_russian(&Refusal::EmailNeeded.text(Lang::Ru)));
        let ru = Refusal::NameLength { max: 200 }.text(Lang::Ru);
        assert!(ru.contains("до 200 символов"), "{ru}");
        assert_eq!(
            Refusal::NameLength { max: 21 }.text(Lang::Ru),
            "название исполнителя должно содержать от 1 до 21 символа"
        );
        let taken = Refusal::NameTaken {
            name: "Водоканал".into(),
        };
        assert!(taken.text(Lang::Ru).contains("«Водоканал» уже есть"));
        assert_eq!(
            taken.to_string(),
            "there is an agency named \"Водоканал\" already"
        );
    }
}

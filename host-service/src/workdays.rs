//! Deadlines in working days (issue 5): a site may count its categories' terms in working days
//! rather than calendar days — Saturdays, Sundays and the site's holidays (`site_holidays`,
//! e.g. the New Year holidays of the production calendar) do not count. Dates are UTC days, as
//! every date the service shows.
//!
//! [`due_at`] is what publication stamps as a problem's deadline (`problems::set_status`).

use rusqlite::{Connection, params};
use time::{Date, OffsetDateTime, Weekday};

/// The most holidays a site keeps (a production calendar has about 15 a year).
pub const HOLIDAYS_MAX: usize = 400;

/// The deadline of a term of `term_days` starting at `start` (unix seconds): `term_days`
/// calendar days later, or, with `working`, the same time of day after `term_days` working
/// days have passed (a weekend or a holiday does not count).
pub fn deadline(start: i64, term_days: i64, working: bool, holidays: &[Date]) -> i64 {
    if !working || term_days <= 0 {
        return start + 86_400 * term_days.max(0);
    }
    let Ok(mut at) = OffsetDateTime::from_unix_timestamp(start) else {
        return start + 86_400 * term_days;
    };
    let mut left = term_days;
    // At most a term and every weekend and holiday on its way: bounded.
    let mut steps = 0;
    while left > 0 && steps < 10 * term_days + HOLIDAYS_MAX as i64 {
        at += time::Duration::DAY;
        steps += 1;
        let day = at.date();
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend && holidays.binary_search(&day).is_err() {
            left -= 1;
        }
    }
    at.unix_timestamp()
}

/// The deadline of problem `id` published at `at`: its category's term, in the site's days.
pub fn due_at(conn: &Connection, id: i64, at: i64) -> rusqlite::Result<i64> {
    let (site_id, term_days, working): (i64, i64, bool) = conn.query_row(
        "SELECT p.site_id, c.term_days, s.working_days FROM problems p
         JOIN categories c ON c.id = p.category_id JOIN sites s ON s.id = p.site_id
         WHERE p.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let holidays = if working {
        holidays(conn, site_id)?
    } else {
        Vec::new()
    };
    Ok(deadline(at, term_days, working, &holidays))
}

/// The site's holidays, in order.
pub fn holidays(conn: &Connection, site_id: i64) -> rusqlite::Result<Vec<Date>> {
    let days: Vec<String> = conn
        .prepare_cached("SELECT day FROM site_holidays WHERE site_id = ?1 ORDER BY day")?
        .query_map([site_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut dates: Vec<Date> = days.iter().filter_map(|d| parse_day(d)).collect();
    dates.sort();
    Ok(dates)
}

/// A `YYYY-MM-DD` day.
pub fn parse_day(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}

/// Reads a list of days (one per line, or separated by commas or spaces): the days, sorted
/// and without repeats, or the first entry that is not a day.
pub fn parse_days(text: &str) -> Result<Vec<Date>, String> {
    let mut days = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        days.push(parse_day(word).ok_or_else(|| word.to_owned())?);
    }
    days.sort();
    days.dedup();
    if days.len() > HOLIDAYS_MAX {
        return Err(format!("more than {HOLIDAYS_MAX} days"));
    }
    Ok(days)
}

/// Replaces site `site_id`'s working-days setting and holidays.
pub fn set(
    conn: &Connection,
    site_id: i64,
    working: bool,
    holidays: &[Date],
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sites SET working_days = ?2 WHERE id = ?1",
        params![site_id, working],
    )?;
    conn.execute("DELETE FROM site_holidays WHERE site_id = ?1", [site_id])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO site_holidays (site_id, day) VALUES (?1, ?2)")?;
    for day in holidays {
        insert.execute(params![site_id, day.to_string()])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn at(t: OffsetDateTime) -> i64 {
        t.unix_timestamp()
    }

    #[test]
    fn calendar_days_count_everything() {
        let start = at(datetime!(2026-12-04 10:00 UTC)); // a Friday
        assert_eq!(
            deadline(start, 3, false, &[]),
            at(datetime!(2026-12-07 10:00 UTC))
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let friday = at(datetime!(2026-12-04 10:00 UTC));
        // Monday, Tuesday, Wednesday.
        assert_eq!(
            deadline(friday, 3, true, &[]),
            at(datetime!(2026-12-09 10:00 UTC))
        );
        // Published on Wednesday 30 December: the New Year holidays to 8 January do not count.
        let holidays: Vec<Date> = (1..=8)
            .map(|d| Date::from_calendar_date(2027, time::Month::January, d).unwrap())
            .collect();
        let start = at(datetime!(2026-12-30 09:00 UTC));
        // Thursday 31 December, then Monday 11 January.
        assert_eq!(
            deadline(start, 2, true, &holidays),
            at(datetime!(2027-01-11 09:00 UTC))
        );
        assert_eq!(deadline(start, 0, true, &holidays), start);
    }

    #[test]
    fn day_lists_are_read_sorted_and_a_wrong_entry_is_named() {
        assert_eq!(
            parse_days("2027-01-02, 2027-01-01\n2027-01-02").unwrap(),
            vec![date!(2027 - 01 - 01), date!(2027 - 01 - 02)]
        );
        assert_eq!(parse_days("2027-01-01 1 января"), Err("1".into()));
        assert_eq!(parse_days("").unwrap(), vec![]);
    }
}

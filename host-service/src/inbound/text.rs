//! The agency's own words in an e-mailed reply to an appeal, and the status keyword line in them.
//!
//! An agency answers an appeal from whatever mail client its staff use — Outlook (desktop, web,
//! mobile; Russian and English), Gmail, Thunderbird, Apple Mail, Yandex Mail, Mail.ru, The Bat!,
//! Exchange — and every client quotes the appeal in its own way: `>`-prefixed lines under an
//! attribution ("On … wrote:", «… написал(а):», «…, X <x@y>:»), a header block ("From: … Sent: …"),
//! a dashed separator ("-----Original Message-----"), or, in HTML, a `<blockquote>` or a
//! client-specific element. Only the reply's own text may become the public answer, so
//! [`reply_text`] cuts the quoted original and the signature away, and [`html_to_text`] first
//! turns an HTML-only reply into plain text (dropping the quoted original where the markup marks
//! it). [`status_keyword`] then takes the «Статус: решено» line the appeal letter
//! ([`KEYWORDS_RU`], [`KEYWORDS_EN`]) tells the agency it may write.
//!
//! Everything here is plain `std`: no regular expressions, a single pass over the HTML, bounded
//! look-ahead over the lines, so any input — however large or malformed — is handled in linear
//! time and never panics.

/// A status an agency may set by a keyword line in its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordStatus {
    InProgress,
    Resolved,
    Refused,
}

/// How to set the status by a keyword line, for the appeal letter in Russian.
pub const KEYWORDS_RU: &str = "Чтобы изменить статус обращения, напишите в ответе \
    отдельной строкой: «Статус: в работе», «Статус: решено» или «Статус: отказано» (при отказе \
    объясните причину).";

/// How to set the status by a keyword line, for the appeal letter in English.
pub const KEYWORDS_EN: &str = "To change the status of the appeal, write on a separate line \
    of your reply: “Status: in progress”, “Status: resolved” or “Status: refused” (if you \
    refuse, please explain why).";

/// Lines (or keyword values) longer than this, in bytes, are never taken for an attribution, a
/// mobile signature or a keyword: those are short, and the limit keeps huge lines cheap.
const MARKER_LINE_MAX: usize = 400;
/// A closing («С уважением,») ends the reply when at most this many non-blank lines follow it…
const CLOSING_TAIL_LINES: usize = 8;
/// …and none of them is longer than this (in characters): a name, a position, a phone.
const CLOSING_TAIL_CHARS: usize = 120;
/// The lines after "From:" searched for the rest of an Outlook header block.
const HEADER_LOOKAHEAD: usize = 8;

/// The reply's own words: the text above the quoted original.
///
/// Dropped:
/// - quoted lines (`>`, any depth; The Bat!'s `XY>` initials);
/// - attribution lines: "On Mon, 1 Dec 2026 at 10:00, X <x@y> wrote:",
///   «1 дек. 2026 г., в 10:00, X <x@y> написал(а):», «Пн, 01.12.2026 10:00, X пишет:», Gmail's,
///   Yandex's and Mail.ru's «…, X <x@y>:», The Bat!'s «Вы писали …:» — also when the client
///   wrapped one over two lines;
/// - separators: "-----Original Message-----", «-----Исходное сообщение-----»,
///   "-------- Original Message --------", «-------- Исходное сообщение --------»,
///   "---------- Forwarded message ---------", «-------- Пересылаемое сообщение --------»,
///   "Begin forwarded message:", «Начало переадресованного сообщения:»;
/// - Outlook's header block "From: … Sent: … To: … Subject: …" and its Russian form
///   «От: … Отправлено: … Кому: … Тема: …» (a "From:"/«От:» line followed within a few lines by a
///   "Sent:"/"Date:"/«Отправлено:»/«Дата:» line and a "To:"/«Кому:» or "Subject:"/«Тема:» one, so
///   that «От дома 5 до дома 7» stays);
/// - the signature: from a "-- " line or a mobile client's line ("Sent from my iPhone",
///   «Отправлено с iPhone», «Отправлено из мобильной Почты Mail.ru», «Отправлено из приложения
///   Яндекс Почта», «Отправлено из Яндекс.Почты для iPhone», "Get Outlook for Android", …) on;
///   and a closing block («С уважением,», "Best regards,", "Kind regards,", "Regards", …, alone
///   or with a name on its line) in the last lines, followed only by a few short lines (a name, a
///   position, a phone).
///
/// An attribution followed by `>`-quoted lines only starts a quote: the sender's lines between
/// the quote blocks (inline replies) stay. An attribution followed by anything else (the HTML
/// quote it announced is already gone, or the client quotes without `>`), a separator or a
/// header block cut everything after it, together with the header lines and rules right above
/// (Yandex writes «Кому: …», «Тема: …» and a dashed rule above its attribution). A keyword line
/// («Статус: решено») written below a closing survives the closing's removal.
///
/// Line endings become `\n`, trailing whitespace of each line and leading and trailing blank
/// lines go, a run of blank lines becomes one. Returns an empty string when nothing of the
/// sender's own remains.
pub fn reply_text(plain: &str) -> String {
    let text = normalise(plain);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut own: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        if let Some(span) = attribution_span(&lines[i..]) {
            let quote_follows = lines[i + span..]
                .iter()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| is_quoted(l));
            if quote_follows {
                i += span;
                continue;
            }
            drop_header_tail(&mut own);
            break;
        }
        if is_quoted(line) {
            i += 1;
            continue;
        }
        if is_separator(line) || is_header_block(&lines[i..]) {
            drop_header_tail(&mut own);
            break;
        }
        if is_signature_start(line) {
            break;
        }
        own.push(line);
        i += 1;
    }
    drop_closing(&mut own);
    tidy(own)
}

/// An HTML-only reply as plain text for [`reply_text`], laid out the way a browser shows it.
///
/// - `<head>`, `<style>`, `<script>`, `<title>` go with their content; so do comments
///   (`<!-- -->`, conditional ones included), doctypes and processing instructions. The content
///   revealed by `<![if …]>` stays.
/// - Quoted originals go entirely: any `<blockquote>`; elements with the class `gmail_quote`,
///   `gmail_attr`, `moz-cite-prefix`, `moz-forward-container`, `yandex_quote`,
///   `mail-quote-collapse` (Mail.ru), `yahoo_quoted`, `protonmail_quote` (or a class starting
///   so: Mail.ru appends `_mr_css_attr`); and everything from Outlook's `<div id="divRplyFwdMsg">`,
///   `<div id="appendonsend">`, `<div class="OutlookMessageHeader">`, the new Outlook's
///   `mail-editor-reference-message-container` or Outlook desktop's header `<div>` (its
///   `border-top:solid #E1E1E1` / `#B5C4DF` rule) on.
/// - The clients' signature elements go: classes `gmail_signature`, `moz-signature`; Outlook's
///   `id="Signature"` and `ms-outlook-mobile-signature`.
/// - `<br>`, `<hr>`, paragraphs, `<div>`, headings, list items, table rows and the other block
///   elements break lines; `<li>` starts with "- "; table cells are separated by a space;
///   `<pre>` keeps its whitespace; other whitespace collapses as in a browser. Unknown tags are
///   dropped, their text kept.
/// - Character references are decoded: the common named ones (`&nbsp;` — as a plain space —,
///   `&laquo;`, `&raquo;`, `&mdash;`, `&ndash;`, `&hellip;`, `&quot;`, `&amp;`, `&lt;`, `&gt;`,
///   `&apos;`, `&copy;` and more) and numeric ones (`&#NNN;`, `&#xHH;`).
///
/// The result is tidied like [`reply_text`]'s. Any input is taken in one linear pass, without
/// recursion: malformed tags, unclosed comments, a `<` in text, huge nesting never panic; markup
/// running to the end of the input (an unclosed tag or comment) hides the rest, as in a browser.
pub fn html_to_text(html: &str) -> String {
    let mut w = TextWriter::default();
    let mut skip: Option<Skip<'_>> = None;
    let mut pos = 0;
    while pos < html.len() {
        let Some(offset) = html[pos..].find('<') else {
            if skip.is_none() {
                w.text(&html[pos..]);
            }
            break;
        };
        let lt = pos + offset;
        if skip.is_none() {
            w.text(&html[pos..lt]);
        }
        let Some((token, len)) = next_token(&html[lt..]) else {
            // Markup running to the end of the input hides the rest, as in a browser.
            break;
        };
        pos = lt + len;
        match token {
            Token::LessThan => {
                if skip.is_none() {
                    w.text("<");
                }
            }
            Token::Ignored => {}
            Token::Start { name, attrs, empty } => {
                if is_one_of(name, RAW_TEXT_TAGS) {
                    pos = raw_text_end(html, pos, name);
                    continue;
                }
                let opens = !empty && !is_one_of(name, VOID_TAGS);
                if let Some(s) = &mut skip {
                    if s.name.eq_ignore_ascii_case("head") && name.eq_ignore_ascii_case("body") {
                        skip = None;
                    } else if opens && s.name.eq_ignore_ascii_case(name) {
                        s.depth += 1;
                    }
                    continue;
                }
                if starts_original(name, &attrs) {
                    break;
                }
                if opens && is_dropped(name, &attrs) {
                    skip = Some(Skip { name, depth: 1 });
                    continue;
                }
                w.start_tag(name);
            }
            Token::End { name } => {
                if let Some(s) = &mut skip {
                    if s.name.eq_ignore_ascii_case(name) {
                        s.depth -= 1;
                        if s.depth == 0 {
                            skip = None;
                        }
                    }
                    continue;
                }
                w.end_tag(name);
            }
        }
    }
    tidy(w.out.replace('\u{a0}', " ").split('\n'))
}

/// The status set by a keyword line, and the text without such lines.
///
/// A keyword line is a line of its own, anywhere in the reply's own text: «Статус: решено»,
/// «Статус: в работе», «Статус: отказано» (and «решена», «выполнено», «принято в работу»,
/// «отказ», … — the words in `STATUS_WORDS`), or "Status: resolved", "Status: in progress",
/// "Status: refused" (and "done", "fixed", "rejected", …). Case does not matter, «ё» is «е»;
/// surrounding spaces, a trailing period, `*` bold markers from HTML conversions and quotation
/// marks around it («Статус: решено», as the appeal letter prints it) are allowed. A line starting
/// «Статус:»/"Status:" with any other word is no keyword line and stays in the text.
///
/// Returns the status of the last keyword line and the text with every keyword line removed,
/// tidied like [`reply_text`]'s.
pub fn status_keyword(text: &str) -> (Option<KeywordStatus>, String) {
    let text = normalise(text);
    let mut status = None;
    let mut kept = Vec::new();
    for line in text.split('\n') {
        match keyword_of(line) {
            Some(s) => status = Some(s),
            None => kept.push(line),
        }
    }
    (status, tidy(kept))
}

// ---------------------------------------------------------------------------------------------
// Plain text: lines and their kinds.

/// Line endings to `\n`; invisible characters (zero-width space, word joiner, BOM, soft
/// hyphen) removed, so that a line holding only them counts as blank.
fn normalise(text: &str) -> String {
    let mut out = text.replace("\r\n", "\n").replace('\r', "\n");
    if out.contains(INVISIBLE) {
        out.retain(|c| !INVISIBLE.contains(&c));
    }
    out
}

const INVISIBLE: [char; 4] = ['\u{200b}', '\u{2060}', '\u{feff}', '\u{ad}'];

/// `s` without `prefix` (lowercase), compared case-insensitively; no allocation, so that every
/// line can be tested against every marker cheaply.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let mut chars = s.chars();
    for p in prefix.chars() {
        let c = chars.next()?;
        let same = c == p
            || if c.is_ascii() {
                c.to_ascii_lowercase() == p
            } else {
                c.to_lowercase().eq([p])
            };
        if !same {
            return None;
        }
    }
    Some(chars.as_str())
}

/// `s` equals `lowercase` but for the case.
fn eq_ci(s: &str, lowercase: &str) -> bool {
    strip_prefix_ci(s, lowercase) == Some("")
}

/// Joins lines with `\n`: trailing whitespace of each line removed, leading and trailing blank
/// lines dropped, a run of blank lines kept as one.
fn tidy<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut gap = false;
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            gap = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if gap { "\n\n" } else { "\n" });
        }
        gap = false;
        out.push_str(line);
    }
    out
}

/// A quoted line: `>`-prefixed (any depth, any indentation), or The Bat!'s initials prefix
/// ("ИП> …", "JS> …").
fn is_quoted(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('>') {
        return true;
    }
    let initials = t.chars().take_while(|c| c.is_uppercase()).take(4).count();
    if !(1..=3).contains(&initials) {
        return false;
    }
    let mut rest = t.chars().skip(initials);
    rest.next() == Some('>') && matches!(rest.next(), None | Some(' ' | '>'))
}

/// Endings of an attribution line ("… wrote:", «… написал(а):»).
const ATTRIBUTION_VERBS: &[&str] = &[
    "wrote:",
    "writes:",
    "написал:",
    "написала:",
    "написал(а):",
    "написали:",
    "пишет:",
    "писал:",
    "писала:",
    "писал(а):",
];

/// Openings of The Bat!'s attribution («Вы писали 1 декабря 2026 г., 10:00:»).
const ATTRIBUTION_OPENERS: &[&str] = &["вы писали", "вы написали", "you wrote"];

/// How many lines (1, or 2 when the client wrapped it) the attribution starting `lines` spans.
fn attribution_span(lines: &[&str]) -> Option<usize> {
    let candidate = |l: &str| !l.trim().is_empty() && !is_quoted(l) && l.len() <= MARKER_LINE_MAX;
    let first = *lines.first()?;
    if !candidate(first) {
        return None;
    }
    if is_attribution(first) {
        return Some(1);
    }
    let second = *lines.get(1)?;
    if !candidate(second) || !second.trim_end().ends_with(':') {
        return None;
    }
    // Gmail may wrap after the sender's "<", leaving "x@y> wrote:" an attribution of its own;
    // a finished sentence above an attribution is the sender's text, though.
    let first = first.trim();
    if is_attribution(second) && (!has_time(first) || first.ends_with(['.', '!', '?', '…'])) {
        return None;
    }
    is_attribution(&format!("{first} {}", second.trim())).then_some(2)
}

/// An attribution: a line ending with ':' that either ends with a "wrote" verb (or opens like The
/// Bat!'s) and carries a time or an address, or — Gmail in Russian, Yandex, Mail.ru — ends with the
/// sender's address and carries a year and a time («пн, 1 дек. 2026 г. в 10:00, X <x@y>:»).
fn is_attribution(line: &str) -> bool {
    let t = line.trim();
    let Some(body) = t.strip_suffix(':') else {
        return false;
    };
    let lower = t.to_lowercase();
    let timed = has_time(&lower);
    if ATTRIBUTION_VERBS.iter().any(|v| lower.ends_with(v))
        || ATTRIBUTION_OPENERS.iter().any(|o| lower.starts_with(o))
    {
        return timed || lower.contains('@');
    }
    timed && has_year(&lower) && ends_with_address(body.trim_end())
}

/// A time of day: `H:MM` or `HH:MM`.
fn has_time(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

/// A four-digit year of this or the last century.
fn has_year(s: &str) -> bool {
    s.as_bytes()
        .split(|b| !b.is_ascii_digit())
        .any(|run| run.len() == 4 && (run.starts_with(b"19") || run.starts_with(b"20")))
}

/// Ends with an e-mail address, bare or in angle brackets.
fn ends_with_address(s: &str) -> bool {
    match s.strip_suffix('>') {
        Some(inner) => inner.rfind('<').is_some_and(|lt| inner[lt..].contains('@')),
        None => s.split_whitespace().last().is_some_and(|w| w.contains('@')),
    }
}

/// The introductions of a forwarded message that are a line of their own.
const FORWARD_INTROS: &[&str] = &[
    "begin forwarded message:",
    "начало переадресованного сообщения:",
    "начало пересылаемого сообщения:",
];

/// The titles of the dashed separators ("-----Original Message-----").
const SEPARATOR_TITLES: &[&str] = &[
    "original message",
    "forwarded message",
    "исходное сообщение",
    "оригинальное сообщение",
    "пересылаемое сообщение",
    "пересланное сообщение",
    "переадресованное сообщение",
];

/// A separator line that starts the quoted or forwarded original.
fn is_separator(line: &str) -> bool {
    let t = line.trim();
    if t.starts_with("--") {
        let title = t.trim_matches(|c: char| c == '-' || c.is_whitespace());
        SEPARATOR_TITLES.iter().any(|s| eq_ci(title, s))
    } else {
        FORWARD_INTROS.iter().any(|s| eq_ci(t, s))
    }
}

/// The fields of a header block, as far as recognising one goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    From,
    Date,
    Recipient,
    Subject,
}

const HEADER_FIELDS: &[(&str, Field)] = &[
    ("from", Field::From),
    ("от", Field::From),
    ("от кого", Field::From),
    ("отправитель", Field::From),
    ("sent", Field::Date),
    ("date", Field::Date),
    ("отправлено", Field::Date),
    ("дата", Field::Date),
    ("to", Field::Recipient),
    ("кому", Field::Recipient),
    ("cc", Field::Recipient),
    ("копия", Field::Recipient),
    ("subject", Field::Subject),
    ("тема", Field::Subject),
];

/// The header field a line starts with ("From:", «Кому:», "*Sent:*" from a converted HTML).
fn header_field(line: &str) -> Option<Field> {
    let t = line.trim_start().trim_start_matches('*');
    // The longest name ("отправитель") with bold markers ends within these bytes.
    if !t.bytes().take(40).any(|b| b == b':') {
        return None;
    }
    HEADER_FIELDS
        .iter()
        .find(|(name, _)| {
            strip_prefix_ci(t, name)
                .is_some_and(|rest| rest.trim_start_matches('*').trim_start().starts_with(':'))
        })
        .map(|&(_, field)| field)
}

/// An Outlook-style header block: a "From:"/«От:» line followed within a few lines by a
/// "Sent:"/"Date:" line and a "To:" or "Subject:" line.
fn is_header_block(lines: &[&str]) -> bool {
    if lines.first().and_then(|l| header_field(l)) != Some(Field::From) {
        return false;
    }
    let (mut dated, mut addressed) = (false, false);
    for line in lines.iter().skip(1).take(HEADER_LOOKAHEAD) {
        match header_field(line) {
            Some(Field::Date) => dated = true,
            Some(Field::Recipient | Field::Subject) => addressed = true,
            // A header block has one sender.
            Some(Field::From) => break,
            None => {}
        }
    }
    dated && addressed
}

/// A rule: a line of dashes, underscores or equals signs (Outlook's "_____" above its header).
fn is_rule(t: &str) -> bool {
    t.chars().count() >= 4 && t.chars().all(|c| matches!(c, '-' | '_' | '=' | '—'))
}

/// Drops the blank lines, rules and header field lines right above a cut: they belong to the
/// quoted original's header.
fn drop_header_tail(own: &mut Vec<&str>) {
    while let Some(&last) = own.last() {
        let t = last.trim();
        if t.is_empty() || is_rule(t) || header_field(t).is_some() {
            own.pop();
        } else {
            break;
        }
    }
}

/// Where a signature starts: the "-- " delimiter or a mobile client's line.
fn is_signature_start(line: &str) -> bool {
    line.trim() == "--" || is_mobile_signature(line)
}

/// Mobile and web clients' signatures that are always signatures.
const CLIENT_SIGNATURES: &[&str] = &[
    "sent from my ",
    "get outlook for ",
    "отправлено с моего ",
    "получить outlook для ",
    "скачайте outlook для ",
];

/// Openings of a client's signature that needs a device or app name after it…
const SENT_FROM: &[&str] = &[
    "sent from ",
    "sent with ",
    "sent via ",
    "отправлено с ",
    "отправлено со ",
    "отправлено из ",
    "отправлено через ",
];

/// …one of these (so «Отправлено с опозданием» or «Отправлено из почтового отделения» stays the
/// agency's text).
const DEVICES: &[&str] = &[
    "iphone",
    "ipad",
    "android",
    "mail.ru",
    "почты mail",
    "почта mail",
    "мобильной почты",
    "яндекс",
    "yandex",
    "outlook",
    "gmail",
    "mail for windows",
    "почты windows",
    "samsung",
    "galaxy",
    "huawei",
    "xiaomi",
    "blackberry",
    "смартфон",
    "мобильного телефона",
    "proton",
    "yahoo",
];

/// A mobile or web client's signature line.
fn is_mobile_signature(line: &str) -> bool {
    let t = line.trim();
    if t.len() > MARKER_LINE_MAX / 2 {
        return false;
    }
    CLIENT_SIGNATURES
        .iter()
        .any(|p| strip_prefix_ci(t, p).is_some())
        || (SENT_FROM.iter().any(|p| strip_prefix_ci(t, p).is_some()) && {
            let lower = t.to_lowercase();
            DEVICES.iter().any(|d| lower.contains(d))
        })
}

/// The closings that start a signature block.
const CLOSINGS: &[&str] = &[
    "с уважением",
    "c уважением", // with a Latin "c", as it is often typed
    "с наилучшими пожеланиями",
    "всего доброго",
    "всего наилучшего",
    "best regards",
    "kind regards",
    "warm regards",
    "with best regards",
    "with kind regards",
    "regards",
    "sincerely",
    "yours sincerely",
    "yours faithfully",
    "best wishes",
];

/// A closing line: «С уважением,», "Best regards", or one followed on the same line by a
/// short name («С уважением, Иванов И.И.»).
fn is_closing(line: &str) -> bool {
    let t = line.trim().trim_start_matches('*');
    CLOSINGS.iter().any(|phrase| {
        strip_prefix_ci(t, phrase).is_some_and(|rest| {
            let rest = rest.trim_start_matches(|c: char| c == '*' || c.is_whitespace());
            rest.is_empty()
                || rest
                    .strip_prefix([',', '.', '!', '—', '–', '-'])
                    .is_some_and(|name| {
                        name.split_whitespace()
                            .filter(|w| !w.trim_matches('*').is_empty())
                            .count()
                            <= 6
                    })
        })
    })
}

/// Drops a closing block at the end of the reply: the earliest closing line followed only by
/// a few short lines. Keyword lines in the dropped block stay.
fn drop_closing(own: &mut Vec<&str>) {
    let mut start = None;
    let mut tail = 0;
    for (k, line) in own.iter().enumerate().rev() {
        if is_closing(line) {
            start = Some(k);
        }
        let t = line.trim();
        if t.is_empty() || keyword_of(line).is_some() {
            continue;
        }
        tail += 1;
        if tail > CLOSING_TAIL_LINES || t.chars().count() > CLOSING_TAIL_CHARS {
            break;
        }
    }
    if let Some(start) = start {
        let block = own.split_off(start);
        own.extend(block.into_iter().filter(|l| keyword_of(l).is_some()));
    }
}

// ---------------------------------------------------------------------------------------------
// Status keywords.

/// The status words after «Статус:» / "Status:" (lowercase, ё written as е).
const STATUS_WORDS: &[(&str, KeywordStatus)] = &[
    ("в работе", KeywordStatus::InProgress),
    ("принято в работу", KeywordStatus::InProgress),
    ("принята в работу", KeywordStatus::InProgress),
    ("взято в работу", KeywordStatus::InProgress),
    ("взята в работу", KeywordStatus::InProgress),
    ("in progress", KeywordStatus::InProgress),
    ("in-progress", KeywordStatus::InProgress),
    ("accepted", KeywordStatus::InProgress),
    ("решено", KeywordStatus::Resolved),
    ("решена", KeywordStatus::Resolved),
    ("решен", KeywordStatus::Resolved),
    ("выполнено", KeywordStatus::Resolved),
    ("выполнена", KeywordStatus::Resolved),
    ("устранено", KeywordStatus::Resolved),
    ("устранена", KeywordStatus::Resolved),
    ("исправлено", KeywordStatus::Resolved),
    ("сделано", KeywordStatus::Resolved),
    ("resolved", KeywordStatus::Resolved),
    ("done", KeywordStatus::Resolved),
    ("fixed", KeywordStatus::Resolved),
    ("completed", KeywordStatus::Resolved),
    ("отказано", KeywordStatus::Refused),
    ("отказ", KeywordStatus::Refused),
    ("отклонено", KeywordStatus::Refused),
    ("отклонена", KeywordStatus::Refused),
    ("refused", KeywordStatus::Refused),
    ("rejected", KeywordStatus::Refused),
    ("declined", KeywordStatus::Refused),
];

/// Quotation marks a keyword line may be wrapped in.
const QUOTES: &[char] = &['«', '»', '"', '“', '”', '„'];

/// The status a keyword line sets, if `line` is one.
fn keyword_of(line: &str) -> Option<KeywordStatus> {
    let t = line.trim_matches(|c: char| c == '*' || c.is_whitespace() || QUOTES.contains(&c));
    let rest = strip_prefix_ci(t, "статус").or_else(|| strip_prefix_ci(t, "status"))?;
    let value = rest
        .trim_start_matches(|c: char| c == '*' || c.is_whitespace())
        .strip_prefix(':')?;
    if value.len() > MARKER_LINE_MAX {
        return None;
    }
    let value = value.replace('*', "").to_lowercase().replace('ё', "е");
    let value = value
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!') || QUOTES.contains(&c));
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    STATUS_WORDS
        .iter()
        .find(|(word, _)| *word == value)
        .map(|&(_, status)| status)
}

// ---------------------------------------------------------------------------------------------
// HTML.

/// Elements whose content is raw text, dropped with it.
const RAW_TEXT_TAGS: &[&str] = &["script", "style", "title"];

/// Elements without content (no end tag).
const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements rendered as blocks: each starts and ends a line.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Classes (prefixes: Mail.ru appends `_mr_css_attr` when it re-renders a message) of the
/// elements that hold a quoted or forwarded original, or a client's signature.
const DROPPED_CLASSES: &[&str] = &[
    "gmail_quote",
    "gmail_attr",
    "gmail_signature",
    "moz-cite-prefix",
    "moz-forward-container",
    "moz-signature",
    "yandex_quote",
    "mail-quote-collapse",
    "yahoo_quoted",
    "protonmail_quote",
];

/// Ids of the elements that hold a client's signature.
const DROPPED_IDS: &[&str] = &["Signature", "ms-outlook-mobile-signature"];

/// Ids of the elements where Outlook's quoted original starts: they and everything after them go.
const ORIGINAL_IDS: &[&str] = &[
    "divRplyFwdMsg",
    "appendonsend",
    "mail-editor-reference-message-container",
];

/// Outlook desktop's reply header rule (`border-top:solid #E1E1E1 1.0pt`), without spaces.
const OUTLOOK_HEADER_RULES: &[&str] = &["border-top:solid#e1e1e1", "border-top:solid#b5c4df"];

fn is_one_of(name: &str, list: &[&str]) -> bool {
    list.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// The attributes of a start tag that matter here.
#[derive(Debug, Default)]
struct Attrs<'a> {
    class: Option<&'a str>,
    id: Option<&'a str>,
    style: Option<&'a str>,
}

impl<'a> Attrs<'a> {
    /// Records an attribute; the first of a name wins, as in a browser.
    fn set(&mut self, name: &str, value: &'a str) {
        let slot = if name.eq_ignore_ascii_case("class") {
            &mut self.class
        } else if name.eq_ignore_ascii_case("id") {
            &mut self.id
        } else if name.eq_ignore_ascii_case("style") {
            &mut self.style
        } else {
            return;
        };
        slot.get_or_insert(value);
    }

    fn has_class(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.class
            .is_some_and(|c| c.split_whitespace().any(matches))
    }

    fn id_is_one_of(&self, ids: &[&str]) -> bool {
        self.id.is_some_and(|id| is_one_of(id.trim(), ids))
    }
}

/// Where the quoted original starts and the rest of the document goes.
fn starts_original(name: &str, attrs: &Attrs<'_>) -> bool {
    attrs.id_is_one_of(ORIGINAL_IDS)
        || attrs.has_class(|c| c.eq_ignore_ascii_case("OutlookMessageHeader"))
        || (name.eq_ignore_ascii_case("div")
            && attrs.style.is_some_and(|style| {
                let style: String = style
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect();
                OUTLOOK_HEADER_RULES.iter().any(|rule| style.contains(rule))
            }))
}

/// An element dropped with its content.
fn is_dropped(name: &str, attrs: &Attrs<'_>) -> bool {
    name.eq_ignore_ascii_case("head")
        || name.eq_ignore_ascii_case("blockquote")
        || attrs.id_is_one_of(DROPPED_IDS)
        || attrs.has_class(|c| {
            DROPPED_CLASSES.iter().any(|p| {
                c.get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
            })
        })
}

/// The element being dropped: its name and how deep inside elements of that name we are.
struct Skip<'a> {
    name: &'a str,
    depth: usize,
}

/// A piece of markup.
enum Token<'a> {
    /// A `<` that starts no markup: text.
    LessThan,
    /// A comment, a doctype, a processing instruction, a conditional-comment marker.
    Ignored,
    Start {
        name: &'a str,
        attrs: Attrs<'a>,
        /// Written as `<name … />`.
        empty: bool,
    },
    End {
        name: &'a str,
    },
}

/// The markup at the start of `s` (which starts with `<`) and its length in bytes; `None` when
/// it runs to the end of the input.
fn next_token(s: &str) -> Option<(Token<'_>, usize)> {
    let b = s.as_bytes();
    let is_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-' | b'_');
    match b.get(1) {
        Some(b'!') if s[1..].starts_with("!--") => {
            // `<!-->` is an (empty) comment too, hence the search from the dashes.
            let end = s[2..].find("-->")?;
            Some((Token::Ignored, 2 + end + 3))
        }
        Some(b'!' | b'?') => Some((Token::Ignored, s.find('>')? + 1)),
        Some(b'/') => {
            let name_len = b[2..].iter().take_while(|&&c| is_name(c)).count();
            let name = &s[2..2 + name_len];
            Some((Token::End { name }, s.find('>')? + 1))
        }
        Some(&c) if c.is_ascii_alphabetic() => {
            let name_len = b[1..].iter().take_while(|&&c| is_name(c)).count();
            let name = &s[1..1 + name_len];
            let (attrs, empty, len) = parse_attrs(&s[1 + name_len..])?;
            Some((Token::Start { name, attrs, empty }, 1 + name_len + len))
        }
        _ => Some((Token::LessThan, 1)),
    }
}

/// The attributes of a start tag up to and including its `>`: the attributes, whether the tag
/// ends with `/>`, and the length read; `None` when the tag runs to the end of the input.
fn parse_attrs(s: &str) -> Option<(Attrs<'_>, bool, usize)> {
    let b = s.as_bytes();
    let scan = |mut i: usize, stop: fn(u8) -> bool| {
        while b.get(i).is_some_and(|&c| !stop(c)) {
            i += 1;
        }
        i
    };
    let mut attrs = Attrs::default();
    let mut empty = false;
    let mut i = 0;
    loop {
        match *b.get(i)? {
            b'>' => return Some((attrs, empty, i + 1)),
            b'/' => {
                empty = true;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                empty = false;
                let start = i;
                i = scan(i, |c| {
                    c.is_ascii_whitespace() || matches!(c, b'=' | b'>' | b'/')
                });
                let name = &s[start..i];
                i = scan(i, |c| !c.is_ascii_whitespace());
                let mut value = "";
                if b.get(i) == Some(&b'=') {
                    i = scan(i + 1, |c| !c.is_ascii_whitespace());
                    match b.get(i) {
                        Some(&q @ (b'"' | b'\'')) => {
                            let len = s[i + 1..].find(char::from(q))?;
                            value = &s[i + 1..i + 1 + len];
                            i += len + 2;
                        }
                        _ => {
                            let start = i;
                            i = scan(i, |c| c.is_ascii_whitespace() || c == b'>');
                            value = &s[start..i];
                        }
                    }
                }
                attrs.set(name, value);
            }
        }
    }
}

/// Where the raw text of `<name>` (starting at `pos`) ends: after its end tag, or at the end
/// of the input when it is not closed.
fn raw_text_end(html: &str, pos: usize, name: &str) -> usize {
    let close = format!("</{name}");
    html.as_bytes()[pos..]
        .windows(close.len())
        .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
        .and_then(|at| html[pos + at..].find('>').map(|gt| pos + at + gt + 1))
        .unwrap_or(html.len())
}

/// How an element lays out its text.
enum Layout {
    Break,
    Rule,
    Item,
    Block,
    Cell,
    Pre,
    Inline,
}

fn layout(name: &str) -> Layout {
    if name.eq_ignore_ascii_case("br") {
        Layout::Break
    } else if name.eq_ignore_ascii_case("hr") {
        Layout::Rule
    } else if name.eq_ignore_ascii_case("li") {
        Layout::Item
    } else if name.eq_ignore_ascii_case("pre") {
        Layout::Pre
    } else if is_one_of(name, &["td", "th"]) {
        Layout::Cell
    } else if is_one_of(name, BLOCK_TAGS) {
        Layout::Block
    } else {
        Layout::Inline
    }
}

/// Renders text runs and layout the way a browser lays out a page, into lines.
#[derive(Default)]
struct TextWriter {
    out: String,
    /// The current line holds text (not only a list marker).
    line_has_text: bool,
    /// Something (text or a list marker) is on the current line.
    line_started: bool,
    /// Collapsible whitespace waits to become one space before the next text.
    space: bool,
    /// Inside this many `<pre>` elements.
    pre: usize,
}

impl TextWriter {
    fn start_tag(&mut self, name: &str) {
        match layout(name) {
            Layout::Break => self.newline(),
            Layout::Rule => self.end_line(),
            Layout::Item => {
                self.end_line();
                self.out.push_str("- ");
                self.line_started = true;
            }
            Layout::Block => self.start_block(),
            Layout::Pre => {
                self.start_block();
                self.pre += 1;
            }
            Layout::Cell => self.space = true,
            Layout::Inline => {}
        }
    }

    fn end_tag(&mut self, name: &str) {
        match layout(name) {
            // `</br>` is read as `<br>` by browsers.
            Layout::Break => self.newline(),
            Layout::Item | Layout::Block => self.end_line(),
            Layout::Pre => {
                self.pre = self.pre.saturating_sub(1);
                self.end_line();
            }
            Layout::Cell => self.space = true,
            Layout::Rule | Layout::Inline => {}
        }
    }

    /// A block starts on a line of its own (a list marker's line is its own).
    fn start_block(&mut self) {
        if self.line_has_text {
            self.newline();
        }
    }

    /// Ends the current line, unless nothing is on it.
    fn end_line(&mut self) {
        if self.line_started {
            self.newline();
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line_has_text = false;
        self.line_started = false;
        self.space = false;
    }

    /// A text run, with its entities decoded.
    fn text(&mut self, s: &str) {
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            rest[..amp].chars().for_each(|c| self.char(c));
            match decode_entity(&rest[amp..]) {
                Some((c, len)) => {
                    self.char(c);
                    rest = &rest[amp + len..];
                }
                None => {
                    self.char('&');
                    rest = &rest[amp + 1..];
                }
            }
        }
        rest.chars().for_each(|c| self.char(c));
    }

    fn char(&mut self, c: char) {
        if INVISIBLE.contains(&c) {
            return;
        }
        if self.pre > 0 {
            match c {
                '\n' => self.newline(),
                '\r' => {}
                c => {
                    self.out.push(c);
                    self.line_started = true;
                    self.line_has_text |= !c.is_whitespace();
                }
            }
            return;
        }
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            self.space = true;
            return;
        }
        if self.space && self.line_has_text {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push(c);
        self.line_has_text = true;
        self.line_started = true;
    }
}

/// Named character references understood (HTML names them case-sensitively).
const ENTITIES: &[(&str, char)] = &[
    ("nbsp", '\u{a0}'),
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("laquo", '«'),
    ("raquo", '»'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("hellip", '…'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("sbquo", '‚'),
    ("bull", '•'),
    ("middot", '·'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("minus", '−'),
    ("euro", '€'),
    ("pound", '£'),
    ("cent", '¢'),
    ("yen", '¥'),
    ("sect", '§'),
    ("para", '¶'),
    ("numero", '№'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("larr", '←'),
    ("rarr", '→'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("shy", '\u{ad}'),
];

/// The longest entity name looked for.
const ENTITY_NAME_MAX: usize = 8;

/// The character reference at the start of `s` (which starts with `&`) and its length;
/// `None` when it is no reference (the `&` is then text). A numeric reference to no valid
/// character (zero, a surrogate, beyond U+10FFFF) gives U+FFFD, as in a browser.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let rest = &s[1..];
    if let Some(number) = rest.strip_prefix('#') {
        let (radix, prefix) = match number.strip_prefix(['x', 'X']) {
            Some(_) => (16, 1),
            None => (10, 0),
        };
        let digits = &number[prefix..];
        let len = digits
            .bytes()
            .take_while(|b| char::from(*b).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let c = u32::from_str_radix(&digits[..len], radix)
            .ok()
            .filter(|&n| n != 0)
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, 2 + prefix + len + semicolon));
    }
    let len = rest
        .bytes()
        .take(ENTITY_NAME_MAX + 1)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if rest.as_bytes().get(len) != Some(&b';') {
        return None;
    }
    let name = &rest[..len];
    ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| (c, len + 2))
}

#[cfg(test)]
mod tests {
    use super::KeywordStatus::{InProgress, Refused, Resolved};
    use super::*;
    use std::time::{Duration, Instant};

    /// Lines joined with `\n`: a message as the tests write it.
    fn mail(lines: &[&str]) -> String {
        lines.join("\n")
    }

    /// What the service does with an HTML-only reply.
    fn from_html(html: &str) -> String {
        reply_text(&html_to_text(html))
    }

    /// The slowest the 1 MB inputs of a test may take: generous for an unoptimised build on a
    /// busy machine (an optimised one takes well under a second), far below what a quadratic
    /// scan of them would.
    const QUICK: Duration = Duration::from_secs(10);

    // --- reply_text: the clients' plain-text replies -------------------------------------------

    #[test]
    fn gmail_en_top_posting() {
        let m = mail(&[
            "The pothole on Lenina St. 5 was patched on 3 December.",
            "",
            "On Mon, 1 Dec 2026 at 10:00, Civic Widget <appeal@civic.example> wrote:",
            "",
            "> Appeal No. 123",
            "> Problem: a pothole",
            "> Address: Lenina St. 5",
            "",
        ]);
        assert_eq!(
            reply_text(&m),
            "The pothole on Lenina St. 5 was patched on 3 December."
        );
    }

    #[test]
    fn gmail_ru_top_posting() {
        let m = mail(&[
            "Добрый день!",
            "",
            "Яма у дома 5 по ул. Ленина будет заделана до 15 мая.",
            "",
            "пн, 1 дек. 2026 г. в 10:00, Гражданский виджет <appeal@civic.example>:",
            "",
            "> Обращение № 123",
            "> Проблема: яма на дороге",
        ]);
        assert_eq!(
            reply_text(&m),
            "Добрый день!\n\nЯма у дома 5 по ул. Ленина будет заделана до 15 мая."
        );
    }

    #[test]
    fn attribution_wrapped_over_two_lines() {
        let gmail = mail(&[
            "Done, the lamp was replaced.",
            "",
            "On Mon, Dec 1, 2026 at 10:00 AM Civic Widget - City of Ensk Appeals Service <",
            "appeal@civic.example> wrote:",
            "",
            "> Appeal No. 123",
        ]);
        assert_eq!(reply_text(&gmail), "Done, the lamp was replaced.");
        // Not followed by `>` lines (the HTML quote is gone): the rest is cut.
        let apple = mail(&[
            "Спасибо, приняли.",
            "",
            "1 дек. 2026 г., в 10:00, Гражданский виджет <appeal@civic.example>",
            "написал(а):",
            "Уважаемые коллеги!",
            "Просим устранить яму.",
        ]);
        assert_eq!(reply_text(&apple), "Спасибо, приняли.");
    }

    #[test]
    fn own_line_right_above_an_attribution_stays() {
        let m = mail(&[
            "Работы начнутся в 10:00.",
            "On Mon, 1 Dec 2026 at 10:00, Civic Widget <appeal@civic.example> wrote:",
            "> Appeal No. 123",
        ]);
        assert_eq!(reply_text(&m), "Работы начнутся в 10:00.");
    }

    #[test]
    fn iphone_ru() {
        let m = mail(&[
            "Фонарь заменён, освещение восстановлено.",
            "",
            "Отправлено с iPhone",
            "",
            "> 1 дек. 2026 г., в 10:00, Гражданский виджет <appeal@civic.example> написал(а):",
            "> ",
            "> Обращение № 123",
        ]);
        assert_eq!(reply_text(&m), "Фонарь заменён, освещение восстановлено.");
    }

    #[test]
    fn iphone_en() {
        let m = mail(&[
            "Fixed.",
            "",
            "Sent from my iPhone",
            "",
            "> On 1 Dec 2026, at 10:00, Civic Widget <appeal@civic.example> wrote:",
            ">",
            "> Appeal No. 123",
        ]);
        assert_eq!(reply_text(&m), "Fixed.");
    }

    #[test]
    fn apple_mail_en_with_closing() {
        let m = mail(&[
            "We have scheduled the repair for next week.",
            "",
            "Kind regards,",
            "Jane Doe",
            "Roads Department",
            "",
            "> On 1 Dec 2026, at 10:00, Civic Widget <appeal@civic.example> wrote:",
            "> ",
            "> Appeal No. 123",
        ]);
        assert_eq!(
            reply_text(&m),
            "We have scheduled the repair for next week."
        );
    }

    #[test]
    fn thunderbird_ru_signature_above_the_quote() {
        let m = mail(&[
            "Здравствуйте.",
            "",
            "Ремонт дороги включён в план на 2027 год.",
            "",
            "-- ",
            "Иванов Иван Иванович",
            "Отдел благоустройства",
            "",
            "01.12.2026 10:00, Гражданский виджет пишет:",
            "> Обращение № 123",
        ]);
        assert_eq!(
            reply_text(&m),
            "Здравствуйте.\n\nРемонт дороги включён в план на 2027 год."
        );
    }

    #[test]
    fn thunderbird_en_inline_replies() {
        let m = mail(&[
            "On 12/1/26 10:00 AM, Civic Widget wrote:",
            "> Problem: a pothole",
            "> Address: Lenina St. 5",
            "",
            "We checked it: the road belongs to the region, not the city.",
            "",
            "> Please inform the reporter of the repair date.",
            "",
            "We have forwarded the appeal to the regional road agency.",
            "",
            "-- ",
            "John Smith",
        ]);
        assert_eq!(
            reply_text(&m),
            "We checked it: the road belongs to the region, not the city.\n\n\
             We have forwarded the appeal to the regional road agency."
        );
    }

    #[test]
    fn inline_replies_without_attribution() {
        let m = mail(&[
            "> 1. When will the pothole be fixed?",
            "By 15 May.",
            "> 2. Who is responsible?",
            "",
            "The road maintenance company «Dorstroy».",
            ">",
            "  > > 3. Anything else?",
        ]);
        assert_eq!(
            reply_text(&m),
            "By 15 May.\n\nThe road maintenance company «Dorstroy»."
        );
    }

    #[test]
    fn outlook_desktop_en() {
        let m = mail(&[
            "The street light was repaired yesterday.",
            "",
            "Best regards,",
            "John Smith",
            "Street Lighting Division",
            "Tel. +1 555 0100",
            "",
            "From: Civic Widget <appeal@civic.example>",
            "Sent: Monday, December 1, 2026 10:00 AM",
            "To: lighting@city.example",
            "Subject: Appeal No. 124: broken street light",
            "",
            "Dear Sir or Madam,",
            "A broken street light was reported at Oak St. 7.",
        ]);
        assert_eq!(reply_text(&m), "The street light was repaired yesterday.");
    }

    #[test]
    fn outlook_desktop_ru_with_crlf() {
        let m = [
            "Добрый день.",
            "",
            "Заявка передана подрядчику, срок — до 20 декабря.",
            "",
            "С уважением,",
            "начальник отдела благоустройства",
            "Управления ЖКХ администрации г. Энска",
            "Иванов Иван Иванович",
            "тел. 8 (383) 227-00-00",
            "",
            "От: Гражданский виджет <appeal@civic.example> ",
            "Отправлено: 1 декабря 2026 г. 10:00",
            "Кому: gkh@ensk.example",
            "Тема: Обращение № 123: яма на дороге",
            "",
            "Уважаемые коллеги!",
        ]
        .join("\r\n");
        assert_eq!(
            reply_text(&m),
            "Добрый день.\n\nЗаявка передана подрядчику, срок — до 20 декабря."
        );
    }

    #[test]
    fn outlook_web_ru_underscore_rule() {
        let m = mail(&[
            "Работы выполнены.",
            "",
            "________________________________",
            "От: Гражданский виджет <appeal@civic.example>",
            "Отправлено: 1 декабря 2026 г. 10:00",
            "Кому: Дорожная служба",
            "Тема: Обращение № 123",
            "",
            "Уважаемые коллеги!",
        ]);
        assert_eq!(reply_text(&m), "Работы выполнены.");
    }

    #[test]
    fn outlook_for_android_en() {
        let m = mail(&[
            "Accepted, a crew is on the way.",
            "",
            "Get Outlook for Android<https://aka.ms/AAb9ysg>",
            "________________________________",
            "From: Civic Widget <appeal@civic.example>",
            "Sent: Monday, December 1, 2026 10:00:00 AM",
            "To: roads@city.example <roads@city.example>",
            "Subject: Appeal No. 125",
            "",
            "Dear Sir or Madam,",
        ]);
        assert_eq!(reply_text(&m), "Accepted, a crew is on the way.");
    }

    #[test]
    fn outlook_for_mac_date_header() {
        let m = mail(&[
            "Готово.",
            "",
            "*От:* Гражданский виджет <appeal@civic.example>",
            "*Дата:* понедельник, 1 декабря 2026 г. в 10:00",
            "*Кому:* gkh@ensk.example",
            "*Тема:* Обращение № 123",
        ]);
        assert_eq!(reply_text(&m), "Готово.");
    }

    #[test]
    fn original_message_separators() {
        let outlook = mail(&[
            "Please see the attached act of works.",
            "",
            "-----Original Message-----",
            "From: Civic Widget [mailto:appeal@civic.example] ",
            "Sent: Monday, December 1, 2026 10:00 AM",
            "To: roads@city.example",
            "Subject: Appeal No. 126",
            "",
            "Dear Sir or Madam,",
        ]);
        assert_eq!(
            reply_text(&outlook),
            "Please see the attached act of works."
        );
        let exchange = mail(&[
            "Ответ направлен заявителю почтой.",
            "",
            "-----Исходное сообщение-----",
            "От: Гражданский виджет [mailto:appeal@civic.example] ",
            "Отправлено: Monday, December 1, 2026 10:00 AM",
            "Кому: gkh@ensk.example",
            "Тема: Обращение № 126",
        ]);
        assert_eq!(reply_text(&exchange), "Ответ направлен заявителю почтой.");
        let thunderbird = "Sure.\n\n-------- Original Message --------\nSubject: Appeal\n\ntext";
        assert_eq!(reply_text(thunderbird), "Sure.");
        let thunderbird_ru =
            "Принято.\n-------- Исходное сообщение --------\nТема: Обращение\n\nтекст";
        assert_eq!(reply_text(thunderbird_ru), "Принято.");
        let outlook_express = "Ok.\n\n----- Original Message -----\nFrom: Civic Widget\nTo: roads";
        assert_eq!(reply_text(outlook_express), "Ok.");
    }

    #[test]
    fn yandex_ru() {
        let quoted = mail(&[
            "Здравствуйте!",
            "Яма будет заделана до 15 мая.",
            "",
            "01.12.2026, 10:00, \"Гражданский виджет\" <appeal@civic.example>:",
            "> Уважаемые коллеги!",
            "> Обращение № 123",
        ]);
        assert_eq!(
            reply_text(&quoted),
            "Здравствуйте!\nЯма будет заделана до 15 мая."
        );
        let mobile = mail(&[
            "Принято.",
            "",
            "-- ",
            "Отправлено из приложения Яндекс Почта",
            "",
            "01.12.2026, 10:00, \"Гражданский виджет\" <appeal@civic.example>:",
            "Уважаемые коллеги!",
        ]);
        assert_eq!(reply_text(&mobile), "Принято.");
        let iphone = mail(&[
            "Сделано, фото во вложении.",
            "",
            "Отправлено из Яндекс.Почты для iPhone",
            "",
            "01.12.2026, 10:00, \"Гражданский виджет\" <appeal@civic.example>:",
            "Уважаемые коллеги!",
        ]);
        assert_eq!(reply_text(&iphone), "Сделано, фото во вложении.");
        // Yandex's header lines and rule above its attribution go with it.
        let header = mail(&[
            "Фонарь заменён.",
            "",
            "----------------",
            "Кому: Дорожная служба (roads@city.example);",
            "Тема: Обращение № 123;",
            "01.12.2026, 10:00, \"Гражданский виджет\" <appeal@civic.example>:",
            "Уважаемые коллеги!",
        ]);
        assert_eq!(reply_text(&header), "Фонарь заменён.");
    }

    #[test]
    fn mailru() {
        let mobile = mail(&[
            "Работы выполнены.",
            "",
            "",
            "Понедельник, 1 декабря 2026, 10:00 +03:00 от Гражданский виджет <appeal@civic.example>:",
            "",
            ">Уважаемые коллеги!",
            ">Обращение № 123",
            "",
            "",
            "--",
            "Отправлено из мобильной Почты Mail.ru",
        ]);
        assert_eq!(reply_text(&mobile), "Работы выполнены.");
        let web = mail(&[
            "Спасибо, обращение принято.",
            "",
            "Понедельник, 1 декабря 2026, 10:00 +03:00 от appeal@civic.example:",
            "Уважаемые коллеги!",
            "Обращение № 123",
        ]);
        assert_eq!(reply_text(&web), "Спасибо, обращение принято.");
        let app = "Принято в работу.\nОтправлено из мобильной Почты Mail\n\nПонедельник, 1 декабря 2026 …";
        assert_eq!(reply_text(app), "Принято в работу.");
    }

    #[test]
    fn the_bat_ru_and_en() {
        let ru = mail(&[
            "Здравствуйте, Гражданский.",
            "",
            "Вы писали 1 декабря 2026 г., 10:00:",
            "",
            "ГВ> Уважаемые коллеги!",
            "ГВ> Просим устранить яму у дома 5.",
            "",
            "Работы запланированы на май.",
            "",
            "-- ",
            "С уважением,",
            " Иванов                          mailto:ivanov@ensk.example",
        ]);
        assert_eq!(
            reply_text(&ru),
            "Здравствуйте, Гражданский.\n\nРаботы запланированы на май."
        );
        let en = mail(&[
            "Hello Civic,",
            "",
            "You wrote 1 December 2026, 10:00:",
            "",
            "CW> Please fix the street light at Oak St. 7.",
            "",
            "Done, the lamp was replaced today.",
            "",
            "-- ",
            "Best regards,",
            " John                            mailto:john@city.example",
        ]);
        assert_eq!(
            reply_text(&en),
            "Hello Civic,\n\nDone, the lamp was replaced today."
        );
    }

    #[test]
    fn forwarded_with_a_comment_above() {
        let gmail = mail(&[
            "Please see the contractor's answer below.",
            "",
            "---------- Forwarded message ---------",
            "From: Contractor <works@contractor.example>",
            "Date: Tue, 2 Dec 2026 at 09:00",
            "Subject: Re: pothole on Lenina St.",
            "To: <roads@city.example>",
            "",
            "We will fix it on Friday.",
        ]);
        assert_eq!(
            reply_text(&gmail),
            "Please see the contractor's answer below."
        );
        let gmail_ru = mail(&[
            "Ответ подрядчика ниже.",
            "",
            "---------- Пересылаемое сообщение ---------",
            "От: ООО «Дорстрой» <info@dorstroy.example>",
            "Date: вт, 2 дек. 2026 г. в 09:00",
            "Subject: Re: яма",
            "To: <gkh@ensk.example>",
            "",
            "Заделаем в пятницу.",
        ]);
        assert_eq!(reply_text(&gmail_ru), "Ответ подрядчика ниже.");
        let yandex = mail(&[
            "Пересылаю ответ подрядчика.",
            "",
            "-------- Пересылаемое сообщение --------",
            "02.12.2026, 09:00, \"ООО Дорстрой\" <info@dorstroy.example>:",
            "",
            "Яма будет заделана в пятницу.",
            "",
            "-------- Конец пересылаемого сообщения --------",
        ]);
        assert_eq!(reply_text(&yandex), "Пересылаю ответ подрядчика.");
        let mailru = mail(&[
            "Для сведения.",
            "",
            "-------- Пересылаемое сообщение --------",
            "От кого: ООО «Дорстрой» <info@dorstroy.example>",
            "Кому: gkh@ensk.example",
            "Дата: Вторник, 2 декабря 2026, 09:00 +03:00",
            "Тема: Яма",
        ]);
        assert_eq!(reply_text(&mailru), "Для сведения.");
        let apple = "FYI, fixed.\n\nBegin forwarded message:\n\nFrom: Contractor <works@contractor.example>";
        assert_eq!(reply_text(apple), "FYI, fixed.");
        let apple_ru = "См. ниже.\n\nНачало переадресованного сообщения:\n\nОт: Подрядчик";
        assert_eq!(reply_text(apple_ru), "См. ниже.");
        let thunderbird =
            "See below.\n\n-------- Forwarded Message --------\nSubject: \tRe: pothole";
        assert_eq!(reply_text(thunderbird), "See below.");
    }

    #[test]
    fn header_block_without_a_separator_line() {
        let m = mail(&[
            "Для сведения.",
            "",
            "От кого: ООО «Дорстрой» <info@dorstroy.example>",
            "Кому: gkh@ensk.example",
            "Дата: Вторник, 2 декабря 2026, 09:00 +03:00",
            "",
            "Яма будет заделана.",
        ]);
        assert_eq!(reply_text(&m), "Для сведения.");
    }

    // --- reply_text: signatures and closings ---------------------------------------------------

    #[test]
    fn mobile_signatures() {
        for signature in [
            "Sent from my iPhone",
            "Sent from my Samsung Galaxy smartphone.",
            "Sent from Mail for Windows",
            "Sent with Proton Mail secure email.",
            "Get Outlook for iOS",
            "Отправлено с iPhone",
            "Отправлено с моего iPad",
            "Отправлено из мобильной Почты Mail.ru",
            "Отправлено из приложения Яндекс Почта",
            "Отправлено из Яндекс.Почты для Android",
            "Отправлено из Почты Mail",
            "Отправлено со смартфона Samsung Galaxy",
            "Скачайте Outlook для Android",
        ] {
            let m = format!("Ok.\n\n{signature}\n\nquoted original");
            assert_eq!(reply_text(&m), "Ok.", "{signature}");
        }
        for text in [
            "Отправлено с опозданием из-за праздников.\nЯма заделана.",
            "Отправлено из почтового отделения 5 декабря.\nОтвет придёт письмом.",
            "Sent from the field office by e-mail.\nThe crew is on site.",
        ] {
            assert_eq!(reply_text(text), text);
        }
    }

    #[test]
    fn closing_blocks() {
        let same_line = "Работы выполнены.\n\nС уважением, Иванов И.И.";
        assert_eq!(reply_text(same_line), "Работы выполнены.");
        let latin_c = "Работы выполнены.\nC уважением,\nИванов";
        assert_eq!(reply_text(latin_c), "Работы выполнены.");
        let bold = "Работы выполнены.\n*С уважением,*\n*МКУ «Горсвет»*";
        assert_eq!(reply_text(bold), "Работы выполнены.");
        let regards = "Fixed.\nRegards\nJohn";
        assert_eq!(reply_text(regards), "Fixed.");
        let twice = "Fixed.\n\nBest regards,\nJohn\n\nС уважением,\nИван";
        assert_eq!(reply_text(twice), "Fixed.");
        let only = "С уважением,\nИванов И.И.";
        assert_eq!(reply_text(only), "");
    }

    #[test]
    fn closing_keeps_a_keyword_line_below_it() {
        let m = "Яма заделана.\n\nС уважением,\nИванов\nСтатус: решено";
        assert_eq!(reply_text(m), "Яма заделана.\n\nСтатус: решено");
        assert_eq!(
            status_keyword(&reply_text(m)),
            (Some(Resolved), "Яма заделана.".to_owned())
        );
    }

    #[test]
    fn closing_like_text_stays() {
        let phrase = "С уважением относимся к каждому обращению.\nЯма будет заделана.";
        assert_eq!(reply_text(phrase), phrase);
        let regarding = "Regarding your appeal: the lamp is fixed.\nRegards to the reporter, too!";
        assert_eq!(reply_text(regarding), regarding);
        let long_after = format!(
            "Best regards,\nJohn\n{}",
            "This line is far too long to be a part of a signature block, so the closing above is \
             no closing: it is the text of the answer itself."
        );
        assert_eq!(reply_text(&long_after), long_after);
        let many_after = format!("С уважением,\n{}", ["строка"; 9].join("\n"));
        assert_eq!(reply_text(&many_after), many_after);
        let sentence = "Best regards, and note that the repair will finish on Friday next week.";
        assert_eq!(reply_text(sentence), sentence);
    }

    // --- reply_text: what is not a quote ------------------------------------------------------

    #[test]
    fn agency_text_that_looks_like_headers_stays() {
        let en = mail(&[
            "From the street side the hole is 2 m wide.",
            "To: be repaired by the contractor.",
            "Subject to the weather, the work starts on Monday.",
            "Sent: a crew on 2 December.",
        ]);
        assert_eq!(reply_text(&en), en);
        let ru = mail(&[
            "От дома 5 до дома 7 освещение восстановлено.",
            "От: подрядчика ответ ещё не получен.",
            "Дата: начала работ будет сообщена дополнительно.",
            "Срок — до конца месяца.",
        ]);
        assert_eq!(reply_text(&ru), ru);
    }

    #[test]
    fn agency_text_that_looks_like_attributions_stays() {
        let quoting =
            "Житель пишет:\n«Яма глубокая, машины бьют колёса».\nМы проверили: яма заделана.";
        assert_eq!(reply_text(quoting), quoting);
        let schedule =
            "Приём по вторникам с 10:00 до 13:00, запись по адресу priem@ensk.example:\nкаб. 12.";
        assert_eq!(reply_text(schedule), schedule);
        let arrow = "Итого>5 заявок.\nСхема: А>Б>В.";
        assert_eq!(reply_text(arrow), arrow);
        let dashes = "Работы:\n---\n-- заливка\n----\nготово.";
        assert_eq!(reply_text(dashes), dashes);
    }

    // --- reply_text: tidying and edge cases ----------------------------------------------------

    #[test]
    fn tidying() {
        let m = "\r\n\r\n  Line one   \r\n\r\n\r\n\r\nLine two\t\r\n\u{a0}\r\n";
        assert_eq!(reply_text(m), "  Line one\n\nLine two");
        assert_eq!(reply_text("a\rb\r\rc"), "a\nb\n\nc");
        assert_eq!(
            reply_text("\u{feff}Hello\n\u{200b}\n\n\nWorld"),
            "Hello\n\nWorld"
        );
    }

    #[test]
    fn nothing_of_the_own() {
        assert_eq!(reply_text(""), "");
        assert_eq!(reply_text("\n \n\t\n"), "");
        assert_eq!(reply_text("> a\n> b\n>\n"), "");
        assert_eq!(
            reply_text("On Mon, 1 Dec 2026 at 10:00, X <x@y.example> wrote:\n> text\n"),
            ""
        );
        assert_eq!(reply_text("-- \nIvan"), "");
        assert_eq!(reply_text("Sent from my iPhone"), "");
        assert_eq!(reply_text("-----Original Message-----\nFrom: x"), "");
    }

    #[test]
    fn odd_lines_do_not_panic() {
        for m in [
            ">",
            ":",
            "@:",
            "1:00:",
            "<@>:",
            "ё",
            "*",
            "**:",
            "От",
            "От:",
            "От кого",
            "-",
            "--",
            "ГВ>",
        ] {
            let _ = reply_text(m);
            let _ = status_keyword(m);
        }
        assert_eq!(reply_text("2026 10:00 <@>:\nx"), "");
    }

    /// Whether `text` is tidy: no `\r`, no trailing whitespace, no leading, trailing or doubled
    /// blank lines.
    fn is_tidy(text: &str) -> bool {
        !text.contains('\r')
            && text.lines().all(|l| l.trim_end() == l)
            && !text.starts_with('\n')
            && !text.ends_with('\n')
            && !text.contains("\n\n\n")
    }

    #[test]
    fn scrambled_input_never_panics_and_comes_out_tidy() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "</",
            "<!--",
            "-->",
            "<!",
            "<?",
            "<div",
            "<p>",
            "</div>",
            " class=gmail_quote",
            " id=appendonsend",
            "'",
            "\"",
            "=",
            "/",
            "&",
            "&#",
            "&#x",
            "&amp;",
            "&nbsp;",
            ";",
            "x",
            "1",
            "ё",
            "Я",
            " ",
            "\t",
            "\r",
            "\n",
            "\n\n",
            "> ",
            "ГВ> ",
            "From:",
            "От:",
            "Sent:",
            "To:",
            "Тема:",
            "wrote:",
            "пишет:",
            "10:00",
            "2026",
            "@",
            "<a@b>",
            "--",
            "-- \n",
            "-----Original Message-----",
            "С уважением,",
            "Sent from my iPhone",
            "Статус: решено",
            "**",
            "«",
            "<blockquote>",
            "</blockquote>",
            "<style>",
            "</style",
            "<pre>",
            "</pre>",
            "<li>",
            "<br>",
            "<td>",
            "<![if x]>",
            "<head>",
            "<body>",
            "\u{a0}",
            "\u{200b}",
            "\u{feff}",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 1_000_003) as usize % bound
        };
        for _ in 0..3_000 {
            let len = next(80);
            let input: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let html = html_to_text(&input);
            let plain = reply_text(&input);
            let (_, rest) = status_keyword(&plain);
            for out in [&html, &plain, &rest, &reply_text(&html)] {
                assert!(is_tidy(out), "{input:?} -> {out:?}");
            }
        }
    }

    #[test]
    fn megabyte_of_plain_text_is_quick() {
        let started = Instant::now();
        let n = 40_000;
        let m = "Текст ответа.\n> цитата\n".repeat(n);
        assert!(m.len() > 1 << 20);
        assert_eq!(reply_text(&m), vec!["Текст ответа."; n].join("\n"));
        let line = "я".repeat(600_000);
        assert_eq!(reply_text(&line), line);
        let headers = "From: x\n".repeat(150_000);
        assert_eq!(reply_text(&headers), headers.trim_end());
        let colons = "10:00 2026 a@b:\n".repeat(70_000);
        assert_eq!(reply_text(&colons), "");
        assert!(started.elapsed() < QUICK, "{:?}", started.elapsed());
    }

    // --- status_keyword ----------------------------------------------------------------------

    #[test]
    fn keyword_lines() {
        for (line, status) in [
            ("Статус: решено", Resolved),
            ("статус: РЕШЕНО.", Resolved),
            ("  Статус:   решена  ", Resolved),
            ("Статус: Решён", Resolved),
            ("Статус : выполнено", Resolved),
            ("**Статус: решено**", Resolved),
            ("*Статус:* в работе", InProgress),
            ("Статус: в  работе.", InProgress),
            ("Статус: принято в работу", InProgress),
            ("«Статус: в работе»", InProgress),
            ("Статус: «отказано».", Refused),
            ("Статус: отказ", Refused),
            ("Status: resolved", Resolved),
            ("STATUS: Done.", Resolved),
            ("Status: fixed", Resolved),
            ("status: in progress", InProgress),
            ("Status: rejected", Refused),
            ("Status: refused!", Refused),
        ] {
            assert_eq!(
                status_keyword(line),
                (Some(status), String::new()),
                "{line}"
            );
        }
    }

    #[test]
    fn keyword_line_in_a_reply() {
        let m = "Добрый день.\nСтатус: в работе\n\nРаботы начнутся завтра.\r\n\r\nСтатус: решено\n";
        assert_eq!(
            status_keyword(m),
            (
                Some(Resolved),
                "Добрый день.\n\nРаботы начнутся завтра.".to_owned()
            )
        );
        let refused = "Status: refused\n\nThe road is federal; please write to the federal agency.";
        assert_eq!(
            status_keyword(refused),
            (
                Some(Refused),
                "The road is federal; please write to the federal agency.".to_owned()
            )
        );
    }

    #[test]
    fn not_keyword_lines() {
        for text in [
            "Статус: решено частично",
            "Статус: неизвестно",
            "Статус заявки: решено",
            "Яма заделана, статус: решено",
            "Status: resolved — the hole was patched",
            "Status resolved",
            "Statuses: done",
            "Статус:",
            "",
        ] {
            assert_eq!(status_keyword(text), (None, text.to_owned()), "{text}");
        }
    }

    #[test]
    fn the_letter_names_working_keywords() {
        fn quoted(text: &str, open: char, close: char) -> Vec<&str> {
            text.split(open)
                .skip(1)
                .filter_map(|p| p.split(close).next())
                .collect()
        }
        for phrases in [quoted(KEYWORDS_RU, '«', '»'), quoted(KEYWORDS_EN, '“', '”')] {
            let statuses: Vec<_> = phrases.iter().map(|p| status_keyword(p).0).collect();
            assert_eq!(statuses, [Some(InProgress), Some(Resolved), Some(Refused)]);
        }
    }

    // --- html_to_text: conversion --------------------------------------------------------------

    #[test]
    fn html_entities() {
        let html = "<p>Hello&nbsp;&laquo;world&raquo; &mdash; 5 &lt; 7 &amp;&amp; 7 &gt; 5&hellip;</p>\
                    <p>Line&#160;two &#x41;&#66; &quot;q&quot; &apos;a&apos; &copy; &ndash;</p>";
        assert_eq!(
            html_to_text(html),
            "Hello «world» — 5 < 7 && 7 > 5…\nLine two AB \"q\" 'a' © –"
        );
        let odd =
            "&#0;|&#x110000;|&#xD800;|&#99999999999;|&unknown;|&amp|&#65|&#x41;|&AMP;|&;|&#;|&#x;";
        assert_eq!(
            html_to_text(odd),
            "\u{fffd}|\u{fffd}|\u{fffd}|\u{fffd}|&unknown;|&amp|A|A|&AMP;|&;|&#;|&#x;"
        );
    }

    #[test]
    fn html_whitespace_and_blocks() {
        let html = "<div>\n   Hello,\n   <b>world</b>  !\n</div><div><br></div><div>Next\tline<br>\
                    and  <i>more</i></div>";
        assert_eq!(html_to_text(html), "Hello, world !\n\nNext line\nand more");
        let layout = "<h1>Title</h1>Text<hr>After<table><tr><td>a</td><td>b</td></tr>\
                      <tr><th>c</th><td>d</td></tr></table>Tail";
        assert_eq!(html_to_text(layout), "Title\nText\nAfter\na b\nc d\nTail");
        let list = "<p>Done:</p><ul><li>One</li><li><p>Two</p></li><li>Three<ul><li>Inner</li></ul></li></ul>";
        assert_eq!(html_to_text(list), "Done:\n- One\n- Two\n- Three\n- Inner");
        let pre = "<pre>  a  b\n   c</pre><p>x   y</p>";
        assert_eq!(html_to_text(pre), "  a  b\n   c\nx y");
        let paragraphs = "<p>One</p>\n\n<p>&nbsp;</p>\n<p>Two</p><p></p><p></p><p>Three</p>";
        assert_eq!(html_to_text(paragraphs), "One\n\nTwo\nThree");
    }

    #[test]
    fn html_drops_head_style_script_title_and_comments() {
        let html = "<!DOCTYPE html><?xml version=\"1.0\"?><html><head><title>Re: Appeal</title>\
                    <style>p { color: red } /* </p> */</style><meta charset=utf-8></head>\
                    <body><script>if (a < b) alert('</div>')</script><p>Answer<!-- hidden --> text</p>\
                    <TITLE>x</TITLE><Style type=text/css>.a{}</STYLE></body></html>";
        assert_eq!(html_to_text(html), "Answer text");
        assert_eq!(
            html_to_text("<head><title>x</title><body><p>Answer</p>"),
            "Answer"
        );
        assert_eq!(html_to_text("<p>Kept</p><!-- unclosed <p>lost</p>"), "Kept");
        assert_eq!(html_to_text("a<!-->b<!---->c"), "abc");
    }

    #[test]
    fn html_conditional_comments() {
        let word = "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml>\
                    <![endif]--><p class=MsoListParagraph><![if !supportLists]><span>1.<span \
                    style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><![endif]>\
                    Засыпать яму<o:p></o:p></p><!--[if !mso]><!--><p>Shown</p><!--<![endif]-->";
        assert_eq!(html_to_text(word), "1.   Засыпать яму\nShown");
    }

    #[test]
    fn html_malformed() {
        assert_eq!(html_to_text(""), "");
        assert_eq!(
            html_to_text("a < b, 1<2, x <= y, <3 and <>"),
            "a < b, 1<2, x <= y, <3 and <>"
        );
        assert_eq!(html_to_text("<<<>>>"), "<<<>>>");
        assert_eq!(html_to_text("x</>y</ z>w"), "xyw");
        assert_eq!(html_to_text("<div><b>Bold</div"), "Bold");
        assert_eq!(
            html_to_text("<a href=\"x>y\">link</a> and <img src=x alt='a > b'> text"),
            "link and text"
        );
        assert_eq!(html_to_text("Before<a href=\"oops>after"), "Before");
        assert_eq!(
            html_to_text("<p class='gmail_quote'>quoted, never closed"),
            ""
        );
        assert_eq!(
            html_to_text("<blockquote>q</blockquote></blockquote></div>after"),
            "after"
        );
        assert_eq!(
            html_to_text("<div =x class=a b=c/>ok<br/>next</div>"),
            "ok\nnext"
        );
        assert_eq!(
            html_to_text("<DIV CLASS=\"GMAIL_QUOTE\">q</DIV>Answer"),
            "Answer"
        );
    }

    #[test]
    fn html_huge_nesting() {
        let n = 100_000;
        let deep = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(html_to_text(&deep), "deep");
        let quotes = format!("Answer{}quoted", "<blockquote>".repeat(n));
        assert_eq!(html_to_text(&quotes), "Answer");
        let closed = format!(
            "<div class=gmail_quote>{}q{}</div>Tail",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        assert_eq!(html_to_text(&closed), "Tail");
    }

    #[test]
    fn megabyte_of_html_is_quick() {
        let started = Instant::now();
        let n = 25_000;
        let html = "<div>Ответ <b>ведомства</b>&nbsp;&laquo;ок&raquo;</div>\n".repeat(n);
        assert!(html.len() > 1 << 20);
        assert_eq!(
            html_to_text(&html),
            vec!["Ответ ведомства «ок»"; n].join("\n")
        );
        let big = 1 << 20;
        assert_eq!(html_to_text(&"<".repeat(big)), "<".repeat(big));
        assert_eq!(html_to_text(&"&".repeat(big)), "&".repeat(big));
        assert_eq!(html_to_text(&"&#".repeat(big / 2)), "&#".repeat(big / 2));
        assert_eq!(html_to_text(&"<!--".repeat(big / 4)), "");
        assert_eq!(html_to_text(&"<style>".repeat(big / 7)), "");
        assert_eq!(html_to_text(&"<a b='".repeat(big / 6)), "");
        assert_eq!(
            html_to_text(&"<p>a".repeat(big / 4)),
            vec!["a"; big / 4].join("\n")
        );
        assert_eq!(
            html_to_text(&"<script></script>x".repeat(big / 18)),
            "x".repeat(big / 18)
        );
        assert!(started.elapsed() < QUICK, "{:?}", started.elapsed());
    }

    // --- html_to_text then reply_text: the clients' HTML replies -------------------------------

    #[test]
    fn gmail_html_en() {
        let html = r#"<div dir="ltr">The pothole was patched on 3 December.<div><br></div><div>Status: resolved</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, 1 Dec 2026 at 10:00, Civic Widget &lt;<a href="mailto:appeal@civic.example">appeal@civic.example</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div>Appeal No. 123</div></blockquote></div>"#;
        assert_eq!(
            html_to_text(html),
            "The pothole was patched on 3 December.\n\nStatus: resolved"
        );
        assert_eq!(
            status_keyword(&from_html(html)),
            (
                Some(Resolved),
                "The pothole was patched on 3 December.".to_owned()
            )
        );
    }

    #[test]
    fn gmail_html_ru_with_signature() {
        let html = r#"<div dir="ltr"><div>Добрый день!</div><div>Фонарь заменён.</div><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Иванов И.И.<br>МКУ «Горсвет»</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">пн, 1 дек. 2026 г. в 10:00, Гражданский виджет &lt;<a href="mailto:appeal@civic.example">appeal@civic.example</a>&gt;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div>Уважаемые коллеги!</div></blockquote></div>"#;
        assert_eq!(from_html(html), "Добрый день!\nФонарь заменён.");
    }

    #[test]
    fn gmail_html_forward() {
        let html = r#"<div dir="ltr">Для информации.<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Пересылаемое сообщение ---------<br>От: <strong class="gmail_sendername">Подрядчик</strong><br></div><div>Заделаем в пятницу.</div></div></div>"#;
        assert_eq!(from_html(html), "Для информации.");
    }

    const OUTLOOK_DESKTOP_RU: &str = r##"<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="Microsoft Word 15 (filtered medium)"><!--[if !mso]><style>v\:* {behavior:url(#default#VML);}</style><![endif]--><style><!--
/* Font Definitions */
@font-face {font-family:Calibri;}
p.MsoNormal {margin:0cm; font-size:11.0pt;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head><body lang="RU" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1"><p class="MsoNormal">Добрый день!<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Яма будет заделана до 10&nbsp;декабря.<o:p></o:p></p><p class="MsoNormal">Статус: в работе<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">С уважением,<o:p></o:p></p><p class="MsoNormal">Иванов И.И.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>От:</b> Гражданский виджет &lt;appeal@civic.example&gt; <br><b>Отправлено:</b> понедельник, 1 декабря 2026 г. 10:00<br><b>Кому:</b> gkh@ensk.example<br><b>Тема:</b> Обращение № 123<o:p></o:p></p></div></div><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Уважаемые коллеги!<o:p></o:p></p></div></body></html>"##;

    #[test]
    fn outlook_desktop_html_ru() {
        assert_eq!(
            html_to_text(OUTLOOK_DESKTOP_RU),
            "Добрый день!\n\nЯма будет заделана до 10 декабря.\nСтатус: в работе\n\nС уважением,\nИванов И.И."
        );
        assert_eq!(
            status_keyword(&from_html(OUTLOOK_DESKTOP_RU)),
            (
                Some(InProgress),
                "Добрый день!\n\nЯма будет заделана до 10 декабря.".to_owned()
            )
        );
    }

    #[test]
    fn outlook_header_as_paragraphs() {
        let html = "<p>The lamp is fixed.</p><p><b>From:</b> Civic Widget &lt;appeal@civic.example&gt;<br>\
                    <b>Sent:</b> Monday, December 1, 2026 10:00<br><b>To:</b> roads@city.example<br>\
                    <b>Subject:</b> Appeal No. 124</p><p>Dear Sir or Madam,</p>";
        assert_eq!(from_html(html), "The lamp is fixed.");
    }

    #[test]
    fn outlook_2003_message_header() {
        let html = "<div dir=ltr align=left><font face=Arial size=2>Fixed today.</font></div><br>\
                    <div class=OutlookMessageHeader lang=en-us dir=ltr align=left><hr tabindex=-1>\
                    <font face=Tahoma size=2><b>From:</b> Civic Widget [mailto:appeal@civic.example]<br>\
                    <b>Sent:</b> Monday, December 01, 2026 10:00 AM<br></font><br></div><div></div>\
                    <div>Dear Sir or Madam,</div>";
        assert_eq!(html_to_text(html), "Fixed today.");
    }

    #[test]
    fn outlook_web_html() {
        let html = r##"<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head><body dir="ltr"><div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">Accepted, a crew will come on Friday.</div><div id="Signature"><div>John Smith<br>Roads Department</div></div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> Civic Widget &lt;appeal@civic.example&gt;<br><b>Sent:</b> Monday, December 1, 2026 10:00<br><b>To:</b> roads@city.example<br><b>Subject:</b> Appeal No. 125</font><div>&nbsp;</div></div><div>Dear Sir or Madam,</div></body></html>"##;
        assert_eq!(html_to_text(html), "Accepted, a crew will come on Friday.");
        let no_append = r#"<div>Принято.</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>От:</b> Гражданский виджет</div><div>Уважаемые коллеги!</div>"#;
        assert_eq!(html_to_text(no_append), "Принято.");
        let mobile = r#"<div dir="auto">Принято.</div><div dir="auto" id="ms-outlook-mobile-signature">Get <a href="https://aka.ms/AAb9ysg">Outlook for Android</a></div><div id="mail-editor-reference-message-container"><b>From:</b> x</div>"#;
        assert_eq!(html_to_text(mobile), "Принято.");
    }

    #[test]
    fn yandex_html() {
        let html = r#"<div>Здравствуйте!</div><div>Яма будет заделана до 15&nbsp;мая.</div><div> </div><div>-- </div><div>Отправлено из приложения Яндекс Почта</div><div> </div><div>01.12.2026, 10:00, "Гражданский виджет" &lt;appeal@civic.example&gt;:</div><blockquote><div>Уважаемые коллеги!</div></blockquote>"#;
        assert_eq!(
            from_html(html),
            "Здравствуйте!\nЯма будет заделана до 15 мая."
        );
        let header = r#"<div>Здравствуйте.</div><div>Фонарь заменён.</div><div> </div><div>----------------</div><div>Кому: Дорожная служба (roads@city.example);</div><div>Тема: Обращение № 123;</div><div>01.12.2026, 10:00, "Гражданский виджет" &lt;appeal@civic.example&gt;:</div><blockquote><div>Уважаемые коллеги!</div></blockquote>"#;
        assert_eq!(from_html(header), "Здравствуйте.\nФонарь заменён.");
    }

    #[test]
    fn mailru_html() {
        let web = r##"<div>Работы выполнены, фото во вложении.</div><div>&nbsp;</div><div class="mail-quote-collapse_mr_css_attr"><blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;">Понедельник, 1 декабря 2026, 10:00 +03:00 от Гражданский виджет &lt;appeal@civic.example&gt;:<br><div>Уважаемые коллеги!</div></blockquote></div><div>С уважением,<br>Иванов И.И., мастер участка</div>"##;
        assert_eq!(
            html_to_text(web),
            "Работы выполнены, фото во вложении.\n\nС уважением,\nИванов И.И., мастер участка"
        );
        assert_eq!(from_html(web), "Работы выполнены, фото во вложении.");
        let app = r##"<div id="composeWebView_editable_content"><div>Принято в работу.</div><div id="mail-app-auto-signature">Отправлено из мобильной Почты Mail.ru</div><br><br>Понедельник, 1 декабря 2026, 10:00 +03:00 от Гражданский виджет &lt;appeal@civic.example&gt;:<br><div id="composeWebView_previouse_content"><blockquote id="mail-app-auto-quote" style="border-left: 1px solid #0077ff;"><div>Уважаемые коллеги!</div></blockquote></div></div>"##;
        assert_eq!(from_html(app), "Принято в работу.");
    }

    #[test]
    fn apple_mail_html() {
        let html = r#"<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto"><div dir="ltr">Хорошо, выезжаем завтра.</div><div dir="ltr"><br><div id="AppleMailSignature" dir="ltr">Отправлено с iPhone</div><div dir="ltr"><br><blockquote type="cite">1 дек. 2026 г., в 10:00, Гражданский виджет &lt;appeal@civic.example&gt; написал(а):<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Уважаемые коллеги!</div></blockquote></div></body></html>"#;
        assert_eq!(
            html_to_text(html),
            "Хорошо, выезжаем завтра.\n\nОтправлено с iPhone"
        );
        assert_eq!(from_html(html), "Хорошо, выезжаем завтра.");
    }

    #[test]
    fn thunderbird_html() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"></head>\
                    <body><p>Добрый день!</p><p>Ремонт включён в план на 2027&nbsp;год.</p>\
                    <div class=\"moz-cite-prefix\">01.12.2026 10:00, Гражданский виджет пишет:<br></div>\
                    <blockquote type=\"cite\" cite=\"mid:123@civic.example\"><p>Уважаемые коллеги!</p></blockquote>\
                    <pre class=\"moz-signature\" cols=\"72\">-- \nИванов И.И.</pre></body></html>";
        assert_eq!(
            from_html(html),
            "Добрый день!\nРемонт включён в план на 2027 год."
        );
        let inline = "<div class=\"moz-cite-prefix\">On 12/1/26 10:00 AM, Civic Widget wrote:<br></div>\
                      <blockquote type=\"cite\">Problem: a pothole</blockquote><p>We checked: the road is regional.</p>\
                      <blockquote type=\"cite\">Please inform the reporter.</blockquote><p>Done.</p>";
        assert_eq!(
            from_html(inline),
            "We checked: the road is regional.\nDone."
        );
        let forward = "<p>Forwarding the contractor's answer.</p><div class=\"moz-forward-container\"><br><br>\
                       -------- Forwarded Message --------<table class=\"moz-email-headers-table\"><tr><th>Subject:</th>\
                       <td>Re: pothole</td></tr></table><p>We will fix it on Friday.</p></div>";
        assert_eq!(from_html(forward), "Forwarding the contractor's answer.");
    }

    #[test]
    fn html_pre_signature_is_cut_by_reply_text() {
        let html = "<div>Готово.</div><pre>-- \nИванов</pre>";
        assert_eq!(html_to_text(html), "Готово.\n--\nИванов");
        assert_eq!(from_html(html), "Готово.");
    }
}

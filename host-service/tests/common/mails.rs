//! Raw e-mail replies to the service's appeals, written the way real mail clients write them.
//!
//! The service mails an agency an appeal with `Reply-To: reply+<token>@…` and a `Message-ID`;
//! the agency answers from Outlook, Gmail, Thunderbird, a web client or an iPhone, its servers
//! send auto-replies and bounces, and Postfix pipes each raw message to the service. Every
//! function here returns one such message as RFC 5322 bytes: CRLF line ends, non-ASCII headers
//! as RFC 2047 encoded-words in the client's charset, folded at 78 columns, quoted-printable,
//! base64 or 8bit bodies, and the client's own way of quoting the appeal. The output is
//! deterministic: fixed dates and boundaries, Message-IDs hashed from the inputs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use encoding_rs::Encoding;
use std::fmt::Write as _;

/// What a reply answers: taken from the appeal the service sent.
pub struct Thread<'a> {
    /// The appeal's `Reply-To:`, the `To:` of a reply, e.g. `reply+abcd@city.example`.
    pub reply_to: &'a str,
    /// The appeal's `Message-ID`, with angle brackets.
    pub message_id: &'a str,
    /// The appeal's subject, e.g. `Обращение № 12: Яма на дороге`.
    pub subject: &'a str,
    /// The appeal's plain text, which the clients quote.
    pub original_text: &'a str,
}

/// The agency's answer and who sends it.
pub struct Answer<'a> {
    /// The sender, e.g. `ЖКХ Демограда <zhkh@demograd.example>`.
    pub from: &'a str,
    /// The agency's own words (a keyword line such as `Статус: решено` included).
    pub text: &'a str,
}

/// The display name the appeals come from, as the clients quote it.
pub const APPEAL_SENDER: &str = "Civic Widget";
/// The appeal's `Date:`, as [`bounce`] returns it among the appeal's headers.
pub const APPEAL_DATE: &str = "Tue, 01 Dec 2026 10:00:00 +0300";
/// The text of [`auto_reply`].
pub const AUTO_REPLY_TEXT: &str = "Здравствуйте!\n\nЯ в отпуске до 15.12.2026 и не читаю почту. \
     По срочным вопросам звоните в приёмную: +7 (800) 000-00-00.\n";
/// The file name of the photo that [`iphone_with_photo`] attaches.
pub const PHOTO_NAME: &str = "IMG_0042.JPG";

impl Thread<'_> {
    /// The appeal's sender as the clients quote it: `Civic Widget <noreply@<reply domain>>`.
    pub fn appeal_from(&self) -> String {
        format!("{APPEAL_SENDER} <noreply@{}>", domain(self.reply_to))
    }
}

/// Outlook desktop with a Russian UI: multipart/alternative of windows-1251 text and Word HTML,
/// both quoted-printable; the answer on top, then the «От: … Отправлено: … Кому: … Тема: …»
/// block and the appeal, not prefixed (Outlook's way); subject `RE: …`.
pub fn outlook_ru_cp1251(t: &Thread, a: &Answer) -> Vec<u8> {
    const BOUNDARY: &str = "----=_NextPart_000_0017_01DC6294.5C3B7A80";
    let (h1, h2) = ids(&["outlook", t.message_id, a.from, a.text]);
    let block = [
        ("От:", format!("{} ", t.appeal_from())),
        ("Отправлено:", "вторник, 1 декабря 2026 г. 10:00".to_owned()),
        ("Кому:", a.from.to_owned()),
        ("Тема:", t.subject.to_owned()),
    ];
    let plain_block: Vec<String> = block.iter().map(|(k, v)| format!("{k} {v}")).collect();
    // Outlook writes its empty paragraphs (`&nbsp;`) as lines of a no-break space.
    let plain = format!(
        "{}\n\n\u{a0}\n\n{}\n\n\u{a0}\n\n{}\n",
        a.text.trim_end(),
        plain_block.join("\n"),
        t.original_text.trim_end()
    );
    let paragraphs = |text: &str| -> String {
        let para = |l: &str| match l.trim() {
            "" => "<p class=MsoNormal><o:p>&nbsp;</o:p></p>".to_owned(),
            _ => format!("<p class=MsoNormal>{}<o:p></o:p></p>", esc(l)),
        };
        text.trim_end()
            .lines()
            .map(para)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let html_block: Vec<String> = block
        .iter()
        .map(|(k, v)| format!("<b>{k}</b> {}", esc(v)))
        .collect();
    let html = format!(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>\
         <meta http-equiv=Content-Type content=\"text/html; charset=windows-1251\">\n\
         <meta name=Generator content=\"Microsoft Word 15 (filtered medium)\"></head>\n\
         <body lang=RU link=\"#0563C1\" vlink=\"#954F72\"><div class=WordSection1>\n{}\n\
         <p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<div><div style='border:none;border-top:solid \
         #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal>{}<o:p></o:p></p></div></div>\n\
         <p class=MsoNormal><o:p>&nbsp;</o:p></p>\n{}\n</div>\n</body>\n</html>\n",
        paragraphs(a.text),
        html_block.join("<br>\n"),
        paragraphs(t.original_text)
    );
    let part = |subtype: &str| {
        part_head(
            &format!("text/{subtype};\r\n\tcharset=\"windows-1251\""),
            "quoted-printable",
        )
    };
    let body = multipart(
        BOUNDARY,
        "This is a multipart message in MIME format.\r\n\r\n",
        &[
            (part("plain"), qp(&plain, CP1251)),
            (part("html"), qp(&html, CP1251)),
        ],
    );
    let index = [
        [0x01, 0xdc, 0x62, 0x94, 0x5c, 0x3b].as_slice(),
        &h1.to_be_bytes(),
        &h2.to_be_bytes(),
    ]
    .concat();
    let id = format!(
        "<000001dc{:04x}${:08x}${:08x}$@{}>",
        h1 >> 48,
        h1 & 0xffff_ffff,
        h2 >> 32,
        domain(a.from)
    );
    Head::default()
        .mailbox("From", a.from, CP1251, false)
        .raw("To", &format!("<{}>", t.reply_to))
        .raw("References", t.message_id)
        .raw("In-Reply-To", t.message_id)
        .text("Subject", &format!("RE: {}", t.subject), CP1251, false)
        .raw("Date", "Tue, 1 Dec 2026 11:42:17 +0300")
        .raw("Message-ID", &id)
        .raw("MIME-Version", "1.0")
        .raw(
            "Content-Type",
            &format!("multipart/alternative;\r\n\tboundary=\"{BOUNDARY}\""),
        )
        .raw("X-Mailer", "Microsoft Outlook 16.0")
        .raw("Thread-Index", &BASE64.encode(index))
        .raw("Content-Language", "ru")
        .body(&body)
}

/// Gmail with an English UI: multipart/alternative in UTF-8, the text (base64) with the
/// `On …, … wrote:` attribution and `> ` quotes, the HTML (quoted-printable) with the appeal in
/// `<div class="gmail_quote">`; subject `Re: …`.
pub fn gmail_en(t: &Thread, a: &Answer) -> Vec<u8> {
    let appeal = t.appeal_from();
    let plain = format!(
        "{}\n\nOn Tue, 1 Dec 2026 at 10:00, {appeal} wrote:\n\n{}\n",
        a.text.trim_end(),
        quote(t.original_text, ">")
    );
    let html = format!(
        "<div dir=\"ltr\">{}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" \
         class=\"gmail_attr\">On Tue, 1 Dec 2026 at 10:00, {} wrote:<br></div><blockquote \
         class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid \
         rgb(204,204,204);padding-left:1ex\">{}</blockquote></div>\n",
        gmail_divs(a.text),
        html_mailbox(&appeal),
        esc(t.original_text.trim_end()).replace('\n', "<br>\n")
    );
    gmail(t, a, false, &plain, &html)
}

/// Thunderbird sending KOI8-R: text/plain; format=flowed, 8bit, lines over 72 characters broken
/// after a space; attribution `01.12.2026 10:00, Civic Widget пишет:` and `> ` quotes. A header
/// goes in KOI8-R when it has every character (it lacks `№`, so such a subject goes in UTF-8); in
/// the body such characters get the stand-ins KOI8-R users typed (`N` for `№`, `"` for `«»`).
pub fn thunderbird_koi8r(t: &Thread, a: &Answer) -> Vec<u8> {
    let (h1, h2) = ids(&["thunderbird", t.message_id, a.from, a.text]);
    let charset = |s: &str| {
        if KOI8R.encoding().encode(s).2 {
            UTF8
        } else {
            KOI8R
        }
    };
    let subject = format!("Re: {}", t.subject);
    let text = format!(
        "{}\n01.12.2026 10:00, {APPEAL_SENDER} пишет:\n{}",
        flowed(a.text, ""),
        flowed(t.original_text, "> ")
    );
    Head::default()
        .raw(
            "Message-ID",
            &format!("<{}@{}>", uuid(h1, h2).to_lowercase(), domain(a.from)),
        )
        .raw("Date", "Tue, 1 Dec 2026 12:15:40 +0300")
        .raw("MIME-Version", "1.0")
        .raw("User-Agent", "Mozilla Thunderbird")
        .text("Subject", &subject, charset(&subject), false)
        .raw("Content-Language", "ru")
        .raw("To", t.reply_to)
        .raw("References", t.message_id)
        .mailbox("From", a.from, charset(a.from), false)
        .raw("In-Reply-To", t.message_id)
        .raw("Content-Type", "text/plain; charset=KOI8-R; format=flowed")
        .raw("Content-Transfer-Encoding", "8bit")
        .body(&encode_text(&text, KOI8R))
}

/// Yandex Mail (a web client sending HTML only): text/html; charset=utf-8, base64; the answer's
/// paragraphs in `<div>`s with `<br />` between lines, the appeal in a `<blockquote>`.
pub fn html_only_yandex(t: &Thread, a: &Answer) -> Vec<u8> {
    let (h1, _) = ids(&["yandex", t.message_id, a.from, a.text]);
    let html = format!(
        "{}<div> </div><div>01.12.2026, 10:00, \"{APPEAL_SENDER}\" &lt;{}&gt;:</div><blockquote>{}</blockquote>",
        yandex_divs(a.text),
        esc(address(&t.appeal_from())),
        yandex_divs(t.original_text)
    );
    Head::default()
        .mailbox("From", a.from, UTF8_LOWER, false)
        .raw("To", t.reply_to)
        .raw("In-Reply-To", t.message_id)
        .raw("References", t.message_id)
        .text("Subject", &format!("Re: {}", t.subject), UTF8_LOWER, false)
        .raw("MIME-Version", "1.0")
        .raw("X-Mailer", "Yamail [ http://yandex.ru ] 5.0")
        .raw("Date", "Tue, 01 Dec 2026 13:05:11 +0300")
        .raw(
            "Message-Id",
            &format!("<{}1796119511@mail.yandex.ru>", h1 % 1_000_000),
        )
        .raw("Content-Transfer-Encoding", "base64")
        .raw("Content-Type", "text/html; charset=utf-8")
        .body(base64_lines(&encode_text(&html, UTF8)).as_bytes())
}

/// Apple Mail on an iPhone (Russian UI): multipart/mixed of the answer (text/plain, UTF-8,
/// quoted-printable), the photo (`image/jpeg`, inline, [`PHOTO_NAME`], base64) and a second
/// text part with `Отправлено с iPhone` and the `> `-quoted appeal; headers Q-encoded.
pub fn iphone_with_photo(t: &Thread, a: &Answer, jpeg: &[u8]) -> Vec<u8> {
    const BOUNDARY: &str = "Apple-Mail-5E3C9A27-1B4D-4F6E-9A8C-7D2E1F0B3C45";
    let (h1, h2) = ids(&["iphone", t.message_id, a.from, a.text]);
    let text = part_head("text/plain;\r\n\tcharset=utf-8", "quoted-printable");
    let tail = format!(
        "\n\nОтправлено с iPhone\n\n> 1 дек. 2026 г., в 10:00, {} написал(а):\n> \n{}\n",
        t.appeal_from(),
        quote(t.original_text, "> ")
    );
    let photo = format!(
        "Content-Type: image/jpeg;\r\n\tname=\"{PHOTO_NAME}\";\r\n\tx-apple-part-url={}\r\n\
         Content-Disposition: inline;\r\n\tfilename=\"{PHOTO_NAME}\"\r\nContent-Transfer-Encoding: base64",
        uuid(h2, h1)
    );
    let body = multipart(
        BOUNDARY,
        "",
        &[
            (
                text.clone(),
                qp(&format!("{}\n\n", a.text.trim_end()), UTF8_LOWER),
            ),
            (photo, base64_lines(jpeg)),
            (text, qp(&tail, UTF8_LOWER)),
        ],
    );
    Head::default()
        .raw(
            "Content-Type",
            &format!("multipart/mixed;\r\n\tboundary={BOUNDARY}"),
        )
        .raw("Content-Transfer-Encoding", "7bit")
        .mailbox("From", a.from, UTF8_LOWER, true)
        .raw("Mime-Version", "1.0 (1.0)")
        .raw("Date", "Tue, 1 Dec 2026 12:48:03 +0300")
        .text("Subject", &format!("Re: {}", t.subject), UTF8_LOWER, true)
        .raw(
            "Message-Id",
            &format!("<{}@{}>", uuid(h1, h2), domain(a.from)),
        )
        .raw("References", t.message_id)
        .raw("In-Reply-To", t.message_id)
        .raw("To", t.reply_to)
        .raw("X-Mailer", "iPhone Mail (22B91)")
        .body(&body)
}

/// The agency forwards the appeal to the reply address from Gmail, `a.text` as its comment:
/// subject `Fwd: …`, no `In-Reply-To`/`References`, the appeal under
/// `---------- Forwarded message ---------` and its From/Date/Subject/To lines.
pub fn forwarded(t: &Thread, a: &Answer) -> Vec<u8> {
    let appeal = t.appeal_from();
    let to = format!("<{}>", address(a.from));
    let plain = format!(
        "{}\n\n---------- Forwarded message ---------\nFrom: {appeal}\nDate: Tue, 1 Dec 2026 at 10:00\n\
         Subject: {}\nTo: {to}\n\n\n{}\n",
        a.text.trim_end(),
        t.subject,
        t.original_text.trim_end()
    );
    let html = format!(
        "<div dir=\"ltr\">{}<br><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">\
         ---------- Forwarded message ---------<br>From: <strong class=\"gmail_sendername\" dir=\"auto\">\
         {APPEAL_SENDER}</strong> <span dir=\"auto\">{}</span><br>Date: Tue, 1 Dec 2026 at 10:00<br>\
         Subject: {}<br>To: {}<br></div><br><br>{}</div></div>\n",
        gmail_divs(a.text),
        html_mailbox(address(&appeal)),
        esc(t.subject),
        html_mailbox(&to),
        esc(t.original_text.trim_end()).replace('\n', "<br>\n")
    );
    gmail(t, a, true, &plain, &html)
}

/// An Exchange out-of-office reply from `from`: `Auto-Submitted: auto-replied`,
/// `X-Auto-Response-Suppress: All`, subject `Автоматический ответ: …`, [`AUTO_REPLY_TEXT`]
/// (UTF-8, base64), `In-Reply-To` and `References` set.
pub fn auto_reply(t: &Thread, from: &str) -> Vec<u8> {
    let (h1, h2) = ids(&["auto_reply", t.message_id, from]);
    Head::default()
        .mailbox("From", from, UTF8_LOWER, false)
        .raw("To", &format!("<{}>", t.reply_to))
        .text(
            "Subject",
            &format!("Автоматический ответ: {}", t.subject),
            UTF8_LOWER,
            false,
        )
        .text("Thread-Topic", t.subject, UTF8_LOWER, false)
        .raw(
            "Thread-Index",
            &BASE64.encode([h1.to_be_bytes(), h2.to_be_bytes()].concat()),
        )
        .raw("Date", "Tue, 1 Dec 2026 10:00:07 +0300")
        .raw(
            "Message-ID",
            &format!("<{h1:016x}{h2:016x}@mail.{}>", domain(from)),
        )
        .raw("References", t.message_id)
        .raw("In-Reply-To", t.message_id)
        .raw("Auto-Submitted", "auto-replied")
        .raw("X-Auto-Response-Suppress", "All")
        .raw("X-MS-Exchange-Inbox-Rules-Loop", address(from))
        .raw("X-MS-Has-Attach", "")
        .raw("X-MS-TNEF-Correlator", "")
        .raw("Content-Language", "ru-RU")
        .raw("Content-Type", "text/plain; charset=\"utf-8\"")
        .raw("Content-Transfer-Encoding", "base64")
        .raw("MIME-Version", "1.0")
        .body(base64_lines(&encode_text(AUTO_REPLY_TEXT, UTF8)).as_bytes())
}

/// A Postfix bounce from `MAILER-DAEMON@<mailer_daemon_domain>` of the appeal sent to
/// `obrashcheniya@<mailer_daemon_domain>`; see [`bounce_for`].
pub fn bounce(t: &Thread, mailer_daemon_domain: &str) -> Vec<u8> {
    bounce_for(
        t,
        mailer_daemon_domain,
        &format!("obrashcheniya@{mailer_daemon_domain}"),
    )
}

/// A Postfix bounce of the appeal sent to `recipient`: `Return-Path: <>`, to the reply address,
/// multipart/report; report-type=delivery-status of the explanation, the message/delivery-status
/// (`Final-Recipient`, `Action: failed`, `Status: 5.1.1`) and the appeal's headers
/// (text/rfc822-headers, its `Message-ID` among them).
pub fn bounce_for(t: &Thread, mailer_daemon_domain: &str, recipient: &str) -> Vec<u8> {
    const QUEUE_ID: &str = "3F2A41C0B5";
    const ARRIVAL: &str = "Tue,  1 Dec 2026 10:00:04 +0300 (MSK)";
    let d = mailer_daemon_domain;
    let remote = format!("mx.{}", domain(recipient));
    let boundary = format!("{QUEUE_ID}.1796108405/{d}");
    let notice = format!(
        "This is the mail system at host {d}.\n\nI'm sorry to have to inform you that your message could not\n\
         be delivered to one or more recipients. It's attached below.\n\n\
         For further assistance, please send mail to postmaster.\n\n\
         If you do so, please include this problem report. You can\n\
         delete your own text from the attached returned message.\n\n\x20                  The mail system\n\n\
         <{recipient}>: host {remote}[192.0.2.25] said:\n    550 5.1.1 <{recipient}>: Recipient address \
         rejected:\n    User unknown in virtual mailbox table (in reply to RCPT TO command)\n"
    );
    let status = format!(
        "Reporting-MTA: dns; {d}\nX-Postfix-Queue-ID: {QUEUE_ID}\nX-Postfix-Sender: rfc822; {}\n\
         Arrival-Date: {ARRIVAL}\n\nFinal-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\n\
         Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; {remote}\nDiagnostic-Code: smtp; 550 5.1.1 \
         <{recipient}>:\n    Recipient address rejected: User unknown in virtual mailbox table\n",
        t.reply_to
    );
    let received = format!(
        "from {0} ({0} [192.0.2.10])\r\n\tby {d} (Postfix) with ESMTPS id {QUEUE_ID}\r\n\tfor <{recipient}>; {ARRIVAL}",
        domain(t.reply_to)
    );
    let returned = Head::default()
        .raw("Return-Path", &format!("<{}>", t.reply_to))
        .raw("Received", &received)
        .raw("Date", APPEAL_DATE)
        .mailbox("From", &t.appeal_from(), UTF8, false)
        .raw("To", recipient)
        .raw("Reply-To", t.reply_to)
        .text("Subject", t.subject, UTF8, false)
        .raw("Message-ID", t.message_id)
        .raw("MIME-Version", "1.0")
        .raw("Content-Type", "text/plain; charset=utf-8")
        .raw("Content-Transfer-Encoding", "8bit")
        .text;
    let described =
        |what: &str, ty: &str| format!("Content-Description: {what}\r\nContent-Type: {ty}");
    let body = multipart(
        &boundary,
        "This is a MIME-encapsulated message.\r\n\r\n",
        &[
            (
                described("Notification", "text/plain; charset=us-ascii"),
                notice.replace('\n', "\r\n"),
            ),
            (
                described("Delivery report", "message/delivery-status"),
                status.replace('\n', "\r\n"),
            ),
            (
                described("Undelivered Message Headers", "text/rfc822-headers"),
                returned,
            ),
        ],
    );
    Head::default()
        .raw("Return-Path", "<>")
        .raw("Date", "Tue,  1 Dec 2026 10:00:05 +0300 (MSK)")
        .raw("From", &format!("MAILER-DAEMON@{d} (Mail Delivery System)"))
        .raw("Subject", "Undelivered Mail Returned to Sender")
        .raw("To", t.reply_to)
        .raw("Auto-Submitted", "auto-replied")
        .raw("MIME-Version", "1.0")
        .raw(
            "Content-Type",
            &format!("multipart/report; report-type=delivery-status;\r\n\tboundary=\"{boundary}\""),
        )
        .raw("Content-Transfer-Encoding", "8bit")
        .raw("Message-Id", &format!("<20261201070005.3F2A41C0B6@{d}>"))
        .body(&body)
}

/// A minimal message: UTF-8 text/plain, 8bit, headers B-encoded; `In-Reply-To` (only) when given.
pub fn plain(
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
    in_reply_to: Option<&str>,
) -> Vec<u8> {
    let (h1, _) = ids(&[
        "plain",
        from,
        to,
        subject,
        text,
        in_reply_to.unwrap_or_default(),
    ]);
    let mut head = Head::default()
        .mailbox("From", from, UTF8, false)
        .raw("To", to)
        .text("Subject", subject, UTF8, false)
        .raw("Date", "Wed, 2 Dec 2026 09:15:00 +0300")
        .raw("Message-ID", &format!("<{h1:016x}@{}>", domain(from)));
    if let Some(id) = in_reply_to {
        head = head.raw("In-Reply-To", id);
    }
    head.raw("MIME-Version", "1.0")
        .raw("Content-Type", "text/plain; charset=utf-8")
        .raw("Content-Transfer-Encoding", "8bit")
        .body(&encode_text(text, UTF8))
}

/// The header `name: value` with the words of `value` from its first non-ASCII one on as RFC 2047
/// encoded-words in `charset` (a label `encoding_rs` knows; Q encoding if `q`, else B), folded at 78
/// columns; no CRLF at its end.
pub fn encode_header(name: &str, value: &str, charset: &'static str, q: bool) -> String {
    let mut head = Head::default().text(name, value, Charset(charset), q).text;
    head.truncate(head.len() - 2);
    head
}

/// Quoted-printable (RFC 2045) of `data`, whose lines end in LF or CRLF: CRLF line ends, soft
/// line breaks keeping lines within 76 characters, whitespace at a line's end encoded.
pub fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut col = 0;
        for (j, &b) in line.iter().enumerate() {
            let last = j + 1 == line.len();
            let token = match b {
                b'!'..=b'<' | b'>'..=b'~' => char::from(b).to_string(),
                b' ' | b'\t' if !last => char::from(b).to_string(),
                _ => format!("={b:02X}"),
            };
            // A soft break (`=`) must still fit after anything but the line's last character.
            if col + token.len() > if last { 76 } else { 75 } {
                out.push_str("=\r\n");
                col = 0;
            }
            out.push_str(&token);
            col += token.len();
        }
    }
    out
}

/// A MIME charset: the label a client writes, which `encoding_rs` also knows.
#[derive(Clone, Copy)]
struct Charset(&'static str);

const UTF8: Charset = Charset("UTF-8");
const UTF8_LOWER: Charset = Charset("utf-8");
const CP1251: Charset = Charset("windows-1251");
const KOI8R: Charset = Charset("KOI8-R");

impl Charset {
    fn encoding(self) -> &'static Encoding {
        Encoding::for_label(self.0.as_bytes()).expect("a charset encoding_rs knows")
    }
}

/// `text` in `cs` with CRLF line ends; characters `cs` lacks get the stand-ins users of
/// single-byte charsets typed (`N` for `№`, `"` for guillemets, `-` for dashes), else `?`.
fn encode_text(text: &str, cs: Charset) -> Vec<u8> {
    let encoding = cs.encoding();
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0; 4];
    for c in text.chars() {
        let (bytes, _, lost) = encoding.encode(c.encode_utf8(&mut buf));
        match c {
            '\r' => {}
            '\n' => out.extend_from_slice(b"\r\n"),
            _ if !lost => out.extend_from_slice(&bytes),
            '№' => out.push(b'N'),
            '«' | '»' | '„' | '“' | '”' => out.push(b'"'),
            '–' | '—' => out.push(b'-'),
            '…' => out.extend_from_slice(b"..."),
            _ => out.push(b'?'),
        }
    }
    out
}

fn qp(text: &str, cs: Charset) -> String {
    quoted_printable(&encode_text(text, cs))
}

/// Base64 in lines of 76 characters, CRLF between them.
fn base64_lines(data: &[u8]) -> String {
    let encoded = BASE64.encode(data);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).expect("base64 is ASCII"))
        .collect();
    lines.join("\r\n")
}

fn part_head(content_type: &str, transfer_encoding: &str) -> String {
    format!("Content-Type: {content_type}\r\nContent-Transfer-Encoding: {transfer_encoding}")
}

/// A multipart body: the preamble, then each part as (its header lines, its encoded content).
fn multipart(boundary: &str, preamble: &str, parts: &[(String, String)]) -> Vec<u8> {
    let mut body = preamble.to_owned();
    for (head, content) in parts {
        let _ = write!(body, "--{boundary}\r\n{head}\r\n\r\n{content}\r\n");
    }
    let _ = write!(body, "--{boundary}--\r\n");
    body.into_bytes()
}

/// A header section being written, and the column its last line has reached.
#[derive(Default)]
struct Head {
    text: String,
    col: usize,
}

impl Head {
    /// A header written as given: ASCII, folded by the caller where long.
    fn raw(mut self, name: &str, value: &str) -> Self {
        let _ = write!(self.text, "{name}: {value}\r\n");
        self
    }

    /// A header of free text, non-ASCII words encoded.
    fn text(mut self, name: &str, value: &str, cs: Charset, q: bool) -> Self {
        self.start(name);
        self.put_text(value, cs, q);
        self.text.push_str("\r\n");
        self
    }

    /// An address header: `Name <addr>` (the name encoded or quoted as needed) or a bare address.
    fn mailbox(mut self, name: &str, mailbox: &str, cs: Charset, q: bool) -> Self {
        self.start(name);
        match mailbox.rsplit_once('<') {
            Some((display, addr)) => {
                let display = display.trim().trim_matches('"');
                if display.is_ascii()
                    && display.contains(['(', ')', ',', '.', ':', ';', '@', '[', ']'])
                {
                    self.put(&format!("\"{display}\""));
                } else if !display.is_empty() {
                    self.put_text(display, cs, q);
                }
                self.put(&format!("<{addr}"));
            }
            None => self.put(mailbox.trim()),
        }
        self.text.push_str("\r\n");
        self
    }

    fn start(&mut self, name: &str) {
        self.text.push_str(name);
        self.text.push(':');
        self.col = name.len() + 1;
    }

    /// Appends ` atom`, first folding the line if it would pass 78 columns (but never right
    /// after the header's name).
    fn put(&mut self, atom: &str) {
        if !self.text.ends_with(':') && self.col + 1 + atom.len() > 78 {
            self.text.push_str("\r\n");
            self.col = 0;
        }
        self.text.push(' ');
        self.text.push_str(atom);
        self.col += 1 + atom.len();
    }

    /// Appends the words of `text`: ASCII ones as they are, from the first other one on RFC 2047
    /// encoded-words of at most 75 characters, each whole characters, the first sized to fit.
    fn put_text(&mut self, text: &str, cs: Charset, q: bool) {
        let words: Vec<&str> = text.split(' ').collect();
        let first = words
            .iter()
            .position(|w| !w.is_ascii())
            .unwrap_or(words.len());
        for word in &words[..first] {
            self.put(word);
        }
        if first == words.len() {
            return;
        }
        // Q keeps only the characters RFC 2047 allows in a phrase.
        let q_byte = |b: u8| match b {
            b' ' => "_".to_owned(),
            _ if b.is_ascii_alphanumeric() || b"!*+-/".contains(&b) => char::from(b).to_string(),
            _ => format!("={b:02X}"),
        };
        let encoded_word = |raw: &[u8]| {
            let (kind, data) = if q {
                ('Q', raw.iter().map(|&b| q_byte(b)).collect())
            } else {
                ('B', BASE64.encode(raw))
            };
            format!("=?{}?{kind}?{data}?=", cs.0)
        };
        let mut room = 77usize.saturating_sub(self.col).min(75);
        if room < cs.0.len() + 20 {
            room = 75; // Too little left on this line: `put` folds before the first word.
        }
        let mut raw = Vec::new();
        for c in words[first..].join(" ").chars() {
            let len = raw.len();
            raw.extend(encode_text(c.encode_utf8(&mut [0; 4]), cs));
            if len > 0 && encoded_word(&raw).len() > room {
                self.put(&encoded_word(&raw[..len]));
                raw.drain(..len);
                room = 75;
            }
        }
        self.put(&encoded_word(&raw));
    }

    /// The message: these headers, an empty line and `body`, ending in CRLF.
    fn body(self, body: &[u8]) -> Vec<u8> {
        let mut message = self.text.into_bytes();
        message.extend_from_slice(b"\r\n");
        message.extend_from_slice(body);
        if !message.ends_with(b"\r\n") {
            message.extend_from_slice(b"\r\n");
        }
        message
    }
}

/// A Gmail reply (or, if `forward`, a forward without threading headers) to the reply address:
/// headers in Gmail's order, multipart/alternative of `plain` (base64) and `html`
/// (quoted-printable), both UTF-8.
fn gmail(t: &Thread, a: &Answer, forward: bool, plain: &str, html: &str) -> Vec<u8> {
    const BOUNDARY: &str = "0000000000004f1c2b05e8a1d3c7";
    let (h1, h2) = ids(&["gmail", t.message_id, a.from, a.text, &forward.to_string()]);
    let id = BASE64.encode([h1.to_be_bytes(), h2.to_be_bytes()].concat());
    let (prefix, date) = if forward {
        ("Fwd", "Tue, 1 Dec 2026 14:20:03 +0300")
    } else {
        ("Re", "Tue, 1 Dec 2026 11:05:32 +0300")
    };
    let subject = format!("{prefix}: {}", t.subject);
    let mut head = Head::default().raw("MIME-Version", "1.0");
    if !forward {
        head = head
            .raw("References", t.message_id)
            .raw("In-Reply-To", t.message_id);
    }
    let part =
        |subtype: &str, cte: &str| part_head(&format!("text/{subtype}; charset=\"UTF-8\""), cte);
    let body = multipart(
        BOUNDARY,
        "",
        &[
            (
                part("plain", "base64"),
                base64_lines(&encode_text(plain, UTF8)),
            ),
            (part("html", "quoted-printable"), qp(html, UTF8)),
        ],
    );
    head.mailbox("From", a.from, UTF8, false)
        .raw("Date", date)
        .raw(
            "Message-ID",
            &format!("<CAG{}@mail.gmail.com>", id.trim_end_matches('=')),
        )
        .text("Subject", &subject, UTF8, false)
        .raw("To", t.reply_to)
        .raw(
            "Content-Type",
            &format!("multipart/alternative; boundary=\"{BOUNDARY}\""),
        )
        .body(&body)
}

/// Two 64-bit hashes (FNV-1a, then a mix of it) of a message's inputs, for its Message-ID.
fn ids(parts: &[&str]) -> (u64, u64) {
    let h = parts
        .iter()
        .flat_map(|p| p.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    (
        h,
        (h ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9),
    )
}

/// A UUID-shaped identifier (upper case) of two hashes.
fn uuid(h1: u64, h2: u64) -> String {
    let (a, b, c) = (h1 >> 32, (h1 >> 16) & 0xffff, h1 & 0xffff);
    format!(
        "{a:08X}-{b:04X}-{c:04X}-{:04X}-{:012X}",
        h2 >> 48,
        h2 & 0xffff_ffff_ffff
    )
}

/// The address of a mailbox `Name <addr>` (or of a bare address).
fn address(mailbox: &str) -> &str {
    mailbox
        .rsplit_once('<')
        .map_or(mailbox, |(_, rest)| rest.trim_end_matches('>'))
        .trim()
}

/// The domain of a mailbox's address.
fn domain(mailbox: &str) -> &str {
    let addr = address(mailbox);
    addr.rsplit_once('@').map_or(addr, |(_, d)| d)
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A mailbox in HTML as Gmail links it: `Name &lt;<a href="mailto:addr">addr</a>&gt;`.
fn html_mailbox(mailbox: &str) -> String {
    let (name, addr) = (
        mailbox.rsplit_once('<').map_or("", |(name, _)| name),
        address(mailbox),
    );
    format!("{}&lt;<a href=\"mailto:{addr}\">{addr}</a>&gt;", esc(name))
}

/// `text` quoted line by line with `> `; empty lines become `empty` (`>` or `> `, by client).
fn quote(text: &str, empty: &str) -> String {
    let quote = |l: &str| {
        if l.is_empty() {
            empty.to_owned()
        } else {
            format!("> {l}")
        }
    };
    text.trim_end()
        .lines()
        .map(quote)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Gmail's HTML of typed text: a `<div>` per line, `<div><br></div>` for an empty one.
fn gmail_divs(text: &str) -> String {
    let div = |l: &str| {
        if l.is_empty() {
            "<div><br></div>".to_owned()
        } else {
            format!("<div>{}</div>", esc(l))
        }
    };
    text.trim_end().lines().map(div).collect()
}

/// Yandex's HTML of typed text: a `<div>` per paragraph with `<br />` between its lines,
/// `<div> </div>` between paragraphs.
fn yandex_divs(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let div = |p: &str| {
        format!(
            "<div>{}</div>",
            p.lines().map(esc).collect::<Vec<_>>().join("<br />")
        )
    };
    text.trim()
        .split("\n\n")
        .map(div)
        .collect::<Vec<_>>()
        .join("<div> </div>")
}

/// `text` as format=flowed (RFC 3676) writes it after `prefix` (`""` or `"> "`): lines over 72
/// characters broken after a space (the trailing space marks the soft break), trailing spaces of
/// the typed lines dropped (but for the signature separator), unquoted lines starting with ` `,
/// `>` or `From ` space-stuffed.
fn flowed(text: &str, prefix: &str) -> String {
    const WIDTH: usize = 72;
    let mut out = String::new();
    for line in text.trim_end().lines() {
        let mut line = if line == "-- " {
            line
        } else {
            line.trim_end_matches(' ')
        }
        .to_owned();
        if prefix.is_empty() && (line.starts_with([' ', '>']) || line.starts_with("From ")) {
            line.insert(0, ' ');
        }
        if line.is_empty() {
            out.push_str(prefix.trim_end());
            out.push('\n');
            continue;
        }
        let mut piece = String::new();
        for word in line.split_inclusive(' ') {
            if !piece.is_empty()
                && prefix.len() + piece.chars().count() + word.chars().count() > WIDTH
            {
                let _ = writeln!(out, "{prefix}{piece}");
                piece.clear();
            }
            piece.push_str(word);
        }
        let _ = writeln!(out, "{prefix}{piece}");
    }
    out
}

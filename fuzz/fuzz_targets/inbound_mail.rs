//! Any bytes arriving as an e-mail (`host-service mail-in`, the IMAP poller): mail-parser reads
//! them as the host does, and the reply's own words are taken from the plain or the HTML body
//! (host-service/src/inbound/text.rs, the same file): an answer or nothing, never a panic, and
//! what is kept is tidy text with no keyword line left in it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../host-service/src/inbound/text.rs"]
mod text;

fn check(words: &str) {
    let (status, kept) = text::status_keyword(words);
    assert!(!kept.contains('\r'), "line ends are normalised");
    assert!(
        !kept.starts_with('\n') && !kept.ends_with('\n'),
        "no blank lines around: {kept:?}"
    );
    assert!(
        kept.lines().all(|l| l == l.trim_end()),
        "no trailing spaces: {kept:?}"
    );
    if status.is_some() {
        assert_eq!(text::status_keyword(&kept).0, None, "every keyword line is removed");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(message) = mail_parser::MessageParser::default().parse(data) {
        if let Some(plain) = message.body_text(0) {
            check(&text::reply_text(&plain));
        }
        if let Some(html) = message.body_html(0) {
            check(&text::reply_text(&text::html_to_text(&html)));
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        check(&text::reply_text(s));
        check(&text::reply_text(&text::html_to_text(s)));
    }
});

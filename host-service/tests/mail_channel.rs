//! The e-mail channel (issue 9). Out: an agency that works by e-mail gets each problem routed
//! to it as a formal appeal, received here by a real SMTP server process — both parts, the
//! photos attached, a reply address unique to the problem, and no contact of a reporter who
//! did not agree. In: replies written as real mail clients write them are fed to the real
//! `host-service mail-in` command on standard input, and each lands where it should — the
//! public answer, a new status, photos, the quarantine, or the automatic messages.

use crate::common;
use crate::common::mails;

use std::io::Write as _;
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use common::smtp::{Received, SmtpSink};
use common::{DEMO_ORIGIN, FORM, PUBLIC, TestApp, app_mailing_to, form, photo_with_exif};
use host_service::demo;
use serde_json::json;

/// The demo's category named `ru`.
async fn category(app: &TestApp, ru: &'static str) -> i64 {
    app.state
        .db
        .read(move |c| {
            c.query_row("SELECT id FROM categories WHERE name_ru = ?1", [ru], |r| {
                r.get(0)
            })
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

/// Files a report of a street light (the demo's «Горсвет» works by e-mail) with canary
/// contacts, adds `photos` photos, and publishes it; its id.
async fn published_light(app: &TestApp, share: bool, photos: usize) -> i64 {
    let mut body = app.valid_report();
    body["category_id"] = json!(category(app, "Освещение").await);
    body["description"] = json!("Не горит фонарь у подъезда, темно с вечера");
    body["reporter"]["share_with_agency"] = json!(share);
    let r = app.report(demo::SITE_KEY, Some(DEMO_ORIGIN), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (id, code) = (
        r.json()["id"].as_i64().unwrap(),
        r.json()["tracking_code"].as_str().unwrap().to_owned(),
    );
    for _ in 0..photos {
        let up = app
            .post_raw(
                &format!("/api/v1/sites/{}/problems/{id}/photos", demo::SITE_KEY),
                &[
                    ("content-type", "image/jpeg"),
                    ("x-tracking-code", &code),
                    ("origin", DEMO_ORIGIN),
                ],
                photo_with_exif("GPS-CANARY"),
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
    }
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let done = app
        .post_raw(
            &format!("/cabinet/problems/{id}/status"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("status", "published")]),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    id
}

/// The first message received that `wanted` accepts, once it arrived (`wait_for` gives up
/// after 30 s).
async fn received(sink: &SmtpSink, wanted: impl Fn(&Received) -> bool) -> Received {
    let mut n = 1;
    loop {
        let got = sink.wait_for(n).await;
        if let Some(m) = got.iter().find(|m| wanted(m)) {
            return m.clone();
        }
        n = got.len() + 1;
    }
}

/// The appeal about problem `id`, once it arrived.
async fn appeal_for(sink: &SmtpSink, id: i64) -> Received {
    received(sink, |m| {
        m.envelope_to == ["svet@demograd.example"]
            && m.subject.starts_with(&format!("Обращение № {id}:"))
    })
    .await
}

/// Runs `host-service mail-in` on the test app's database with `raw` on standard input;
/// what it printed, once it exited 0.
fn mail_in(app: &TestApp, raw: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_host-service"))
        .args(["--public-url", PUBLIC, "--db"])
        .arg(&app.state.config.db_path)
        .arg("mail-in")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mail-in failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The public answers on problem `id`, oldest first.
async fn answers(app: &TestApp, id: i64) -> Vec<String> {
    app.state
        .db
        .read(move |c| {
            c.prepare(
                "SELECT public_answer FROM problem_events
                 WHERE problem_id = ?1 AND public_answer IS NOT NULL ORDER BY id",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()
            .map_err(host_service::api::ApiError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_appeal_has_both_parts_the_photos_a_reply_address_and_no_contacts_without_consent() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    let id = published_light(&app, false, 2).await;
    let appeal = appeal_for(&sink, id).await;

    assert_eq!(
        appeal.subject,
        format!("Обращение № {id}: Освещение — ул. Ленина, 12")
    );
    let token = appeal
        .reply_to
        .strip_prefix("reply+")
        .and_then(|r| r.strip_suffix("@127.0.0.1"))
        .unwrap_or_else(|| panic!("a reply address: {:?}", appeal.reply_to));
    assert!(
        token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    assert!(
        appeal.message_id.starts_with("<civic-appeal-"),
        "{}",
        appeal.message_id
    );
    for part in [&appeal.body, &appeal.html] {
        for expected in [
            "Не горит фонарь у подъезда",
            "ул. Ленина, 12",
            "openstreetmap.org/?mlat=54.510000",
            "Срок решения:",
            &format!("{PUBLIC}/problems/{id}"),
            "Статус: решено",
            "не давал согласия на передачу своих контактов",
        ] {
            assert!(part.contains(expected), "{expected:?} not in {part}");
        }
        // «Горсвет» works by e-mail only: no cabinet link.
        assert!(!part.contains("/cabinet/"), "{part}");
    }
    assert_eq!(appeal.attachments.len(), 2, "{:?}", appeal.attachments);
    for (name, content_type, size) in &appeal.attachments {
        assert_eq!(content_type, "image/jpeg", "{name}");
        assert!(*size > 100, "{name}: {size} bytes");
    }
    let raw = std::fs::read(&appeal.raw_path).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    for private in ["Канарейкин", "canary-mail", "555-01-02", "GPS-CANARY"] {
        assert!(!raw.contains(private), "{private} in the appeal");
        assert!(!appeal.body.contains(private) && !appeal.html.contains(private));
    }
    // The reply token is stored hashed only.
    assert_eq!(
        app.count("SELECT count(*) FROM appeals WHERE instr(lower(hex(token_hash)), 'reply') > 0")
            .await,
        0
    );

    // A reporter who agreed: the agency gets their name and contacts.
    let shared = published_light(&app, true, 0).await;
    let appeal = appeal_for(&sink, shared).await;
    for contact in [
        "Канарейкин Пётр",
        "canary-mail@example.ru",
        "+7 (900) 555-01-02",
    ] {
        assert!(
            appeal.body.contains(contact),
            "{contact} not in {}",
            appeal.body
        );
        assert!(appeal.html.contains(contact), "{contact} not in the HTML");
    }
    assert!(appeal.attachments.is_empty());

    // The card the letter links to is public, without the reporter; an unpublished one is not.
    let card = app.get(&format!("/problems/{id}"), &[]).await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(card.body.contains("Не горит фонарь у подъезда"));
    assert!(!card.body.contains("Канарейкин") && !card.body.contains("canary-mail"));
    let fresh = app
        .report(demo::SITE_KEY, Some(DEMO_ORIGIN), &app.valid_report())
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let hidden = app.get(&format!("/problems/{fresh}"), &[]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

/// What a reply needs of the appeal it answers.
struct Appealed {
    id: i64,
    reply_to: String,
    message_id: String,
    subject: String,
    text: String,
}

impl Appealed {
    fn thread(&self) -> mails::Thread<'_> {
        mails::Thread {
            reply_to: &self.reply_to,
            message_id: &self.message_id,
            subject: &self.subject,
            original_text: &self.text,
        }
    }
}

/// A published street-light problem and its appeal.
async fn appealed(app: &TestApp, sink: &SmtpSink) -> Appealed {
    let id = published_light(app, false, 0).await;
    let m = appeal_for(sink, id).await;
    Appealed {
        id,
        reply_to: m.reply_to,
        message_id: m.message_id,
        subject: m.subject,
        text: m.body,
    }
}

/// «Горсвет», as its mail client names it.
const AGENCY: &str = "Горсвет Демограда <svet@demograd.example>";

#[tokio::test]
async fn replies_as_mail_clients_write_them_become_the_public_answer() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;

    // Outlook in Russian, windows-1251, the keyword line sets "in progress".
    let a = appealed(&app, &sink).await;
    let raw = mails::outlook_ru_cp1251(
        &a.thread(),
        &mails::Answer {
            from: AGENCY,
            text: "Добрый день!\n\nЗаявка принята, бригада выедет завтра.\n\nСтатус: в работе",
        },
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(
        answers(&app, a.id).await,
        ["Добрый день!\n\nЗаявка принята, бригада выедет завтра."]
    );
    assert_eq!(app.status_of(a.id).await, "in_progress");
    // The same message delivered again is taken once.
    assert_eq!(mail_in(&app, &raw), format!("duplicate, problem {}", a.id));
    assert_eq!(answers(&app, a.id).await.len(), 1);
    // The public card shows it; the quoted appeal is not part of it.
    let card = app.get(&format!("/problems/{}", a.id), &[]).await;
    assert!(card.body.contains("бригада выедет завтра"), "{}", card.body);
    assert!(
        !card.body.contains("Чтобы ответить"),
        "the quote was published"
    );
    // The reporter hears of it, with the answer.
    let told = received(&sink, |m| {
        m.envelope_to == ["canary-mail@example.ru"] && m.body.contains("бригада выедет")
    })
    .await;
    assert!(told.subject.contains("В работе"), "{}", told.subject);

    // Gmail in English, resolved.
    let a = appealed(&app, &sink).await;
    let raw = mails::gmail_en(
        &a.thread(),
        &mails::Answer {
            from: "Gorsvet <svet@demograd.example>",
            text: "The lamp was replaced today.\n\nStatus: resolved",
        },
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(answers(&app, a.id).await, ["The lamp was replaced today."]);
    assert_eq!(app.status_of(a.id).await, "resolved");

    // Thunderbird in KOI8-R, no keyword: the status stays.
    let a = appealed(&app, &sink).await;
    let raw = mails::thunderbird_koi8r(
        &a.thread(),
        &mails::Answer {
            from: AGENCY,
            text: "Проверили: фонарь исправен, отключался из-за обрыва кабеля. Кабель заменён.",
        },
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(
        answers(&app, a.id).await,
        ["Проверили: фонарь исправен, отключался из-за обрыва кабеля. Кабель заменён."]
    );
    assert_eq!(app.status_of(a.id).await, "published");

    // HTML only (a web client): the blockquote with the appeal is dropped.
    let a = appealed(&app, &sink).await;
    let raw = mails::html_only_yandex(
        &a.thread(),
        &mails::Answer {
            from: AGENCY,
            text: "Работы выполнены 2 декабря.\nСтатус: решено",
        },
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(answers(&app, a.id).await, ["Работы выполнены 2 декабря."]);
    assert_eq!(app.status_of(a.id).await, "resolved");

    // From an iPhone with a photo: the photo becomes the answer's, re-encoded and public.
    let a = appealed(&app, &sink).await;
    let raw = mails::iphone_with_photo(
        &a.thread(),
        &mails::Answer {
            from: AGENCY,
            text: "Фонарь заменён, фото прилагаем.\nСтатус: решено",
        },
        &photo_with_exif("ANSWER-GPS-CANARY"),
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(
        answers(&app, a.id).await,
        ["Фонарь заменён, фото прилагаем."]
    );
    let photo: i64 = {
        let id = a.id;
        app.state
            .db
            .read(move |c| {
                c.query_row(
                    "SELECT id FROM photos WHERE problem_id = ?1 AND inbound_id IS NOT NULL",
                    [id],
                    |r| r.get(0),
                )
                .map_err(host_service::api::ApiError::from)
            })
            .await
            .unwrap()
    };
    let served = app.get(&format!("/photos/{photo}/display.jpg"), &[]).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    assert!(!served.body.contains("ANSWER-GPS-CANARY"), "EXIF survived");

    // A forward of the appeal with a comment on top (no In-Reply-To): the comment only.
    let a = appealed(&app, &sink).await;
    let raw = mails::forwarded(
        &a.thread(),
        &mails::Answer {
            from: AGENCY,
            text: "Передано подрядчику, срок — до пятницы.",
        },
    );
    assert_eq!(mail_in(&app, &raw), format!("answered, problem {}", a.id));
    assert_eq!(
        answers(&app, a.id).await,
        ["Передано подрядчику, срок — до пятницы."]
    );
}

#[tokio::test]
async fn automatic_unmatched_and_strangers_mail_never_becomes_an_answer() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    let a = appealed(&app, &sink).await;

    // An out-of-office reply and a bounce are recorded as automatic.
    let auto = mails::auto_reply(&a.thread(), AGENCY);
    assert_eq!(
        mail_in(&app, &auto),
        format!("automatic (auto_reply), problem {}", a.id)
    );
    let bounce = mails::bounce(&a.thread(), "demograd.example");
    assert_eq!(
        mail_in(&app, &bounce),
        format!("automatic (bounce), problem {}", a.id)
    );

    // Someone else writing to the reply address: quarantined, not published.
    let stranger = mails::plain(
        "Сосед <sosed@mail.example>",
        &a.reply_to,
        &format!("Re: {}", a.subject),
        "Фонарь так и не горит, сделайте что-нибудь!",
        Some(&a.message_id),
    );
    assert_eq!(
        mail_in(&app, &stranger),
        format!("quarantined (stranger), problem {}", a.id)
    );
    // The agency's answer to some other message: quarantined.
    let other_thread = mails::plain(
        AGENCY,
        &a.reply_to,
        &format!("Re: {}", a.subject),
        "Ответ не на то письмо.",
        Some("<something-else@demograd.example>"),
    );
    assert_eq!(
        mail_in(&app, &other_thread),
        format!("quarantined (thread_mismatch), problem {}", a.id)
    );
    // A refusal must say why.
    let bare_refusal = mails::plain(
        AGENCY,
        &a.reply_to,
        "Re: отказ",
        "Статус: отказано",
        Some(&a.message_id),
    );
    assert_eq!(
        mail_in(&app, &bare_refusal),
        format!("quarantined (refusal_without_reason), problem {}", a.id)
    );
    // Mail from the agency to no reply address, and to a reply address nobody has.
    let no_token = mails::plain(
        AGENCY,
        "info@127.0.0.1",
        "Вопрос",
        "Как с вами связаться?",
        None,
    );
    assert_eq!(mail_in(&app, &no_token), "quarantined (no_token)");
    let forged = mails::plain(
        AGENCY,
        "reply+0123456789abcdef0123456789abcdef@127.0.0.1",
        "Re: угадано",
        "Решено.",
        None,
    );
    assert_eq!(mail_in(&app, &forged), "quarantined (unknown_token)");
    // Not a message at all.
    assert_eq!(
        mail_in(&app, b"\x00\x01 not a message"),
        "quarantined (unreadable)"
    );
    // Delivered again (an MTA's retry, an IMAP round after a failed expunge), a message is taken
    // once even with no Message-ID to know it by: by its bytes.
    assert_eq!(
        mail_in(&app, b"\x00\x01 not a message"),
        "duplicate (unreadable)"
    );
    let text = String::from_utf8(no_token.clone()).unwrap();
    let anonymous: String = text
        .split_inclusive("\r\n")
        .filter(|line| !line.starts_with("Message-ID:"))
        .collect();
    assert_ne!(anonymous, text);
    assert_eq!(
        mail_in(&app, anonymous.as_bytes()),
        "quarantined (no_token)"
    );
    assert_eq!(mail_in(&app, anonymous.as_bytes()), "duplicate (no_token)");
    assert!(
        answers(&app, a.id).await.is_empty(),
        "nothing was published"
    );
    assert_eq!(app.status_of(a.id).await, "published");

    // The cabinet's «Почта» lists what waits, with its reason; a moderator discards the
    // neighbour's words and publishes the mis-threaded answer.
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app.get("/cabinet/mail", &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "Отправитель — не адрес службы",
        "Письмо отвечает на другое сообщение",
        "Отказ без объяснения причины",
        "Письмо пришло не на адрес ответа по обращению",
        "Фонарь так и не горит",
        "Автоответ",
        "Письмо не доставлено",
    ] {
        assert!(page.body.contains(shown), "{shown:?} not on the page");
    }
    let inbound = |reason: &'static str| {
        let app = &app;
        async move {
            app.state
                .db
                .read(move |c| {
                    c.query_row(
                        "SELECT id FROM inbound_mail WHERE reason = ?1",
                        [reason],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(host_service::api::ApiError::from)
                })
                .await
                .unwrap()
        }
    };
    let post = |uri: String, fields: Vec<(&'static str, String)>| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_raw(
                &uri,
                &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
                form(&fields),
            )
            .await
        }
    };
    let stranger_id = inbound("stranger").await;
    let r = post(
        format!("/cabinet/mail/{stranger_id}/discard"),
        vec![("csrf", csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mismatch = inbound("thread_mismatch").await;
    let r = post(
        format!("/cabinet/mail/{mismatch}/publish"),
        vec![("csrf", csrf.clone()), ("problem", a.id.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(answers(&app, a.id).await, ["Ответ не на то письмо."]);
    let page = app.get("/cabinet/mail", &[("cookie", &cookie)]).await;
    assert!(!page.body.contains("Фонарь так и не горит"), "discarded");
    assert!(!page.body.contains("Ответ не на то письмо"), "published");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('mail_published', 'mail_discarded')"
        )
        .await,
        2
    );
    assert_eq!(
        app.count("SELECT count(*) FROM inbound_mail WHERE state NOT IN ('awaiting', 'quarantined') AND raw IS NOT NULL")
            .await,
        0,
        "the raw bytes are dropped once handled"
    );

    // Another municipality's officials see none of it.
    let other = app
        .get(
            "/cabinet/mail",
            &[(
                "cookie",
                &app.login(common::OTHER_LOGIN, common::OTHER_PASSWORD)
                    .await
                    .0,
            )],
        )
        .await;
    assert!(!other.body.contains("Горсвет") && !other.body.contains("svet@demograd.example"));
}

#[tokio::test]
async fn moderated_answers_wait_and_rerouting_retires_the_old_reply_address() {
    let sink = SmtpSink::start();
    let (app, _worker) = app_mailing_to(&sink).await;
    host_service::admin::set_email_answers(&app.state.db, demo::SITE_KEY, true)
        .await
        .unwrap();
    let a = appealed(&app, &sink).await;
    let reply = |text: &str| {
        mails::plain(
            AGENCY,
            &a.reply_to,
            &format!("Re: {}", a.subject),
            text,
            Some(&a.message_id),
        )
    };
    assert_eq!(
        mail_in(&app, &reply("Сделаем на этой неделе.")),
        format!("awaiting, problem {}", a.id)
    );
    assert!(
        answers(&app, a.id).await.is_empty(),
        "not before a moderator"
    );
    let card = app.get(&format!("/problems/{}", a.id), &[]).await;
    assert!(!card.body.contains("Сделаем на этой неделе"));
    let (cookie, csrf) = app.login(demo::LOGIN, &app.demo_password).await;
    let page = app.get("/cabinet/mail", &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains("Ждёт проверки модератором"),
        "{}",
        page.body
    );
    let waiting = app
        .count("SELECT id FROM inbound_mail WHERE state = 'awaiting'")
        .await;
    let r = app
        .post_raw(
            &format!("/cabinet/mail/{waiting}/publish"),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("problem", &a.id.to_string())]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let card = app.get(&format!("/problems/{}", a.id), &[]).await;
    assert!(card.body.contains("Сделаем на этой неделе"));

    // Routed to another agency: the old reply address no longer answers for the problem.
    let roads: i64 = app
        .count("SELECT id FROM agencies WHERE name = 'Дорожная служба'")
        .await;
    let r = app
        .post_raw(
            &format!("/cabinet/problems/{}/agency", a.id),
            &[FORM, ("cookie", &cookie), ("origin", PUBLIC)],
            form(&[("csrf", &csrf), ("agency", &roads.to_string())]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        mail_in(&app, &reply("Ещё одно слово.")),
        format!("quarantined (routed_elsewhere), problem {}", a.id)
    );
}

//! The map bundle's pure parts in a real (headless) Chromium: its words in both languages, Russian
//! plurals, dates, the map query, and the hand-written JSON readers against the wire types.
//! Run with `cargo test --target wasm32-unknown-unknown -p widget --features extended`; the
//! map on a page is tested end to end in `tests/tests/extended_map.rs`.
#![cfg(all(target_arch = "wasm32", feature = "extended"))]

use civic_wire::{
    Bounds, CardEvent, Category, Lang, LatLon, MapCluster, MapProblem, MapView, OfficialAnswer,
    ProblemCard, Status, SupportResult,
};
use wasm_bindgen_test::*;
use widget::api::json;
use widget::map::i18n::{MapMsg, counted, day, m, plural_form};
use widget::map::leaflet::escape_html;
use widget::map::view::{Filters, map_query};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_map_word_exists_in_both_languages_and_english_has_no_russian() {
    for msg in MapMsg::ALL {
        let (ru, en) = (m(Lang::Ru, *msg), m(Lang::En, *msg));
        assert!(!ru.is_empty() && !en.is_empty(), "{msg:?}");
        assert!(
            !en.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
            "{msg:?} in English: {en}"
        );
    }
}

#[wasm_bindgen_test]
fn counts_take_the_russian_plural_form() {
    let forms = [MapMsg::InViewOne, MapMsg::InViewFew, MapMsg::InViewMany];
    for (n, form) in [
        (1, 0),
        (21, 0),
        (101, 0),
        (2, 1),
        (4, 1),
        (23, 1),
        (0, 2),
        (5, 2),
        (11, 2),
        (12, 2),
        (14, 2),
        (111, 2),
        (364, 1),
    ] {
        assert_eq!(plural_form(n), form, "{n}");
    }
    assert_eq!(counted(Lang::Ru, forms, 21), "На карте 21 проблема");
    assert_eq!(counted(Lang::Ru, forms, 364), "На карте 364 проблемы");
    assert_eq!(counted(Lang::Ru, forms, 11), "На карте 11 проблем");
    assert_eq!(counted(Lang::En, forms, 1), "1 problem on the map");
    assert_eq!(counted(Lang::En, forms, 21), "21 problems on the map");
}

#[wasm_bindgen_test]
fn dates_read_as_people_write_them() {
    assert_eq!(day(Lang::Ru, "2026-11-05T10:00:00Z"), "05.11.2026");
    assert_eq!(day(Lang::En, "2026-11-05T10:00:00Z"), "5 Nov 2026");
    assert_eq!(day(Lang::En, "2026-12-31"), "31 Dec 2026");
    assert_eq!(
        day(Lang::Ru, "garbage"),
        "garbage",
        "what cannot be read is shown as it came"
    );
}

#[wasm_bindgen_test]
fn the_map_query_carries_the_viewport_and_the_filters() {
    let bbox = Bounds {
        west: 36.15,
        south: 54.45,
        east: 36.38,
        north: 54.58,
    };
    assert_eq!(
        map_query(bbox, 12, &Filters::default(), 0.0),
        "bbox=36.150000,54.450000,36.380000,54.580000&zoom=12"
    );
    let filters = Filters {
        category: "3".into(),
        status: "open".into(),
        period: "30".into(),
    };
    // 2026-12-01T00:00:00Z, 30 days back.
    let today = 1_796_083_200_000.0;
    assert_eq!(
        map_query(bbox, 15, &filters, today),
        "bbox=36.150000,54.450000,36.380000,54.580000&zoom=15&category=3&status=published,in_progress&since=2026-11-01"
    );
    let junk = Filters {
        category: "1;DROP".into(),
        status: "everything".into(),
        period: "forever".into(),
    };
    assert_eq!(
        map_query(bbox, 9, &junk, today),
        "bbox=36.150000,54.450000,36.380000,54.580000&zoom=9",
        "choices the selects do not offer are left out"
    );
}

#[wasm_bindgen_test]
fn attribution_text_cannot_become_html() {
    assert_eq!(
        escape_html(r#"<img src=x onerror="alert(1)"> & 'OSM'"#),
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;OSM&#39;"
    );
}

#[wasm_bindgen_test]
fn the_hand_written_json_agrees_with_the_map_wire_types() {
    let view = MapView {
        clusters: vec![MapCluster {
            lat: 54.5,
            lon: 36.2,
            count: 42,
            expansion_zoom: 14,
        }],
        problems: vec![MapProblem {
            id: 7,
            lat: 54.51,
            lon: 36.27,
            status: Status::InProgress,
            category_id: 3,
        }],
        total: 43,
        truncated: false,
    };
    assert_eq!(
        json::map_view(&json::parse(&serde_json::to_string(&view).unwrap())),
        Some(view)
    );
    let card = ProblemCard {
        id: 7,
        category: Category {
            id: 3,
            name: "Освещение".into(),
            hint: None,
        },
        description: "Не горит фонарь".into(),
        address: Some("ул. Садовая, 12".into()),
        location: Some(LatLon {
            lat: 54.51,
            lon: 36.27,
        }),
        status: Status::InProgress,
        status_label: "В работе".into(),
        created_at: "2026-11-01T10:00:00Z".into(),
        published_at: "2026-11-01T12:00:00Z".into(),
        updated_at: "2026-11-02T09:00:00Z".into(),
        deadline: Some("2026-12-01".into()),
        support_count: 5,
        history: vec![CardEvent {
            at: "2026-11-02T09:00:00Z".into(),
            status: Status::InProgress,
            status_label: "В работе".into(),
            by: Some("Администрация".into()),
            answer: Some("Заменим до пятницы".into()),
        }],
        answers: vec![OfficialAnswer {
            at: "2026-11-02T09:00:00Z".into(),
            by: "Администрация".into(),
            text: "Заменим до пятницы".into(),
        }],
        photos: vec![civic_wire::CardPhoto {
            url: "https://widget.example.ru/photos/3/display.jpg".into(),
            thumb_url: "https://widget.example.ru/photos/3/thumb.jpg".into(),
        }],
    };
    assert_eq!(
        json::problem_card(&json::parse(&serde_json::to_string(&card).unwrap())),
        Some(card.clone())
    );
    let minimal = ProblemCard {
        address: None,
        location: None,
        deadline: None,
        history: vec![],
        answers: vec![],
        photos: vec![],
        ..card
    };
    assert_eq!(
        json::problem_card(&json::parse(&serde_json::to_string(&minimal).unwrap())),
        Some(minimal)
    );
    let mine = civic_wire::MyProblems {
        page: 1,
        per_page: 20,
        more: true,
        problems: vec![
            civic_wire::MyProblem {
                id: 12,
                category: "Освещение".into(),
                description: "Не горит фонарь".into(),
                status: Status::InProgress,
                status_label: "В работе".into(),
                created: "2026-11-01".into(),
                deadline: Some("2026-12-01".into()),
                answers: card.answers.clone(),
            },
            civic_wire::MyProblem {
                id: 11,
                category: "Дороги".into(),
                description: "Яма".into(),
                status: Status::New,
                status_label: "Новое".into(),
                created: "2026-10-30".into(),
                deadline: None,
                answers: vec![],
            },
        ],
    };
    assert_eq!(
        json::my_problems(&json::parse(&serde_json::to_string(&mine).unwrap())),
        Some(mine)
    );
    for vote in [
        SupportResult {
            support_count: 3,
            counted: true,
            confirmation_sent: false,
        },
        SupportResult {
            support_count: 3,
            counted: false,
            confirmation_sent: true,
        },
    ] {
        assert_eq!(
            json::support_result(&json::parse(&serde_json::to_string(&vote).unwrap())),
            Some(vote)
        );
    }
    assert_eq!(
        json::map_view(&json::parse("{\"total\": 1}")),
        None,
        "a broken answer is not read as an empty map"
    );
}

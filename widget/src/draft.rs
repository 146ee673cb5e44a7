//! The draft of a report kept in `localStorage`, one per site, so that a dropped connection or a
//! reload does not cost the visitor what they typed.
//!
//! Storage may be missing or refuse writes (private windows, blocked storage in iframes): then
//! the widget simply works without drafts. Contacts are never stored (see [`Draft`]).

use crate::api::json;
use crate::state::Draft;

fn key(site: &str) -> String {
    format!("civic-widget:draft:{site}")
}

fn storage() -> Option<web_sys::Storage> {
    // Rendered on the host (the first screen) there is no storage, and no draft.
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved draft for `site`, or an empty one.
pub fn load(site: &str) -> Draft {
    storage()
        .and_then(|s| s.get_item(&key(site)).ok().flatten())
        .map(|text| {
            let [category, description, address] = <[String; 3]>::try_from(json::strings(
                &text,
                &["category", "description", "address"],
            ))
            .unwrap_or_default();
            Draft {
                category,
                description,
                address,
            }
        })
        .unwrap_or_default()
}

/// Saves the draft; an empty draft removes the entry.
pub fn save(site: &str, draft: &Draft) {
    let Some(storage) = storage() else { return };
    if draft.is_empty() {
        let _ = storage.remove_item(&key(site));
    } else {
        let text = json::object_of_strings(&[
            ("category", &draft.category),
            ("description", &draft.description),
            ("address", &draft.address),
        ]);
        let _ = storage.set_item(&key(site), &text);
    }
}

pub fn clear(site: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(site));
    }
}

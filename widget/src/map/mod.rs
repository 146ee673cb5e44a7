//! Extended mode (the `extended` feature, built into the map bundle only): the city's public
//! problem map with filters, a list of what is in view, and a problem's card.
//!
//! The map is drawn by Leaflet behind [`leaflet::MapRenderer`]; everything else is Yew. Nothing
//! here shows a reporter: the host's public answers carry no reporter field.
//!
//! Stable hooks for end-to-end tests, inside the shadow root: `.civic-map-view`,
//! `.civic-map[data-ready]` (the map element once Leaflet drew it), `.civic-marker[data-id]`
//! via the markers' `title` «№ id …», `.civic-cluster`, `select[name=filter-category|
//! filter-status|filter-period]`, `.civic-map-list` (`button[data-id]` per problem),
//! `.civic-map-count`, `.civic-card[data-id]` with `.civic-card-answer` and `.civic-card-close`,
//! `button.civic-report-here`, `button.civic-back-to-map`; in the form, `.civic-pin-map` and
//! `.civic-nearby li[data-id]`; support: `button.civic-support`, `.civic-support-news`,
//! `.civic-support-count`.

pub mod card;
pub mod i18n;
pub mod leaflet;
pub mod view;

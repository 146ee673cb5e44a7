//! The end-to-end tests, one binary: every file beside this one is a module. One binary links
//! the service and the browser driver once instead of once per file (13 links of a ~230 MB
//! debug binary helped fill CI's disk).

mod accessibility;
mod anonymous_report;
mod cabinet_roles;
mod extended_map;
mod first_screen;
mod keyboard;
mod layout;
mod lifecycle;
mod photo_upload;
mod report_journey;
mod sso;
mod strict_csp;
mod widget_isolation;
mod xss;

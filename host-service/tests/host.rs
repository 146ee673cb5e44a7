//! The host service's integration tests, one binary: every file beside this one is a module.
//! One binary links the service once instead of once per file (30 links of a ~200 MB
//! debug binary filled CI's disk), and the tests still run in parallel as before.

mod child;
mod common;
mod sso_support;

mod agencies;
mod analyst;
mod api;
mod backup;
mod cabinet;
mod canary;
mod concurrency;
mod control;
mod crash;
mod deadlines;
mod districts;
mod export_stats;
mod first_screen;
mod hardening;
mod mail;
mod mail_channel;
mod mail_imap;
mod map;
mod merge;
mod metrics;
mod moderation;
mod open311;
mod openapi;
mod pages;
mod photos;
mod precompressed;
mod ratelimit;
mod server;
mod settings;
mod sso;
mod sso_interop;
mod support;
mod templates;

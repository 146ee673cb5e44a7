//! The end-to-end harness: the real host service (in-process, on 127.0.0.1, with a real SQLite
//! file), the real widget bundle from `dist/` that the host embeds, and a real headless Chromium.
//! The tests themselves are in `tests/tests/`.

pub mod browser;
pub mod corpus;
pub mod host;
pub mod smtp;

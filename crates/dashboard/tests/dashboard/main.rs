//! The one integration test binary of so-dashboard: a fresh SQLite file per
//! test, jobs written with the times each test needs, the dashboard served
//! from it in-process (API tests) or on 127.0.0.1:0 to a real headless
//! Chromium (browser tests, which need Debian's `chromium`).

mod chromium;
mod helpers;
mod seed;

mod api;
mod browser;
mod priority;

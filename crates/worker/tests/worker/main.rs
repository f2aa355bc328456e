//! The worker against a sandbox tenant and a real store file: one test per
//! rule, per error class, and per promise of the claim loop.

mod admin;
mod auth;
mod burst;
mod child;
mod cli;
mod concurrency;
mod drain;
mod echo;
mod errors;
mod harness;
mod person;
mod process;
mod rules;
mod settings;
mod systemd;
mod writeback;

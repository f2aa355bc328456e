//! Integration tests of the sandbox: each starts a tenant on a free port
//! and talks to it over HTTP, as the connector will.

mod admin;
mod auth;
mod cli;
mod entities;
mod faults;
mod helpers;
mod identity;
mod odata;
mod patch;
mod seed;
mod webhook_api;
mod webhooks;

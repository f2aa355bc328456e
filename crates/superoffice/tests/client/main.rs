//! Integration tests of the client against the sandbox tenant, served over
//! real HTTP on a loopback port. One binary; each module covers one concern.

mod harness;

mod auth;
mod counting;
mod paging;
mod reading;
mod resilience;
mod writing;

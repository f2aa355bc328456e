//! Integration tests of the job store: each test opens a fresh SQLite file
//! in its own temporary directory and passes "now" explicitly, so lease
//! expiry is tested without sleeping.

mod attempts;
mod claim;
mod claim_many;
mod concurrency;
mod deliveries;
mod fencing;
mod helpers;
mod holders;
mod open;
mod operator;
mod queries;
mod requeue;

//! The so-enrich test binary: one binary, one module per concern, tables
//! where the same rule holds for many inputs.

mod analyzer;
mod classify;
mod hash;
mod openers;
mod recorded;
mod seed;
mod support;
mod taxonomy;
mod text_limits;
mod validate;

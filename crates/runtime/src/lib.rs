//! Layered settings, tracing and shutdown signals shared by the binaries.

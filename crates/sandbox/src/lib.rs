//! A local HTTP server that behaves like one SuperOffice tenant.

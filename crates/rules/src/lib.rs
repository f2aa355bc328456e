//! Pure decisions about webhook deliveries and jobs.

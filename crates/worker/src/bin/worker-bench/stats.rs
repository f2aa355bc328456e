//! Percentiles and the lines the benchmark prints.

/// Latencies in milliseconds, sorted once for the percentiles.
pub struct Latencies(Vec<i64>);

impl Latencies {
    pub fn new(mut samples: Vec<i64>) -> Self {
        samples.sort_unstable();
        Self(samples)
    }

    /// The `p`-th percentile (nearest rank), 0 when there are no samples.
    pub fn percentile(&self, p: f64) -> i64 {
        if self.0.is_empty() {
            return 0;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    /// `p50 12 ms, p99 40 ms (n=200)`.
    pub fn summary(&self) -> String {
        format!(
            "p50 {} ms, p99 {} ms, max {} ms (n={})",
            self.percentile(50.0),
            self.percentile(99.0),
            self.0.last().copied().unwrap_or(0),
            self.0.len()
        )
    }
}

/// One result line: what, then the figure.
pub fn report(what: &str, figure: impl std::fmt::Display) {
    println!("{what:<52} {figure}");
}

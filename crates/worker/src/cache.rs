//! A small map whose entries expire: associates' short names and UDF
//! layouts change rarely, so each is asked for once per time-to-live.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Values by key, each kept for `ttl` after it was loaded.
///
/// No lock is held while loading: two jobs missing the same key at once
/// both load it, and the later answer wins. That costs one extra request
/// in a rare race and never makes a job wait for another job's request.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    /// How long an entry is trusted.
    ttl: Duration,
    /// The entries with the time each was loaded.
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key` while it is fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().expect("the cache is never poisoned");
        let (loaded_at, value) = entries.get(key)?;
        (loaded_at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// Keeps `value` for `key` from now on.
    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries.lock().expect("the cache is never poisoned");
        entries.insert(key, (Instant::now(), value));
    }

    /// The fresh value for `key`, else the one `load` gives, which is then
    /// kept. A failed load keeps nothing.
    pub async fn get_or_try_load<E, F, Fut>(&self, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let value = load().await?;
        self.insert(key, value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    async fn load_twice(ttl: Duration) -> u32 {
        let cache = TtlCache::new(ttl);
        let loads = AtomicU32::new(0);
        let load = || async {
            loads.fetch_add(1, Ordering::Relaxed);
            Ok::<_, ()>("RKAB".to_owned())
        };

        assert_eq!(cache.get_or_try_load(23, load).await.unwrap(), "RKAB");
        assert_eq!(cache.get_or_try_load(23, load).await.unwrap(), "RKAB");
        loads.load(Ordering::Relaxed)
    }

    #[tokio::test]
    async fn a_fresh_entry_is_not_loaded_again() {
        assert_eq!(load_twice(Duration::from_secs(3600)).await, 1);
    }

    #[tokio::test]
    async fn an_expired_entry_is_loaded_again() {
        assert_eq!(load_twice(Duration::ZERO).await, 2);
    }

    #[tokio::test]
    async fn a_failed_load_keeps_nothing() {
        let cache: TtlCache<i64, String> = TtlCache::new(Duration::from_secs(60));

        let failed = cache.get_or_try_load(23, || async { Err("500") }).await;

        assert_eq!(failed, Err("500"));
        assert_eq!(cache.get(&23), None);
    }
}

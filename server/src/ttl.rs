//! A map whose values are forgotten a time after they were put in: what the console keeps of
//! answers it may serve a little old (the provider's regions, a session for a few seconds).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A value per key, each forgotten `ttl` after it was put in.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::default() }
    }

    /// The value of `key` if it is younger than the time to live.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, value)| value.clone())
    }

    pub fn remove(&self, key: &K) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Expired entries go whenever one is added, so the map stays as small as what is in use.
        entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
        entries.insert(key, (Instant::now(), value));
    }

    /// The cached value of `key`, else `load`'s, kept when it succeeds.
    pub async fn get_or_load<E, F>(&self, key: K, load: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let value = load.await?;
        self.put(key, value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_a_success_for_its_time_to_live_and_never_a_failure() {
        let cache = TtlCache::new(Duration::from_millis(50));
        let failed: Result<u32, &str> = cache.get_or_load("k", async { Err("no answer") }).await;
        assert!(failed.is_err());
        assert_eq!(cache.get_or_load("k", async { Ok::<_, ()>(1) }).await, Ok(1));
        assert_eq!(cache.get_or_load("k", async { Ok::<_, ()>(2) }).await, Ok(1), "kept");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(cache.get_or_load("k", async { Ok::<_, ()>(3) }).await, Ok(3), "expired");
    }
}

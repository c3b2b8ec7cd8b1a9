//! What an instance remembers between requests to spare the database a read, only while it
//! hears the database announce every change that could make it wrong (PostgreSQL `LISTEN` on
//! `motcua_auth`, fed by the triggers of migration 0018, whatever process or statement makes
//! the change): on each announcement everything is forgotten. Without a listener (SQLite,
//! tests that start none, the connection down) nothing is remembered. An entry is also trusted
//! for at most [`MAX_AGE`], a bound on how long a connection that died silently could hide a
//! change. Remembered are: signed-in sessions ([`crate::session_cache`]), what a workflow action
//! reads of a file ([`crate::files`]; there the write's version check is the guard, and the
//! announcements cover the unit paths it holds), and the catalogue, calendar and staff reads of
//! intake and assignment ([`crate::lookups`]).

use crate::App;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest an entry is trusted.
const MAX_AGE: Duration = Duration::from_secs(30);
/// Entries kept at most; beyond it everything is forgotten (and refilled by use).
const CAPACITY: usize = 20_000;

struct Inner<K, V> {
    /// Whether a listener hears the announcements now.
    live: bool,
    /// Moves on every forgetting: a read that began before it is not kept.
    epoch: u64,
    entries: HashMap<K, (Instant, V)>,
}

/// Values remembered by key while announcements are heard.
pub(crate) struct Remembered<K, V>(Mutex<Inner<K, V>>);

impl<K, V> Default for Remembered<K, V> {
    fn default() -> Self {
        Remembered(Mutex::new(Inner {
            live: false,
            epoch: 0,
            entries: HashMap::new(),
        }))
    }
}

impl<K: Eq + Hash, V: Clone> Remembered<K, V> {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value of `key`, if remembered, still trusted and `valid`.
    pub(crate) fn get(&self, key: &K, valid: impl FnOnce(&V) -> bool) -> Option<V> {
        let inner = self.inner();
        if !inner.live {
            return None;
        }
        let (at, value) = inner.entries.get(key)?;
        (at.elapsed() < MAX_AGE && valid(value)).then(|| value.clone())
    }

    /// The epoch to hand to [`Remembered::put`] with a value read from the database: take it
    /// before the read.
    pub(crate) fn epoch(&self) -> u64 {
        self.inner().epoch
    }

    /// Remembers a value, unless something was forgotten since its read began (at `epoch`) or
    /// no listener hears the announcements.
    pub(crate) fn put(&self, key: K, value: V, epoch: u64) {
        let mut inner = self.inner();
        if !inner.live || inner.epoch != epoch {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner.entries.insert(key, (Instant::now(), value));
    }

    /// Changes a remembered value in place (it stays as trusted as it was).
    pub(crate) fn update(&self, key: &K, change: impl FnOnce(&mut V)) {
        if let Some((_, value)) = self.inner().entries.get_mut(key) {
            change(value);
        }
    }

    pub(crate) fn remove(&self, key: &K) {
        self.inner().entries.remove(key);
    }

    /// Forgets everything after a change this process made (its announcement reaches the
    /// listener a moment later: requests in between must not be served from memory).
    pub(crate) fn changed(&self) {
        let live = self.inner().live;
        self.forget(live);
    }

    /// Forgets everything; `live` says whether announcements are heard from now on.
    pub(crate) fn forget(&self, live: bool) {
        let mut inner = self.inner();
        inner.entries.clear();
        inner.epoch += 1;
        inner.live = live;
    }
}

/// Forgets everything `app` remembers after a change this process made itself (its
/// announcement reaches the listener a moment later: requests in between must not be served
/// from memory).
pub(crate) fn changed(app: &App) {
    app.sessions.changed();
    app.file_bases.changed();
    app.lookups.changed();
}

/// Listens for the announcements of the PostgreSQL database at `url` until the process ends,
/// keeping what `app` remembers in step; reconnects after a failure. Spawned by `motcua serve`.
pub async fn watch_announcements(app: App, url: String) {
    let forget = |live: bool| {
        app.sessions.forget(live);
        app.file_bases.forget(live);
        app.lookups.forget(live);
    };
    loop {
        match motcua_store::sessions::Revocations::listen(&url).await {
            Ok(mut announcements) => {
                forget(true);
                loop {
                    match announcements.next().await {
                        // An announcement, or a lost connection made again (announcements may
                        // have been missed in between): forget either way.
                        Ok(_) => forget(true),
                        Err(e) => {
                            forget(false);
                            tracing::warn!(error = %e, "announcements lost; sessions and files are read on every request");
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                forget(false);
                tracing::warn!(error = %e, "cannot listen for announcements");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_remembered_without_a_listener() {
        let cache = Remembered::<i64, i64>::default();
        cache.put(1, 10, cache.epoch());
        assert!(cache.get(&1, |_| true).is_none());
    }

    #[test]
    fn remembered_until_an_announcement() {
        let cache = Remembered::<i64, i64>::default();
        cache.forget(true);
        cache.put(1, 10, cache.epoch());
        assert_eq!(cache.get(&1, |_| true), Some(10));
        assert!(cache.get(&1, |v| *v > 10).is_none());
        assert!(cache.get(&2, |_| true).is_none());
        cache.update(&1, |v| *v = 11);
        assert_eq!(cache.get(&1, |_| true), Some(11));
        cache.remove(&1);
        assert!(cache.get(&1, |_| true).is_none());
        cache.put(1, 10, cache.epoch());
        // An announcement forgets it.
        cache.forget(true);
        assert!(cache.get(&1, |_| true).is_none());
        // So does losing the listener, and nothing is remembered until it is back.
        cache.put(1, 10, cache.epoch());
        cache.forget(false);
        cache.put(1, 10, cache.epoch());
        assert!(cache.get(&1, |_| true).is_none());
    }

    #[test]
    fn a_read_that_began_before_an_announcement_is_not_kept() {
        let cache = Remembered::<i64, i64>::default();
        cache.forget(true);
        let epoch = cache.epoch();
        // The value was read from the database, then a change was announced.
        cache.forget(true);
        cache.put(1, 10, epoch);
        assert!(cache.get(&1, |_| true).is_none());
    }
}

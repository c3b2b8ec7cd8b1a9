//! Signed-in sessions remembered between requests, to spare the database a read on every
//! request. Only while this process hears the database announce every change that can end a
//! session or change its user's rights (PostgreSQL `LISTEN`, fed by the triggers of migration
//! 0018, whatever process or statement makes the change): on each announcement everything is
//! forgotten. Without a listener (SQLite, tests that start none, the connection down) nothing
//! is remembered. An entry is also trusted for at most [`MAX_AGE`], a bound on how long a
//! connection that died silently could hide a change, and never past its session's expiry.

use crate::{Actor, App};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest an entry is trusted.
const MAX_AGE: Duration = Duration::from_secs(30);
/// Entries kept at most; beyond it everything is forgotten (and refilled by use).
const CAPACITY: usize = 20_000;

#[derive(Clone)]
pub(crate) struct Cached {
    pub actor: Actor,
    pub csrf: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Default)]
struct Inner {
    /// Whether a listener hears the announcements now.
    live: bool,
    /// Moves on every forgetting: a read that began before it is not kept.
    epoch: u64,
    entries: HashMap<(i64, String), (Instant, Cached)>,
}

#[derive(Default)]
pub(crate) struct SessionCache(Mutex<Inner>);

impl SessionCache {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session behind `token_hash`, if remembered and still trusted at `now`.
    pub(crate) fn get(&self, tenant_id: i64, token_hash: &str, now: i64) -> Option<Cached> {
        let inner = self.inner();
        if !inner.live {
            return None;
        }
        let (at, cached) = inner.entries.get(&(tenant_id, token_hash.to_owned()))?;
        (at.elapsed() < MAX_AGE && cached.expires_at > now).then(|| cached.clone())
    }

    /// The epoch to hand to [`SessionCache::put`] after reading a session from the database.
    pub(crate) fn epoch(&self) -> u64 {
        self.inner().epoch
    }

    /// Remembers a session read from the database, unless something was forgotten since the
    /// read began (at `epoch`) or no listener hears the announcements.
    pub(crate) fn put(&self, tenant_id: i64, token_hash: &str, cached: Cached, epoch: u64) {
        let mut inner = self.inner();
        if !inner.live || inner.epoch != epoch {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner
            .entries
            .insert((tenant_id, token_hash.to_owned()), (Instant::now(), cached));
    }

    /// The session's idle timeout slid forward (it stays as trusted as it was).
    pub(crate) fn touched(&self, tenant_id: i64, token_hash: &str, now: i64, expires_at: i64) {
        let mut inner = self.inner();
        if let Some((_, cached)) = inner.entries.get_mut(&(tenant_id, token_hash.to_owned())) {
            cached.last_seen_at = now;
            cached.expires_at = expires_at;
        }
    }

    /// Forgets everything after a change this process made that ends a session or changes a
    /// user's rights (its announcement reaches the listener a moment later: requests in
    /// between must not be served from memory).
    pub(crate) fn changed(&self) {
        let live = self.inner().live;
        self.forget(live);
    }

    /// Forgets everything; `live` says whether announcements are heard from now on.
    fn forget(&self, live: bool) {
        let mut inner = self.inner();
        inner.entries.clear();
        inner.epoch += 1;
        inner.live = live;
    }
}

/// Listens for the announcements of the PostgreSQL database at `url` until the process ends,
/// keeping `app`'s session cache in step; reconnects after a failure. Spawned by `motcua serve`.
pub async fn watch_revocations(app: App, url: String) {
    let cache = &app.sessions;
    loop {
        match motcua_store::sessions::Revocations::listen(&url).await {
            Ok(mut revocations) => {
                cache.forget(true);
                loop {
                    match revocations.next().await {
                        // An announcement, or a lost connection made again (announcements may
                        // have been missed in between): forget either way.
                        Ok(_) => cache.forget(true),
                        Err(e) => {
                            cache.forget(false);
                            tracing::warn!(error = %e, "session announcements lost; sessions are read on every request");
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                cache.forget(false);
                tracing::warn!(error = %e, "cannot listen for session announcements");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(expires_at: i64) -> Cached {
        Cached {
            actor: Actor {
                tenant_id: 1,
                user_id: 7,
                is_citizen: false,
                username: "motcua".into(),
                display_name: "Cán bộ một cửa".into(),
                grants: Vec::new(),
            },
            csrf: "csrf".into(),
            last_seen_at: 100,
            expires_at,
        }
    }

    #[test]
    fn nothing_is_remembered_without_a_listener() {
        let cache = SessionCache::default();
        cache.put(1, "h", cached(1_000), cache.epoch());
        assert!(cache.get(1, "h", 500).is_none());
    }

    #[test]
    fn remembered_until_an_announcement_or_the_session_expires() {
        let cache = SessionCache::default();
        cache.forget(true);
        cache.put(1, "h", cached(1_000), cache.epoch());
        assert_eq!(cache.get(1, "h", 500).map(|c| c.actor.user_id), Some(7));
        // Another tenant's session with the same hash is another session.
        assert!(cache.get(2, "h", 500).is_none());
        // Past its expiry, until the idle timeout slides it forward.
        assert!(cache.get(1, "h", 1_000).is_none());
        cache.touched(1, "h", 990, 2_000);
        assert_eq!(cache.get(1, "h", 1_500).map(|c| c.last_seen_at), Some(990));
        // An announcement forgets it.
        cache.forget(true);
        assert!(cache.get(1, "h", 500).is_none());
        // So does losing the listener, and nothing is remembered until it is back.
        cache.put(1, "h", cached(1_000), cache.epoch());
        cache.forget(false);
        cache.put(1, "h", cached(1_000), cache.epoch());
        assert!(cache.get(1, "h", 500).is_none());
    }

    #[test]
    fn a_read_that_began_before_an_announcement_is_not_kept() {
        let cache = SessionCache::default();
        cache.forget(true);
        let epoch = cache.epoch();
        // The session was read from the database, then its end was announced.
        cache.forget(true);
        cache.put(1, "h", cached(1_000), epoch);
        assert!(cache.get(1, "h", 500).is_none());
    }
}

//! Signed-in sessions remembered between requests (see [`crate::remembered`] for when), to
//! spare the database a read on every request. The triggers of migration 0018 announce every
//! change that can end a session or change its user's rights. An entry is never trusted past
//! its session's expiry.

use crate::Actor;
use crate::remembered::Remembered;

#[derive(Clone)]
pub(crate) struct Cached {
    pub actor: Actor,
    pub csrf: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// Sessions by tenant and token hash.
#[derive(Default)]
pub(crate) struct SessionCache(Remembered<(i64, String), Cached>);

impl SessionCache {
    /// The session behind `token_hash`, if remembered and still trusted at `now`.
    pub(crate) fn get(&self, tenant_id: i64, token_hash: &str, now: i64) -> Option<Cached> {
        self.0
            .get(&(tenant_id, token_hash.to_owned()), |c| c.expires_at > now)
    }

    /// The epoch to hand to [`SessionCache::put`]: take it before reading the session.
    pub(crate) fn epoch(&self) -> u64 {
        self.0.epoch()
    }

    /// Remembers a session read from the database (see [`Remembered::put`]).
    pub(crate) fn put(&self, tenant_id: i64, token_hash: &str, cached: Cached, epoch: u64) {
        self.0
            .put((tenant_id, token_hash.to_owned()), cached, epoch);
    }

    /// The session's idle timeout slid forward (it stays as trusted as it was).
    pub(crate) fn touched(&self, tenant_id: i64, token_hash: &str, now: i64, expires_at: i64) {
        self.0.update(&(tenant_id, token_hash.to_owned()), |c| {
            c.last_seen_at = now;
            c.expires_at = expires_at;
        });
    }

    /// Forgets everything after a change this process made that ends a session or changes a
    /// user's rights.
    pub(crate) fn changed(&self) {
        self.0.changed();
    }

    pub(crate) fn forget(&self, live: bool) {
        self.0.forget(live);
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

-- Chat webhook events already handled, kept until the replay window has passed: a platform
-- that delivers an event again gets 200 and nothing is sent twice.
CREATE TABLE chat_seen_events (
    tenant_id  INTEGER NOT NULL,
    platform   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, platform, event_id)
);
CREATE INDEX chat_seen_events_expiry ON chat_seen_events (tenant_id, expires_at);

-- How an opt-out's contact was hashed: 'sha256' (0012: SHA-256 over a fixed prefix, which
-- anyone can recompute for a guessed phone number) or 'hmac' (HMAC-SHA256 under the
-- configured contact_hash_key or the tenant's random key). Old rows keep working.
ALTER TABLE notify_optouts ADD COLUMN keying TEXT NOT NULL DEFAULT 'sha256';

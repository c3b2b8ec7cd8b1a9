-- Contacts that asked to receive no more messages on a channel (opt-out). The contact (a
-- normalised phone number or e-mail address) is kept only as a salted SHA-256 hash, so the
-- table holds no readable personal data; the notifier hashes the file's contact the same way.
CREATE TABLE notify_optouts (
    tenant_id    BIGINT NOT NULL,
    contact_hash TEXT NOT NULL,
    -- email | sms | zalo
    channel      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, contact_hash, channel)
);

-- The attachment clean-up asks "does any row still point at this blob?" per stored blob.
CREATE INDEX file_attachments_sha256 ON file_attachments (sha256);

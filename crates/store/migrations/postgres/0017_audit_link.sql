-- The chain head also keeps the hash it replaced: on PostgreSQL one UPDATE moves the head and
-- returns both hashes (every SET expression reads the old row), so appending a record is a
-- single statement. Records from this version on link as SHA-256 of
-- "<previous hash>:<sequence number>:<content hash>".
ALTER TABLE audit_chains ADD COLUMN prev_hash TEXT;

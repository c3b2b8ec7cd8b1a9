-- The documents checked and received with a file, printed on its receipt (JSON list of names).
ALTER TABLE files ADD COLUMN documents_json TEXT NOT NULL DEFAULT '[]';

-- PostgreSQL only (triggers that notify other instances of catalogue and calendar changes):
-- SQLite is the single-process embedded default, whose instance remembers nothing between
-- requests.
SELECT 1;

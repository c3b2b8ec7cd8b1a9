-- PostgreSQL only (triggers that notify other instances of ended sessions): SQLite is the
-- single-process embedded default, whose instance remembers no session between requests.
SELECT 1;

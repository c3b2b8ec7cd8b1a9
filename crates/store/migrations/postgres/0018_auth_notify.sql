-- Instances may remember signed-in sessions between requests (PostgreSQL only). Every change
-- that can end a session or change what its user may do notifies them on channel
-- `motcua_auth`, whatever process or statement makes it; they forget what they remember. A
-- session's idle timeout sliding forward changes nothing they rely on and notifies no one.
CREATE FUNCTION motcua_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('motcua_auth', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended AFTER DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER sessions_changed AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (NEW.expires_at < OLD.expires_at OR NEW.user_id <> OLD.user_id
                       OR NEW.csrf_token IS DISTINCT FROM OLD.csrf_token
                       OR NEW.token_hash <> OLD.token_hash OR NEW.tenant_id <> OLD.tenant_id)
    EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER role_grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_grants
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER units_changed AFTER UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();

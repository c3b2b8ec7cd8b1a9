-- Instances may also remember, between requests, the reads that every intake and assignment
-- makes: a unit and a procedure by code, the tenant's calendar configuration with a unit's
-- hours, and a staff member's grants (users, role_grants and units already announce, 0018).
-- Every change to what those reads return announces on `motcua_auth` too, and instances
-- forget what they remember.
CREATE TRIGGER procedures_changed AFTER UPDATE OR DELETE OR TRUNCATE ON procedures
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER fields_changed AFTER UPDATE OR DELETE OR TRUNCATE ON fields
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER tenant_calendars_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_calendars
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();
CREATE TRIGGER unit_working_hours_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_working_hours
    FOR EACH STATEMENT EXECUTE FUNCTION motcua_auth_changed();

-- A cached dashboard's freshness in one round trip (the warm path): the caller's tenant
-- settings are set transaction-locally and the counters summed, in the single statement's
-- own transaction, instead of BEGIN, set_config, the sum and COMMIT (four round trips).
-- SECURITY INVOKER: the runtime role's RLS applies to the sum exactly as in a
-- transaction it scoped itself; the settings end with the statement.
CREATE FUNCTION reporting.dashboard_generation(
    p_organization text, p_plants text, p_user text, p_plant_ids uuid[], p_scopes text[],
    p_first date, p_last date, p_state_day date
) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    AS $$
BEGIN
    PERFORM set_config('app.organization_id', p_organization, true),
        set_config('app.plant_ids', p_plants, true),
        set_config('app.user_id', p_user, true);
    RETURN (
        SELECT coalesce(sum(generation), 0)::bigint
        FROM reporting.dashboard_generations
        WHERE organization_id = app.current_org() AND plant_id = ANY(p_plant_ids)
          AND scope = ANY(p_scopes)
          AND (day BETWEEN p_first AND p_last OR day = p_state_day));
END
$$;
REVOKE ALL ON FUNCTION reporting.dashboard_generation(text, text, text, uuid[], text[], date,
    date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.dashboard_generation(text, text, text, uuid[], text[],
    date, date, date) TO unison_reporting;

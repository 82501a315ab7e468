-- Changing an organization's language: the vocabulary's stems first, then the documents
-- again in batches (a job), each batch under the organization's index lock so no event's
-- change can land between reading a document and writing it back.

-- Re-stem every vocabulary word in the organization's (new) language; words that are now
-- stop words leave the vocabulary with their deletions.
CREATE FUNCTION search.restem_words() RETURNS integer
    LANGUAGE plpgsql
    AS $$
    DECLARE
        changed integer;
        cfg regconfig;
    BEGIN
        PERFORM search.lock_settings();
        cfg := search.config();
        WITH stems AS (
            SELECT w.word, (SELECT min(l.lexeme) FROM unnest(to_tsvector(cfg, w.word)) l) AS term
            FROM search.words w WHERE w.organization_id = app.current_org()
        ), gone AS (
            DELETE FROM search.words w USING stems s
            WHERE w.organization_id = app.current_org() AND w.word = s.word AND s.term IS NULL
            RETURNING w.word
        ), gone_variants AS (
            DELETE FROM search.word_variants v USING gone g
            WHERE v.organization_id = app.current_org() AND v.word = g.word
        ), restemmed AS (
            UPDATE search.words w SET term = s.term FROM stems s
            WHERE w.organization_id = app.current_org() AND w.word = s.word
              AND s.term IS NOT NULL AND s.term <> w.term
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM restemmed) + (SELECT count(*) FROM gone) INTO changed;
        RETURN changed;
    END $$;

-- Index again the documents after doc_id $1, at most $2 of them, from their own stored
-- fields (nothing is read from the other services). Returns the last doc_id done, or
-- NULL when there were none left.
CREATE FUNCTION search.reindex_batch(p_after bigint, p_limit integer) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
    DECLARE
        last_id bigint;
        b record;
    BEGIN
        PERFORM search.lock_settings();
        SELECT max(doc_id) AS last_id, array_agg(entity_type) AS t, array_agg(entity_id) AS i,
            array_agg(plant_id) AS plant, array_agg(code) AS code, array_agg(title) AS title,
            array_agg(body) AS body, array_agg(extra) AS extra, array_agg(status) AS status,
            array_agg(material_group) AS grp, array_agg(doc_date) AS day, array_agg(link) AS link,
            array_agg(changed_at) AS changed
        INTO b
        FROM (
            SELECT * FROM search.documents
            WHERE organization_id = app.current_org() AND doc_id > p_after AND NOT deleted
            ORDER BY doc_id
            LIMIT p_limit
        ) d;
        last_id := b.last_id;
        IF last_id IS NOT NULL THEN
            PERFORM search.upsert_documents(b.t, b.i, b.plant, b.code, b.title, b.body, b.extra,
                b.status, b.grp, b.day, b.link, b.changed, true);
        END IF;
        RETURN last_id;
    END $$;

GRANT EXECUTE ON FUNCTION search.restem_words(), search.reindex_batch(bigint, integer)
    TO unison_search;

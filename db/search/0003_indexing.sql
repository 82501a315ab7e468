-- Writing the index: documents in, postings, term and word statistics kept exact in the
-- same transaction. The functions run as the caller (RLS applies); they take the
-- organization's settings row lock first, so the writers of one organization take turns
-- (the totals and document frequencies are exact) while organizations never wait on
-- each other.

CREATE FUNCTION search.config() RETURNS regconfig
    LANGUAGE sql STABLE
    AS $$
        SELECT CASE (SELECT language FROM search.settings
                     WHERE organization_id = app.current_org())
            WHEN 'german' THEN 'search.german'::regconfig
            ELSE 'search.english'::regconfig END
    $$;

-- Positions in a tsvector: the length of a field as BM25 counts it (stop words are not).
CREATE FUNCTION search.vector_length(v tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(sum(coalesce(array_length(u.positions, 1), 1)), 0)::integer FROM unnest(v) u $$;

-- The code in capitals, letters and digits only.
CREATE FUNCTION search.code_key(code text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT nullif(upper(regexp_replace(public.unaccent('public.unaccent', coalesce(code, '')), '[^[:alnum:]]', '', 'g')), '') $$;

-- Part numbers and other joined codes split into their parts before the parser sees them
-- ("BRG-6204-2RS" -> "BRG 6204 2RS"): PostgreSQL's parser would read "-6204" as a signed
-- number and "6204" alone would never find it. Documents and queries both go through it.
CREATE FUNCTION search.split_codes(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace(t, '([[:alnum:]])[-/._]+(?=[[:alnum:]])', '\1 ', 'g') $$;

-- The lock every writer of the organization takes first, creating its row when needed.
CREATE FUNCTION search.lock_settings() RETURNS void
    LANGUAGE plpgsql
    AS $$
    BEGIN
        INSERT INTO search.settings (organization_id) VALUES (app.current_org())
        ON CONFLICT (organization_id) DO NOTHING;
        PERFORM 1 FROM search.settings WHERE organization_id = app.current_org() FOR UPDATE;
    END $$;

-- Take out of the statistics and postings what the documents ($1 type, $2 id) indexed,
-- when the change $3 is newer (or, with $4, always): they are about to be replaced.
CREATE FUNCTION search.withdraw(p_type text[], p_id text[], p_changed timestamptz[], p_force boolean)
    RETURNS void
    LANGUAGE sql
    AS $$
    WITH incoming AS (
        SELECT DISTINCT ON (t, i) t, i, c
        FROM unnest(p_type, p_id, p_changed) AS x(t, i, c)
        ORDER BY t, i, c DESC
    ), old AS (
        SELECT d.doc_id, d.tsv, d.title_length, d.body_length, d.extra_length
        FROM incoming x
        JOIN search.documents d ON d.organization_id = app.current_org()
            AND d.entity_type = x.t AND d.entity_id = x.i
        WHERE NOT d.deleted AND (p_force OR d.changed_at < x.c)
    ), postings AS (
        DELETE FROM search.postings p
        USING old o, unnest(o.tsv) u
        WHERE p.organization_id = app.current_org() AND p.term = u.lexeme AND p.doc_id = o.doc_id
    ), frequencies AS (
        UPDATE search.terms t SET df = t.df - g.n
        FROM (SELECT u.lexeme, count(*)::integer AS n FROM old o, unnest(o.tsv) u GROUP BY u.lexeme) g
        WHERE t.organization_id = app.current_org() AND t.term = g.lexeme
    )
    UPDATE search.settings s SET
        doc_count = s.doc_count - o.n,
        title_length = s.title_length - o.title_length,
        body_length = s.body_length - o.body_length,
        extra_length = s.extra_length - o.extra_length
    FROM (SELECT count(*) AS n, coalesce(sum(title_length), 0) AS title_length,
                 coalesce(sum(body_length), 0) AS body_length,
                 coalesce(sum(extra_length), 0) AS extra_length FROM old) o
    WHERE s.organization_id = app.current_org() AND o.n > 0;
    $$;

-- Index documents: one array element per document. A document whose source change
-- ($12) is not newer than the one indexed is left alone (a late or replayed event),
-- unless $13 (a reindex). Returns how many were written.
-- BM25 per field (k1 1.2, b 0.75; title and code boosted 2, body 1, extra 0.5), the
-- impact stored per posting; the query multiplies by the term's IDF.
CREATE FUNCTION search.upsert_documents(
    p_type text[], p_id text[], p_plant uuid[], p_code text[], p_title text[],
    p_body text[], p_extra text[], p_status text[], p_group text[], p_date date[],
    p_link text[], p_changed timestamptz[], p_force boolean DEFAULT false)
    RETURNS integer
    LANGUAGE plpgsql
    AS $$
    DECLARE
        cfg regconfig;
        written integer;
    BEGIN
        PERFORM search.lock_settings();
        cfg := search.config();
        PERFORM search.withdraw(p_type, p_id, p_changed, p_force);
        WITH incoming AS (
            SELECT DISTINCT ON (t, i) t, i, plant, code, title, body, extra, status, grp, day,
                link, c
            FROM unnest(p_type, p_id, p_plant, p_code, p_title, p_body, p_extra, p_status,
                p_group, p_date, p_link, p_changed)
                AS x(t, i, plant, code, title, body, extra, status, grp, day, link, c)
            ORDER BY t, i, c DESC
        ), vectors AS (
            SELECT x.*, v.a, v.b, v.e
            FROM incoming x
            CROSS JOIN LATERAL (
                SELECT setweight(to_tsvector(cfg,
                           search.split_codes(x.title || ' ' || coalesce(x.code, ''))), 'A') AS a,
                       setweight(to_tsvector(cfg, search.split_codes(x.body)), 'B') AS b,
                       setweight(to_tsvector(cfg, search.split_codes(x.extra)), 'C') AS e
            ) v
        ), up AS (
            INSERT INTO search.documents AS d (organization_id, entity_type, entity_id, plant_id,
                code, code_key, code_key_rev, title, body, extra, status, material_group,
                doc_date, link, changed_at, indexed_at, deleted, tsv, title_length,
                body_length, extra_length)
            SELECT app.current_org(), v.t, v.i, v.plant, v.code, search.code_key(v.code),
                reverse(search.code_key(v.code)), v.title, v.body, v.extra, v.status, v.grp,
                v.day, v.link, v.c, now(), false, v.a || v.b || v.e,
                search.vector_length(v.a), search.vector_length(v.b), search.vector_length(v.e)
            FROM vectors v
            ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET
                plant_id = excluded.plant_id, code = excluded.code, code_key = excluded.code_key,
                code_key_rev = excluded.code_key_rev, title = excluded.title,
                body = excluded.body, extra = excluded.extra, status = excluded.status,
                material_group = excluded.material_group, doc_date = excluded.doc_date,
                link = excluded.link, changed_at = excluded.changed_at, indexed_at = now(),
                deleted = false, tsv = excluded.tsv, title_length = excluded.title_length,
                body_length = excluded.body_length, extra_length = excluded.extra_length
            WHERE p_force OR d.changed_at < excluded.changed_at
            RETURNING d.doc_id, d.tsv, d.title_length, d.body_length, d.extra_length,
                d.title, d.code, d.body, d.extra, d.plant_id
        ), totals AS (
            UPDATE search.settings s SET
                doc_count = s.doc_count + n.n,
                title_length = s.title_length + n.title_length,
                body_length = s.body_length + n.body_length,
                extra_length = s.extra_length + n.extra_length,
                updated_at = now()
            FROM (SELECT count(*) AS n, coalesce(sum(title_length), 0) AS title_length,
                         coalesce(sum(body_length), 0) AS body_length,
                         coalesce(sum(extra_length), 0) AS extra_length FROM up) n
            WHERE s.organization_id = app.current_org()
            RETURNING greatest(s.doc_count, 1)::float8 AS docs,
                greatest(s.title_length::float8 / greatest(s.doc_count, 1), 1) AS avg_title,
                greatest(s.body_length::float8 / greatest(s.doc_count, 1), 1) AS avg_body,
                greatest(s.extra_length::float8 / greatest(s.doc_count, 1), 1) AS avg_extra
        ), counted AS (
            SELECT u.doc_id, l.lexeme,
                count(*) FILTER (WHERE w = 'A') AS tf_a,
                count(*) FILTER (WHERE w = 'B') AS tf_b,
                count(*) FILTER (WHERE w = 'C') AS tf_c,
                u.title_length, u.body_length, u.extra_length
            FROM up u, unnest(u.tsv) l, unnest(l.weights) w
            GROUP BY u.doc_id, l.lexeme, u.title_length, u.body_length, u.extra_length
        ), postings AS (
            INSERT INTO search.postings (organization_id, term, doc_id, impact)
            SELECT app.current_org(), c.lexeme, c.doc_id,
                2.0 * search.bm25_tf(c.tf_a, c.title_length, t.avg_title)
                + 1.0 * search.bm25_tf(c.tf_b, c.body_length, t.avg_body)
                + 0.5 * search.bm25_tf(c.tf_c, c.extra_length, t.avg_extra)
            FROM counted c, totals t
        ), frequencies AS (
            INSERT INTO search.terms AS f (organization_id, term, df)
            SELECT app.current_org(), c.lexeme, count(*) FROM counted c GROUP BY c.lexeme
            ON CONFLICT (organization_id, term) DO UPDATE SET df = f.df + excluded.df
        ), surface AS (
            SELECT DISTINCT w.lexeme AS word
            FROM up u, unnest(to_tsvector('search.words', search.split_codes(
                u.title || ' ' || coalesce(u.code, '') || ' ' || u.body || ' ' || u.extra))) w
            WHERE length(w.lexeme) BETWEEN 2 AND 40
        ), new_words AS (
            INSERT INTO search.words (organization_id, word, term)
            SELECT app.current_org(), s.word, m.term
            FROM surface s
            CROSS JOIN LATERAL (
                SELECT min(l.lexeme) AS term FROM unnest(to_tsvector(cfg, s.word)) l
            ) m
            WHERE m.term IS NOT NULL
            -- ON CONFLICT returns only the new ones (a NOT EXISTS here was planned as a scan
            -- of the organization's vocabulary per batch: 7x slower loading at 1M documents).
            ON CONFLICT (organization_id, word) DO NOTHING
            RETURNING word
        ), plants AS (
            -- The plants the organization's documents belong to: what a job scopes to.
            INSERT INTO search.plants (organization_id, plant_id)
            SELECT DISTINCT app.current_org(), u.plant_id FROM up u WHERE u.plant_id IS NOT NULL
            ON CONFLICT DO NOTHING
        ), variants AS (
            INSERT INTO search.word_variants (organization_id, variant, word)
            SELECT app.current_org(), left(n.word, i - 1) || substr(n.word, i + 1), n.word
            FROM new_words n, generate_series(1, length(n.word)) i
            -- Words with digits (parts of codes) get no typo variants: a code one character
            -- off is found by the code key's halves (99.9% of the variants at 1M documents).
            WHERE length(n.word) BETWEEN 4 AND 30 AND n.word !~ '[0-9]'
            ON CONFLICT DO NOTHING
        )
        SELECT count(*) INTO written FROM up;
        RETURN written;
    END $$;

-- BM25's term-frequency part for one field: tf (k1 + 1) / (tf + k1 (1 - b + b len / avg)).
CREATE FUNCTION search.bm25_tf(tf bigint, len integer, avg float8) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN tf = 0 THEN 0
                 ELSE tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / avg)) END $$;

-- Delete documents ($1 type, $2 id) as of their source change $3: a tombstone stays, so
-- an older upsert arriving late does not bring them back.
CREATE FUNCTION search.delete_documents(p_type text[], p_id text[], p_changed timestamptz[])
    RETURNS integer
    LANGUAGE plpgsql
    AS $$
    DECLARE
        deleted_count integer;
    BEGIN
        PERFORM search.lock_settings();
        PERFORM search.withdraw(p_type, p_id, p_changed, false);
        WITH incoming AS (
            SELECT DISTINCT ON (t, i) t, i, c
            FROM unnest(p_type, p_id, p_changed) AS x(t, i, c)
            ORDER BY t, i, c DESC
        ), gone AS (
            INSERT INTO search.documents AS d (organization_id, entity_type, entity_id, title,
                link, changed_at, deleted, tsv, title_length, body_length, extra_length)
            SELECT app.current_org(), x.t, x.i, '', '', x.c, true, '', 0, 0, 0 FROM incoming x
            ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET
                changed_at = excluded.changed_at, deleted = true, tsv = '', code_key = NULL,
                code_key_rev = NULL, indexed_at = now(), title_length = 0, body_length = 0,
                extra_length = 0
            WHERE d.changed_at < excluded.changed_at
            RETURNING 1
        )
        SELECT count(*) INTO deleted_count FROM gone;
        RETURN deleted_count;
    END $$;

GRANT EXECUTE ON FUNCTION search.config(), search.vector_length(tsvector), search.code_key(text),
    search.split_codes(text),
    search.lock_settings(), search.withdraw(text[], text[], timestamptz[], boolean),
    search.upsert_documents(text[], text[], uuid[], text[], text[], text[], text[], text[],
        text[], date[], text[], timestamptz[], boolean),
    search.bm25_tf(bigint, integer, float8),
    search.delete_documents(text[], text[], timestamptz[]) TO unison_search;

-- Reading the index. Every probe is an equality or a range on text, uuid or bigint
-- (leakproof operators), so the indexes serve the runtime role under RLS.

-- name: analyze
-- Each query word ($1, in order): its folded surface forms and the terms it stems to in
-- the organization's language (none for a stop word); with the document count.
SELECT q.i::integer AS idx,
    ARRAY(SELECT l.lexeme FROM unnest(to_tsvector('search.words', search.split_codes(q.w))) l
          ORDER BY l.lexeme) AS words,
    ARRAY(SELECT l.lexeme FROM unnest(to_tsvector(search.config(), search.split_codes(q.w))) l
          ORDER BY l.lexeme) AS terms,
    coalesce((SELECT s.doc_count FROM search.settings s
              WHERE s.organization_id = app.current_org()), 0) AS doc_count
FROM unnest($1::text[]) WITH ORDINALITY AS q(w, i)
ORDER BY q.i;

-- name: frequencies
-- Document frequency of the terms $1 that occur.
SELECT term, df FROM search.terms
WHERE organization_id = app.current_org() AND term = ANY($1::text[]) AND df > 0;

-- name: near_words
-- Vocabulary words sharing a one-letter deletion with the query word (its deletions $1,
-- itself included), with their terms and frequencies. The caller keeps those one edit away.
SELECT w.word, w.term, t.df
FROM (
    SELECT v.word FROM search.word_variants v
    WHERE v.organization_id = app.current_org() AND v.variant = ANY($1::text[])
    UNION
    SELECT w.word FROM search.words w
    WHERE w.organization_id = app.current_org() AND w.word = ANY($1::text[])
) c
JOIN search.words w ON w.organization_id = app.current_org() AND w.word = c.word
JOIN search.terms t ON t.organization_id = app.current_org() AND t.term = w.term AND t.df > 0;

-- name: completions
-- Words starting with $1 (range [$1, $2) in byte order), the most frequent first, at most $3.
-- The range is read in word order up to 2,000 words: a one-letter prefix stays cheap.
SELECT w.word, w.term, t.df
FROM (
    SELECT word, term FROM search.words
    WHERE organization_id = app.current_org() AND word >= $1 AND word < $2
    ORDER BY word
    LIMIT 2000
) w
JOIN search.terms t ON t.organization_id = app.current_org() AND t.term = w.term AND t.df > 0
ORDER BY t.df DESC, w.word
LIMIT $3;

-- name: codes
-- Documents whose code key is one of $1 (exact part-number matches).
SELECT doc_id, code_key FROM search.documents
WHERE organization_id = app.current_org() AND NOT deleted AND code_key = ANY($1::text[]);

-- name: codes_near
-- Documents whose code key starts with $1 (range [$1, $2)) or ends with the reverse of
-- $3 (range [$3, $4) of the reversed key), at most $5 of each: a key one digit off
-- agrees with the typed one on its first or its second half.
(SELECT doc_id, code_key FROM search.documents
 WHERE organization_id = app.current_org() AND NOT deleted
   AND code_key >= $1 AND code_key < $2
 ORDER BY code_key LIMIT $5)
UNION
(SELECT doc_id, code_key FROM search.documents
 WHERE organization_id = app.current_org() AND NOT deleted
   AND code_key_rev >= $3 AND code_key_rev < $4
 ORDER BY code_key_rev LIMIT $5);

-- name: hits
-- The ranked matches. Candidates: the best $2 postings (by BM25 impact) of each driver
-- term $1 (the rarest group's), plus the documents $7 (code matches). Each candidate is
-- scored by BM25 over the query terms ($3 term, $4 group, $5 weight = IDF x penalty),
-- a group counting its best alternative; it must match $6 groups (code matches need
-- none). Filters: $8 types, $9 statuses, $10 plants, $11 material groups, $12-$13 the
-- date range (phrases and exclusions: the query phrases, on what this returns).
-- $14: the driving group when it is one term (else -1), $15 its weight: its impact comes
-- with the scan, so that group is not probed again (a one-word query probes nothing).
WITH driven AS (
    SELECT p.doc_id, p.impact
    FROM unnest($1::text[]) AS d(term)
    CROSS JOIN LATERAL (
        SELECT p.doc_id, p.impact FROM search.postings p
        WHERE p.organization_id = app.current_org() AND p.term = d.term
        ORDER BY p.impact DESC, p.doc_id
        LIMIT $2
    ) p
), driver AS (
    SELECT x.doc_id, max(x.impact) AS impact
    FROM (
        SELECT doc_id, impact FROM driven
        UNION ALL
        SELECT unnest($7::bigint[]), NULL::real
    ) x
    GROUP BY x.doc_id
), q AS (
    SELECT * FROM unnest($3::text[], $4::integer[], $5::float8[]) AS q(term, grp, weight)
), best AS (
    -- Each candidate's best alternative per group: a primary-key probe per candidate and
    -- term (LATERAL: never a scan of a common term's every posting).
    SELECT c.doc_id, q.grp, max(p.impact * q.weight) AS best
    FROM driver c
    CROSS JOIN q
    CROSS JOIN LATERAL (
        SELECT p.impact FROM search.postings p
        WHERE p.organization_id = app.current_org() AND p.term = q.term AND p.doc_id = c.doc_id
        LIMIT 1  -- at most one row anyway; keeps the planner from flattening it into a join
    ) p
    WHERE q.grp <> $14::integer OR c.impact IS NULL
    GROUP BY c.doc_id, q.grp
    UNION ALL
    SELECT c.doc_id, $14::integer, c.impact * $15::float8
    FROM driver c
    WHERE $14::integer >= 0 AND c.impact IS NOT NULL
), scored AS (
    SELECT c.doc_id, coalesce(sum(b.best), 0)::float8 AS score, count(b.grp)::integer AS groups
    FROM driver c
    LEFT JOIN best b ON b.doc_id = c.doc_id
    GROUP BY c.doc_id
)
SELECT s.doc_id, s.score, d.entity_type, d.status, d.plant_id, d.material_group,
    d.changed_at, d.code_key
FROM scored s
JOIN search.documents d ON d.organization_id = app.current_org() AND d.doc_id = s.doc_id
WHERE NOT d.deleted
  AND (s.groups >= $6 OR s.doc_id = ANY($7::bigint[]))
  AND ($8::text[] IS NULL OR d.entity_type = ANY($8::text[]))
  AND ($9::text[] IS NULL OR d.status = ANY($9::text[]))
  AND ($10::uuid[] IS NULL OR d.plant_id = ANY($10::uuid[]))
  AND ($11::text[] IS NULL OR d.material_group = ANY($11::text[]))
  AND ($12::date IS NULL OR d.doc_date >= $12::date)
  AND ($13::date IS NULL OR d.doc_date <= $13::date);

-- name: phrases
-- Of the documents $1, those where every phrase $2 occurs and no word or phrase $3 does
-- (separate from hits, which reads only what documents_facets covers).
WITH must AS MATERIALIZED (
    SELECT string_agg('(' || x::text || ')', ' & ')::tsquery AS tq
    FROM unnest($2::text[]) AS p(text)
    CROSS JOIN LATERAL phraseto_tsquery(search.config(), search.split_codes(p.text)) AS x
    WHERE numnode(x) > 0
), must_not AS MATERIALIZED (
    SELECT string_agg('(' || x::text || ')', ' | ')::tsquery AS tq
    FROM unnest($3::text[]) AS p(text)
    CROSS JOIN LATERAL phraseto_tsquery(search.config(), search.split_codes(p.text)) AS x
    WHERE numnode(x) > 0
)
SELECT d.doc_id
FROM search.documents d
CROSS JOIN must
CROSS JOIN must_not
WHERE d.organization_id = app.current_org() AND d.doc_id = ANY($1::bigint[])
  AND (must.tq IS NULL OR d.tsv @@ must.tq)
  AND (must_not.tq IS NULL OR NOT d.tsv @@ must_not.tq);

-- name: page
-- The documents $1 as shown, their title and a snippet marked where the terms $2 (a
-- tsquery of lexemes) occur; marks are \x02 and \x03 (escaped to HTML by the caller).
SELECT d.doc_id, d.entity_type, d.entity_id, d.plant_id, d.code, d.title, d.status,
    d.material_group, d.doc_date, d.link, d.changed_at,
    ts_headline(search.config(), d.title, $2::tsquery,
        'HighlightAll=true, StartSel="' || chr(2) || '", StopSel="' || chr(3) || '"') AS title_marked,
    CASE WHEN d.body || d.extra = '' THEN ''
    ELSE ts_headline(search.config(), concat_ws(' · ', nullif(d.body, ''), nullif(d.extra, '')),
        $2::tsquery,
        'MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … ", StartSel="'
        || chr(2) || '", StopSel="' || chr(3) || '"') END AS snippet_marked
FROM search.documents d
WHERE d.organization_id = app.current_org() AND d.doc_id = ANY($1::bigint[]);

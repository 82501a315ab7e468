-- The search index: one row per searchable thing of another service (fed by its events),
-- and an inverted index of our own beside it.
--
-- Why not a GIN index on the tsvector: under RLS, PostgreSQL uses an index only for
-- conditions whose operators are LEAKPROOF, and `@@` (ts_match_vq) and pg_trgm's
-- operators are not (only a superuser may mark them). The runtime role is subject to RLS,
-- so a GIN scan would never be chosen. Equality and ranges on text and uuid are
-- leakproof: the postings below are probed with them, and ranked by BM25 from term
-- statistics kept here (ts_rank_cd has no IDF and ranks every match).

-- The organization's language stems; unaccent folds accents first (the filtering
-- dictionary), so "Lagergehäuse" and "lagergehause" meet, and ts_headline on the raw text
-- still marks the folded words.
CREATE TEXT SEARCH CONFIGURATION search.english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION search.english
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION search.german (COPY = pg_catalog.german);
ALTER TEXT SEARCH CONFIGURATION search.german
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, german_stem;
-- Surface words, folded and lower-cased but not stemmed: the vocabulary typos are
-- corrected against and prefixes completed from.
CREATE TEXT SEARCH CONFIGURATION search.words (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION search.words
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, simple;

-- Per organization: its language and the totals BM25 needs (document count, field lengths).
CREATE TABLE search.settings (
    organization_id uuid PRIMARY KEY,
    language        text NOT NULL DEFAULT 'english' CHECK (language IN ('english', 'german')),
    doc_count       bigint NOT NULL DEFAULT 0 CHECK (doc_count >= 0),
    title_length    bigint NOT NULL DEFAULT 0,
    body_length     bigint NOT NULL DEFAULT 0,
    extra_length    bigint NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE search.documents (
    organization_id uuid NOT NULL,
    doc_id          bigint GENERATED ALWAYS AS IDENTITY,
    entity_type     text NOT NULL CHECK (entity_type ~ '^[a-z][a-z_]{1,39}$'),
    entity_id       text NOT NULL CHECK (length(entity_id) BETWEEN 1 AND 200),
    -- NULL: the whole organization's (a material, a CAPA); else only that plant's users.
    plant_id        uuid,
    code            text,
    -- The code in capitals without separators: "brg 6204-2rs" and "BRG-6204-2RS" meet.
    code_key        text COLLATE "C",
    code_key_rev    text COLLATE "C",
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    extra           text NOT NULL DEFAULT '',
    status          text,
    material_group  text,
    doc_date        date,
    link            text NOT NULL,
    -- The source's time of the change: an older event than the one indexed is ignored.
    changed_at      timestamptz NOT NULL,
    indexed_at      timestamptz NOT NULL DEFAULT now(),
    -- A deletion is kept as a tombstone (no postings), so a late older upsert cannot
    -- bring the thing back.
    deleted         boolean NOT NULL DEFAULT false,
    tsv             tsvector NOT NULL,
    title_length    integer NOT NULL,
    body_length     integer NOT NULL,
    extra_length    integer NOT NULL,
    PRIMARY KEY (organization_id, doc_id),
    UNIQUE (organization_id, entity_type, entity_id)
);
CREATE INDEX documents_code_key ON search.documents (organization_id, code_key)
    WHERE code_key IS NOT NULL AND NOT deleted;
CREATE INDEX documents_code_key_rev ON search.documents (organization_id, code_key_rev)
    WHERE code_key_rev IS NOT NULL AND NOT deleted;
-- What a query reads of each candidate (filters, facets, order, row security) without
-- visiting the table: 2,000 candidates are 2,000 index-only probes, not heap fetches.
CREATE INDEX documents_facets ON search.documents (organization_id, doc_id)
    INCLUDE (plant_id, deleted, entity_type, status, material_group, doc_date, changed_at,
             code_key);
-- The rebuild compares by type; the "what is new" listing reads by time.
CREATE INDEX documents_recent ON search.documents (organization_id, changed_at DESC, doc_id);

-- The inverted index: one row per (term, document) with the term's BM25 weight in the
-- document (fields boosted, lengths normalized). A query multiplies it by the term's IDF.
CREATE TABLE search.postings (
    organization_id uuid NOT NULL,
    term            text COLLATE "C" NOT NULL,
    doc_id          bigint NOT NULL,
    impact          real NOT NULL,
    -- The impact rides in the key's index: a candidate's score is an index-only probe.
    PRIMARY KEY (organization_id, term, doc_id) INCLUDE (impact)
);
-- A term's best documents first: the candidates of a query are read from here, bounded.
CREATE INDEX postings_by_impact ON search.postings (organization_id, term, impact DESC, doc_id);

-- Document frequency per term (IDF).
CREATE TABLE search.terms (
    organization_id uuid NOT NULL,
    term            text COLLATE "C" NOT NULL,
    df              integer NOT NULL CHECK (df >= 0),
    PRIMARY KEY (organization_id, term)
);

-- Surface words and the term each stems to, and the words' one-letter deletions
-- (symmetric delete: "bearng" and "bearing" share "bearng"; "steal" and "steel" share
-- "stel"), looked up by equality.
CREATE TABLE search.words (
    organization_id uuid NOT NULL,
    word            text COLLATE "C" NOT NULL,
    term            text COLLATE "C" NOT NULL,
    PRIMARY KEY (organization_id, word)
);
CREATE TABLE search.word_variants (
    organization_id uuid NOT NULL,
    variant         text COLLATE "C" NOT NULL,
    word            text COLLATE "C" NOT NULL,
    PRIMARY KEY (organization_id, variant, word)
);

-- Every plant that has documents: jobs over the whole organization (a reindex, a
-- rebuild) scope their transactions to these.
CREATE TABLE search.plants (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    PRIMARY KEY (organization_id, plant_id)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['settings', 'postings', 'terms', 'words', 'word_variants', 'plants'] LOOP
        EXECUTE format('ALTER TABLE search.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE search.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON search.%I USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())', t);
    END LOOP;
END $$;
ALTER TABLE search.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE search.documents FORCE ROW LEVEL SECURITY;
-- A plant's documents are seen by that plant's users only; organization-wide ones by all.
CREATE POLICY tenant ON search.documents
    USING (organization_id = app.current_org() AND (plant_id IS NULL OR app.plant_allowed(plant_id)))
    WITH CHECK (organization_id = app.current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON search.settings, search.documents, search.postings,
    search.terms, search.words, search.word_variants, search.plants TO unison_search;

-- A job names no plants: this tells it which to scope to (JobContext.organization_tenant).
-- The plants table is organization-scoped only, so no SECURITY DEFINER is needed.
CREATE FUNCTION search.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(array_agg(plant_id ORDER BY plant_id), '{}') FROM search.plants
    WHERE organization_id = app.current_org()
    $$;
REVOKE ALL ON FUNCTION search.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search.organization_plants() TO unison_search;

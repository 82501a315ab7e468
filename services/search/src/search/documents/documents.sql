-- name: upsert
-- Index documents (search.upsert_documents, migration 0003): parallel arrays, $13 force.
SELECT search.upsert_documents($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[],
    $6::text[], $7::text[], $8::text[], $9::text[], $10::date[], $11::text[],
    $12::timestamptz[], $13::boolean);

-- name: delete
-- Tombstones for ($1 type, $2 id) as of $3.
SELECT search.delete_documents($1::text[], $2::text[], $3::timestamptz[]);

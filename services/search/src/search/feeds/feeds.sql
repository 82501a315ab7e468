-- name: known
-- Which of the documents of type $1 with ids $2 the index has (removed ones too).
SELECT entity_id
FROM search.documents
WHERE organization_id = app.current_org() AND entity_type = $1 AND entity_id = ANY($2::text[]);

-- name: live
-- The ids of the organization's indexed (not removed) documents of type $1 that are
-- organization-wide or in one of the plants $2.
SELECT entity_id
FROM search.documents
WHERE organization_id = app.current_org() AND entity_type = $1 AND NOT deleted
    AND (plant_id IS NULL OR plant_id = ANY($2::uuid[]));

-- name: organization_plants
-- Every plant the organization's documents are in (migration 0005).
SELECT search.organization_plants();

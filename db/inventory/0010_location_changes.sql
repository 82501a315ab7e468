-- Storage locations can be renamed and, while nothing ever referred to them, deleted. The
-- code, kind and parent stay: SAP and labels know a location by its code. A location with
-- any stock history keeps a balance row (a foreign key), so it cannot be deleted.
GRANT UPDATE (name), DELETE ON inventory.storage_locations TO unison_inventory;

"""Inventory's goods movements, reorder-point crossings and material master as facts and
state, their daily rollups, and the inventory KPIs: stock value, turns, days of supply,
movements by type, lot ageing and the items below their reorder point."""

"""Routings: how a material is made in a plant, versioned like bills of materials."""

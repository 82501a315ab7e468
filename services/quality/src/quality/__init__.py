"""The quality service."""

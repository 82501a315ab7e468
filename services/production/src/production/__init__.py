"""The production service."""

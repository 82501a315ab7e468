"""The maintenance service."""

"""The Redis stand-in: an UNLOGGED table behind a small in-process tier."""

from unison_cache.cache import Cache, LocalTier

__all__ = ["Cache", "LocalTier"]

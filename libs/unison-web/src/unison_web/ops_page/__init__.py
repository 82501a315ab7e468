"""Server-rendered ops pages: a service's own (``ops_page_routes``) and the pieces the
gateway's overview page reuses (layout, charts, traffic tiles, recent errors)."""

from unison_web.ops_page.routes import ops_page_routes

__all__ = ["ops_page_routes"]

"""``/api/search/admin/settings``: the organization's search language (admins)."""

from __future__ import annotations

from litestar import Response, Router, get, put
from litestar.params import JSONBody

from search.http import BASE, Db, IfMatch, Who, required_version, tagged
from search.language import service
from search.language.models import SearchSettings, SettingsChange


@get("/admin/settings")
async def get_settings(db: Db, caller: Who) -> Response[SearchSettings]:
    """The organization's language (stemming of documents and queries) and index size."""
    found = await service.get(db, caller)
    return tagged(found, found.version)


@put("/admin/settings")
async def put_settings(
    db: Db, caller: Who, data: JSONBody[SettingsChange], if_match: IfMatch = None
) -> Response[SearchSettings]:
    """Change the language (If-Match: the version read). Queries use it at once; a job
    (``reindex_href``) indexes the documents again."""
    changed = await service.change(db, caller, data, required_version(if_match))
    return tagged(changed, changed.version)


def language_router() -> Router:
    return Router(path=BASE, tags=["settings"], route_handlers=[get_settings, put_settings])

"""The organization's search language."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

Language = Literal["english", "german"]


class SearchSettings(msgspec.Struct, kw_only=True):
    language: Language
    documents: int
    version: int
    updated_at: datetime | None
    # The job re-indexing the documents after a change of language.
    reindex_job_id: UUID | None = None
    reindex_href: str | None = None


class SettingsChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    language: Language

"""OpenAPI schemas for types Litestar documents wrongly.

Litestar 2 documents ``datetime.time`` as ``format: duration`` (ISO 8601 durations such as
``PT8H``), while msgspec reads and writes a time of day (``06:00:00``): a client generated
from the document, or a validator such as schemathesis, would reject every real value.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

# RFC 3339's partial-time, an offset allowed (msgspec writes one for an aware time).
TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$"


class TimeOfDaySchema(OpenAPISchemaPlugin):
    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is time

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            type=OpenAPIType.STRING,
            pattern=TIME_OF_DAY,
            description="time of day, HH:MM:SS",
            examples=["06:00:00"],
        )

"""The base every event contract extends: an id, the organization, the time, a version."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID

import msgspec

_last = [0, 0]  # millisecond and 12-bit counter of the last id made in this process


def uuid7() -> UUID:
    """A time-ordered UUID (RFC 9562 version 7), strictly increasing within a process.

    Ids made in the same millisecond count up in the 12 ``rand_a`` bits (the RFC's
    "fixed-length dedicated counter" method), so ordering by id is ordering by creation.
    """
    millis = time.time_ns() // 1_000_000
    if millis <= _last[0]:
        millis, counter = _last[0], _last[1] + 1
        if counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next millisecond
            millis, counter = millis + 1, 0
    else:
        counter = int.from_bytes(os.urandom(2), "big") & 0x7FF  # leave room to count up
    _last[0], _last[1] = millis, counter
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return UUID(int=value)


def _now() -> datetime:
    return datetime.now(UTC)


class Event(msgspec.Struct, kw_only=True, frozen=True):
    """``topic`` names the event as ``<service>.<entity>.<verb>`` in the past tense."""

    topic: ClassVar[str]
    v: int = 1
    id: UUID = msgspec.field(default_factory=uuid7)
    organization_id: UUID
    occurred_at: datetime = msgspec.field(default_factory=_now)
    plant_id: UUID | None = None


class EventTypes:
    """Decoders by topic: the handler table of a consumer knows which Struct to expect."""

    def __init__(self, *types: type[Event]) -> None:
        self._by_topic: dict[str, type[Event]] = {}
        self._decoders: dict[str, msgspec.json.Decoder[Event]] = {}
        for cls in types:
            self._by_topic[cls.topic] = cls
            self._decoders[cls.topic] = msgspec.json.Decoder(cls)

    def decode(self, topic: str, body: bytes | str) -> Event:
        decoder = self._decoders.get(topic)
        if decoder is None:
            raise KeyError(f"no contract for topic {topic!r}")
        return decoder.decode(body)

    def __contains__(self, topic: str) -> bool:
        return topic in self._by_topic

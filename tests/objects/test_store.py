"""The object store client against the real SeaweedFS of the test stack: a round trip,
streamed multipart uploads, presigned links that work and then expire, and requests
without a valid signature refused."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from unison_objects import ObjectStore, ObjectTooLarge, keys, new_key
from unison_objects.store import PART_BYTES


async def _chunks(total: int, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        yield bytes([sent // size % 251]) * piece
        sent += piece


async def test_an_object_goes_in_and_comes_back_whole(object_store: ObjectStore) -> None:
    key = new_key(uuid.uuid4(), "quality", "ncr-files")
    body = bytes(range(256)) * 1000
    stored = await object_store.put(key, body, "image/png")
    assert (stored.key, stored.size_bytes) == (key, len(body))
    assert await object_store.get(key) == body
    streamed = b"".join([c async for c in object_store.stream(key, chunk_bytes=10_000)])
    assert streamed == body
    info = await object_store.stat(key)
    assert info is not None and (info.size_bytes, info.content_type) == (len(body), "image/png")
    assert await object_store.delete([key]) == 1
    assert await object_store.stat(key) is None


async def test_a_stream_larger_than_a_part_is_uploaded_in_parts(object_store: ObjectStore) -> None:
    key = new_key(uuid.uuid4(), "inventory", "exports")
    total = PART_BYTES + 3 * 1024 * 1024 + 17  # two parts, the last one short
    stored = await object_store.put_stream(key, _chunks(total), "text/csv")
    assert stored.size_bytes == total
    # A multipart object's ETag is "<md5 of the part md5s>-<parts>".
    assert stored.etag.endswith("-2")
    received = 0
    async for chunk in object_store.stream(key):
        received += len(chunk)
    assert received == total
    await object_store.delete([key])


async def test_a_stream_past_its_limit_stores_nothing(object_store: ObjectStore) -> None:
    key = new_key(uuid.uuid4(), "inventory", "exports")
    with pytest.raises(ObjectTooLarge):
        await object_store.put_stream(key, _chunks(3 * 1024 * 1024), "text/csv", max_bytes=2**21)
    assert await object_store.stat(key) is None


async def test_a_presigned_link_works_until_it_expires(object_store: ObjectStore) -> None:
    key = new_key(uuid.uuid4(), "maintenance", "equipment-documents")
    await object_store.put(key, b"%PDF-1.4 manual", "application/pdf")
    url = object_store.link(
        key, filename="Handbuch ä.pdf", content_type="application/pdf", seconds=2
    )
    async with httpx.AsyncClient() as http:
        fetched = await http.get(url)
        assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 manual"
        assert "filename*=UTF-8''Handbuch%20%C3%A4.pdf" in fetched.headers["content-disposition"]
        assert fetched.headers["content-type"] == "application/pdf"
        await asyncio.sleep(3.5)  # past the link's lifetime (signatures count whole seconds)
        expired = await http.get(url)
        assert expired.status_code == 403 and b"expired" in expired.content
    await object_store.delete([key])


async def test_the_store_refuses_requests_without_a_valid_signature(
    object_store: ObjectStore,
) -> None:
    key = new_key(uuid.uuid4(), "quality", "ncr-files")
    await object_store.put(key, b"secret", "text/plain")
    url = object_store.link(key, filename="a.txt", content_type="text/plain")
    async with httpx.AsyncClient() as http:
        bare = url.split("?", 1)[0]
        assert (await http.get(bare)).status_code == 403
        # The signature covers the key: the same query on another key is refused.
        other = new_key(uuid.uuid4(), "quality", "ncr-files")
        await object_store.put(other, b"other", "text/plain")
        forged = url.replace(key, other)
        assert (await http.get(forged)).status_code == 403
    await object_store.delete([key, other])


def test_keys_lead_with_the_organization_and_sort_by_time() -> None:
    org = uuid.uuid4()
    first = new_key(org, "quality", "ncr-files")
    bound = keys.window_key(org, "quality", "ncr-files", 2_000_000_000_000)  # year 2033
    assert first.startswith(f"org/{org}/quality/ncr-files/")
    assert keys.belongs_to(first, org) and not keys.belongs_to(first, uuid.uuid4())
    assert first < bound
    made = keys.uuid7()
    assert made.version == 7 and made.variant == uuid.RFC_4122
    with pytest.raises(ValueError, match="not a key part"):
        new_key(org, "../quality", "x")

"""The object store: put, get, stream, delete, list and presigned links, over S3.

``minio`` is a blocking client, so each call runs in a worker thread (``to_thread``) and
the event loop never waits on the network. Its connection pool (urllib3) is thread-safe
and shared by those threads.
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import msgspec
import structlog
import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error, ServerError

from unison_objects.settings import ObjectStoreSettings
from unison_web.errors import DomainError, NotFound

T = TypeVar("T")

log = structlog.get_logger("unison_objects")

# Parts of a multipart upload: S3 wants at least 5 MiB; 16 MiB keeps a 1 GB export at
# 64 parts. A stream is spooled in memory up to SPOOL_BYTES, then to a temporary file.
PART_BYTES = 16 * 1024 * 1024
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 256 * 1024


class ObjectTooLarge(Exception):
    """A stream went past the size it was allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class StoreUnavailable(DomainError):
    """The store did not answer (a 503 to the caller, who may retry)."""

    status = 503
    title = "Service unavailable"


class ObjectMissing(NotFound):
    """A row points to an object the store does not have."""


_MISSING = ("NoSuchKey", "NoSuchObject", "NoSuchBucket")


async def _in_thread(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call`` in a worker thread; a store that does not answer is StoreUnavailable, a
    missing object ObjectMissing."""
    try:
        return await asyncio.to_thread(call, *args, **kwargs)
    except S3Error as exc:
        if exc.code in _MISSING:
            log.error("object_missing", resource=exc.resource, code=exc.code)
            raise ObjectMissing("the file's content is missing from the object store") from exc
        raise
    except (urllib3.exceptions.HTTPError, OSError, ServerError) as exc:
        log.warning("object_store_unavailable", error=str(exc))
        raise StoreUnavailable("the object store is not reachable; retry") from exc


class StoredObject(msgspec.Struct, frozen=True):
    key: str
    size_bytes: int
    etag: str


class ObjectInfo(msgspec.Struct, frozen=True):
    key: str
    size_bytes: int
    content_type: str
    last_modified: datetime | None


def _client(url: str, settings: ObjectStoreSettings, http: urllib3.PoolManager) -> Minio:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) endpoint: {url!r}")
    return Minio(
        parts.netloc,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=parts.scheme == "https",
        # Set, so presigning never asks the server for the bucket's region.
        region=settings.region,
        http_client=http,
    )


class ObjectStore:
    def __init__(self, settings: ObjectStoreSettings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._http = urllib3.PoolManager(
            num_pools=4,
            maxsize=16,
            timeout=urllib3.Timeout(connect=5.0, read=60.0),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=(500, 502, 503)),
        )
        self._s3 = _client(settings.endpoint, settings, self._http)
        self._public = _client(settings.public_endpoint or settings.endpoint, settings, self._http)
        self._bucket_checked = False

    async def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (the first start of a fresh store)."""

        def ensure() -> None:
            if not self._s3.bucket_exists(self.bucket):
                try:
                    self._s3.make_bucket(self.bucket)
                    log.info("bucket_created", bucket=self.bucket)
                except S3Error as exc:  # another process made it first
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

        await _in_thread(ensure)
        self._bucket_checked = True

    async def ready(self) -> bool:
        """The store answers and the bucket is there."""
        try:
            return await asyncio.to_thread(self._s3.bucket_exists, self.bucket)
        except (S3Error, urllib3.exceptions.HTTPError, OSError):
            return False

    async def put(self, key: str, content: bytes, content_type: str) -> StoredObject:
        return await self._put(key, io.BytesIO(content), len(content), content_type)

    async def put_stream(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        content_type: str,
        *,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Spool ``chunks`` (memory, then a temporary file), then upload in parts: a big
        export never sits in memory whole. ``ObjectTooLarge`` past ``max_bytes``, with
        nothing written."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            size = 0
            async for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise ObjectTooLarge(max_bytes)
                await asyncio.to_thread(spool.write, chunk)
            spool.seek(0)
            return await self._put(key, spool, size, content_type)

    async def put_file(self, key: str, path: Path, content_type: str) -> StoredObject:
        """Upload a file on disk in parts, read as it is sent (never whole in memory)."""
        with path.open("rb") as data:
            size = os.fstat(data.fileno()).st_size
            return await self._put(key, data, size, content_type)

    async def fetch_file(self, key: str, target: Path) -> int:
        """Write the object to ``target`` as it arrives, a chunk at a time; its size."""
        size = 0
        with target.open("wb") as out:
            async for chunk in self.stream(key):
                await asyncio.to_thread(out.write, chunk)
                size += len(chunk)
        return size

    async def _put(self, key: str, data: IO[bytes], size: int, content_type: str) -> StoredObject:
        if not self._bucket_checked:
            await self.ensure_bucket()
        result = await _in_thread(
            self._s3.put_object,
            self.bucket,
            key,
            data,
            size,
            content_type=content_type,
            part_size=PART_BYTES,
        )
        log.debug("object_put", key=key, size=size)
        return StoredObject(key, size, result.etag or "")

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            response = self._s3.get_object(self.bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        return await _in_thread(read)

    async def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> AsyncIterator[bytes]:
        """The object's bytes in chunks, each read in a thread (the first read opens it,
        so a missing object fails before anything is sent)."""
        response = await _in_thread(self._s3.get_object, self.bucket, key)
        try:
            while True:
                chunk = await _in_thread(response.read, chunk_bytes)
                if not chunk:
                    return
                yield bytes(chunk)
        finally:
            response.close()
            response.release_conn()

    async def stat(self, key: str) -> ObjectInfo | None:
        def stat() -> ObjectInfo | None:
            try:
                found = self._s3.stat_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in ("NoSuchKey", "NoSuchObject", "NoSuchBucket"):
                    return None
                raise
            return ObjectInfo(key, found.size or 0, found.content_type or "", found.last_modified)

        return await _in_thread(stat)

    async def delete(self, keys: Iterable[str]) -> int:
        """Delete these objects (missing ones are no error); how many were asked for."""
        wanted = [DeleteObject(k) for k in keys]
        if not wanted:
            return 0

        def remove() -> list[Any]:
            # The errors come lazily: iterating sends the batched delete requests.
            return list(self._s3.remove_objects(self.bucket, wanted))

        errors = await _in_thread(remove)
        if errors:
            raise RuntimeError(f"{len(errors)} objects were not deleted: {errors[0]}")
        return len(wanted)

    async def list_keys(
        self, prefix: str, *, start_after: str | None = None, limit: int = 1000
    ) -> list[str]:
        """Up to ``limit`` keys under ``prefix`` in key order, after ``start_after``."""

        def listing() -> list[str]:
            found: list[str] = []
            for obj in self._s3.list_objects(
                self.bucket, prefix=prefix, recursive=True, start_after=start_after
            ):
                if obj.object_name is not None:
                    found.append(obj.object_name)
                if len(found) >= limit:
                    break
            return found

        return await _in_thread(listing)

    def link(
        self, key: str, *, filename: str, content_type: str, seconds: int | None = None
    ) -> str:
        """A presigned GET link that works for ``seconds`` (the settings' default), naming
        the file for the browser. Signing is local: no request is sent."""
        from unison_objects.downloads import content_disposition

        return self._public.presigned_get_object(
            self.bucket,
            key,
            expires=timedelta(seconds=seconds or self.settings.link_seconds),
            response_headers={
                "response-content-disposition": content_disposition(filename),
                "response-content-type": content_type,
            },
        )

    def close(self) -> None:
        self._http.clear()

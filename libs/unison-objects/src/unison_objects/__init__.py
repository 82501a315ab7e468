"""Files in S3-compatible object storage (SeaweedFS embedded, MinIO in Compose): keys
under each organization's prefix, uploads checked before they are stored, downloads
streamed or presigned, and the sweep that removes objects no row points to."""

from unison_objects.downloads import DownloadLink, content_disposition, link, streamed
from unison_objects.files import (
    Objects,
    StoredFile,
    StoreNotConfigured,
    presigned,
    provide_objects,
    send,
)
from unison_objects.keys import belongs_to, new_key, prefix
from unison_objects.settings import ObjectStoreSettings, load_settings
from unison_objects.store import (
    ObjectInfo,
    ObjectMissing,
    ObjectStore,
    ObjectTooLarge,
    StoredObject,
    StoreUnavailable,
)
from unison_objects.sweep import SweepPlan, delete_now, sweep, sweeper
from unison_objects.uploads import PayloadTooLarge, UnsupportedMediaType, Upload, receive

__all__ = [
    "DownloadLink",
    "ObjectInfo",
    "ObjectMissing",
    "ObjectStore",
    "ObjectStoreSettings",
    "ObjectTooLarge",
    "Objects",
    "PayloadTooLarge",
    "StoreNotConfigured",
    "StoreUnavailable",
    "StoredFile",
    "StoredObject",
    "SweepPlan",
    "UnsupportedMediaType",
    "Upload",
    "belongs_to",
    "content_disposition",
    "delete_now",
    "link",
    "load_settings",
    "new_key",
    "prefix",
    "presigned",
    "provide_objects",
    "receive",
    "send",
    "streamed",
    "sweep",
    "sweeper",
]

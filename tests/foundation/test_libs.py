"""Pure behaviour of the shared libraries: settings, named SQL, cursors, error pointers."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from unison_config import SettingsError, load
from unison_pg import Queries
from unison_web.errors import Invalid, _pointer
from unison_web.paging import decode_cursor, encode_cursor


class _Settings(msgspec.Struct, frozen=True):
    database_url: str
    http_port: int = 8000


def test_settings_fail_at_start_naming_the_missing_variable() -> None:
    with pytest.raises(SettingsError, match="UNISON_DATABASE_URL"):
        load(_Settings, prefix="UNISON_", environ={})


def test_settings_fail_at_start_naming_the_malformed_variable() -> None:
    env = {"UNISON_DATABASE_URL": "postgresql://x", "UNISON_HTTP_PORT": "eighty"}
    with pytest.raises(SettingsError, match="UNISON_HTTP_PORT"):
        load(_Settings, prefix="UNISON_", environ=env)


def test_settings_convert_strings_to_their_types() -> None:
    env = {"UNISON_DATABASE_URL": "postgresql://x", "UNISON_HTTP_PORT": "8101"}
    assert load(_Settings, prefix="UNISON_", environ=env).http_port == 8101


def test_named_queries_keep_statements_and_drop_their_descriptions(tmp_path: Path) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("-- name: one\n-- Returns one.\nSELECT 1;\n\n-- name: two\nSELECT 2\nFROM x;\n")
    queries = Queries.load(sql)
    assert queries.one == "SELECT 1"
    assert queries.two == "SELECT 2\nFROM x"
    with pytest.raises(AttributeError, match="no query 'three'"):
        _ = queries.three


def test_a_query_name_used_twice_is_refused(tmp_path: Path) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("-- name: one\nSELECT 1;\n-- name: one\nSELECT 2;\n")
    with pytest.raises(ValueError, match="defined twice"):
        Queries.load(sql)


def test_a_cursor_round_trips_and_a_forged_one_is_invalid() -> None:
    cursor = encode_cursor(["M-100", "0190a0c4-0000-7000-8000-000000000000"])
    assert decode_cursor(cursor, 2) == ["M-100", "0190a0c4-0000-7000-8000-000000000000"]
    with pytest.raises(Invalid):
        decode_cursor("not-a-cursor!!", 2)
    with pytest.raises(Invalid):
        decode_cursor(cursor, 3)


def test_validation_locations_become_json_pointers() -> None:
    assert _pointer("$.number") == "/number"
    assert _pointer("$.lines[0].qty") == "/lines/0/qty"
    assert _pointer("a/b") == "/a~1b"


def test_uuid7_ids_strictly_increase_even_within_one_millisecond() -> None:
    from unison_bus import uuid7

    ids = [uuid7() for _ in range(10_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(i.version == 7 for i in ids[:10])


def test_a_verified_token_is_remembered_only_until_it_expires() -> None:
    import time
    import uuid

    from unison_auth import Principal
    from unison_auth.cache import VerifiedTokens

    cache = VerifiedTokens(max_entries=2)
    live = Principal("user:a", uuid.uuid4(), (), ("viewer",), "j1", expires_at=time.time() + 60)
    dead = Principal("user:b", uuid.uuid4(), (), ("viewer",), "j2", expires_at=time.time() - 1)
    cache.put("token-live", live)
    cache.put("token-dead", dead)
    assert cache.get("token-live") == live
    assert cache.get("token-dead") is None
    assert cache.get("token-live-but-different") is None
    cache.put("t3", live)
    cache.put("t4", live)  # beyond two entries, the least recently used goes
    assert cache.get("token-live") is None


def test_a_served_process_freezes_its_start_up_heap_and_collects_young_objects_less_often() -> None:
    import gc

    from unison_web.serve import YOUNG_GENERATION, tune_gc

    threshold = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold()[0] == YOUNG_GENERATION
        assert gc.get_threshold()[1:] == threshold[1:]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)

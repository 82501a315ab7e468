"""Settings come from UNISON_* variables and stop start-up naming what is wrong."""

from __future__ import annotations

import pytest

from gateway.settings import load_settings
from unison_config import SettingsError


def test_settings_load_with_defaults_for_everything_but_the_database() -> None:
    settings = load_settings({"UNISON_DATABASE_URL": "postgresql://gw@127.0.0.1/unison"})
    assert settings.http_port == 8000
    assert settings.jwt_issuer == "unison-gateway"
    assert settings.jwt_audience == "unison"
    assert settings.services["inventory"] == "http://127.0.0.1:8101"
    assert len(settings.ready_targets) == 12  # six services and six workers


def test_service_urls_are_parsed_from_name_equals_url_pairs() -> None:
    settings = load_settings(
        {
            "UNISON_DATABASE_URL": "postgresql://x",
            "UNISON_SERVICE_URLS": " inventory=http://10.0.0.5:8101/ , search=https://s.example",
            "UNISON_ACCESS_TOKEN_TTL": "300",
        }
    )
    assert settings.services == {
        "inventory": "http://10.0.0.5:8101",
        "search": "https://s.example",
    }
    assert settings.access_token_ttl == 300


def test_a_missing_database_url_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="UNISON_DATABASE_URL"):
        load_settings({})


@pytest.mark.parametrize("value", ["inventory", "inventory=ftp://x", "a=http://x,a=http://y"])
def test_malformed_service_urls_name_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match="UNISON_SERVICE_URLS"):
        load_settings({"UNISON_DATABASE_URL": "postgresql://x", "UNISON_SERVICE_URLS": value})


def test_a_malformed_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="UNISON_HTTP_PORT"):
        load_settings({"UNISON_DATABASE_URL": "postgresql://x", "UNISON_HTTP_PORT": "eighty"})

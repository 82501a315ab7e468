"""Settings come from UNISON_* variables once; a bad one stops start-up and names itself."""

from __future__ import annotations

import pytest

from inventory.settings import load
from unison_config import SettingsError

REQUIRED = {
    "UNISON_DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/unison",
    "UNISON_JWKS_URL": "http://127.0.0.1:8000/auth/jwks.json",
}


def test_settings_have_loopback_defaults_for_all_but_database_and_keys() -> None:
    settings = load(REQUIRED)
    assert settings.http_host == "127.0.0.1"
    assert settings.http_port == 8101
    assert settings.jwt_issuer == "unison-gateway"
    assert settings.jwt_audience == "unison"
    assert settings.pool_max == 10


def test_settings_read_every_field_from_its_variable() -> None:
    settings = load(
        {
            **REQUIRED,
            "UNISON_HTTP_PORT": "9101",
            "UNISON_JWKS_URL": "http://gateway/auth/jwks.json",
            "UNISON_POOL_MAX": "4",
            "UNISON_LOG_LEVEL": "DEBUG",
        }
    )
    assert (settings.http_port, settings.pool_max, settings.log_level) == (9101, 4, "DEBUG")
    assert settings.jwks_url == "http://gateway/auth/jwks.json"


@pytest.mark.parametrize("variable", sorted(REQUIRED))
def test_a_missing_required_setting_names_the_variable(variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load({k: v for k, v in REQUIRED.items() if k != variable})


def test_a_malformed_port_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="UNISON_HTTP_PORT"):
        load({**REQUIRED, "UNISON_HTTP_PORT": "eighty"})

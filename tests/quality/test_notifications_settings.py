"""The worker's SMTP settings: read once from ``UNISON_SMTP_*``, defaults for the demo
stack's local sink, and a malformed value stops start-up naming the variable."""

from __future__ import annotations

import pytest

from quality.notifications.settings import SmtpSettings
from unison_config import SettingsError, load

PREFIX = "UNISON_SMTP_"


def test_without_variables_the_worker_sends_to_the_local_sink_in_plain_smtp() -> None:
    settings = load(SmtpSettings, prefix=PREFIX, environ={})
    assert (settings.host, settings.port, settings.security) == ("127.0.0.1", 2525, "none")
    assert (settings.username, settings.password) == (None, None)
    assert settings.from_address == "quality@unison.local"


def test_a_relay_with_starttls_and_a_login_is_read_from_the_environment() -> None:
    environ = {
        "UNISON_SMTP_HOST": "mail.plant.example",
        "UNISON_SMTP_PORT": "587",
        "UNISON_SMTP_SECURITY": "starttls",
        "UNISON_SMTP_USERNAME": "quality",
        "UNISON_SMTP_PASSWORD": "s3cret",
        "UNISON_SMTP_FROM_ADDRESS": "qm@plant.example",
        "UNISON_SMTP_TIMEOUT": "12.5",
    }
    assert load(SmtpSettings, prefix=PREFIX, environ=environ) == SmtpSettings(
        host="mail.plant.example",
        port=587,
        security="starttls",
        username="quality",
        password="s3cret",
        from_address="qm@plant.example",
        timeout=12.5,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("UNISON_SMTP_PORT", "smtp"),
        ("UNISON_SMTP_PORT", "70000"),
        ("UNISON_SMTP_SECURITY", "tls"),
        ("UNISON_SMTP_FROM_ADDRESS", "quality"),
        ("UNISON_SMTP_TIMEOUT", "0"),
    ],
)
def test_a_malformed_setting_stops_start_up_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load(SmtpSettings, prefix=PREFIX, environ={variable: value})


def test_a_password_without_a_username_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="username and password"):
        load(SmtpSettings, prefix=PREFIX, environ={"UNISON_SMTP_PASSWORD": "s3cret"})

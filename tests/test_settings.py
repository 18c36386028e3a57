from __future__ import annotations

import pytest
from pydantic import ValidationError

from catalog.config import CatalogSettings
from infra.redis import RedisSettings
from webhook.config import AppSettings, check_production_backends


def test_development_runs_on_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NZILA_ENV", raising=False)
    settings = AppSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "development"
    assert CatalogSettings(_env_file=None).database_url.startswith("sqlite:///")  # type: ignore[call-arg]


def test_production_refuses_a_plain_http_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NZILA_ENV", "production")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://nzila.example")
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL must be an https URL"):
        AppSettings(_env_file=None)  # type: ignore[call-arg]


def test_production_starts_with_an_https_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NZILA_ENV", "production")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://nzila.example")
    assert AppSettings(_env_file=None).environment == "production"  # type: ignore[call-arg]


def test_production_needs_postgresql_and_a_redis_server() -> None:
    problems = check_production_backends(
        CatalogSettings(database_url="sqlite:///x.db"), RedisSettings(redis_url=None)
    )
    assert problems == [
        "DATABASE_URL must point at PostgreSQL in production",
        "REDIS_URL must be set in production (no embedded Redis)",
    ]
    assert not check_production_backends(
        CatalogSettings(database_url="postgresql+psycopg://db/nzila"),
        RedisSettings(redis_url="redis://127.0.0.1:6379/0"),
    )


def test_production_needs_real_secrets_for_every_enabled_channel() -> None:
    from bots.config import ChannelSettings

    channels = ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        channels=["telegram", "whatsapp"],
        telegram_bot_token="123:real",
        telegram_webhook_secret="real-secret",
        whatsapp_access_token="real-token",
    )
    problems = check_production_backends(
        CatalogSettings(database_url="postgresql+psycopg://db/nzila"),
        RedisSettings(redis_url="redis://127.0.0.1:6379/0"),
        channels,
    )
    assert problems == [
        "WHATSAPP_APP_SECRET still has its development value",
        "WHATSAPP_VERIFY_TOKEN still has its development value",
    ]  # Twilio is not enabled, so its development secrets do not matter


def test_production_refuses_the_development_rasa_token() -> None:
    from dialogs.config import DialogSettings

    problems = check_production_backends(
        CatalogSettings(database_url="postgresql+psycopg://db/nzila"),
        RedisSettings(redis_url="redis://127.0.0.1:6379/0"),
        None,
        DialogSettings(_env_file=None),  # type: ignore[call-arg]
    )
    assert problems == ["RASA_AUTH_TOKEN still has its development value"]

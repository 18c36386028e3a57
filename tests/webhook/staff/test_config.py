"""The staff API's settings: production refuses the development token and short ones."""

from __future__ import annotations

from pydantic import SecretStr

from catalog.config import CatalogSettings
from infra.redis import RedisSettings
from tests.webhook.staff.support import TOKEN
from webhook.config import check_production_backends
from webhook.staff.config import StaffApiSettings


def test_production_refuses_the_development_staff_token() -> None:
    backends = (
        CatalogSettings(database_url="postgresql+psycopg://db/nzila"),
        RedisSettings(redis_url="redis://127.0.0.1:6379/0"),
    )
    development = StaffApiSettings(_env_file=None)  # type: ignore[call-arg]
    short = StaffApiSettings(_env_file=None, staff_api_token=SecretStr("short"))  # type: ignore[call-arg]
    real = StaffApiSettings(_env_file=None, staff_api_token=SecretStr(TOKEN))  # type: ignore[call-arg]

    assert check_production_backends(*backends, staff_api=development) == [
        "STAFF_API_TOKEN still has its development value"
    ]
    assert check_production_backends(*backends, staff_api=short) == [
        "STAFF_API_TOKEN must be at least 32 characters"
    ]
    assert check_production_backends(*backends, staff_api=real) == []

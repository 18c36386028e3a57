from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from catalog.config import CatalogSettings
from dialogs.config import DialogSettings
from infra.redis import RedisSettings
from tests.factories import make_dealer, make_vehicle
from tests.rasa_stack import RasaStack
from webhook.app import create_app
from webhook.config import AppSettings


def redis_settings(tmp_path: Path) -> RedisSettings:
    url = os.environ.get("REDIS_URL")
    return RedisSettings(redis_url=url, redis_embedded_path=tmp_path / "redis" / "t.rdb")


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        AppSettings(_env_file=None),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings(tmp_path),
    )
    with TestClient(app) as test_client:
        yield test_client


def test_healthz_answers_without_touching_backends(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_the_database_redis_and_rasa(
    database_url: str, tmp_path: Path, rasa_stack: RasaStack
) -> None:
    app = create_app(
        AppSettings(_env_file=None),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        redis_settings(tmp_path),
        dialog_settings=DialogSettings(
            _env_file=None,  # type: ignore[call-arg]
            rasa_url=rasa_stack.base_url,
            rasa_auth_token=rasa_stack.auth_token,
        ),
    )
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": True, "redis": True, "rasa": True}


def test_readyz_says_503_when_redis_is_unreachable(database_url: str, tmp_path: Path) -> None:
    app = create_app(
        AppSettings(_env_file=None),  # type: ignore[call-arg]
        CatalogSettings(database_url=database_url, media_dir=tmp_path / "media"),
        RedisSettings(redis_url="redis://127.0.0.1:1/0"),
        dialog_settings=DialogSettings(_env_file=None, rasa_url="http://127.0.0.1:1"),  # type: ignore[call-arg]
    )
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "redis": False, "rasa": False}


def test_metrics_expose_webhook_outcomes_and_queue_depth(client: TestClient) -> None:
    client.post("/webhooks/telegram", json={"update_id": 1})  # no secret header: refused
    text = client.get("/metrics").text
    assert 'nzila_webhooks_total{channel="telegram",outcome="bad_signature"}' in text
    assert "nzila_queue_depth " in text


def test_the_front_page_searches_and_explains_typos(
    client: TestClient, db_session: Session
) -> None:
    dealer = make_dealer(db_session)
    make_vehicle(db_session, dealer, make="Toyota", model="Corolla", price_cents=7_250_00)
    make_vehicle(db_session, dealer, make="Honda", model="Accord")
    db_session.commit()
    page = client.get("/", params={"q": "Toyta Corola"})
    assert page.status_code == 200
    assert "2015 Toyota Corolla LE" in page.text
    assert "$7,250" in page.text
    assert "Accord" not in page.text
    assert "you typed “toyta”" in page.text


def test_the_front_page_explains_a_broken_page_link(client: TestClient) -> None:
    page = client.get("/", params={"cursor": "garbage"})
    assert page.status_code == 200
    assert "this page link is damaged" in page.text

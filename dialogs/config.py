"""Where the Rasa server and the action server run, and where trained models go."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.tracker_store import TRACKER_DB, replica_tracker_db, tracker_store_url
from infra.settings import DEV_SECRET_PREFIX, PROJECT_ROOT


class DialogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    rasa_url: str = Field(default="http://127.0.0.1:5005", description="The Rasa server.")
    rasa_replica_urls: list[str] = Field(
        default=[],
        description="More Rasa servers (replicas) besides RASA_URL, as a JSON list; each "
        "conversation is pinned to one of them.",
    )
    rasa_auth_token: SecretStr = Field(
        default=SecretStr(DEV_SECRET_PREFIX + "rasa-token"),
        description="Rasa's --auth-token for its HTTP API (pause/resume, trackers).",
    )
    action_server_port: int = Field(default=5055, ge=1, le=65535)
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where our web pages are, for links the bot sends (the same PUBLIC_BASE_URL "
        "the web app reads).",
    )
    history_provider_url: str | None = Field(
        default=None,
        description="A vehicle history service (Carfax-like) answering GET <url>/<VIN>; unset: "
        "history comes from what the catalog knows.",
    )
    history_provider_token: SecretStr | None = Field(
        default=None, description="The history service's bearer token."
    )
    # Rasa's tracker store, as dialogs/endpoints.yml reads it (erasure deletes from it too).
    rasa_tracker_dialect: str = "sqlite"
    rasa_tracker_db: str = str(PROJECT_ROOT / TRACKER_DB)
    rasa_tracker_url: str = ""
    rasa_models_dir: Path = PROJECT_ROOT / "var" / "rasa" / "models"
    rasa_bin: Path = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"

    @property
    def rasa_urls(self) -> list[str]:
        return [self.rasa_url, *self.rasa_replica_urls]

    def tracker_store_urls(self) -> list[str]:
        """Where each Rasa server keeps conversations: one database, or with local SQLite a file
        per replica (as `nzila up` starts them)."""
        stores = []
        for number in range(len(self.rasa_urls)):
            db = self.rasa_tracker_db
            if self.rasa_tracker_dialect == "sqlite" and not self.rasa_tracker_url:
                db = replica_tracker_db(db, number)
            stores.append(
                tracker_store_url(
                    {
                        "RASA_TRACKER_DIALECT": self.rasa_tracker_dialect,
                        "RASA_TRACKER_DB": db,
                        "RASA_TRACKER_URL": self.rasa_tracker_url,
                    }
                )
            )
        return list(dict.fromkeys(stores))

    @property
    def rasa_port(self) -> int:
        return int(self.rasa_url.rsplit(":", 1)[-1].split("/")[0])


@lru_cache
def get_dialog_settings() -> DialogSettings:
    return DialogSettings()

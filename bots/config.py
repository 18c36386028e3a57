"""Channel settings: provider credentials, webhook secrets and API base URLs.

Base URLs are configuration so that the local fake providers (`nzila fake-providers`) can stand
in for Telegram, Meta and Twilio; development defaults point at them on 127.0.0.1:8090.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.settings import DEV_SECRET_PREFIX

FAKE_PROVIDERS_URL = "http://127.0.0.1:8090"


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    channels: list[str] = Field(
        default=["telegram", "whatsapp", "twilio"],
        description="Channels this deployment serves (webhooks of the others answer 404).",
    )
    webhook_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    webhook_body_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Time a client has to send a webhook body once its headers are in (then 408).",
    )
    webhook_max_concurrent_bodies: int = Field(
        default=64,
        ge=1,
        description=(
            "Webhook bodies read at once per process (each holds up to webhook_max_body_bytes); "
            "more wait briefly, then get 503."
        ),
    )
    inbound_stream: str = Field(default="nzila:inbound", description="Redis stream of messages.")
    handoff_wait_seconds: float = Field(
        default=900.0,
        gt=0,
        description="How long a buyer's request for a person waits for an agent before the bot "
        "comes back (and says so); the request stays listed for staff.",
    )
    worker_metrics_port: int = Field(
        default=9101, ge=0, le=65535, description="The worker's /metrics on 127.0.0.1 (0: off)."
    )

    telegram_bot_token: SecretStr = SecretStr("123456:" + DEV_SECRET_PREFIX + "telegram-token")
    telegram_webhook_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "telegram-secret")
    telegram_bot_username: str = "NzilaDemoBot"
    telegram_api_base_url: str = FAKE_PROVIDERS_URL  # production: https://api.telegram.org

    whatsapp_app_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "meta-app-secret")
    whatsapp_verify_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "meta-verify-token")
    whatsapp_access_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "meta-access-token")
    whatsapp_phone_number_id: str = "100000000000001"
    whatsapp_display_number: str = Field(
        default="",
        description="The business number buyers see (E.164), for wa.me links on web pages; empty: "
        "no WhatsApp link (with Twilio, its sender number is used).",
    )
    whatsapp_api_base_url: str = FAKE_PROVIDERS_URL  # production: https://graph.facebook.com
    whatsapp_api_version: str = Field(default="v23.0", pattern=r"^v\d+\.\d+$")

    # Rate limits, shared by every process through Redis (bots.outbound.limits).
    telegram_messages_per_second: float = Field(
        default=30.0, gt=0, description="Telegram: messages a second from the bot, all chats."
    )
    telegram_chat_messages_per_second: float = Field(
        default=1.0, gt=0, description="Telegram: messages a second in one chat, after its burst."
    )
    telegram_chat_burst: int = Field(default=4, ge=1, description="Telegram: a chat's burst.")
    telegram_group_messages_per_minute: float = Field(
        default=20.0, gt=0, description="Telegram: messages a minute in one group chat."
    )
    whatsapp_messages_per_second: float = Field(
        default=80.0, gt=0, description="WhatsApp Cloud: messages a second per business number."
    )
    whatsapp_chat_messages_per_second: float = Field(
        default=1 / 6, gt=0, description="WhatsApp: messages a second to one user (pair rate)."
    )
    whatsapp_chat_burst: int = Field(
        default=40, ge=1, description="WhatsApp: burst to one user (Meta allows up to 45)."
    )
    twilio_messages_per_second: float = Field(
        default=80.0, gt=0, description="Twilio: messages a second per sender number."
    )
    twilio_chat_messages_per_second: float = Field(
        default=1 / 6, gt=0, description="Twilio: WhatsApp's pair rate applies behind it too."
    )
    twilio_chat_burst: int = Field(default=40, ge=1, description="Twilio: burst to one user.")

    twilio_account_sid: str = "AC" + "0" * 32
    twilio_auth_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "twilio-auth-token")
    twilio_whatsapp_from: str = "whatsapp:+14155238886"
    twilio_api_base_url: str = FAKE_PROVIDERS_URL  # production: https://api.twilio.com

    def development_secrets(self) -> list[str]:
        """Names of the secrets of enabled channels that still hold development values."""
        prefixes = tuple(f"{channel}_" for channel in self.channels)
        return [
            name.upper()
            for name, value in self.__dict__.items()
            if isinstance(value, SecretStr)
            and name.startswith(prefixes)
            and DEV_SECRET_PREFIX in value.get_secret_value()
        ]


@lru_cache
def get_channel_settings() -> ChannelSettings:
    return ChannelSettings()

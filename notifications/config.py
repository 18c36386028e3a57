"""Settings of alert delivery: retries, claims, the WhatsApp messaging tier, quiet hours, the
approved templates per kind and language, and where staff alerts go."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator

from infra.settings import NzilaSettings

TIERS = (250, 2_000, 10_000, 100_000)


class AlertSettings(NzilaSettings):
    alerts_max_attempts: int = Field(
        default=8, ge=1, description="Tries of an alert before it is dead-lettered."
    )
    alerts_retry_base_seconds: float = Field(
        default=2.0, gt=0, description="First retry delay; doubles each try, with jitter."
    )
    alerts_retry_max_seconds: float = Field(default=900.0, gt=0)
    alerts_batch_size: int = Field(default=50, ge=1, le=1000)
    alerts_lease_seconds: float = Field(
        default=120.0, gt=0, description="How long a worker holds the alerts it claimed."
    )
    alerts_poll_seconds: float = Field(
        default=0.2, gt=0, description="Pause between claims when nothing is due."
    )
    alerts_concurrency: int = Field(
        default=32,
        ge=1,
        description="Alerts a worker sends at once per channel (different recipients).",
    )
    alerts_rate_share: float = Field(
        default=1.0, gt=0, le=1,
        description="Share of each sending number's rate alerts may use. Alerts take only "
        "slots free now, so a buyer who is talking is answered first whatever the share; "
        "below 1 also keeps the rest of the rate for replies alone.",
    )  # fmt: skip
    whatsapp_messaging_tier: int | None = Field(
        default=250,
        description="Business-initiated conversations a rolling 24 h allows the business "
        "portfolio (250, 2000, 10000, 100000; empty: unlimited).",
    )
    alerts_tier_reserve: float = Field(
        default=0.1, ge=0, lt=1,
        description="Share of the tier kept for urgent kinds (outbid, ending soon, won...).",
    )  # fmt: skip
    alerts_quiet_start_hour: int = Field(default=21, ge=0, le=23)
    alerts_quiet_end_hour: int = Field(default=7, ge=0, le=23)
    alerts_templates: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="WhatsApp Cloud template names per kind and language, as JSON: "
        '{"auction.outbid": {"en": "outbid_v2"}}; a kind not named uses nzila_<kind> '
        "(auction.outbid: nzila_auction_outbid) in the buyer's language.",
    )
    alerts_template_languages: dict[str, str] = Field(
        default_factory=lambda: {"en": "en", "fr": "fr", "pt": "pt_BR"},
        description="Meta's language code of our templates per language.",
    )
    alerts_twilio_content_sids: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='Twilio Content SIDs per kind and language: {"auction.outbid": {"en": '
        '"HX..."}}; a kind without one cannot reach a Twilio buyer outside the window.',
    )
    alerts_staff_telegram_chat_id: int | None = Field(
        default=None, description="The staff group that hears about handoffs and template trouble."
    )

    @field_validator("whatsapp_messaging_tier")
    @classmethod
    def _a_real_tier(cls, value: int | None) -> int | None:
        if value is not None and value not in TIERS:
            raise ValueError(f"a messaging tier is one of {TIERS} (or empty: unlimited)")
        return value


@lru_cache
def get_alert_settings() -> AlertSettings:
    return AlertSettings()

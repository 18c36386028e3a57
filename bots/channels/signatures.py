"""Proof that a webhook request comes from the provider: every comparison in constant time."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bots.channels.errors import BadSignature, MissingSignature

META_SIGNATURE_PREFIX = "sha256="


def same_secret(given: str, expected: str) -> bool:
    """True when `given` equals `expected`, compared in constant time (any characters)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def verify_telegram_secret(header: str | None, secret: str) -> None:
    """Check Telegram's `X-Telegram-Bot-Api-Secret-Token` header against our webhook secret.

    Raises:
        MissingSignature: no header.
        BadSignature: a header with another value.
    """
    if not header:
        raise MissingSignature("no X-Telegram-Bot-Api-Secret-Token header")
    if not same_secret(header, secret):
        raise BadSignature("X-Telegram-Bot-Api-Secret-Token does not match")


def meta_signature(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta sends with `body`: 'sha256=' + HMAC-SHA256 hex."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return META_SIGNATURE_PREFIX + digest


def verify_meta_signature(header: str | None, body: bytes, app_secret: str) -> None:
    """Check Meta's `X-Hub-Signature-256` header against the HMAC of the raw body.

    Raises:
        MissingSignature: no header.
        BadSignature: a header that is not the body's HMAC with our app secret.
    """
    if not header:
        raise MissingSignature("no X-Hub-Signature-256 header")
    if not same_secret(header.strip().lower(), meta_signature(body, app_secret)):
        raise BadSignature("X-Hub-Signature-256 does not match the body")


def verify_twilio_signature(
    header: str | None, url: str, params: Mapping[str, str], auth_token: str
) -> None:
    """Check Twilio's `X-Twilio-Signature` over the public URL and the form parameters.

    Args:
        header: the `X-Twilio-Signature` value.
        url: the URL Twilio called, as Twilio saw it (public base URL, path, query string).
        params: the form fields; a multi-dict (`getlist`) keeps repeated fields.
        auth_token: the account's auth token.

    Raises:
        MissingSignature: no header.
        BadSignature: a signature that does not match.
    """
    if not header:
        raise MissingSignature("no X-Twilio-Signature header")
    if not RequestValidator(auth_token).validate(url, params, header):
        raise BadSignature("X-Twilio-Signature does not match")

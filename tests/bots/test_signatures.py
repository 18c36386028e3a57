from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bots.channels.errors import BadSignature, MissingSignature
from bots.channels.signatures import (
    meta_signature,
    same_secret,
    verify_meta_signature,
    verify_telegram_secret,
    verify_twilio_signature,
)

BODY = b'{"object":"whatsapp_business_account","entry":[]}'
APP_SECRET = "meta-app-secret"
URL = "https://nzila.example.com/webhooks/twilio"
FORM = {"MessageSid": "SM1", "From": "whatsapp:+233201234567", "Body": "Akwaaba"}
TOKEN = "twilio-auth-token"


def test_same_secret_compares_any_characters() -> None:
    assert same_secret("clé-secrète", "clé-secrète")
    assert not same_secret("clé-secrète", "cle-secrete")
    assert not same_secret("", "x")


def test_telegram_secret_must_match() -> None:
    verify_telegram_secret("s3cret_token", "s3cret_token")
    with pytest.raises(BadSignature) as refused:
        verify_telegram_secret("guess", "s3cret_token")
    assert not isinstance(refused.value, MissingSignature)


@pytest.mark.parametrize("header", [None, ""])
def test_telegram_secret_missing(header: str | None) -> None:
    with pytest.raises(MissingSignature):
        verify_telegram_secret(header, "s3cret_token")


def test_meta_signature_is_hmac_sha256_hex_of_the_raw_body() -> None:
    expected = hmac.new(APP_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert meta_signature(BODY, APP_SECRET) == f"sha256={expected}"
    verify_meta_signature(f"sha256={expected}", BODY, APP_SECRET)
    verify_meta_signature(f"sha256={expected.upper()}", BODY, APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [
        meta_signature(BODY, "another-secret"),
        meta_signature(BODY + b" ", APP_SECRET),  # re-serialised JSON is another body
        meta_signature(BODY, APP_SECRET).removeprefix("sha256="),
        "sha1=" + hmac.new(APP_SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
    ],
    ids=["wrong_secret", "other_body", "no_prefix", "sha1"],
)
def test_meta_signature_refused(header: str) -> None:
    with pytest.raises(BadSignature):
        verify_meta_signature(header, BODY, APP_SECRET)


def test_meta_signature_missing() -> None:
    with pytest.raises(MissingSignature):
        verify_meta_signature(None, BODY, APP_SECRET)


def twilio_signature(url: str, form: dict[str, str], token: str) -> str:
    """Twilio's documented algorithm, written out: base64 HMAC-SHA1 of URL + sorted fields."""
    signed = url + "".join(key + form[key] for key in sorted(form))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def test_twilio_signature_over_url_and_fields() -> None:
    signature = twilio_signature(URL, FORM, TOKEN)
    assert signature == RequestValidator(TOKEN).compute_signature(URL, FORM)
    verify_twilio_signature(signature, URL, FORM, TOKEN)


@pytest.mark.parametrize(
    ("url", "form", "token"),
    [
        ("http://10.0.0.5:8000/webhooks/twilio", FORM, TOKEN),  # the URL behind the proxy
        (URL, FORM | {"Body": "changed"}, TOKEN),
        (URL, FORM, "another-token"),
    ],
    ids=["other_url", "other_fields", "other_token"],
)
def test_twilio_signature_refused(url: str, form: dict[str, str], token: str) -> None:
    with pytest.raises(BadSignature):
        verify_twilio_signature(twilio_signature(url, form, token), URL, FORM, TOKEN)


def test_twilio_signature_missing() -> None:
    with pytest.raises(MissingSignature):
        verify_twilio_signature("", URL, FORM, TOKEN)

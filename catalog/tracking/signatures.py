"""Proof that a pushed DCSA Track & Trace 2.2 notification comes from the carrier we subscribed
with: the `Notification-Signature` header, checked in constant time.

As DCSA's Event domain (1.0.3, used by T&T 2.2) defines it: the header is
``<signature-type>=<signature>``, the only type is ``sha256``, and the signature is the
HMAC-SHA256, in hexadecimal, of the entire request body as sent (whitespace and newlines
included, no header nor the URL). So: "sha256=<hex>", over the raw bytes, before any JSON
parsing. The key is the subscription's shared secret as bytes: DCSA sends it Base64-encoded in
the subscription body (`format: byte`), so decode it before passing it here. DCSA's pattern
allows spaces around the value, and the hex digits in either case.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from catalog.tracking.errors import BadSignature, MissingSignature

HEADER: Final = "Notification-Signature"
SIGNATURE_TYPE: Final = "sha256"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def notification_signature(body: bytes, secret: bytes) -> str:
    """The `Notification-Signature` value for `body`: 'sha256=' and the HMAC-SHA256 in hex."""
    return f"{SIGNATURE_TYPE}={hmac.new(secret, body, hashlib.sha256).hexdigest()}"


def verify_notification_signature(header: str | None, body: bytes, secret: bytes) -> None:
    """Check the `Notification-Signature` header against the HMAC of the raw body.

    Raises:
        MissingSignature: no header, or an empty one.
        BadSignature: not ``sha256=<64 hex digits>``, or not this body's HMAC with `secret`.
    """
    if header is None or not header.strip():
        raise MissingSignature(f"no {HEADER} header")
    signature_type, _, given = header.strip().partition("=")
    if signature_type.lower() != SIGNATURE_TYPE:
        raise BadSignature(f"{HEADER} is not of type {SIGNATURE_TYPE}")
    if not _HEX_DIGEST.fullmatch(given.lower()):
        raise BadSignature(f"{HEADER} is not {SIGNATURE_TYPE}=<64 hex digits>")
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.lower().encode(), expected.encode()):
        raise BadSignature(f"{HEADER} does not match the body")

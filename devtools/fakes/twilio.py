"""A fake Twilio Messages API: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``.

The request is form-encoded (To, From or MessagingServiceSid, Body, MediaUrl repeated, ContentSid,
ContentVariables, StatusCallback) with HTTP basic auth (account SID or API key SID, and secret).
Success is 201 with a Message resource whose status is "queued" ("accepted" through a Messaging
Service); errors are ``{"code", "message", "more_info", "status"}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from devtools.fakes.control import FailureInjector, InjectedFailure
from devtools.fakes.recorder import Outcome, RequestRecorder, recorded_response

API_VERSION = "2010-04-01"
MAX_BODY = 1600


class TwilioError(Exception):
    """A Twilio REST error answer."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def payload(self) -> dict[str, Any]:
        """The JSON body Twilio answers with."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def injected_error(failure: InjectedFailure) -> TwilioError:
    """A scheduled failure in Twilio's words (429 is code 20429 "Too Many Requests")."""
    phrase = _phrase(failure.status)
    code = failure.code or 20000 + failure.status
    return TwilioError(failure.status, code, failure.message or phrase)


def check_basic_auth(
    request: Request, path_sid: str, account_sid: str | None, auth_token: str | None
) -> None:
    """Refuse missing or wrong credentials with 401 code 20003 "Authenticate".

    The username is the account SID of the path, or an API key SID (SK...); when the account SID
    or auth token is configured, they must match.
    """
    header = request.headers.get("authorization", "")
    try:
        decoded = (
            base64.b64decode(header[6:], validate=True).decode() if header[:6] == "Basic " else ""
        )
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    username, _, password = decoded.partition(":")
    refused = (
        not username
        or not password
        or (username != path_sid and not username.startswith("SK"))
        or (account_sid is not None and path_sid != account_sid)
        or (auth_token is not None and password != auth_token)
    )
    if refused:
        raise TwilioError(401, 20003, "Authenticate")


def check_message(form: dict[str, Any]) -> None:
    """Refuse what Twilio refuses before queueing a message."""
    to, sender = form.get("To"), form.get("From")
    if not to:
        raise TwilioError(400, 21604, "A 'To' phone number is required.")
    if not sender and not form.get("MessagingServiceSid"):
        raise TwilioError(400, 21603, "A 'From' phone number is required.")
    if not (form.get("Body") or form.get("MediaUrl") or form.get("ContentSid")):
        raise TwilioError(400, 21602, "Message body is required.")
    if len(form.get("Body") or "") > MAX_BODY:
        message = f"The concatenated message body exceeds the {MAX_BODY} character limit."
        raise TwilioError(400, 21617, message)
    if sender and str(to).startswith("whatsapp:") != str(sender).startswith("whatsapp:"):
        message = "Invalid From and To pair. From and To should be of the same channel"
        raise TwilioError(400, 21910, message)
    content_sid = form.get("ContentSid")
    if content_sid and not str(content_sid).startswith("HX"):
        raise TwilioError(400, 21655, "The ContentSid is Invalid.")
    variables = form.get("ContentVariables")
    if variables:
        try:
            json.loads(variables)
        except ValueError as error:
            raise TwilioError(400, 21656, "The ContentVariables Parameter is invalid.") from error


def message_resource(account_sid: str, form: dict[str, Any]) -> dict[str, Any]:
    """The Message resource Twilio answers a create with."""
    sid = "SM" + secrets.token_hex(16)
    now = format_datetime(datetime.now(UTC), usegmt=False)
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    media = form.get("MediaUrl") or []
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": form.get("Body") or "",
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": str(len(media)),
        "num_segments": "1" if form.get("From") else "0",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued" if form.get("From") else "accepted",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": form.get("To"),
        "uri": f"{uri}.json",
    }


async def read_form(request: Request) -> dict[str, Any]:
    """The form fields; MediaUrl, which may repeat, as a list."""
    async with request.form() as form:
        fields: dict[str, Any] = {
            name: value for name, value in form.items() if isinstance(value, str)
        }
        media = [value for value in form.getlist("MediaUrl") if isinstance(value, str)]
    if media:
        fields["MediaUrl"] = media
    return fields


def twilio_router(
    *,
    recorder: RequestRecorder,
    failures: FailureInjector,
    account_sid: str | None,
    auth_token: str | None,
) -> APIRouter:
    """Routes for the Messages list; None for a credential accepts any value."""
    router = APIRouter(tags=["twilio"])

    @router.post(f"/{API_VERSION}/Accounts/{{path_sid}}/Messages.json")
    async def create_message(request: Request, path_sid: str) -> JSONResponse:
        form = await read_form(request)

        def reply(
            status: int, payload: dict[str, Any], outcome: Outcome, headers: dict[str, str]
        ) -> JSONResponse:
            return recorded_response(
                recorder, request, provider="twilio", endpoint="messages", body=form,
                status_code=status, payload=payload, outcome=outcome, headers=headers,
            )  # fmt: skip

        try:
            check_basic_auth(request, path_sid, account_sid, auth_token)
        except TwilioError as error:
            challenge = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
            return reply(error.status, error.payload(), "rejected", challenge)
        failure = failures.take("twilio", "messages", is_send=True)
        if failure is not None:
            retry = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
            injected = injected_error(failure)
            return reply(injected.status, injected.payload(), "injected_failure", retry)
        try:
            check_message(form)
        except TwilioError as error:
            return reply(error.status, error.payload(), "rejected", {})
        return reply(201, message_resource(path_sid, form), "delivered", {})

    return router

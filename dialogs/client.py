"""The HTTP bridge to the Rasa server: the only way our code talks to Rasa.

Turns go through Rasa's REST channel (``POST /webhooks/rest/webhook``); pausing and resuming a
conversation for a human agent, and reading its tracker, go through Rasa's HTTP API, which
needs the server's ``--auth-token``.
"""

from __future__ import annotations

import re
from typing import Any, Final

import httpx
from pydantic import ValidationError

from chat.replies import Reply

DEFAULT_TIMEOUT: Final = httpx.Timeout(10.0, connect=2.0)
READY_TIMEOUT: Final = httpx.Timeout(2.0)
_UNAVAILABLE_STATUSES: Final = frozenset({502, 503, 504})
_PATH_SAFE_ID: Final = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+")


class DialogError(Exception):
    """Root of every error raised by the dialogs package."""


class RasaError(DialogError):
    """Rasa answered, but not with something we can use (a 4xx/5xx, or malformed JSON)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class RasaUnavailable(RasaError):
    """Rasa could not be reached in time, or said it is overloaded: try the turn again later."""


class RasaClient:
    """Talks to one Rasa server through an injected ``httpx.AsyncClient``.

    Args:
        http: the shared client; its lifetime belongs to the caller.
        base_url: e.g. ``http://127.0.0.1:5005``.
        auth_token: the server's ``--auth-token``, for the HTTP API (pause, resume, tracker).
        timeout: per request; a turn that runs custom actions takes longer than a parse.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        auth_token: str,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._auth_token = auth_token
        self._timeout = timeout

    async def send(
        self, *, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[Reply]:
        """Run one buyer message through Rasa and return the bot's replies, in order.

        ``metadata`` reaches custom actions (e.g. ``{"language": "fr"}``). A paused
        conversation records the message and returns no replies.

        Raises:
            RasaUnavailable: Rasa is down, slow or overloaded.
            RasaError: Rasa refused the message or answered something unreadable.
            ValueError: the id could not be paused later (see conversation_path).
        """
        conversation_path(conversation_id)  # refuse now an id that pause() could not address
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        messages = await self._request("POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(messages, list):
            raise RasaError(f"expected a list of messages from Rasa, got {type(messages).__name__}")
        try:
            return [Reply.from_rasa(message) for message in messages]
        except (ValidationError, AttributeError) as error:
            raise RasaError(f"unreadable message from Rasa: {error}") from error

    async def is_ready(self) -> bool:
        """True when the server answers ``/status`` with a loaded model."""
        try:
            response = await self._http.get(
                self._url("/status"), params=self._token(), timeout=READY_TIMEOUT
            )
        except httpx.TransportError:
            return False
        if response.status_code != 200:
            return False
        try:
            status = response.json()
        except ValueError:
            return False
        return isinstance(status, dict) and bool(status.get("model_file"))

    async def pause(self, conversation_id: str) -> None:
        """Stop the bot answering this conversation (a human agent takes over).

        Messages still reach the tracker, so the bot knows them when it is resumed. Rasa resumes
        by itself when a new session starts (after ``session_expiration_time`` idle): the
        handoff state kept upstream stays the authority.
        """
        # Rasa 3.6 stamps an appended event before it opens a missing or expired session, and on
        # reload drops events older than the session start: a no-op resume opens it first.
        await self._append_event(conversation_id, {"event": "resume"})
        await self._append_event(conversation_id, {"event": "pause"})

    async def resume(self, conversation_id: str) -> None:
        """Let the bot answer this conversation again."""
        await self._append_event(conversation_id, {"event": "resume"})

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        """Set a slot of the conversation without a turn (e.g. the buyer changed language).

        Posted twice: on a conversation Rasa has not seen yet, the first post opens its session,
        and Rasa 3.6 stamps the posted event before that session's start, so it is dropped when
        the tracker is next loaded; the second lands inside the session. Setting a slot to the
        value it has is harmless.
        """
        event = {"event": "slot", "name": name, "value": value}
        for _ in range(2):
            await self._append_event(conversation_id, event)

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's tracker: slots, latest message, paused flag and events."""
        tracker = await self._request(
            "GET", f"{conversation_path(conversation_id)}/tracker", params=self._token()
        )
        if not isinstance(tracker, dict):
            raise RasaError(f"expected a tracker object from Rasa, got {type(tracker).__name__}")
        return tracker

    async def _append_event(self, conversation_id: str, event: dict[str, Any]) -> None:
        path = f"{conversation_path(conversation_id)}/tracker/events"
        await self._request("POST", path, json=event, params=self._token())

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        try:
            response = await self._http.request(
                method, self._url(path), json=json, params=params, timeout=self._timeout
            )
        except httpx.TransportError as error:
            raise RasaUnavailable(f"{method} {path}: {error!r}") from error
        if response.status_code in _UNAVAILABLE_STATUSES:
            raise RasaUnavailable(
                f"{method} {path}: HTTP {response.status_code}", status_code=response.status_code
            )
        if response.is_error:
            raise RasaError(
                f"{method} {path}: HTTP {response.status_code}: {response.text[:300]}",
                status_code=response.status_code,
            )
        try:
            return response.json()
        except ValueError as error:
            raise RasaError(f"{method} {path}: response is not JSON") from error

    def _url(self, path: str) -> str:
        return f"{self._base_url}{path}"

    def _token(self) -> dict[str, str]:
        return {"token": self._auth_token}


def conversation_path(conversation_id: str) -> str:
    """``/conversations/<id>`` for Rasa's HTTP API, which takes the id exactly as written.

    Rasa 3.6 does not decode percent-escapes in this path, so an id is sent unescaped and must
    consist of characters a URL path carries as they are.

    Raises:
        ValueError: the id holds a space, ``?``, ``#``, a non-ASCII letter or the like.
    """
    if not _PATH_SAFE_ID.fullmatch(conversation_id):
        raise ValueError(
            f"conversation id {conversation_id!r} cannot be addressed in Rasa's HTTP API: "
            "use ASCII letters, digits and -._~!$&'()*+,;=:@/% only"
        )
    return f"/conversations/{conversation_id}"

"""What the bot says in one message, independent of the channel that will show it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chat.answers import Answer


class Button(BaseModel):
    """A choice offered to the buyer; tapping it sends `payload` (e.g. ``/help``) back to Rasa."""

    model_config = ConfigDict(frozen=True)

    title: str
    payload: str
    # What the button answers when it is one side of a question ("yes" for "Confirm $5,200",
    # "no" for "Not now"), so a typed "sim" or 👍 answers as the tap would (chat.answers).
    answers: Answer | None = None


class Reply(BaseModel):
    """One bot message: text, buttons, an image, or a custom payload for richer channels."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    buttons: list[Button] = Field(default_factory=list)
    image_url: str | None = None
    custom: dict[str, Any] | None = None

    @classmethod
    def from_rasa(cls, message: Mapping[str, Any]) -> Reply:
        """Convert one message of Rasa's REST channel output.

        Rasa sends ``{"recipient_id", "text", "buttons": [{"title", "payload"}], "image",
        "custom"}`` with absent keys left out; keys this model does not know are ignored.

        Raises:
            pydantic.ValidationError: a field has the wrong shape (e.g. a button without payload).
        """
        return cls.model_validate(
            {
                "text": message.get("text") or "",
                "buttons": message.get("buttons") or [],
                "image_url": message.get("image"),
                "custom": message.get("custom"),
            }
        )

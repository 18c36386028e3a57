"""The real thing: Rasa 3.6 (.venv-rasa) and our action server (rasa_sdk 3.21, this env), through
RasaClient.

The model is trained once into var/rasa/models and reused while the training inputs are unchanged.
Skipped when the Rasa environment is not built (scripts/bootstrap.sh rasa; CI builds it).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from chat.replies import Button, Reply
from dialogs.client import RasaClient, RasaError, RasaUnavailable
from tests.rasa_stack import RasaStack, free_port

T = TypeVar("T")


def with_client(stack: RasaStack, scenario: Callable[[RasaClient], Awaitable[T]]) -> T:
    async def run() -> T:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http=http, base_url=stack.base_url, auth_token=stack.auth_token)
            return await scenario(client)

    return asyncio.run(run())


def say(stack: RasaStack, text: str, language: str, conversation: str = "") -> list[Reply]:
    conversation = conversation or new_conversation()
    metadata = {"language": language} if language else {}

    async def turn(client: RasaClient) -> list[Reply]:
        return await client.send(conversation_id=conversation, text=text, metadata=metadata)

    return with_client(stack, turn)


def new_conversation() -> str:
    return f"test:{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize(
    ("language", "text", "greeting"),
    [
        ("en", "Hello", "Hello, I'm Nzila"),
        ("fr", "bonjour patron", "Bonjour, je suis Nzila"),
        ("pt", "bom dia mano", "Olá, eu sou o Nzila"),
    ],
)
def test_a_greeting_is_answered_in_the_language_given_in_the_metadata(
    rasa_stack: RasaStack, language: str, text: str, greeting: str
) -> None:
    [reply] = say(rasa_stack, text, language)

    assert reply.text.startswith(greeting)
    assert [button.payload for button in reply.buttons] == ["/help", "/deny"]


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        ("en", "abeg help me", "Here is what I can do"),
        ("fr", "merci patron", "Avec plaisir"),
        ("pt", "obrigado mano", "De nada"),
        ("fr", "au revoir", "Au revoir et à bientôt"),
        ("pt", "tchau", "Até logo"),
        ("en", "tell me a joke", "I can only help with buying and shipping vehicles"),
    ],
)
def test_buyers_phrasing_reaches_the_right_answer(
    rasa_stack: RasaStack, language: str, text: str, answer: str
) -> None:
    [reply] = say(rasa_stack, text, language)

    assert reply.text.startswith(answer)


def test_help_offers_buttons(rasa_stack: RasaStack) -> None:
    [reply] = say(rasa_stack, "help", "en")

    assert reply.text.startswith("Here is what I can do")
    assert 'STOP to stop alerts, "my data" to see what we hold, "delete my data"' in reply.text
    assert reply.buttons == [
        Button(title="Find a vehicle", payload="/search_vehicles"),
        Button(title="My watchlist", payload="/show_watchlist"),
        Button(title="Talk to a human", payload="/human_handoff"),
        Button(title="Language", payload="/lang"),
    ]


def test_a_tapped_button_payload_is_understood(rasa_stack: RasaStack) -> None:
    [reply] = say(rasa_stack, "/help", "pt")

    assert reply.text.startswith("Eis o que posso fazer")


def test_gibberish_gets_the_fallback_with_buttons(rasa_stack: RasaStack) -> None:
    [reply] = say(rasa_stack, "xqzv blorp kwijibo", "fr")

    assert reply.text.startswith("Désolé, je n'ai pas compris")
    assert [button.payload for button in reply.buttons] == [
        "/help",
        "/search_vehicles",
        "/human_handoff",
    ]


def test_a_yes_after_the_greeting_shows_how_it_works(rasa_stack: RasaStack) -> None:
    conversation = new_conversation()
    say(rasa_stack, "bonjour", "fr", conversation)

    [reply] = say(rasa_stack, "oui", "fr", conversation)

    assert reply.text.startswith("Voici ce que je peux faire")


def test_the_session_start_action_ran_on_the_action_server(rasa_stack: RasaStack) -> None:
    """Only our action_session_start, reading the metadata, can move the slot off its initial
    "en": this is rasa_sdk 3.21 (this env) serving Rasa 3.6.21's action protocol."""
    conversation = new_conversation()
    say(rasa_stack, "olá", "pt-BR", conversation)

    tracker = with_client(rasa_stack, lambda client: client.tracker(conversation))

    assert tracker["slots"]["language"] == "pt"
    assert any(
        event.get("event") == "action" and event.get("name") == "action_session_start"
        for event in tracker["events"]
    )
    assert tracker["slots"]["session_started_metadata"] == {"language": "pt-BR"}


def test_a_language_set_within_a_conversation_is_followed(rasa_stack: RasaStack) -> None:
    conversation = new_conversation()
    [english] = say(rasa_stack, "hello", "en", conversation)

    with_client(rasa_stack, lambda client: client.set_slot(conversation, "language", "fr"))
    [french] = say(rasa_stack, "merci", "en", conversation)

    assert english.text.startswith("Hello")
    assert french.text.startswith("Avec plaisir")


def test_a_language_set_before_the_first_message_is_kept(rasa_stack: RasaStack) -> None:
    """Rasa stamps an event posted to a new conversation before the session it opens: the
    client's second post is what keeps it when the tracker is loaded from the store."""
    conversation = new_conversation()
    with_client(rasa_stack, lambda client: client.set_slot(conversation, "language", "pt"))

    [reply] = say(rasa_stack, "obrigado", "", conversation)

    assert reply.text.startswith("De nada")


def test_the_metadata_of_later_messages_does_not_change_the_language(
    rasa_stack: RasaStack,
) -> None:
    conversation = new_conversation()
    say(rasa_stack, "bonjour", "fr", conversation)

    [reply] = say(rasa_stack, "thanks", "pt", conversation)

    assert reply.text.startswith("Avec plaisir")


@pytest.mark.parametrize("history", [[], ["hello"]], ids=["new conversation", "ongoing"])
def test_a_paused_conversation_gets_no_reply_until_resumed(
    rasa_stack: RasaStack, history: list[str]
) -> None:
    conversation = new_conversation()
    for text in history:
        say(rasa_stack, text, "en", conversation)

    async def scenario(client: RasaClient) -> tuple[list[Reply], bool, list[Reply]]:
        await client.pause(conversation)
        while_paused = await client.send(
            conversation_id=conversation, text="hello", metadata={"language": "en"}
        )
        paused = (await client.tracker(conversation))["paused"]
        await client.resume(conversation)
        after_resume = await client.send(
            conversation_id=conversation, text="hello", metadata={"language": "en"}
        )
        return while_paused, paused, after_resume

    while_paused, paused, after_resume = with_client(rasa_stack, scenario)

    assert while_paused == []
    assert paused is True
    assert after_resume[0].text.startswith("Hello, I'm Nzila")


def test_a_whatsapp_number_addresses_its_own_tracker(rasa_stack: RasaStack) -> None:
    conversation = f"whatsapp:+2438{uuid.uuid4().int % 10**8:08d}"
    say(rasa_stack, "bom dia", "pt", conversation)

    tracker = with_client(rasa_stack, lambda client: client.tracker(conversation))

    assert tracker["sender_id"] == conversation
    assert tracker["slots"]["language"] == "pt"


def test_the_running_server_is_ready(rasa_stack: RasaStack) -> None:
    assert with_client(rasa_stack, lambda client: client.is_ready())


def test_a_wrong_auth_token_is_refused_for_the_http_api(rasa_stack: RasaStack) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http=http, base_url=rasa_stack.base_url, auth_token="wrong")
            assert not await client.is_ready()
            await client.pause(new_conversation())

    with pytest.raises(RasaError, match="HTTP 401") as raised:
        asyncio.run(scenario())
    assert raised.value.status_code == 401
    assert not isinstance(raised.value, RasaUnavailable)


def test_an_unreachable_rasa_is_unavailable_and_not_ready() -> None:
    async def scenario() -> bool:
        async with httpx.AsyncClient() as http:
            client = RasaClient(
                http=http, base_url=f"http://127.0.0.1:{free_port()}", auth_token="token"
            )
            with pytest.raises(RasaUnavailable):
                await client.send(conversation_id="x", text="hello", metadata={})
            return await client.is_ready()

    assert asyncio.run(scenario()) is False


@pytest.mark.parametrize("conversation", ["a b", "what?", "x#1", "mamadou-é"])
def test_an_id_rasa_cannot_address_is_refused_before_any_request(conversation: str) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http=http, base_url="http://127.0.0.1:9", auth_token="token")
            await client.pause(conversation)

    with pytest.raises(ValueError, match="cannot be addressed"):
        asyncio.run(scenario())

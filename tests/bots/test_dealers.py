"""Dealers in the Telegram chat, through the conversation worker with the fake Telegram API over
HTTP, a real database and Redis; the dialog engine is a stand-in that records what reaches it,
so a dealer's message is seen never to reach the buyer flow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bots.adapters import build_adapters
from bots.queue import InboundQueue
from bots.worker import ConversationWorker
from catalog.auctions import service as auction_service
from catalog.buyers.models import Buyer
from catalog.conversations.models import Conversation
from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.leads import service as lead_service
from catalog.leads.scoring import LeadAction
from chat.messages import InboundKind, InboundMessage
from chat.payloads import build_payload
from chat.replies import Reply
from infra.redis import RedisSettings
from tests.factories import make_bidder, make_buyer, make_dealer, make_vehicle
from tests.harness import PUBLIC_URL, Harness, _text_of, telegram
from tests.servers import channel_settings


@dataclass
class RecordingEngine:
    """The dialog engine's stand-in: what reached the buyer flow, answered with one line."""

    texts: list[str] = field(default_factory=list)

    async def send(self, *, conversation_id: str, text: str, metadata: dict[str, Any]
                   ) -> list[Reply]:  # fmt: skip
        self.texts.append(text)
        return [Reply(text="buyer flow")]

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        return None

    async def pause(self, conversation_id: str) -> None:
        return None

    async def resume(self, conversation_id: str) -> None:
        return None


@dataclass
class DealerHarness(Harness):
    engine: RecordingEngine = field(default_factory=RecordingEngine)

    def worker(self, queue: InboundQueue, redis: Any, http: httpx.AsyncClient,
               **options: Any) -> ConversationWorker:  # fmt: skip
        return ConversationWorker(
            queue=queue, redis=redis, sessions=self.sessions, engine=self.engine,
            adapters=build_adapters(self.channels, http, PUBLIC_URL, redis, self.limiter(redis)),
            consumer="test-dealer-worker", **options,
        )  # fmt: skip

    def say(self, user: int, *messages: InboundMessage) -> list[str]:
        """Send the messages and wait for as many new replies; the texts of all replies."""
        before = len(self.sent(str(user)))
        self.run(list(messages), until=lambda: len(self.sent(str(user))) >= before + len(messages))
        return [_text_of(reply) for reply in self.sent(str(user))]

    def reply(self, user: int, message: InboundMessage) -> dict[str, Any]:
        self.say(user, message)
        return self.sent(str(user))[-1]


@pytest.fixture
def dealers(
    sessions: sessionmaker[Session], redis_settings: RedisSettings, fakes_url: str
) -> DealerHarness:
    since = httpx.get(f"{fakes_url}/_fake/requests").json()
    channels = channel_settings(fakes_url, inbound_stream=f"nzila:test:{uuid.uuid4().hex[:10]}")
    return DealerHarness(sessions, redis_settings, channels, fakes_url, None,  # type: ignore[arg-type]
                         max([r["seq"] for r in since], default=0))  # fmt: skip


def new_user() -> int:
    return 700_000_000 + uuid.uuid4().int % 10**8


def start(token: str, user: int) -> InboundMessage:
    return telegram(f"/start {token}", user, kind=InboundKind.START, payload=token)


def tap(payload: str, user: int) -> InboundMessage:
    return telegram("", user, kind=InboundKind.BUTTON, payload=payload,
                    callback_query_id=f"cb{uuid.uuid4().hex[:10]}")  # fmt: skip


def a_dealer(sessions: sessionmaker[Session], **values: Any) -> tuple[int, str]:
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session, **values)
        return dealer.id, dealer_service.issue_link(db_session, dealer.id)


def linked(dealers: DealerHarness) -> tuple[int, int]:
    dealer, token = a_dealer(dealers.sessions)
    user = new_user()
    dealers.say(user, start(token, user))
    return dealer, user


def test_a_valid_link_links_the_account_and_greets_the_dealer(dealers: DealerHarness) -> None:
    dealer, token = a_dealer(dealers.sessions, name=f"Yard {uuid.uuid4().hex[:6]}")
    user = new_user()
    [greeting] = dealers.say(user, start(token, user))
    assert greeting.startswith("✅ Linked") and "/leads" in greeting and "/pause" in greeting
    with dealers.sessions() as db_session:
        row = db_session.get_one(Dealer, dealer)
        assert (row.telegram_user_id, row.telegram_chat_id) == (user, user)
        # nothing of the dealer's is recorded as a buyer's
        assert db_session.scalar(select(Buyer).where(Buyer.telegram_user_id == user)) is None
    assert dealers.engine.texts == []


def test_reused_expired_and_unknown_links_are_refused_and_never_reach_the_buyer_flow(
    dealers: DealerHarness,
) -> None:
    _, token = a_dealer(dealers.sessions)
    first, second = new_user(), new_user()
    dealers.say(first, start(token, first))
    reused = dealers.say(second, start(token, second))[-1]
    assert reused.startswith("⛔") and "used already" in reused
    with transaction(dealers.sessions) as db_session:
        other = make_dealer(db_session)
        stale = dealer_service.issue_link(db_session, other.id, now=utcnow() - timedelta(days=2))
    third = new_user()
    expired = dealers.say(third, start(stale, third))[-1]
    assert "expired" in expired
    unknown = dealers.say(third, start("dl_" + "A" * 43, third))[-1]
    assert "not valid" in unknown
    assert dealers.engine.texts == []
    with dealers.sessions() as db_session:
        assert dealer_service.get_by_telegram_user(db_session, second) is None
        assert dealer_service.get_by_telegram_user(db_session, third) is None


def test_a_linked_dealers_words_get_the_commands_never_the_buyer_flow(
    dealers: DealerHarness,
) -> None:
    _, user = linked(dealers)
    texts = dealers.say(user, telegram("hello, any cars?", user))
    assert texts[-1].startswith("Nzila for dealers. Commands:")
    dealers.say(user, telegram("/start", user))
    assert dealers.engine.texts == []
    with dealers.sessions() as db_session:
        assert db_session.scalar(select(Conversation).where(
            Conversation.key == f"telegram:{user}")) is None  # fmt: skip


def test_a_buyer_still_reaches_the_buyer_flow(dealers: DealerHarness) -> None:
    user = new_user()
    assert dealers.say(user, telegram("hello", user)) == ["buyer flow"]
    assert dealers.engine.texts == ["hello"]


def test_leads_pause_resume_digest_claim_and_mute_in_the_chat(dealers: DealerHarness) -> None:
    dealer, user = linked(dealers)
    dealer_b, _ = a_dealer(dealers.sessions)
    with transaction(dealers.sessions) as db_session:
        mine = make_vehicle(db_session, db_session.get_one(Dealer, dealer))
        theirs = make_vehicle(db_session, db_session.get_one(Dealer, dealer_b), model="Corolla")
        buyer = make_buyer(db_session)
        buyer.country, buyer.language = "CM", "fr"
        for action in (LeadAction.DETAILS, LeadAction.WATCH):
            lead = lead_service.record_engagement(db_session, buyer.id, mine.id, action)
        other = lead_service.record_engagement(db_session, buyer.id, theirs.id, LeadAction.BID)
        lead_id, other_id, mine_id, theirs_id = lead.id, other.id, mine.id, theirs.id

    listing = dealers.reply(user, telegram("/leads", user))
    text = _text_of(listing)
    assert f"#{lead_id} · 2015 Toyota Camry · score 5" in text
    assert "A buyer in CM who speaks French" in text and "is watching the vehicle (+4)" in text
    assert "Corolla" not in text and f"#{other_id}" not in text  # dealer B's lead
    [[claim]] = listing["body"]["reply_markup"]["inline_keyboard"]
    assert claim["text"] == f"Claim #{lead_id}"

    assert "paused" in dealers.say(user, telegram("/pause", user))[-1]
    with dealers.sessions() as db_session:
        assert db_session.get_one(Dealer, dealer).alerts_paused_at is not None
    assert "on again" in dealers.say(user, telegram("/resume", user))[-1]
    digest = dealers.say(user, telegram("/digest", user))[-1]
    assert digest.startswith("📋 Your lead digest: 1 lead.") and f"#{lead_id}" in digest
    assert dealers.say(user, telegram("/digest", user))[-1].startswith("No new leads")

    claimed = dealers.say(user, tap(build_payload("lead_claim", lead=lead_id), user))[-1]
    assert claimed.startswith(f"✅ Lead #{lead_id} is yours")
    refused = dealers.say(user, tap(build_payload("lead_claim", lead=other_id), user))[-1]
    assert refused == f"Lead #{other_id} is not one of your leads."
    muted = dealers.say(user, tap(build_payload("lead_mute", vehicle=mine_id), user))[-1]
    assert muted.startswith(f"🔕 Vehicle {mine_id} muted")
    not_mine = dealers.say(user, tap(build_payload("lead_mute", vehicle=theirs_id), user))[-1]
    assert not_mine == f"Vehicle {theirs_id} is not one of your vehicles."
    with dealers.sessions() as db_session:
        assert lead_service.get_for_dealer(db_session, dealer, lead_id).claimed_at is not None
        assert lead_service.get_for_dealer(db_session, dealer_b, other_id).claimed_at is None
        assert lead_service.muted_vehicles(db_session, dealer_b) == []
    assert dealers.engine.texts == []


def test_the_approval_alerts_buttons_decide_for_the_linked_dealer(dealers: DealerHarness) -> None:
    dealer, user = linked(dealers)
    dealer_b, _ = a_dealer(dealers.sessions)
    lot = _auction_on_approval(dealers.sessions, dealer)
    other_lot = _auction_on_approval(dealers.sessions, dealer_b)
    refused = dealers.say(user, tap(build_payload("dealer_approve", lot=other_lot), user))[-1]
    assert refused == f"Lot {other_lot} is not one of your vehicles."
    approved = dealers.say(user, tap(build_payload("dealer_approve", lot=lot), user))[-1]
    assert approved.startswith(f"✅ Approved: lot {lot} is sold for $")
    again = dealers.say(user, tap(build_payload("dealer_reject", lot=lot), user))[-1]
    assert again.startswith(f"Lot {lot} is not waiting for your decision")
    assert dealers.engine.texts == []


def test_an_unlinked_dealer_is_a_buyer_again(dealers: DealerHarness) -> None:
    dealer, user = linked(dealers)
    with transaction(dealers.sessions) as db_session:
        dealer_service.unlink(db_session, dealer)
    assert dealers.say(user, telegram("/leads", user))[-1] == "buyer flow"
    assert dealers.engine.texts == ["/leads"]


def _auction_on_approval(sessions: sessionmaker[Session], dealer_id: int) -> int:
    """An auction of the dealer's vehicle that ended with a high bid below the reserve."""
    now = utcnow()
    with transaction(sessions) as db_session:
        vehicle = make_vehicle(db_session, db_session.get_one(Dealer, dealer_id))
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1), starting_bid_cents=1_000_00,
            reserve_cents=9_000_00)  # fmt: skip
        bidder = make_bidder(db_session)
        auction_service.place_bid(db_session=db_session, auction_id=auction.id,
                                  buyer_id=bidder.id, amount_cents=2_000_00)  # fmt: skip
        auction.ends_at = auction.current_ends_at = now - timedelta(seconds=1)
        auction_id = auction.id
    with transaction(sessions) as db_session:
        auction_service.close(db_session=db_session, auction_id=auction_id, now=now)
    return auction_id

"""The auction rules of catalog/auctions/README.md, as examples and against a reference model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from catalog.auctions.engine import (
    Accepted,
    AuctionState,
    AuctionStatus,
    AuctionTerms,
    Bid,
    BidKind,
    InconsistentBids,
    Outcome,
    Refusal,
    Refused,
    outcome,
    place,
    replay,
    resume,
    state_at,
)
from catalog.auctions.increments import DEFAULT_INCREMENTS, IncrementTable
from tests.auction_reference import ReferenceAuction, reference_increment

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_terms(
    *,
    starting_bid_cents: int = 1_000_00,
    reserve_cents: int | None = None,
    buy_now_cents: int | None = None,
    increments: IncrementTable = DEFAULT_INCREMENTS,
) -> AuctionTerms:
    return AuctionTerms(
        starts_at=T0,
        ends_at=at(60),
        starting_bid_cents=starting_bid_cents,
        reserve_cents=reserve_cents,
        buy_now_cents=buy_now_cents,
        increments=increments,
    )


def bid(bidder_id: int, amount_cents: int, minute: float = 1) -> Bid:
    return Bid(bidder_id=bidder_id, amount_cents=amount_cents, placed_at=at(minute))


def buy_now(bidder_id: int, amount_cents: int, minute: float = 1) -> Bid:
    return Bid(
        bidder_id=bidder_id, amount_cents=amount_cents, placed_at=at(minute), kind=BidKind.BUY_NOW
    )


def after(terms: AuctionTerms, *bids: Bid, minute: float = 5) -> AuctionState:
    """The state once every bid was accepted (replay raises if one would be refused)."""
    return replay(terms, bids, now=at(minute))


def refused(terms: AuctionTerms, bids: list[Bid], new: Bid) -> Refused:
    decision = place(terms, bids, new)
    assert isinstance(decision, Refused), decision
    return decision


# --- Increments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price_cents", "increment_cents"),
    [
        (0, 1_00), (4_99, 1_00), (5_00, 5_00), (39_99, 5_00), (40_00, 10_00), (99_99, 10_00),
        (100_00, 25_00), (999_99, 25_00), (1_000_00, 50_00), (4_999_99, 50_00),
        (5_000_00, 100_00), (24_999_99, 100_00), (25_000_00, 250_00), (49_999_99, 250_00),
        (50_000_00, 500_00), (99_999_99, 500_00), (100_000_00, 1_000_00), (10**12, 1_000_00),
    ],
)  # fmt: skip
def test_increments_change_at_each_band_edge(price_cents: int, increment_cents: int) -> None:
    assert DEFAULT_INCREMENTS.increment_at(price_cents) == increment_cents


def test_a_configured_table_is_used_for_the_minimum() -> None:
    flat = IncrementTable(steps=((100_00, 1_00),), top_increment_cents=10_00)
    state = after(make_terms(starting_bid_cents=50_00, increments=flat), bid(1, 60_00))
    assert state.minimum_next_bid_cents == 51_00
    assert flat.increment_at(100_00) == 10_00


@pytest.mark.parametrize(
    ("steps", "top"),
    [
        (((5_00, 1_00), (5_00, 2_00)), 3_00),  # bounds not strictly increasing
        (((40_00, 1_00), (5_00, 2_00)), 3_00),
        (((0, 1_00),), 3_00),  # a bound that is not positive
        (((5_00, 0),), 3_00),  # an increment that is not positive
        (((5_00, 1_00),), -1),
    ],
)
def test_an_increment_table_is_validated(steps: tuple[tuple[int, int], ...], top: int) -> None:
    with pytest.raises(ValueError, match="must"):
        IncrementTable(steps=steps, top_increment_cents=top)


def test_a_negative_price_has_no_increment() -> None:
    with pytest.raises(ValueError, match="negative"):
        DEFAULT_INCREMENTS.increment_at(-1)


# --- Proxy bidding -----------------------------------------------------------------------------


def test_a_single_bidder_pays_the_starting_bid() -> None:
    state = after(make_terms(), bid(1, 3_000_00))
    assert (state.current_price_cents, state.leader_id) == (1_000_00, 1)
    assert state.minimum_next_bid_cents == 1_050_00


def test_the_price_is_the_second_highest_maximum_plus_one_increment() -> None:
    state = after(make_terms(), bid(1, 3_000_00), bid(2, 2_000_00, minute=2))
    assert (state.current_price_cents, state.leader_id) == (2_050_00, 1)
    assert state.minimum_next_bid_cents == 2_100_00


def test_the_increment_is_the_one_at_the_second_highest_maximum() -> None:
    terms = make_terms(starting_bid_cents=900_00)
    state = after(terms, bid(1, 1_500_00), bid(2, 999_00, minute=2))
    assert state.current_price_cents == 1_024_00  # $999 is in the $25 band, not the $50 one


def test_the_price_never_exceeds_the_highest_maximum() -> None:
    state = after(make_terms(), bid(1, 2_020_00), bid(2, 2_000_00, minute=2))
    assert (state.current_price_cents, state.leader_id) == (2_020_00, 1)


def test_a_higher_maximum_takes_the_lead_at_one_increment_above_the_old_one() -> None:
    state = after(make_terms(), bid(1, 2_000_00), bid(2, 3_000_00, minute=2))
    assert (state.current_price_cents, state.leader_id) == (2_050_00, 2)


def test_equal_maximums_the_earlier_leads_at_that_price() -> None:
    state = after(make_terms(), bid(1, 2_000_00), bid(2, 2_000_00, minute=2))
    assert (state.current_price_cents, state.leader_id) == (2_000_00, 1)


def test_the_leader_may_raise_without_moving_the_price() -> None:
    state = after(make_terms(), bid(1, 2_000_00), bid(2, 1_500_00, minute=2), bid(1, 5_000_00, 3))
    assert (state.current_price_cents, state.leader_max_cents) == (1_550_00, 5_000_00)


def test_the_leader_cannot_lower_or_repeat_their_maximum() -> None:
    history = [bid(1, 2_000_00)]
    for amount in (1_500_00, 2_000_00):
        decision = refused(make_terms(), history, bid(1, amount, minute=2))
        assert (decision.reason, decision.minimum_cents) == (Refusal.LOWER_THAN_OWN_MAX, 2_000_01)


def test_a_bid_below_minimum_is_rejected_with_the_minimum_named() -> None:
    first = refused(make_terms(), [], bid(1, 999_99))
    assert (first.reason, first.minimum_cents) == (Refusal.BELOW_MINIMUM, 1_000_00)
    later = refused(make_terms(), [bid(1, 2_000_00)], bid(2, 1_049_99, minute=2))
    assert (later.reason, later.minimum_cents) == (Refusal.BELOW_MINIMUM, 1_050_00)


def test_an_outbid_bidder_must_meet_the_minimum_again() -> None:
    history = [bid(1, 1_200_00), bid(2, 2_000_00, minute=2)]  # price $1,250
    decision = refused(make_terms(), history, bid(1, 1_250_00, minute=3))
    assert (decision.reason, decision.minimum_cents) == (Refusal.BELOW_MINIMUM, 1_300_00)


def test_the_displaced_leader_is_named_to_be_told() -> None:
    decision = place(make_terms(), [bid(1, 1_200_00)], bid(2, 2_000_00, minute=2))
    assert isinstance(decision, Accepted)
    assert decision.outbid_id == 1
    behind = place(make_terms(), [bid(1, 3_000_00)], bid(2, 2_000_00, minute=2))
    assert isinstance(behind, Accepted)
    assert behind.outbid_id is None


# --- Time ---------------------------------------------------------------------------------------


def test_bids_are_taken_from_the_start_until_the_end() -> None:
    terms = make_terms()
    assert refused(terms, [], bid(1, 1_000_00, minute=-0.01)).reason is Refusal.NOT_STARTED
    assert isinstance(place(terms, [], bid(1, 1_000_00, minute=0)), Accepted)
    assert refused(terms, [], bid(1, 1_000_00, minute=60)).reason is Refusal.ENDED


def test_a_bid_in_the_last_two_minutes_extends_the_end() -> None:
    state = after(make_terms(), bid(1, 1_000_00, minute=59), minute=59)
    assert state.ends_at == at(61)
    state = after(make_terms(), bid(1, 1_000_00, minute=59), bid(2, 1_100_00, 60.5), minute=61)
    assert (state.ends_at, state.status) == (at(62.5), AuctionStatus.LIVE)


def test_a_bid_before_the_last_two_minutes_leaves_the_end() -> None:
    assert after(make_terms(), bid(1, 1_000_00, minute=58), minute=58).ends_at == at(60)


def test_a_refused_bid_does_not_extend_the_end() -> None:
    decision = refused(make_terms(), [bid(1, 2_000_00)], bid(2, 1_000_00, minute=59))
    assert decision.state.ends_at == at(60)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Bid(bidder_id=1, amount_cents=1_00, placed_at=datetime(2025, 3, 1, 12))
    with pytest.raises(ValueError, match="naive"):
        replay(make_terms(), [], now=datetime(2025, 3, 1, 12))


def test_other_time_zones_are_read_as_utc() -> None:
    lagos = timezone(timedelta(hours=1))
    placed = Bid(bidder_id=1, amount_cents=1_00, placed_at=datetime(2025, 3, 1, 13, tzinfo=lagos))
    assert placed.placed_at == T0
    assert placed.placed_at.tzinfo is UTC


def test_bids_out_of_time_order_are_an_error() -> None:
    with pytest.raises(ValueError, match="before"):
        place(make_terms(), [bid(1, 1_000_00, minute=5)], bid(2, 2_000_00, minute=4))


def test_a_state_resumed_from_running_totals_derives_the_price() -> None:
    terms = make_terms(reserve_cents=2_000_00)
    state = after(terms, bid(1, 2_500_00))
    resumed = resume(
        terms,
        as_of=at(5),
        leader_id=1,
        leader_max_cents=2_500_00,
        runner_up_max_cents=None,
        ends_at=at(60),
        bids_accepted=1,
        bought_now=False,
    )
    assert resumed == state
    assert (resumed.current_price_cents, resumed.minimum_next_bid_cents) == (2_000_00, 2_050_00)
    with pytest.raises(ValueError, match="go together"):
        resume(terms, as_of=at(5), ends_at=at(60), bids_accepted=1, bought_now=False,
               leader_id=1, leader_max_cents=None, runner_up_max_cents=None)  # fmt: skip


def test_stored_bids_the_engine_would_refuse_are_an_error() -> None:
    with pytest.raises(InconsistentBids):
        replay(make_terms(), [bid(1, 2_000_00), bid(2, 1_000_00, minute=2)], now=at(3))


# --- Buy it now ---------------------------------------------------------------------------------


def test_buy_now_ends_the_auction_sold_at_the_buy_now_price() -> None:
    terms = make_terms(buy_now_cents=5_000_00)
    state = after(terms, buy_now(7, 5_000_00, minute=10), minute=11)
    assert (state.status, state.leader_id, state.current_price_cents) == (
        AuctionStatus.BOUGHT_NOW, 7, 5_000_00,
    )  # fmt: skip
    assert (state.ends_at, outcome(terms, state, at(11))) == (at(10), Outcome.SOLD)
    assert refused(terms, [buy_now(7, 5_000_00, 10)], bid(1, 9_000_00, 11)).reason is Refusal.ENDED


def test_buy_now_disappears_after_the_first_bid_without_a_reserve() -> None:
    terms = make_terms(buy_now_cents=5_000_00)
    assert replay(terms, [], now=at(1)).buy_now_available
    assert not after(terms, bid(1, 1_000_00)).buy_now_available
    assert refused(terms, [bid(1, 1_000_00)], buy_now(2, 5_000_00, 2)).reason is (
        Refusal.BUY_NOW_UNAVAILABLE
    )


def test_buy_now_disappears_once_the_reserve_is_reached() -> None:
    terms = make_terms(reserve_cents=2_000_00, buy_now_cents=5_000_00)
    below = after(terms, bid(1, 1_500_00), bid(2, 1_800_00, minute=2))
    assert (below.current_price_cents, below.buy_now_available) == (1_550_00, True)
    reached = after(terms, bid(1, 1_500_00), bid(2, 2_000_00, minute=2))
    assert (reached.current_price_cents, reached.buy_now_available) == (2_000_00, False)


def test_buy_now_is_not_offered_outside_the_auction_hours() -> None:
    terms = make_terms(buy_now_cents=5_000_00)
    assert not replay(terms, [], now=at(-1)).buy_now_available
    assert not replay(terms, [], now=at(60)).buy_now_available
    assert refused(terms, [], buy_now(1, 5_000_00, minute=-1)).reason is Refusal.NOT_STARTED


def test_buy_now_at_another_price_is_refused() -> None:
    terms = make_terms(buy_now_cents=5_000_00)
    assert refused(terms, [], buy_now(1, 4_999_99)).reason is Refusal.NOT_THE_BUY_NOW_PRICE
    assert refused(make_terms(), [], buy_now(1, 5_000_00)).reason is Refusal.BUY_NOW_UNAVAILABLE


# --- The reserve and the end -------------------------------------------------------------------


def test_below_reserve_goes_to_approval() -> None:
    terms = make_terms(reserve_cents=2_000_00)
    state = after(terms, bid(1, 1_500_00), bid(2, 1_800_00, minute=2), minute=60)
    assert (state.current_price_cents, state.leader_id) == (1_550_00, 2)
    assert outcome(terms, state, at(60)) is Outcome.ON_APPROVAL


def test_a_maximum_at_the_reserve_lifts_the_price_to_the_reserve() -> None:
    terms = make_terms(reserve_cents=2_000_00)
    state = after(terms, bid(1, 2_500_00), minute=60)
    assert (state.current_price_cents, outcome(terms, state, at(60))) == (2_000_00, Outcome.SOLD)


def test_at_the_end_the_leader_buys_at_the_price() -> None:
    terms = make_terms(reserve_cents=2_000_00)
    state = after(terms, bid(1, 2_500_00), bid(2, 2_200_00, minute=2), minute=61)
    assert (state.leader_id, state.current_price_cents) == (1, 2_250_00)
    assert outcome(terms, state, at(61)) is Outcome.SOLD


def test_no_bids_is_not_sold_and_an_open_auction_has_no_outcome() -> None:
    terms = make_terms()
    assert outcome(terms, replay(terms, [], now=at(60)), at(60)) is Outcome.NOT_SOLD
    assert outcome(terms, after(terms, bid(1, 1_000_00)), at(59)) is None


def test_the_reserve_and_the_maxima_stay_out_of_logs() -> None:
    terms = make_terms(reserve_cents=2_345_67)
    state = after(terms, bid(1, 8_765_43), bid(2, 3_000_00, minute=2))
    assert "2345" not in repr(terms)
    assert "8765" not in repr(state)
    assert "300000" not in repr(state)  # the runner-up's maximum


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": T0}, "end after"),
        ({"starting_bid_cents": 0}, "starting bid"),
        ({"reserve_cents": 0}, "reserve"),
        ({"buy_now_cents": 1_000_00}, "above the starting bid"),
        ({"reserve_cents": 3_000_00, "buy_now_cents": 2_000_00}, "below the reserve"),
        ({"starts_at": datetime(2025, 3, 1, 12)}, "naive"),
    ],
)
def test_terms_that_cannot_run_are_refused(change: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"starts_at": T0, "ends_at": at(60), "starting_bid_cents": 1_000_00}
    with pytest.raises(ValueError, match=message):
        AuctionTerms(**values | change)  # type: ignore[arg-type]


# --- Against a reference model ----------------------------------------------------------------

STARTING_BIDS = [1_00, 4_00, 38_00, 95_00, 990_00, 4_950_00, 24_900_00, 49_500_00, 99_000_00,
                 250_000_00]  # fmt: skip
BIDDERS = st.integers(min_value=1, max_value=4)
# Seconds around the soft close's two minutes, or anything up to ten minutes.
WAITS = st.sampled_from([0, 1, 5, 30, 60, 119, 120, 121]) | st.integers(min_value=0, max_value=600)


@settings(max_examples=300, stateful_step_count=40, deadline=None, database=None)
class AuctionAgainstTheModel(RuleBasedStateMachine):
    """Random bids, raises, buy-nows and clock moves; the engine must agree with the model."""

    terms: AuctionTerms
    model: ReferenceAuction
    now: datetime
    history: list[Bid]
    state: AuctionState

    @initialize(
        starting=st.sampled_from(STARTING_BIDS),
        reserve_steps=st.none() | st.integers(min_value=-1, max_value=10),
        buy_now_steps=st.none() | st.integers(min_value=0, max_value=6),
        minutes=st.sampled_from([10, 60, 600]),  # long against the waits: runs end by a jump
        early_seconds=st.sampled_from([0, 0, 0, 1, 30]),
    )
    def open_auction(
        self,
        starting: int,
        reserve_steps: int | None,
        buy_now_steps: int | None,
        minutes: int,
        early_seconds: int,
    ) -> None:
        step = reference_increment(starting)
        reserve = None if reserve_steps is None else max(1, starting + reserve_steps * step)
        floor = max(starting + 1, reserve or 0)
        buy_now_price = None if buy_now_steps is None else floor + buy_now_steps * step
        self.terms = AuctionTerms(
            starts_at=T0,
            ends_at=at(minutes),
            starting_bid_cents=starting,
            reserve_cents=reserve,
            buy_now_cents=buy_now_price,
        )
        self.model = ReferenceAuction(self.terms)
        self.now, self.history = T0 - timedelta(seconds=early_seconds), []
        self.state = replay(self.terms, [], now=self.now)

    def submit(self, bidder_id: int, amount_cents: int, kind: BidKind = BidKind.MAX_BID) -> None:
        new = Bid(bidder_id=bidder_id, amount_cents=amount_cents, placed_at=self.now, kind=kind)
        from_state = place(self.terms, self.state, new)
        assert from_state == place(self.terms, self.history, new)
        leader_before, expected = self.model.leader_id(), self.model.refusal(new)
        if expected is not None:
            assert isinstance(from_state, Refused), (expected, from_state)
            assert (from_state.reason, from_state.minimum_cents) == expected
            event(f"refused {from_state.reason}")
            return
        assert isinstance(from_state, Accepted), from_state
        event(
            "accepted an equal maximum" if amount_cents == self.model.top() else f"accepted {kind}"
        )
        event("extended the end" if from_state.state.ends_at > self.model.ends_at else "on time")
        self.model.accept(new)
        self.history.append(new)
        self.state = from_state.state
        displaced = leader_before not in (None, self.model.leader_id())
        assert from_state.outbid_id == (leader_before if displaced else None)

    @rule(
        bidder=BIDDERS,
        steps=st.integers(min_value=-1, max_value=4),
        cents=st.sampled_from([-1, 0, 0, 1]),
    )
    def bid_around_the_minimum(self, bidder: int, steps: int, cents: int) -> None:
        minimum = self.model.minimum()
        self.submit(bidder, minimum + steps * reference_increment(minimum) + cents)

    @rule(bidder=BIDDERS, pick=st.integers(min_value=0, max_value=3))
    def bid_someone_elses_maximum(self, bidder: int, pick: int) -> None:
        maxima = [m.amount_cents for m in self.model.ranking()] or [self.model.minimum()]
        self.submit(bidder, maxima[pick % len(maxima)])

    @rule(bidder=BIDDERS, cents=st.sampled_from([-1, 0, 1]))
    def bid_about_the_reserve(self, bidder: int, cents: int) -> None:
        self.submit(bidder, (self.terms.reserve_cents or self.model.minimum()) + cents)

    @rule(change=st.sampled_from([-1, 0, 1, 1_00, 250_00, 10_000_00]))
    def leader_changes_their_maximum(self, change: int) -> None:
        leader, top = self.model.leader_id(), self.model.top()
        self.submit(leader or 1, (top or self.model.minimum()) + change)

    @rule(bidder=BIDDERS, exact=st.sampled_from([True, True, True, False]))
    def buy_it_now(self, bidder: int, exact: bool) -> None:
        price = self.terms.buy_now_cents or 1_000_00
        self.submit(bidder, price if exact else price + 1, BidKind.BUY_NOW)

    # Jumping past the end is the rarest move, so that most runs bid for a while first.
    @rule(
        move=st.sampled_from([*["wait"] * 3, *["into the last two minutes"] * 2, "past the end"]),
        seconds=WAITS,
    )
    def the_clock_moves(self, move: str, seconds: int) -> None:
        if move == "wait":
            self.now += timedelta(seconds=seconds)
        elif move == "into the last two minutes":
            self.now = max(self.now, self.model.ends_at - timedelta(seconds=seconds % 121))
        else:
            self.now = max(self.now, self.model.ends_at + timedelta(seconds=seconds % 61))
            closed = outcome(self.terms, self.state, self.now)
            assert closed is not None
            event(f"closed {closed}")

    @invariant()
    def the_engine_agrees_with_the_model(self) -> None:
        state = replay(self.terms, self.history, now=self.now)
        assert state == state_at(self.terms, self.state, self.now)
        model = self.model
        assert state.status is model.status(self.now)
        assert (state.current_price_cents, state.leader_id) == (model.price(), model.leader_id())
        assert state.leader_max_cents == model.leader_max()
        assert (state.ends_at, state.bids_accepted) == (model.ends_at, model.accepted)
        assert state.buy_now_available == model.buy_now_available(self.now)
        assert state.minimum_next_bid_cents == model.minimum()
        assert state == resume(
            self.terms,
            as_of=self.now,
            leader_id=model.leader_id(),
            leader_max_cents=model.leader_max(),
            runner_up_max_cents=model.runner_up_max(),
            ends_at=model.ends_at,
            bids_accepted=model.accepted,
            bought_now=model.buyer_id is not None,
        )
        assert outcome(self.terms, state, self.now) == model.outcome(self.now)
        closing = max(self.now, model.ends_at)  # were nobody to bid again
        assert outcome(self.terms, state, closing) == model.outcome(closing)


TestAuctionAgainstTheModel = AuctionAgainstTheModel.TestCase

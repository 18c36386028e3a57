"""Auction alerts as the recipient reads them: the text and the one-tap buttons of each alert
that catalog/auctions records (outbid, extended, ending soon, won, lost, reserve not met,
approval requested, dealer decision, counter answered, cancelled).

The buttons are chat payloads the bot understands wherever the alert is sent: a rebid at the
new minimum (`/place_bid{"lot":..,"cents":..}`: it shows the confirmation summary, it never bids
by itself), the dealer's approve / counter / reject, the buyer's answer to a counter-offer.
Buyers read their alerts in their own language; dealers (in the US and Canada) in English.
Sending, rate limits and the WhatsApp 24-hour window belong to the alert worker, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from catalog.auctions.models import Auction, AuctionEventKind, AuctionResult
from catalog.auctions.service import AuctionAlert
from catalog.buyers.models import Buyer
from catalog.dealers.models import Dealer
from catalog.vehicles.models import Vehicle
from chat.dates import format_moment
from chat.languages import language_or_default
from chat.money import format_money
from chat.payloads import build_payload
from chat.replies import Button
from notifications.notifier import AlertMessage

# A template's body variables, in order: {{1}} the lot, {{2}} the vehicle, {{3}} the price,
# {{4}} what this kind adds (the minimum to lead, the end, the payment date, the deadline, the
# counter-offer, the reason), for sends outside WhatsApp's 24-hour window.


def buttons(*pairs: tuple[str, str]) -> list[Button]:
    """Buttons from (title, payload) pairs."""
    return [Button(title=title, payload=payload) for title, payload in pairs]


_TEXTS: Final[dict[str, Mapping[str, str]]] = {
    "en": {
        "outbid": "⚠️ You've been outbid on lot {lot} · {title}. The price is now {price}; the "
        "minimum to lead again is {minimum}.",
        "rebid": "Bid {minimum}",
        "extended": "⏱ Lot {lot} · {title} was extended by a late bid: it now ends at {ends}. "
        "Current bid {price}.",
        "ending_soon": "⏳ Lot {lot} · {title} ends in {window} min ({ends}). Current bid {price}.",
        "ending_soon_unbid": "⏳ Lot {lot} · {title} ends in {window} min ({ends}). No bids yet: "
        "it opens at {opening}.",
        "see_lot": "See lot {lot}",
        "won": "🎉 You won lot {lot} · {title} for {price}. Pay by {due} (bank transfer; "
        "instructions follow from our team).",
        "lost": "Lot {lot} · {title} was sold to another bidder for {price}.",
        "reserve_not_met": "Lot {lot} · {title} ended at {price}, below the seller's reserve. The "
        "seller decides by {deadline}; we'll tell you at once.",
        "decision_approve": "🎉 The seller accepted {price} for lot {lot} · {title}: it's yours. "
        "Pay by {due}.",
        "decision_reject": "The seller declined {price} for lot {lot} · {title}. It is not sold.",
        "decision_counter": "The seller offers lot {lot} · {title} to you for {counter} (your "
        "bid was {price}). Answer by {deadline}.",
        "decision_expired": "The answer on lot {lot} · {title} did not come in time: it is not "
        "sold.",
        "accept_counter": "Accept {counter}",
        "decline_counter": "Decline",
        "cancelled": "Lot {lot} · {title} was cancelled: {reason}. Nothing is owed.",
        "no_reason": "the seller withdrew it",
    },
    "fr": {
        "outbid": "⚠️ Vous avez été dépassé sur le lot {lot} · {title}. Le prix est maintenant "
        "{price} ; il faut {minimum} pour repasser en tête.",
        "rebid": "Enchérir {minimum}",
        "extended": "⏱ Le lot {lot} · {title} est prolongé par une enchère tardive : fin à "
        "{ends}. Enchère actuelle {price}.",
        "ending_soon": "⏳ Le lot {lot} · {title} se termine dans {window} min ({ends}). "
        "Enchère actuelle {price}.",
        "ending_soon_unbid": "⏳ Le lot {lot} · {title} se termine dans {window} min ({ends}). "
        "Pas encore d'enchère : elle s'ouvre à {opening}.",
        "see_lot": "Voir le lot {lot}",
        "won": "🎉 Vous avez gagné le lot {lot} · {title} pour {price}. Paiement avant le {due} "
        "(virement ; notre équipe vous envoie les instructions).",
        "lost": "Le lot {lot} · {title} a été vendu à un autre enchérisseur pour {price}.",
        "reserve_not_met": "Le lot {lot} · {title} s'est terminé à {price}, sous le prix de "
        "réserve. Le vendeur décide avant le {deadline} ; nous vous prévenons aussitôt.",
        "decision_approve": "🎉 Le vendeur accepte {price} pour le lot {lot} · {title} : il est "
        "à vous. Paiement avant le {due}.",
        "decision_reject": "Le vendeur refuse {price} pour le lot {lot} · {title}. Il n'est pas "
        "vendu.",
        "decision_counter": "Le vendeur vous propose le lot {lot} · {title} à {counter} (votre "
        "enchère : {price}). Répondez avant le {deadline}.",
        "decision_expired": "La réponse pour le lot {lot} · {title} n'est pas venue à temps : il "
        "n'est pas vendu.",
        "accept_counter": "Accepter {counter}",
        "decline_counter": "Refuser",
        "cancelled": "Le lot {lot} · {title} est annulé : {reason}. Vous ne devez rien.",
        "no_reason": "le vendeur l'a retiré",
    },
    "pt": {
        "outbid": "⚠️ O seu lance no lote {lot} · {title} foi superado. O preço agora é {price}; "
        "para voltar à frente são precisos {minimum}.",
        "rebid": "Licitar {minimum}",
        "extended": "⏱ O lote {lot} · {title} foi prolongado por um lance tardio: termina às "
        "{ends}. Lance atual {price}.",
        "ending_soon": "⏳ O lote {lot} · {title} termina em {window} min ({ends}). Lance atual "
        "{price}.",
        "ending_soon_unbid": "⏳ O lote {lot} · {title} termina em {window} min ({ends}). Ainda "
        "sem lances: abre em {opening}.",
        "see_lot": "Ver lote {lot}",
        "won": "🎉 Ganhou o lote {lot} · {title} por {price}. Pague até {due} (transferência; a "
        "nossa equipa envia as instruções).",
        "lost": "O lote {lot} · {title} foi vendido a outro licitante por {price}.",
        "reserve_not_met": "O lote {lot} · {title} terminou a {price}, abaixo da reserva do "
        "vendedor. O vendedor decide até {deadline}; avisamos logo.",
        "decision_approve": "🎉 O vendedor aceitou {price} pelo lote {lot} · {title}: é seu. "
        "Pague até {due}.",
        "decision_reject": "O vendedor recusou {price} pelo lote {lot} · {title}. Não foi vendido.",
        "decision_counter": "O vendedor oferece-lhe o lote {lot} · {title} por {counter} (o seu "
        "lance: {price}). Responda até {deadline}.",
        "decision_expired": "A resposta sobre o lote {lot} · {title} não chegou a tempo: não foi "
        "vendido.",
        "accept_counter": "Aceitar {counter}",
        "decline_counter": "Recusar",
        "cancelled": "O lote {lot} · {title} foi cancelado: {reason}. Não deve nada.",
        "no_reason": "o vendedor retirou-o",
    },
}

_DEALER_EN: Final[Mapping[str, str]] = {
    "approval_requested": "🔨 Lot {lot} · {title} ended at {price}, below your reserve of "
    "{reserve}. Approve, counter or reject by {deadline} (no answer: not sold).",
    "approval_reminder": "⏰ Reminder: lot {lot} · {title} is waiting for your answer: the high "
    "bid is {price}, below your reserve of {reserve}. Approve, counter or reject by {deadline} "
    "(no answer: not sold).",
    "approve": "Approve {price}",
    "counter": "Counter {counter}",
    "reject": "Reject",
    "counter_accepted": "✅ The buyer accepted your counter-offer of {counter} for lot {lot} · "
    "{title}: sold.",
    "counter_declined": "The buyer declined your counter-offer of {counter} for lot {lot} · "
    "{title}: not sold.",
    "decision_expired": "Lot {lot} · {title}: the approval deadline passed, so it is not sold.",
}

_DEALER_FR: Final[Mapping[str, str]] = {
    "approval_requested": "🔨 Le lot {lot} · {title} s'est terminé à {price}, sous votre prix de "
    "réserve de {reserve}. Acceptez, contre-proposez ou refusez avant le {deadline} (sans "
    "réponse : non vendu).",
    "approval_reminder": "⏰ Rappel : le lot {lot} · {title} attend votre réponse : la meilleure "
    "enchère est de {price}, sous votre réserve de {reserve}. Acceptez, contre-proposez ou "
    "refusez avant le {deadline} (sans réponse : non vendu).",
    "approve": "Accepter {price}",
    "counter": "Proposer {counter}",
    "reject": "Refuser",
    "counter_accepted": "✅ L'acheteur accepte votre contre-proposition de {counter} pour le lot "
    "{lot} · {title} : vendu.",
    "counter_declined": "L'acheteur refuse votre contre-proposition de {counter} pour le lot "
    "{lot} · {title} : non vendu.",
    "decision_expired": "Lot {lot} · {title} : le délai de réponse est passé, il n'est donc pas "
    "vendu.",
}
_DEALER_PT: Final[Mapping[str, str]] = {
    "approval_requested": "🔨 O lote {lot} · {title} terminou a {price}, abaixo da sua reserva "
    "de {reserve}. Aprove, contraproponha ou recuse até {deadline} (sem resposta: não vendido).",
    "approval_reminder": "⏰ Lembrete: o lote {lot} · {title} aguarda a sua resposta: o lance "
    "mais alto é {price}, abaixo da sua reserva de {reserve}. Aprove, contraproponha ou recuse "
    "até {deadline} (sem resposta: não vendido).",
    "approve": "Aprovar {price}",
    "counter": "Propor {counter}",
    "reject": "Recusar",
    "counter_accepted": "✅ O comprador aceitou a sua contraproposta de {counter} pelo lote "
    "{lot} · {title}: vendido.",
    "counter_declined": "O comprador recusou a sua contraproposta de {counter} pelo lote "
    "{lot} · {title}: não vendido.",
    "decision_expired": "Lote {lot} · {title}: o prazo de resposta passou, não foi vendido.",
}
# Dealers (in the US and Canada) read English unless their language is set (Quebec: French).
_DEALER: Final[dict[str, Mapping[str, str]]] = {"en": _DEALER_EN, "fr": _DEALER_FR,
                                                "pt": _DEALER_PT}  # fmt: skip


def render(db_session: Session, event: AuctionAlert) -> AlertMessage:
    """The alert's words and buttons, for its recipient (a buyer, or the vehicle's dealer)."""
    auction = db_session.get(Auction, event.auction_id)
    assert auction is not None  # events cascade with their auction
    vehicle = db_session.get(Vehicle, auction.vehicle_id)
    assert vehicle is not None
    fills = _fills(event, auction, vehicle)
    if event.dealer_id is not None:
        dealer = db_session.get(Dealer, event.dealer_id)
        lang = dealer.language if dealer is not None and dealer.language in _DEALER else "en"
        message = _for_dealer(event, fills, auction, lang)
    else:
        buyer = db_session.get(Buyer, event.buyer_id) if event.buyer_id is not None else None
        lang = buyer.language if buyer is not None and buyer.language in _TEXTS else "en"
        message = _for_buyer(event, fills, auction, _TEXTS[lang], lang)
    return replace(message, params=_params(event, fills, lang))


_DETAIL: Final = {
    AuctionEventKind.OUTBID: "minimum_cents", AuctionEventKind.EXTENDED: "ends",
    AuctionEventKind.ENDING_SOON: "ends", AuctionEventKind.WON: "due",
    AuctionEventKind.RESERVE_NOT_MET: "deadline", AuctionEventKind.APPROVAL_REQUESTED: "deadline",
    AuctionEventKind.APPROVAL_REMINDER: "deadline",
    AuctionEventKind.DEALER_DECISION: "counter_cents", AuctionEventKind.COUNTER_ANSWERED:
    "counter_cents",
}  # fmt: skip


def _params(event: AuctionAlert, fills: dict[str, Any], lang: str) -> list[str]:
    """The template variables: lot, vehicle, price, and the kind's detail (see above)."""

    def shown(name: str) -> str:
        value = fills.get(name)
        if name.endswith("_cents"):
            return _usd(value, lang) if isinstance(value, int) else ""
        return str(value or "")

    detail = _DETAIL.get(event.kind)
    if event.kind is AuctionEventKind.CANCELLED:
        extra = str(event.payload.get("reason") or "") or _TEXTS[lang]["no_reason"]
    elif (
        event.kind is AuctionEventKind.DEALER_DECISION
        and event.payload.get("decision") != "counter"
    ):
        extra = str(event.payload.get("decision") or "")
    else:
        extra = shown(detail) if detail else ""
    return [str(fills["lot"]), str(fills["title"]), shown("price_cents"), extra or "-"]


def _for_buyer(
    event: AuctionAlert, fills: dict[str, Any], auction: Auction, text: Mapping[str, str],
    lang: str,
) -> AlertMessage:  # fmt: skip
    kind, payload = event.kind, event.payload
    fills = {**fills, **{name: _usd(fills[f"{name}_cents"], lang)
                         for name in ("price", "minimum", "counter", "reserve")
                         if fills.get(f"{name}_cents") is not None}}  # fmt: skip
    see = (text["see_lot"].format(lot=auction.id), build_payload("current_bid", lot=auction.id))
    if kind is AuctionEventKind.OUTBID:
        rebid = build_payload("place_bid", lot=auction.id, cents=fills["minimum_cents"])
        return AlertMessage(text["outbid"].format(**fills),
                            buttons((text["rebid"].format(**fills), rebid)))  # fmt: skip
    if kind in (AuctionEventKind.EXTENDED, AuctionEventKind.ENDING_SOON):
        unbid = kind is AuctionEventKind.ENDING_SOON and "price" not in fills  # no bid yet
        words = text["ending_soon_unbid" if unbid else kind.value]
        return AlertMessage(words.format(**fills, opening=_usd(auction.starting_bid_cents, lang)),
                            buttons(see))  # fmt: skip
    if kind is AuctionEventKind.DEALER_DECISION:
        decision = str(payload.get("decision"))
        message = text[f"decision_{decision}"].format(**fills)
        if decision != "counter":
            return AlertMessage(message)
        return AlertMessage(message, buttons(
            (text["accept_counter"].format(**fills),
             build_payload("accept_counter", lot=auction.id)),
            (text["decline_counter"], build_payload("decline_counter", lot=auction.id)),
        ))  # fmt: skip
    if kind is AuctionEventKind.CANCELLED:
        reason = str(payload.get("reason") or "") or text["no_reason"]
        return AlertMessage(text["cancelled"].format(**{**fills, "reason": reason}))
    return AlertMessage(text[kind.value].format(**fills))


def _for_dealer(
    event: AuctionAlert, fills: dict[str, Any], auction: Auction, lang: str
) -> AlertMessage:
    text = _DEALER[lang]
    fills = {**fills, **{name: _usd(fills[f"{name}_cents"], lang)
                         for name in ("price", "counter", "reserve")
                         if fills.get(f"{name}_cents") is not None}}  # fmt: skip
    if event.kind in (AuctionEventKind.APPROVAL_REQUESTED, AuctionEventKind.APPROVAL_REMINDER):
        price, reserve = fills["price_cents"], fills.get("reserve_cents") or fills["price_cents"]
        counter = _counter_suggestion(price, reserve)
        return AlertMessage(text[event.kind.value].format(**fills), buttons(
            (text["approve"].format(**fills), build_payload("dealer_approve", lot=auction.id)),
            (text["counter"].format(counter=_usd(counter, lang)),
             build_payload("dealer_counter", lot=auction.id, cents=counter)),
            (text["reject"], build_payload("dealer_reject", lot=auction.id)),
        ))  # fmt: skip
    if event.kind is AuctionEventKind.COUNTER_ANSWERED:
        key = "counter_accepted" if event.payload.get("accepted") else "counter_declined"
        return AlertMessage(text[key].format(**fills))
    return AlertMessage(text["decision_expired"].format(**fills))


def _counter_suggestion(price_cents: int, reserve_cents: int) -> int:
    """A one-tap counter-offer: halfway from the high bid to the reserve, in whole $50."""
    halfway = (price_cents + reserve_cents) // 2
    rounded = -(-halfway // 50_00) * 50_00
    return max(rounded, price_cents + 100)


def _fills(event: AuctionAlert, auction: Auction, vehicle: Vehicle) -> dict[str, Any]:
    payload = event.payload
    ends, price = payload.get("ends_at"), payload.get("price_cents")
    if auction.result is AuctionResult.OPEN:  # a reminder says what holds when it is sent
        ends = auction.current_ends_at.isoformat()
        if event.kind is AuctionEventKind.ENDING_SOON:
            price = auction.current_price_cents
    return {
        "lot": auction.id,
        "title": f"{vehicle.year} {vehicle.make} {vehicle.model}",
        "price_cents": price,
        "minimum_cents": payload.get("minimum_next_bid_cents"),
        "counter_cents": payload.get("counter_cents"),
        "reserve_cents": payload.get("reserve_cents"),
        "window": payload.get("window_minutes"),
        "ends": _when(ends),
        "due": _when(payload.get("payment_due_at")),
        "deadline": _when(payload.get("deadline_at")),
    }


def _when(value: object) -> str:
    return format_moment(datetime.fromisoformat(value)) if isinstance(value, str) else ""


def _usd(cents: int, lang: str) -> str:
    """Whole dollars as each language writes them: $5,200 / 5 200 $ / US$ 5 200."""
    return format_money(cents, "USD", language_or_default(lang))

"""Vehicle extras through the whole bot (worker, real Rasa, action server, showroom catalog):
photos in chat, vehicle history and VINs, the watchlist, saved searches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from catalog.buyers import service as buyer_service
from catalog.buyers.models import Buyer as BuyerRow
from catalog.media import service as media_service
from catalog.media.schemas import media_url
from catalog.privacy import service as privacy_service
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.models import SavedSearch
from chat.messages import Channel, InboundKind
from dialogs.actions.extras import payload
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.rasa_stack import HISTORY_PROVIDER_TOKEN, PUBLIC_BASE_URL, RasaStack
from tests.servers import serve_in_thread


def photo_urls(showroom: Showroom, key: str) -> list[str]:
    with showroom.sessions() as db_session:
        media = media_service.get_all_for_vehicle(db_session=db_session,
                                                  vehicle_id=showroom.ids[key])  # fmt: skip
        return [media_url(photo.content_hash, "web", base_url=PUBLIC_BASE_URL) for photo in media]


def gallery_link(showroom: Showroom, key: str) -> str:
    return f"{PUBLIC_BASE_URL}/vehicles/{showroom.ids[key]}/gallery"


def tap(buyer: Buyer, intent: str, vehicle_id: int, *, replies: int = 1, **fields: Any) -> Any:
    """Tap a button naming a vehicle, as the vehicle details and our own replies offer."""
    text = payload(intent, vehicle_id)
    return buyer.say(text, replies=replies, kind=InboundKind.BUTTON, payload=text, **fields)


def telegram_payloads(record: dict[str, Any]) -> list[str]:
    rows = record["body"]["reply_markup"]["inline_keyboard"]
    return [key["callback_data"] for row in rows for key in row]


def whatsapp_payloads(record: dict[str, Any]) -> list[str]:
    interactive = record["body"]["interactive"]
    if interactive["type"] == "button":
        return [button["reply"]["id"] for button in interactive["action"]["buttons"]]
    return [row["id"] for section in interactive["action"]["sections"] for row in section["rows"]]


def buyer_id_of(showroom: Showroom, buyer: Buyer) -> int:
    with showroom.sessions() as db_session:
        if buyer.channel is Channel.TELEGRAM:
            found = buyer_service.get_or_create_by_telegram(db_session=db_session,
                                                            user_id=int(buyer.user))  # fmt: skip
        else:
            found = buyer_service.get_or_create_by_whatsapp(db_session=db_session,
                                                            number=f"+{buyer.user}")  # fmt: skip
        return found.id


def parse(stack: RasaStack, text: str) -> dict[str, Any]:
    """What the model understands of `text` (intent, entities), without a conversation."""
    url, token = f"{stack.base_url}/model/parse", {"token": stack.auth_token}
    parsed: dict[str, Any] = httpx.post(url, params=token, json={"text": text}).json()
    return parsed


# --- Understanding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("photos", "show_photos"),
        ("show me pictures", "show_photos"),
        ("fotos", "show_photos"),
        ("envoie les photos", "show_photos"),
        ("more photos", "more_photos"),
        ("plus de photos", "more_photos"),
        ("mais fotos", "more_photos"),
        ("history", "vehicle_history"),
        ("carfax", "vehicle_history"),
        ("check VIN 1HGCM82633A004352", "vehicle_history"),
        ("historique", "vehicle_history"),
        ("histórico", "vehicle_history"),
        ("watch this", "watch_vehicle"),
        ("save this car", "watch_vehicle"),
        ("suivre", "watch_vehicle"),
        ("guardar", "watch_vehicle"),
        ("my watchlist", "show_watchlist"),
        ("ma liste", "show_watchlist"),
        ("minha lista", "show_watchlist"),
        ("remove", "unwatch_vehicle"),
        ("retire", "unwatch_vehicle"),
        ("remover", "unwatch_vehicle"),
        ("tell me when a Hilux under 20k comes in", "save_search"),
        ("préviens-moi quand un Prado arrive", "save_search"),
        ("avise-me quando chegar um RAV4 até 15 mil", "save_search"),
    ],
)
def test_buyers_phrasing_reaches_the_extras(rasa_stack: RasaStack, text: str, intent: str) -> None:
    assert parse(rasa_stack, text)["intent"]["name"] == intent


def test_a_typed_vin_is_extracted(rasa_stack: RasaStack) -> None:
    parsed = parse(rasa_stack, "check VIN 1HGCM82633A004352")

    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [("vin", "1HGCM82633A004352")]


# --- Photos -------------------------------------------------------------------------------------


def test_photos_on_telegram_come_five_at_a_time_as_media_groups_with_the_gallery_link(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer, hilux = chat(Channel.TELEGRAM), showroom.ids["hilux_2016"]
    urls, title = photo_urls(showroom, "hilux_2016"), showroom.vehicle("hilux_2016").title

    group, caption = tap(buyer, "show_photos", hilux, replies=2)

    assert group["endpoint"] == "sendMediaGroup"
    assert group["body"]["media"] == [{"type": "photo", "media": url} for url in urls[:5]]
    assert caption["endpoint"] == "sendMessage"
    assert caption["body"]["text"].startswith(f"Photos 1 to 5 of 12: {title}.")
    assert gallery_link(showroom, "hilux_2016") in caption["body"]["text"]
    assert telegram_payloads(caption) == [payload("more_photos", hilux),
                                          payload("watch_vehicle", hilux),
                                          payload("vehicle_history", hilux)]  # fmt: skip

    group, caption = buyer.say("more photos", replies=2)
    assert [item["media"] for item in group["body"]["media"]] == urls[5:10]
    assert caption["body"]["text"].startswith("Photos 6 to 10 of 12")

    group, caption = buyer.say("more pictures", replies=2)
    assert [item["media"] for item in group["body"]["media"]] == urls[10:12]
    assert "That was the last one" in caption["body"]["text"]
    assert gallery_link(showroom, "hilux_2016") in caption["body"]["text"]

    [done] = buyer.say("more photos")
    assert done["body"]["text"].startswith(f"You have seen all 12 photos: {title}.")
    assert gallery_link(showroom, "hilux_2016") in done["body"]["text"]
    assert payload("show_photos", hilux) in telegram_payloads(done)


def test_photos_on_whatsapp_come_as_five_images_then_the_link_with_buttons(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer, rav4 = chat(Channel.WHATSAPP), showroom.ids["rav4_2017"]

    *images, caption = tap(buyer, "show_photos", rav4, replies=6)

    assert [image["body"]["type"] for image in images] == ["image"] * 5
    assert [image["body"]["image"]["link"] for image in images] == photo_urls(
        showroom, "rav4_2017"
    )[:5]
    body = caption["body"]["interactive"]["body"]["text"]
    assert body.startswith(f"Photos 1 to 5 of 12: {showroom.vehicle('rav4_2017').title}.")
    assert gallery_link(showroom, "rav4_2017") in body
    assert whatsapp_payloads(caption)[0] == payload("more_photos", rav4)


def test_photos_on_twilio_come_one_media_per_message_then_numbered_options(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer, sienna = chat(Channel.TWILIO), showroom.ids["sienna_2011"]

    # Twilio has no buttons: the payload arrives as text, as a numbered option's does.
    *images, caption = buyer.say(payload("show_photos", sienna), replies=6)

    assert [image["body"]["MediaUrl"][0] for image in images] == photo_urls(
        showroom, "sienna_2011"
    )[:5]
    assert caption["body"]["Body"].startswith("Photos 1 to 5 of 12")
    assert gallery_link(showroom, "sienna_2011") in caption["body"]["Body"]
    assert caption["body"]["Body"].endswith("1. More photos\n2. Watch\n3. History")

    more = buyer.say("1", replies=6)  # the first option: more photos
    assert [image["body"]["MediaUrl"][0] for image in more[:5]] == photo_urls(
        showroom, "sienna_2011"
    )[5:10]


def test_photos_without_a_vehicle_chosen_ask_to_search_first(chat: ChatFactory) -> None:
    buyer = chat(Channel.TELEGRAM)

    [reply] = buyer.say("show me pictures")

    assert reply["body"]["text"].startswith("Which vehicle? Search first")
    assert telegram_payloads(reply) == ["/search_vehicles"]


def test_photos_in_portuguese(chat: ChatFactory, showroom: Showroom) -> None:
    buyer, camry = chat(Channel.TELEGRAM), showroom.ids["camry_2015"]

    group, caption = tap(buyer, "show_photos", camry, replies=2, language_hint="pt")
    assert len(group["body"]["media"]) == 5
    assert caption["body"]["text"].startswith(
        f"Fotos 1 a 5 de 12: {showroom.vehicle('camry_2015').title}."
    )
    assert "Todas as fotos: " + gallery_link(showroom, "camry_2015") in caption["body"]["text"]

    group, caption = buyer.say("mais fotos", replies=2)
    assert [item["media"] for item in group["body"]["media"]] == photo_urls(showroom, "camry_2015")[
        5:10
    ]
    assert caption["body"]["text"].startswith("Fotos 6 a 10 de 12")


# --- History ------------------------------------------------------------------------------------


def test_history_of_a_showroom_vehicle_decodes_its_vin_and_gives_the_catalog_record(
    chat: ChatFactory, showroom: Showroom
) -> None:
    """No history service answers here (nothing listens on its port): the turn still answers."""
    buyer, hilux = chat(Channel.TELEGRAM), showroom.vehicle("hilux_2016")

    [reply] = tap(buyer, "vehicle_history", hilux.id)

    text = reply["body"]["text"]
    assert text.startswith("History of the 2016 Toyota Hilux")
    assert f"VIN {hilux.vin}: check digit {hilux.vin[8]} is correct" in text
    assert "Manufacturer: Toyota" in text
    assert "Made in: United States" in text
    assert "Model year: 2016" in text
    assert "Title: clean" in text
    assert "Odometer: 98,000 km (60,894 mi)" in text
    assert "Damage recorded: none" in text
    assert "The history service is not answering right now" in text
    assert telegram_payloads(reply) == [payload("show_photos", hilux.id),
                                        payload("watch_vehicle", hilux.id)]  # fmt: skip


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("check VIN 1HGCM82633A00435", "A VIN has 17 characters; 1HGCM82633A00435 has 16"),
        ("check VIN 1HGCM8263OA004352", "1HGCM8263OA004352 contains O: a VIN never uses I, O or Q"),
        ("carfax 1HGCM82634A004352", "the 9th character is 3, the others give 1"),
    ],
)
def test_a_mistyped_vin_is_explained(chat: ChatFactory, message: str, reason: str) -> None:
    buyer = chat(Channel.TELEGRAM)

    [reply] = buyer.say(message)

    assert reason in reply["body"]["text"]


def test_a_vin_in_a_tapped_payload_is_taken_as_it_is(chat: ChatFactory) -> None:
    buyer = chat(Channel.TELEGRAM)
    text = '/vehicle_history{"vin":"1HGCM82633A004352"}'

    [reply] = buyer.say(text, kind=InboundKind.BUTTON, payload=text)

    assert reply["body"]["text"].startswith("VIN 1HGCM82633A004352\n✓ VIN 1HGCM82633A004352")
    assert reply["body"]["text"].endswith("This vehicle is not in our stock.")


class FakeHistoryService:
    """A Carfax-like service on a real port: reports by VIN, and the requests it was sent."""

    def __init__(self, answers: dict[str, tuple[int, dict[str, Any]]]) -> None:
        self.answers = answers
        self.requests: list[dict[str, str]] = []
        self.app = FastAPI()
        self.app.get("/healthz")(lambda: {"ok": True})
        self.app.get("/v1/history/{vin}")(self.history)

    async def history(self, vin: str, request: Request) -> JSONResponse:
        authorization = request.headers.get("authorization", "")
        self.requests.append({"vin": vin, "authorization": authorization})
        status, body = self.answers.get(vin, (404, {"error": "no record"}))
        return JSONResponse(body, status_code=status)


@pytest.fixture
def history_service(rasa_stack: RasaStack, showroom: Showroom) -> Iterator[FakeHistoryService]:
    hilux, pilot = showroom.vehicle("hilux_2016"), showroom.vehicle("pilot_2016")
    events = [{"date": "2019-04-02", "description": "Registered in Ohio"},
              {"date": "2021-08-15", "description": "Minor front damage reported"}]  # fmt: skip
    report = {"owners": 2, "accidents": 1, "title_brands": [], "odometer_km": 97_500,
              "events": events}  # fmt: skip
    service = FakeHistoryService({hilux.vin: (200, report), pilot.vin: (503, {})})
    with serve_in_thread(service.app, "/healthz", port=rasa_stack.history_provider_port):
        yield service


def test_history_includes_the_history_services_report_when_it_answers(
    chat: ChatFactory, showroom: Showroom, history_service: FakeHistoryService
) -> None:
    buyer, hilux = chat(Channel.TELEGRAM), showroom.vehicle("hilux_2016")

    [reply] = buyer.say(f"check VIN {hilux.vin}")

    text = reply["body"]["text"]
    assert text.startswith("History of the 2016 Toyota Hilux")
    assert "Title: clean" in text  # the catalog's record, then the service's report
    assert "History report:\n• Owners: 2\n• Accidents: 1\n• Odometer: 97,500 km" in text
    assert "• 2019-04-02 Registered in Ohio\n• 2021-08-15 Minor front damage reported" in text
    assert history_service.requests == [
        {"vin": hilux.vin, "authorization": f"Bearer {HISTORY_PROVIDER_TOKEN}"}
    ]


def test_history_survives_a_failing_service_and_says_what_it_has_for_unknown_vins(
    chat: ChatFactory, showroom: Showroom, history_service: FakeHistoryService
) -> None:
    buyer, pilot = chat(Channel.TELEGRAM), showroom.vehicle("pilot_2016")

    [failed] = tap(buyer, "vehicle_history", pilot.id)  # the service answers 503
    [unknown] = buyer.say("check VIN 1HGCM82633A004352")  # not ours, and no record

    assert failed["body"]["text"].startswith("History of the 2016 Honda Pilot")
    assert "Odometer: 110,000 km" in failed["body"]["text"]
    assert "The history service is not answering right now" in failed["body"]["text"]
    text = unknown["body"]["text"]
    assert text.startswith("VIN 1HGCM82633A004352")
    assert "Manufacturer: Honda" in text
    assert "Model year: 2003" in text
    assert "The history service has no record of it." in text
    assert text.endswith("This vehicle is not in our stock.")


# --- Watchlist ----------------------------------------------------------------------------------


def test_watch_list_and_remove_vehicles(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.tap("/give_consent", "I agree")
    hilux, rav4 = showroom.ids["hilux_2016"], showroom.ids["rav4_2017"]

    [watched] = tap(buyer, "watch_vehicle", hilux)
    hilux_title, rav4_title = (
        showroom.vehicle("hilux_2016").title,
        showroom.vehicle("rav4_2017").title,
    )
    assert buyer.texts([watched])[0].startswith(f"⭐ On your watchlist: {hilux_title}.")
    tap(buyer, "watch_vehicle", rav4)

    [listed] = buyer.say("my watchlist")
    assert buyer.texts([listed]) == [
        f"Your watchlist (2):\n1. {hilux_title} — $18,500\n2. {rav4_title} — $16,200"
    ]
    assert whatsapp_payloads(listed) == [payload("vehicle_details", hilux),
                                         payload("vehicle_details", rav4)]  # fmt: skip

    [removed] = buyer.say("remove it from my watchlist")  # the RAV4: the vehicle last tapped
    assert buyer.texts([removed]) == [f"Removed from your watchlist: {rav4_title}."]

    [which] = buyer.say("remove")  # the RAV4 is gone: which one, then?
    assert buyer.texts([which])[0].startswith("Which one should I remove from your watchlist?")
    assert whatsapp_payloads(which) == [payload("unwatch_vehicle", hilux)]

    with showroom.sessions() as db_session:
        watched_now = watchlist_service.get_watched_vehicles(
            db_session=db_session, buyer_id=buyer_id_of(showroom, buyer)
        )
        assert [vehicle.id for vehicle in watched_now] == [hilux]


def watched_ids(showroom: Showroom, buyer: Buyer) -> list[int]:
    with showroom.sessions() as db_session:
        watched = watchlist_service.get_watched_vehicles(
            db_session=db_session, buyer_id=buyer_id_of(showroom, buyer)
        )
        return [vehicle.id for vehicle in watched]


def alerts_on(showroom: Showroom, buyer: Buyer) -> bool:
    with showroom.sessions() as db_session:
        found = db_session.get(BuyerRow, buyer_id_of(showroom, buyer))
        assert found is not None
        return privacy_service.alerts_allowed(found)


def test_watching_before_saying_yes_to_alerts_asks_first_and_a_typed_yes_watches(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    hilux = showroom.ids["hilux_2016"]
    title = showroom.vehicle("hilux_2016").title

    [offer] = tap(buyer, "watch_vehicle", hilux)

    assert buyer.texts([offer])[0].startswith(
        f"⭐ I can watch this vehicle and tell you if its price or availability changes: {title}."
    )
    assert "STOP" in buyer.texts([offer])[0]
    assert whatsapp_payloads(offer) == [payload("watch_with_alerts", hilux),
                                        '/acknowledge{"answer":"no"}']  # fmt: skip
    assert watched_ids(showroom, buyer) == [] and not alerts_on(showroom, buyer)

    [watched] = buyer.say("yes")

    assert buyer.texts([watched])[0].startswith(f"⭐ Alerts on. On your watchlist: {title}.")
    assert watched_ids(showroom, buyer) == [hilux] and alerts_on(showroom, buyer)


def test_a_typed_no_to_the_alerts_offer_watches_nothing(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    tap(buyer, "watch_vehicle", showroom.ids["rav4_2017"])

    [reply] = buyer.say("not now")

    assert "Sorry" not in buyer.texts([reply])[0]
    assert watched_ids(showroom, buyer) == [] and not alerts_on(showroom, buyer)


def test_after_stop_watching_asks_again_and_yes_resumes_alerts(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)
    buyer.tap("/give_consent", "I agree")
    buyer.say("STOP")
    corolla = showroom.ids["corolla_2012"]

    [offer] = tap(buyer, "watch_vehicle", corolla)
    assert buyer.texts([offer])[0].startswith("⭐ I can watch this vehicle")
    assert watched_ids(showroom, buyer) == []

    buyer.say("ok")
    assert watched_ids(showroom, buyer) == [corolla] and alerts_on(showroom, buyer)


def test_an_empty_watchlist_in_french(chat: ChatFactory) -> None:
    buyer = chat(Channel.TELEGRAM)

    [reply] = buyer.say("ma liste", language_hint="fr")

    assert reply["body"]["text"].startswith("Votre liste est vide.")


# --- Saved searches -----------------------------------------------------------------------------


def saved_filters(showroom: Showroom, buyer: Buyer) -> list[dict[str, Any]]:
    with showroom.sessions() as db_session:
        rows = db_session.scalars(
            select(SavedSearch).where(SavedSearch.buyer_id == buyer_id_of(showroom, buyer))
        )
        return [dict(row.filters) for row in rows]


def test_a_saved_search_asks_for_alerts_first_then_stores_the_filters_and_says_them_back(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [offer] = buyer.say("tell me when a Hilux under 20k comes in")

    assert offer["body"]["text"].startswith(
        "🔔 I can tell you as soon as one comes in: Toyota Hilux, under $20,000. To send you "
        "alerts I need your OK"
    )
    assert telegram_payloads(offer) == ["/save_search_with_alerts", '/acknowledge{"answer":"no"}']
    assert saved_filters(showroom, buyer) == [] and not alerts_on(showroom, buyer)

    [saved] = buyer.say("ok")

    assert saved["body"]["text"] == (
        "🔔 Alerts on, search saved. I'll tell you as soon as one comes in: Toyota Hilux, under "
        "$20,000. Say STOP to stop them."
    )
    assert saved_filters(showroom, buyer) == [
        {"make": "Toyota", "model": "Hilux", "price_max_cents": 20_000_00}
    ]
    assert alerts_on(showroom, buyer)


def test_save_this_search_saves_the_last_search_shown(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.tap("/give_consent", "I agree")
    buyer.say("toyota hilux diesel", replies=2)

    [reply] = buyer.say("save this search")

    assert buyer.texts([reply]) == [
        "🔔 Saved. I'll tell you as soon as one comes in: Toyota Hilux, diesel."
    ]
    assert saved_filters(showroom, buyer) == [
        {"make": "Toyota", "model": "Hilux", "fuel": "diesel"}
    ]


def test_a_saved_search_in_french(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = chat(Channel.WHATSAPP)
    buyer.tap("/give_consent", "J'accepte")

    [reply] = buyer.say("préviens-moi quand un RAV4 diesel à moins de 15 000 $ arrive",
                        language_hint="fr")  # fmt: skip

    assert buyer.texts([reply]) == [
        "🔔 C'est noté. Je vous préviens dès qu'il en arrive un : "
        "Toyota RAV4, diesel, à moins de 15\u202f000 $."
    ]
    assert saved_filters(showroom, buyer) == [
        {"make": "Toyota", "model": "RAV4", "fuel": "diesel", "price_max_cents": 15_000_00}
    ]


def test_a_saved_search_in_portuguese_waits_for_a_typed_sim(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = chat(Channel.TELEGRAM)

    [offer] = buyer.say("avise-me quando chegar uma Hilux até 20 000 $", language_hint="pt")

    assert offer["body"]["text"].startswith(
        "🔔 Posso avisar assim que chegar um: Toyota Hilux, até US$ 20\u202f000."
    )
    assert saved_filters(showroom, buyer) == []

    [saved] = buyer.say("sim", language_hint="pt")

    assert saved["body"]["text"].startswith("🔔 Alertas ligados, pesquisa guardada.")
    assert saved_filters(showroom, buyer) == [
        {"make": "Toyota", "model": "Hilux", "price_max_cents": 20_000_00}
    ]

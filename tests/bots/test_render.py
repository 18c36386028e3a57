"""Rendering bot replies within each channel's limits: what the buyer's phone will show."""

from __future__ import annotations

import pytest

from bots.outbound.parts import split_text, truncate
from bots.outbound.telegram import CALLBACK_DATA_LIMIT, render_telegram
from bots.outbound.twilio import render_twilio
from bots.outbound.whatsapp import render_whatsapp
from chat.replies import Button, Reply


def buttons(count: int, title: str = "Option") -> list[Button]:
    return [
        Button(title=f"{title} {n}", payload=f'/choose{{"n":{n}}}') for n in range(1, count + 1)
    ]


def test_telegram_buttons_become_an_inline_keyboard_under_the_text() -> None:
    rendered = render_telegram([Reply(text="Pick one", buttons=buttons(3))], "42", {})
    [part] = rendered.parts
    assert part.endpoint == "sendMessage"
    assert part.body["text"] == "Pick one"
    keys = [key for row in part.body["reply_markup"]["inline_keyboard"] for key in row]
    assert [key["text"] for key in keys] == ["Option 1", "Option 2", "Option 3"]
    assert keys[0]["callback_data"] == '/choose{"n":1}'


def test_telegram_payloads_over_64_bytes_travel_as_a_short_key() -> None:
    long_payload = '/search{"make":"Toyota","model":"Land Cruiser","price_max":25000,"page":3}'
    long_payloads: dict[str, str] = {}
    reply = Reply(text="More?", buttons=[Button(title="More", payload=long_payload)])
    [part] = render_telegram([reply], "42", long_payloads).parts
    data = part.body["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert long_payloads == {data: long_payload}


def test_telegram_text_over_4096_characters_is_split_with_the_keyboard_on_the_last_piece() -> None:
    text = "\n\n".join(f"Paragraph {n}: " + "word " * 150 for n in range(12))
    parts = render_telegram([Reply(text=text, buttons=buttons(2))], "42", {}).parts
    assert len(parts) >= 2
    assert all(len(part.body["text"]) <= 4096 for part in parts)
    assert "reply_markup" in parts[-1].body
    assert not any("reply_markup" in part.body for part in parts[:-1])


def test_a_telegram_gallery_goes_in_media_groups_of_at_most_ten() -> None:
    urls = [f"https://nzila.example/media/{n:064d}/web.jpg" for n in range(23)]
    reply = Reply(custom={"gallery": urls})
    parts = render_telegram([reply], "42", {}).parts
    assert [part.endpoint for part in parts] == [
        "sendMediaGroup",
        "sendMediaGroup",
        "sendMediaGroup",
    ]
    assert [len(part.body["media"]) for part in parts] == [10, 10, 3]
    single = render_telegram([Reply(image_url=urls[0])], "42", {}).parts
    assert [(p.endpoint, p.body["photo"]) for p in single] == [("sendPhoto", urls[0])]


def test_whatsapp_three_short_buttons_are_reply_buttons() -> None:
    [part] = render_whatsapp([Reply(text="Pick", buttons=buttons(3, "Opt"))], "2348012345678").parts
    interactive = part.body["interactive"]
    assert part.body["to"] == "2348012345678"
    assert interactive["type"] == "button"
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "Opt 1",
        "Opt 2",
        "Opt 3",
    ]


def test_whatsapp_up_to_ten_choices_become_a_list() -> None:
    [part] = render_whatsapp([Reply(text="Pick", buttons=buttons(7))], "2348012345678").parts
    interactive = part.body["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 7
    assert rows[0] == {"id": '/choose{"n":1}', "title": "Option 1"}


def test_whatsapp_choices_beyond_its_limits_degrade_to_numbered_text() -> None:
    rendered = render_whatsapp([Reply(text="Pick", buttons=buttons(12))], "2348012345678")
    [part] = rendered.parts
    assert part.body["type"] == "text"
    assert "1. Option 1" in part.body["text"]["body"]
    assert "12. Option 12" in part.body["text"]["body"]
    assert rendered.numbered_options[11] == '/choose{"n":12}'


def test_a_whatsapp_row_title_too_long_is_cut_at_a_word_and_given_whole_in_its_description() -> (
    None
):
    long = [Button(title="2012 Land Cruiser Prado $24,000", payload="/x"),
            Button(title="2016 Hilux $18,500", payload="/y")]  # fmt: skip

    [part] = render_whatsapp([Reply(text="Pick", buttons=long)], "1").parts

    rows = part.body["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": "/x", "title": "2012 Land Cruiser Prado…",
                       "description": "2012 Land Cruiser Prado $24,000"}  # fmt: skip
    assert rows[1] == {"id": "/y", "title": "2016 Hilux $18,500"}


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [("2012 Land Cruiser Prado", 16, "2012 Land…"), ("Supercalifragilistic", 10, "Supercali…"),
     ("Toyota Hilux", 12, "Toyota Hilux"),
     ("Mercedes-Benz C-Class · 3 bids", 24, "Mercedes-Benz C-Class…")],
)  # fmt: skip
def test_a_cut_title_never_ends_mid_word_when_a_space_allows(
    text: str, limit: int, cut: str
) -> None:
    assert truncate(text, limit) == cut
    assert len(cut) <= limit


def test_whatsapp_images_are_sent_one_by_one_as_links() -> None:
    urls = ["https://nzila.example/a.jpg", "https://nzila.example/b.jpg"]
    parts = render_whatsapp([Reply(custom={"gallery": urls})], "1").parts
    assert [part.body["image"]["link"] for part in parts] == urls


def test_twilio_shows_options_as_numbered_text_and_one_media_per_message() -> None:
    reply = Reply(
        text="Choose:",
        buttons=buttons(2),
        custom={"gallery": ["https://x/1.jpg", "https://x/2.jpg"]},
    )
    rendered = render_twilio(
        [reply], "whatsapp:+2348012345678", "whatsapp:+14155238886", "https://app/status"
    )
    media = [part.body["MediaUrl"] for part in rendered.parts if "MediaUrl" in part.body]
    assert media == ["https://x/1.jpg", "https://x/2.jpg"]
    [text] = [part for part in rendered.parts if "Body" in part.body]
    assert text.body["Body"] == "Choose:\n\n1. Option 1\n2. Option 2"
    assert text.body["To"] == "whatsapp:+2348012345678"
    assert text.body["StatusCallback"] == "https://app/status"
    assert rendered.numbered_options == ['/choose{"n":1}', '/choose{"n":2}']


def test_twilio_bodies_over_1600_characters_are_split() -> None:
    parts = render_twilio(
        [Reply(text="word " * 700)], "whatsapp:+1", "whatsapp:+2", "https://s"
    ).parts
    assert len(parts) == 3
    assert all(len(part.body["Body"]) <= 1600 for part in parts)


def test_split_text_never_loses_a_word() -> None:
    text = " ".join(f"w{n}" for n in range(3000))
    pieces = split_text(text, 500)
    assert " ".join(pieces).split() == text.split()

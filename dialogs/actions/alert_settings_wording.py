"""The words of the alert settings in English, French and Portuguese, and the reading of a
typed "stop price alerts" / "arrête les alertes de prix" / "não quero alertas de preço" into
the group it names."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from chat.languages import Language

# What the settings say, per language. `{...}` are filled by dialogs/actions/alert_settings.py.
WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "🔔 Your alert settings",
        "alerts_on": "Alerts: on ✅",
        "alerts_stopped": (
            "Alerts: off ⛔ (you said STOP). Say START or tap below to turn them on again."
        ),
        "alerts_need_consent": (
            "Alerts: off. To send you alerts we need your OK: we keep your number, name, "
            'language and our messages to answer and alert you. Tap "I agree" to turn them on.'
        ),
        "auctions": "Auctions (outbid, ending soon, results)",
        "matches": "New matches for my saved searches",
        "price_drops": "Price drops on my watchlist",
        "on": "on ✅",
        "off": "off 🔕",
        "channel": "Alerts go to: {channel}",
        "channel_last": "Alerts go to: {channel} (where you last wrote)",
        "quiet": (
            "Quiet hours: {hours}, your time ({zone}); only a lot ending within the hour wakes you"
        ),
        "quiet_off": "Quiet hours: off (alerts come at any hour)",
        "marketing_stopped": (
            "⚠️ WhatsApp says you stopped offers from us: no new matches or price drops there."
        ),
        "tap": "Tap an option to change it, or say its number.",
        "which": "Which alerts shall I turn off? Tap one below.",
        "done_group": "✅ {group}: {state}.",
        "done_quiet": "✅ Quiet hours: {hours}.",
        "done_quiet_off": "✅ Quiet hours: off.",
        "done_channel": "✅ Your alerts now go to {channel}.",
        "done_marketing": "✅ Offers on WhatsApp are allowed again.",
        "button_off": "Turn off {short}",
        "button_on": "Turn on {short}",
        "short_auctions": "auctions",
        "short_matches": "new matches",
        "short_price_drops": "price drops",
        "button_quiet": "Quiet {hours}",
        "button_quiet_off": "No quiet hours",
        "button_channel": "Alerts on {channel}",
        "button_marketing": "Allow offers again",
        "button_resume": "Turn alerts on",
        "button_consent": "I agree",
    },
    "fr": {
        "title": "🔔 Vos paramètres d'alertes",
        "alerts_on": "Alertes : activées ✅",
        "alerts_stopped": (
            "Alertes : coupées ⛔ (vous avez écrit STOP). Écrivez START ou touchez ci-dessous "
            "pour les réactiver."
        ),
        "alerts_need_consent": (
            "Alertes : désactivées. Pour vous envoyer des alertes, il nous faut votre accord : "
            "nous gardons votre numéro, votre nom, votre langue et nos messages pour vous "
            "répondre et vous alerter. Touchez « J'accepte » pour les activer."
        ),
        "auctions": "Enchères (surenchère, fin proche, résultats)",
        "matches": "Nouveautés pour mes recherches enregistrées",
        "price_drops": "Baisses de prix de ma liste de suivi",
        "on": "activé ✅",
        "off": "coupé 🔕",
        "channel": "Les alertes arrivent sur : {channel}",
        "channel_last": "Les alertes arrivent sur : {channel} (là où vous avez écrit en dernier)",
        "quiet": (
            "Heures calmes : {hours}, votre heure ({zone}) ; seule une enchère qui finit dans "
            "l'heure vous réveille"
        ),
        "quiet_off": "Heures calmes : aucune (les alertes arrivent à toute heure)",
        "marketing_stopped": (
            "⚠️ WhatsApp indique que vous avez arrêté nos offres : ni nouveautés ni baisses de "
            "prix par là."
        ),
        "tap": "Touchez une option pour la changer, ou écrivez son numéro.",
        "which": "Quelles alertes dois-je couper ? Touchez-en une ci-dessous.",
        "done_group": "✅ {group} : {state}.",
        "done_quiet": "✅ Heures calmes : {hours}.",
        "done_quiet_off": "✅ Heures calmes : aucune.",
        "done_channel": "✅ Vos alertes arrivent désormais sur {channel}.",
        "done_marketing": "✅ Les offres sur WhatsApp sont de nouveau autorisées.",
        "button_off": "Couper {short}",
        "button_on": "Activer {short}",
        "short_auctions": "les enchères",
        "short_matches": "les nouveautés",
        "short_price_drops": "baisses de prix",
        "button_quiet": "Calme {hours}",
        "button_quiet_off": "Sans heures calmes",
        "button_channel": "Alertes sur {channel}",
        "button_marketing": "Autoriser les offres",
        "button_resume": "Réactiver les alertes",
        "button_consent": "J'accepte",
    },
    "pt": {
        "title": "🔔 As suas configurações de alertas",
        "alerts_on": "Alertas: ligados ✅",
        "alerts_stopped": (
            "Alertas: desligados ⛔ (escreveu PARE). Escreva START ou toque abaixo para os "
            "voltar a ligar."
        ),
        "alerts_need_consent": (
            "Alertas: desligados. Para enviar alertas precisamos do seu acordo: guardamos o seu "
            "número, nome, língua e as nossas mensagens para responder e alertar. Toque em "
            '"Aceito" para os ligar.'
        ),
        "auctions": "Leilões (superado, a terminar, resultados)",
        "matches": "Novidades das minhas pesquisas guardadas",
        "price_drops": "Baixas de preço da minha lista",
        "on": "ligado ✅",
        "off": "desligado 🔕",
        "channel": "Os alertas chegam no: {channel}",
        "channel_last": "Os alertas chegam no: {channel} (onde escreveu por último)",
        "quiet": (
            "Horas de silêncio: {hours}, na sua hora ({zone}); só um leilão a terminar dentro "
            "de uma hora o acorda"
        ),
        "quiet_off": "Horas de silêncio: nenhumas (os alertas chegam a qualquer hora)",
        "marketing_stopped": (
            "⚠️ O WhatsApp diz que parou as nossas ofertas: nem novidades nem baixas de preço "
            "por lá."
        ),
        "tap": "Toque numa opção para a mudar, ou escreva o número dela.",
        "which": "Que alertas devo desligar? Toque num abaixo.",
        "done_group": "✅ {group}: {state}.",
        "done_quiet": "✅ Horas de silêncio: {hours}.",
        "done_quiet_off": "✅ Horas de silêncio: nenhumas.",
        "done_channel": "✅ Os seus alertas chegam agora no {channel}.",
        "done_marketing": "✅ As ofertas no WhatsApp voltaram a ser permitidas.",
        "button_off": "Desligar {short}",
        "button_on": "Ligar {short}",
        "short_auctions": "leilões",
        "short_matches": "novidades",
        "short_price_drops": "baixas de preço",
        "button_quiet": "Silêncio {hours}",
        "button_quiet_off": "Sem horas de silêncio",
        "button_channel": "Alertas no {channel}",
        "button_marketing": "Permitir ofertas",
        "button_resume": "Voltar aos alertas",
        "button_consent": "Aceito",
    },
}

CHANNEL_NAMES: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp", "twilio": "WhatsApp"}


def words(language: Language) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


# The words that name a group, folded (lower case, no accents), each the start of a word; the
# first group whose word is found wins (a "price drop on a new car" is about the price).
_GROUP_WORDS: Final = (
    ("price_drops", ("price", "prix", "preco", "precos", "drop", "baisse", "baixa", "watchlist",
                     "watch list", "liste de suivi", "ma liste", "minha lista", "da lista",
                     "lista de acompanhamento")),
    ("auctions", ("auction", "outbid", "bid", "enchere", "surench", "depasse", "leilao",
                  "leiloes", "lance", "superam")),
    ("matches", ("new car", "new match", "match", "saved search", "search", "new listing",
                 "new arrival", "new stock", "new vehicle", "nouveau", "nouvelle", "nouveaute",
                 "recherche", "annonce", "arrivage", "novo", "novos", "nova", "novas",
                 "novidade", "pesquisa", "anuncio", "carros novos", "carro novo")),
)  # fmt: skip
_PATTERNS: Final = [
    (group, re.compile(r"\b(?:" + "|".join(re.escape(word) for word in found) + ")"))
    for group, found in _GROUP_WORDS
]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def group_named(text: str) -> str | None:
    """The group of alerts a typed message names ("abeg stop dis price alert": price_drops),
    or None."""
    folded = fold(text)
    for group, pattern in _PATTERNS:
        if pattern.search(folded):
            return group
    return None


# Words that ask for a group back on ("turn price alerts back on", "réactive les alertes de
# prix", "liga os alertas de leilão"): mute_alerts is trained on turning off, but a buyer who
# says "on" must never have the group turned off.
_ON: Final = re.compile(
    r"\b(?:turn (?:it |them )?on|switch (?:it |them )?on|back on|on again|resume|enable|"
    r"activate|reactivate|restart|unmute|allow|activer?|activez|reactiver?|reactivez|remets?|"
    r"remettez|remettre|rallume|ligar?|ligue|ativar?|reativar?|retoma|retomar|volta(?:r)? a)\b"
)


def asks_on(text: str) -> bool:
    """Whether typed words ask for alerts on rather than off."""
    return _ON.search(fold(text)) is not None

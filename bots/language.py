"""A buyer's language from what they write: English, French or Portuguese.

`detect_language` makes the first guess for a new buyer; `message_language` reads one message
of a buyer whose language is known, and says another only when the message is clearly written in
it (a French buyer who writes a whole sentence in Portuguese is answered in Portuguese; a French
buyer who types "Toyota Hilux diesel under 20k" is not answered in English).

Buyers rarely say which language they want; they just write "bonjour patron, je cherche une
Corolla" or "bom dia, quero um Hilux". Common words of each language are counted (accents and
case ignored); the guess is the language with the most, and none when it is a tie or no word is
known (a bare "Corolla 2012" says nothing). Typical chat words are included: "svp", "stp",
"obg", "vc", and West African pidgin ("abeg", "wetin", "dey") for English.
"""

from __future__ import annotations

from typing import Final

from catalog.text import words
from chat.answers import read_answer


def _known(words_of_a_language: str) -> frozenset[str]:
    return frozenset(words_of_a_language.split())


# Words of one language only: "ou", "tu", "nos", "me", "do" belong to two and are left out.
_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _known("""hello hi hey good morning afternoon evening thanks thank you yes want need
        looking for the car cars how much price please pls abeg wetin dey una oga help what
        is are have any under cheap show my i im with and buy sell bye goodbye can bid when
        why where send which there this that give tell know much many"""),
    "fr": _known("""bonjour bonsoir salut je cherche voiture voitures merci oui non pour une
        des les moins cher chere combien est suis avec pas vous avez voudrais veux prix aide
        camion svp stp plait patron revoir ca quel quelle mon ma mes acheter vendre il elle
        nous bien bonne journee et d l qu c j peux puis encherir enchere encheres comment
        quand pourquoi faire suis sont dans sur cette ce cet moi toi ecrivez appelez envoyez"""),
    "pt": _known("""ola bom dia boa tarde noite obrigado obrigada quero procuro carro carros
        sim nao um uma menos quanto custa voce vc tem preco ajuda camiao caminhao favor mano
        tchau esta estou com mais barato meu minha comprar vender eu ele ela tudo obg td
        blz posso ate para tenho preciso qual quais onde fazer lance lances licitar leilao
        leiloes agora ver aceitam aceita voces convosco connosco sao estao fazem vendem
        enviam"""),
}


def detect_language(text: str) -> str | None:
    """'fr', 'pt' or 'en' when the words say so clearly; None otherwise."""
    found = words(text)
    scores = {language: sum(word in known for word in found) for language, known in _WORDS.items()}
    best = max(scores.values())
    leaders = [language for language, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None


def message_language(text: str) -> str | None:
    """The language a whole message is clearly written in: at least two of its words, and at
    least twice as many as any other language's; None otherwise, and for a short answer ("thank
    you", "ok merci"), which says nothing of the language the buyer wants."""
    if read_answer(text) is not None:
        return None
    found = words(text)
    scores = sorted(
        ((sum(word in known for word in found), language) for language, known in _WORDS.items()),
        reverse=True,
    )
    (best, language), (second, _) = scores[0], scores[1]
    return language if best >= 2 and best >= 2 * second else None


SWITCH_QUESTION: Final[dict[str, dict[str, str]]] = {
    "en": {"ask": "Shall I write in English from now on?", "yes": "Yes, in English",
           "no": "No, thanks"},
    "fr": {"ask": "Je vous écris en français désormais ?", "yes": "Oui, en français",
           "no": "Non merci"},
    "pt": {"ask": "Passo a escrever-lhe em português?", "yes": "Sim, em português",
           "no": "Não, obrigado"},
}  # fmt: skip

"""A first guess at a new buyer's language from what they write: English, French or Portuguese.

Buyers rarely say which language they want; they just write "bonjour patron, je cherche une
Corolla" or "bom dia, quero um Hilux". Common words of each language are counted (accents and
case ignored); the guess is the language with the most, and none when it is a tie or no word is
known (a bare "Corolla 2012" says nothing). Typical chat words are included: "svp", "stp",
"obg", "vc", and West African pidgin ("abeg", "wetin", "dey") for English.
"""

from __future__ import annotations

from typing import Final

from catalog.text import words


def _known(words_of_a_language: str) -> frozenset[str]:
    return frozenset(words_of_a_language.split())


# Words of one language only: "ou", "tu", "nos", "me", "do" belong to two and are left out.
_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _known("""hello hi hey good morning afternoon evening thanks thank you yes want need
        looking for the car cars how much price please pls abeg wetin dey una oga help what
        is are have any under cheap show my i im with and buy sell bye goodbye"""),
    "fr": _known("""bonjour bonsoir salut je cherche voiture voitures merci oui non pour une
        des les moins cher chere combien est suis avec pas vous avez voudrais veux prix aide
        camion svp stp plait patron revoir ca quel quelle mon ma mes acheter vendre il elle
        nous bien bonne journee et d l qu c j"""),
    "pt": _known("""ola bom dia boa tarde noite obrigado obrigada quero procuro carro carros
        sim nao um uma menos quanto custa voce vc tem preco ajuda camiao caminhao favor mano
        tchau esta estou com mais barato meu minha comprar vender eu ele ela tudo obg td
        blz"""),
}


def detect_language(text: str) -> str | None:
    """'fr', 'pt' or 'en' when the words say so clearly; None otherwise."""
    found = words(text)
    scores = {language: sum(word in known for word in found) for language, known in _WORDS.items()}
    best = max(scores.values())
    leaders = [language for language, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None

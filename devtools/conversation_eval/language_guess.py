"""Which of English, French and Portuguese a reply is written in, from its common words and
accents: enough to tell the bot's three languages apart, not a general language detector."""

from __future__ import annotations

import re
import unicodedata


def _split(words: str) -> list[str]:
    return words.split()


# Words frequent in one language and rare in the other two (shared ones such as "a", "de",
# "que", "me" are left out).
_WORDS = {
    "en": frozenset(_split("the you your and to is for of can we this with here what please or "
                           "are have not it on in my i will be an all there how which any more "
                           "see tap type")),
    "fr": frozenset(_split("le la les des vous votre vos et est pour un une je nous ce cette "
                           "avec voici pas sur du au mes ou sont avez peux pouvez voulez quel "
                           "quelle tapez plus aucun aucune il elle ici merci")),
    "pt": frozenset(_split("o os as do da dos das você seu sua e é para um uma eu nós este esta "
                           "com aqui não em no na meus seus pode quer qual mais escreva toque ver "
                           "nenhum nenhuma obrigado isso")),
}  # fmt: skip
_ACCENTS = {"fr": "èêàùâîôûëïœ", "pt": "ãõâêôáíóú"}
_URL = re.compile(r"https?://\S+")


def guess_language(text: str) -> str | None:
    """ "en", "fr" or "pt", whichever the text's words point to most; None for no clue."""
    text = _URL.sub(" ", unicodedata.normalize("NFC", text.casefold()))
    words = re.findall(r"[^\W\d_]+", text)
    scores = {language: sum(word in common for word in words)
              for language, common in _WORDS.items()}  # fmt: skip
    for language, accents in _ACCENTS.items():
        scores[language] += sum(text.count(accent) for accent in accents) // 2
    best = max(scores, key=lambda language: scores[language])
    ranked = sorted(scores.values(), reverse=True)
    return best if ranked[0] > 0 and ranked[0] > ranked[1] else None

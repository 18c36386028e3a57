"""Short answers as buyers type them: yes, no, "I agree", and acknowledgements ("ok", "thx",
👍), in English, French, Portuguese and pidgin, with the SMS spellings people really use.

A question the bot asks marks its buttons with what they answer (`Button.answers`), so a typed
"sim" or 👍 means the button marked yes of the question just asked (bots/channels/choices.py).
With no question pending, the same words are an acknowledgement, never a fallback.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Final

ACKNOWLEDGE_INTENT: Final = "acknowledge"  # /acknowledge{"answer":"thanks"}: nothing was asked
QUESTION_EXPIRED_INTENT: Final = "question_expired"  # a typed yes to a question asked too long ago


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    AGREE = "agree"  # "I agree", "j'accepte", "aceito": a consent or terms button, else yes
    OK = "ok"  # "ok", "d'accord", 👍, 👌: yes to a plain question, else noted
    THANKS = "thanks"  # "thx", "merci", 🙏: thanks, never a yes
    # Marks the yes of a binding question (a bid, an erasure): a typed yes or "I agree"
    # answers it, an "ok" or 👍 does not. Nobody types it: read_answer never returns it.
    CONFIRM = "confirm"
    HEART = "heart"  # ❤️, 😍: interest in what is in view


_YES: Final = frozenset({
    # en and pidgin
    "yes", "yes please", "yes pls", "yes plz", "yeah", "yea", "yah", "ya", "yep", "yup", "y",
    "sure", "of course", "ofcourse", "go ahead", "do it", "please do", "confirm", "confirmed",
    "i confirm", "correct", "right", "alright", "all right", "absolutely", "definitely",
    "yes o", "yes oh", "yes na", "na so", "e don do", "oya", "oya now", "i dey", "sharp",
    "yes sir", "yes madam", "yes ma", "okay go ahead", "ok go ahead", "ok confirm", "yes confirm",
    "yes i confirm", "i do", "yes i do",
    # fr
    "oui", "ouais", "ouai", "wi", "oui oui", "oui svp", "oui stp", "oui merci", "bien sur",
    "bien sure", "certainement", "volontiers", "vas y", "allez y", "je confirme", "confirmer",
    "c est bon", "cest bon", "c bon", "exact", "tout a fait", "oui confirme", "ok je confirme",
    "oui je confirme", "oui j confirme", "je valide", "oui je valide",
    # pt
    "sim", "sim sim", "sim por favor", "sim pf", "claro", "pode", "pode ser", "podes",
    "com certeza", "certo", "isso", "isso mesmo", "confirmo", "confirmar", "beleza", "bora",
    "manda", "sim confirmo", "quero", "quero sim", "sim eu confirmo", "eu confirmo",
    # emoji that say yes
    "\u2705", "\u2714", "\u2611", "\U0001f197",
})  # fmt: skip
_NO: Final = frozenset({
    # en and pidgin
    "no", "nope", "nah", "n", "no thanks", "no thank you", "no thx", "not now", "not yet",
    "later", "maybe later", "cancel", "never mind", "nevermind", "dont", "don t",
    "no o", "no oh", "no be so", "i no want", "no need", "abeg no", "leave am",
    # fr
    "non", "nan", "non merci", "pas maintenant", "pas encore", "plus tard", "annuler",
    "annule", "laisse", "laisse tomber", "non pas maintenant", "jamais",
    # pt
    "nao", "nao obrigado", "nao obrigada", "agora nao", "ainda nao", "mais tarde", "cancelar",
    "cancela", "deixa", "deixa pra la", "nunca",
    # emoji that say no
    "\u274c", "\u2716", "\U0001f44e", "\U0001f6ab",
})  # fmt: skip
_AGREE: Final = frozenset({
    "i agree", "agree", "i accept", "accept", "accepted", "i consent", "agreed", "i gree",
    "j accepte", "accepte", "d accord j accepte", "je suis d accord", "j accepte les conditions",
    "aceito", "concordo", "eu aceito", "eu concordo", "aceito os termos",
})  # fmt: skip
_OK: Final = frozenset({
    # en and pidgin
    "ok", "okay", "okey", "okk", "k", "kk", "okie", "oki", "noted", "got it", "cool", "fine",
    "ok o", "ok oh", "no wahala", "no problem", "i hear", "i don hear", "ok sir", "ok ma",
    # fr
    "d accord", "dac", "dacc", "entendu", "compris", "bien recu",
    # pt
    "ta bom", "ta", "ta certo", "entendi", "combinado", "fixe",
    # emoji
    "\U0001f44d", "\U0001f44c", "\U0001f91d",
})  # fmt: skip
_THANKS: Final = frozenset({
    # en and pidgin
    "ok thanks", "ok thx", "ok thank you", "thanks", "thank you", "thankyou", "thx", "thnx",
    "thnks", "tnx", "tanks", "tank you", "ty", "great", "nice", "good", "perfect", "well done",
    "e good", "thank u", "alright thanks",
    # fr
    "merci", "merci beaucoup", "mci", "mrc", "ok merci", "parfait", "super", "tres bien",
    "cool merci",
    # pt
    "obrigado", "obrigada", "obg", "brigado", "brigada", "valeu", "vlw", "ok obrigado",
    "ok obrigada", "perfeito", "otimo",
    # emoji
    "\U0001f64f", "\U0001f60a", "\U0001f642", "\U0001f44f", "\U0001f4aa",
})  # fmt: skip
# Words that make an answer polite without changing it.
_POLITE: Final = frozenset({
    "please", "pls", "plz", "plis", "abeg", "biko", "sir", "madam", "ma", "boss", "oga",
    "svp", "stp", "patron", "monsieur", "madame", "pf", "favor", "por", "senhor", "senhora",
})  # fmt: skip
_HEART: Final = frozenset({"\u2764", "\U0001f60d", "\U0001f970", "\U0001f496", "\U0001f495"})
# Punctuation, variation selectors and skin tones around a short answer do not change it.
_NOISE: Final = re.compile(r"[\s!.,;:?¡¿'\"’()\-_*~\ufe0f\U0001f3fb-\U0001f3ff]+")
_REPEATS: Final = re.compile(r"(.)\1{2,}")  # "yesss", "okkkk", "👍👍👍"


def read_answer(text: str) -> Answer | None:
    """What a whole short message answers, if that is all it is: "yes" and "sim 👍" are YES,
    "not now" NO, "I agree" AGREE, "ok" and 👍 OK, "thx" THANKS; anything longer or else is
    None."""
    plain = _plain(text)
    if not plain or len(plain) > 40:
        return None
    for words, answer in ((_AGREE, Answer.AGREE), (_YES, Answer.YES), (_NO, Answer.NO),
                          (_THANKS, Answer.THANKS), (_OK, Answer.OK)):  # fmt: skip
        if plain in words or _REPEATS.sub(r"\1", plain) in words:
            return answer
    # an answer said politely: "yes abeg", "oui svp", "sim por favor", "ok sir"
    kept = [word for word in plain.split() if word not in _POLITE]
    if kept and len(kept) < len(plain.split()):
        return read_answer(" ".join(kept))
    # a run of one emoji or two answers side by side ("ok 👍", "oui merci", "yes thanks")
    parts = plain.split()
    if 1 < len(parts) <= 3:
        answers = {read_answer(part) for part in parts}
        if None not in answers:
            polite = answers & {Answer.THANKS, Answer.OK}
            answers -= polite
            if not answers:
                return Answer.OK if Answer.OK in polite else Answer.THANKS
            if len(answers) == 1:
                return answers.pop()
    return None


def is_heart(text: str) -> bool:
    """A ❤️ (or 😍) on its own: interest in what is in view."""
    plain = _plain(text).replace(" ", "")
    return bool(plain) and all(char in _HEART for char in plain)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    spaced = _NOISE.sub(" ", kept.replace("\u2019", " ").replace("'", " ")).strip()
    # one sign written again and again is said once: "👍👍", "👍 👍 👍" -> "👍"
    signs = set(spaced.replace(" ", ""))
    return signs.pop() if len(signs) == 1 else spaced

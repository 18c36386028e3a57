"""Make and model names in stock, to read buyers' typos: 'Toyta Corola' -> Toyota Corolla."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from catalog.text import name_key, words
from catalog.vehicles.models import Vehicle
from catalog.vehicles.world_names import WORLD_MODELS, world_pairs

# A word must score this much (rapidfuzz ratio, 0-100) to be read as a make or model name.
MIN_SCORE = 80.0
MIN_SCORE_SHORT = 85.0  # words of four letters or fewer: less room for a typo
MAX_PHRASE_WORDS = 3


@dataclass(frozen=True)
class Vocabulary:
    """Make and model names keyed by `name_key`, plus each of their words."""

    makes: dict[str, str] = field(default_factory=dict)  # key -> "Mercedes-Benz"
    models: dict[str, str] = field(default_factory=dict)  # key -> "Land Cruiser"
    phrases: dict[str, str] = field(default_factory=dict)  # every key above and each word
    makes_of_model: dict[str, frozenset[str]] = field(default_factory=dict)  # model key -> makes

    @classmethod
    def from_names(
        cls, pairs: list[tuple[str, str]], *, other_makes: Iterable[str] = ()
    ) -> Vocabulary:
        """From (make, model) pairs, and makes known without their models."""
        makes = {name_key(make): make for make in other_makes}
        makes.update({name_key(make): make for make, _ in pairs})
        models = {name_key(model): model for _, model in pairs}
        makes_of_model: dict[str, set[str]] = {}
        for make, model in pairs:
            makes_of_model.setdefault(name_key(model), set()).add(name_key(make))
        phrases: dict[str, str] = {}
        for name in [*makes.values(), *models.values()]:
            phrases[name_key(name)] = name
            for word in words(name):
                if len(word) >= 3 and not word.isdigit():
                    phrases.setdefault(word, word)
        return cls(
            makes=makes,
            models=models,
            phrases=phrases,
            makes_of_model={key: frozenset(found) for key, found in makes_of_model.items()},
        )

    def closest(self, word: str, choices: dict[str, str]) -> str | None:
        """The name in `choices` that `word` is, exactly or with a small typo."""
        key = name_key(word)
        if not key:
            return None
        if key in choices:
            return choices[key]
        if len(key) < 4 or key.isdigit():
            return None
        cutoff = MIN_SCORE_SHORT if len(key) <= 4 else MIN_SCORE
        match = process.extractOne(key, choices.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
        return choices[match[0]] if match else None

    def read_phrases(self, text: str) -> tuple[list[str], dict[str, str]]:
        """Split free text into phrases, correcting make/model typos.

        Returns the phrases (corrected where a make or model name was recognised) and the
        corrections made, keyed by what the buyer typed.
        """
        tokens = words(text)
        phrases: list[str] = []
        corrections: dict[str, str] = {}
        i = 0
        while i < len(tokens):
            size, typed, known = self._longest_name_at(tokens, i)
            if known is None:
                phrases.append(tokens[i])
                i += 1
                continue
            if name_key(known) != name_key(typed):
                corrections[typed] = known
            phrases.append(known)
            i += size
        return phrases, corrections

    def _longest_name_at(self, tokens: list[str], i: int) -> tuple[int, str, str | None]:
        """The longest make or model name starting at token i, else the word itself.

        Exact names win over typos ("mercedes benz" before "mercedes benz c"), and a name of
        several words with a typo wins over one of its words ("land cruser" is Land Cruiser).
        """
        names = {**self.makes, **self.models}
        longest = min(MAX_PHRASE_WORDS, len(tokens) - i)
        spans = [(size, " ".join(tokens[i : i + size])) for size in range(longest, 0, -1)]
        for size, typed in spans:
            if (known := names.get(name_key(typed))) is not None:
                return size, typed, known
        for size, typed in spans[:-1]:
            if (known := self.closest(typed, names)) is not None:
                return size, typed, known
        word = tokens[i]
        return 1, word, self.phrases.get(word) or self.closest(word, self.phrases)


class VocabularyCache:
    """Vocabulary per database, rebuilt at most every `ttl` seconds (stock changes slowly)."""

    def __init__(self, ttl: float = 60.0) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Vocabulary]] = {}

    def get(self, db_session: Session, *, world: bool = False) -> Vocabulary:
        """The names in stock; with `world`, also the makes and models buyers ask for that the
        stock may not hold (catalog.vehicles.world_names), for understanding chat."""
        bind = db_session.get_bind()
        key = str(bind.url) if isinstance(bind, Engine) else str(bind.engine.url)
        key = f"{key}#world" if world else key
        now = time.monotonic()
        with self._lock:
            cached = self._entries.get(key)
            if cached and now - cached[0] < self._ttl:
                return cached[1]
        pairs = db_session.execute(select(Vehicle.make, Vehicle.model).distinct()).all()
        stock = [(make, model) for make, model in pairs]
        vocabulary = (Vocabulary.from_names([*world_pairs(), *stock], other_makes=WORLD_MODELS)
                      if world else Vocabulary.from_names(stock))  # fmt: skip
        with self._lock:
            self._entries[key] = (now, vocabulary)
        return vocabulary

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


vocabulary_cache = VocabularyCache()

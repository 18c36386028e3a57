"""The reader of buyers' words: a search message (English, French, Portuguese, Pidgin) into
`VehicleFilters`, and prices as buyers type them.

Deterministic: the same text, vocabulary and rates always give the same filters. The message is
folded (lower case, no accents) and read in passes; each pass consumes what it recognises, so a
later pass never reads the same words again:

1. Entity hints (Rasa's entities: ``entity``, ``value``, ``start``, ``end``, optional ``role``
   "min" / "max" / "around"): their spans are set aside, and their values, read with the same
   rules as text ("Benz", "gasoil", "9 millions" with a "currency" entity "FCFA"), override what
   the text says; a year or price entity replaces the bounds it gives. See `ENTITY_NAMES`
   (hints.py).
2. Phrases of several words: "right hand drive", "volant à droite", "pick-up", "4 roues motrices".
3. Make and model names from the `Vocabulary` (typos corrected: "Toyta" -> Toyota) and synonyms
   ("Benz" -> Mercedes-Benz, "Chevy" -> Chevrolet, "VW" -> Volkswagen, "Prado" -> Land Cruiser
   Prado). A stop word or a word of this module's lexicons is never a name on its own and never
   a typo of one ("rouge" is red, not the Rogue); a typo spanning several words must be of a name
   of as many words. A model whose make the vocabulary knows gives the make too.
4. Single words: body type, fuel, gearbox, drive, steering, colour (to the catalog's English
   names). A word right after a negation ("not diesel", "pas de diesel", "sem diesel") cannot be
   filtered on and is reported as unsupported.
5. Numbers, with the comparator before them, the unit or postfix after them, and ranges:
   - followed by km / miles, or after "mileage / kilométrage / quilometragem": maximum mileage
     (miles converted to km); "more than 100,000 km" is unsupported (no minimum mileage filter).
     "7 seater", "7 places", "7 lugares": minimum seats ("up to 5 seats" is unsupported).
   - a price when it names a currency or multiplier, has separators or decimals, follows a price
     comparator ("under", "moins de", "menos de"...), or is not a four-digit number 1900-2099;
     otherwise a year ("Corolla 2015 under 8000": year 2015, price at most 8,000).
   - years: "2016" is that year; "from / since / à partir de / a partir de 2015", "2015 or newer /
     ou plus récent / ou mais novo / 2015+" set the oldest year; "up to / before / older than"
     the newest ("older than 2010" and "before 2010" mean 2009 at most, "after 2015" and "newer
     than 2015" mean 2016 on); "2012-2015", "between / entre 2012 and / et / e 2015", "de 2012 a
     2015" a range; "around 2015" means 2014-2016. Years outside 1950..next year are refused.
   - prices: a lone price is a ceiling (buyers name what they can pay); "under / below / max /
     budget / moins de / pas plus de / jusqu'à / até / menos de / no máximo" set the ceiling,
     "above / over / more than / plus de / mais de" the floor, "around / environ / cerca de" a
     range of ±15 %, "entre 5k et 8k" a range (a multiplier or currency written once serves both
     ends: "5-8k", "5 to 8 million naira"). Prices are converted to US cents; below $100, above
     $10,000,000, negative or in a currency without an exchange rate, they are refused.
   Bounds in the wrong order are swapped; a bound that contradicts an earlier one is refused.
6. "cheaper", "moins cher", "mais barato": `Understood.wants_cheaper` (for follow-ups).
7. A currency named without an amount ("prices in naira") becomes the buyer's currency.
8. Whatever is left, except stop words, is reported as not understood, one entry per run of
   consecutive words, in the buyer's own spelling.

Only one make, model, fuel... per search: a second, different one is reported as a conflict
(body types add up: "SUV or pickup"). "MT" after a year is a manual gearbox, after an amount
meticais; "auto" after an article ("une auto") is a car, not a gearbox.

Follow-ups (`understand_follow_up`) keep the previous search and replace what the new message
names, group by group: make and model together (a new make alone clears the model: "any Toyota
instead?"), the year bounds together ("what about 2018?" replaces the years), the price bounds
together, the body types together, and each other filter alone ("only automatic" adds a gearbox).
"cheaper ones?" lowers the price ceiling: to the whole dollar below the cheapest price the buyer
was shown (`cheapest_shown_cents`) when given, never above the current ceiling; else to 80 % of the
current ceiling; with neither, nothing changes and "cheaper" is reported as unsupported. A price
floor above the new ceiling is dropped.
"""

from __future__ import annotations

from dialogs.understanding.followups import understand_follow_up
from dialogs.understanding.prices import parse_price
from dialogs.understanding.reader import understand
from dialogs.understanding.understood import ENTITY_NAMES, Understood, Unread, UnreadReason

__all__ = [
    "ENTITY_NAMES",
    "Understood",
    "Unread",
    "UnreadReason",
    "parse_price",
    "understand",
    "understand_follow_up",
]

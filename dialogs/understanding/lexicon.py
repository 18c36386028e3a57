"""The reader's lexicons: folded words and phrases (words separated by single spaces) for
attributes (body, fuel, gearbox, drive, steering, colour), negations, idioms, "cheaper", units,
seats, mileage, and the stop words of English, Pidgin, French and Portuguese."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from catalog.vehicles.models import BodyType, Drive, Fuel, Steering, Transmission

# --- Lexicons: folded words, phrases separated by single spaces ------------------------------


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _phrases(value: object, *phrases: str) -> dict[str, object]:
    return dict.fromkeys(phrases, value)


ATTRIBUTES: Final[Mapping[str, tuple[str, object]]] = {
    phrase: (name, value)
    for name, table in {
        "body_types": {
            **_phrases(BodyType.SUV, "suv", "crossover", "sport utility", "vus"),
            **_phrases(BodyType.PICKUP, "pickup", "pick up", "pickup truck", "pick up truck",
                       "camionnette", "caminhonete", "caminhoneta", "bakkie", "double cabin",
                       "double cab", "double cabine", "cabine dupla"),
            **_phrases(BodyType.SEDAN, "sedan", "saloon", "berline", "seda"),
            **_phrases(BodyType.HATCHBACK, "hatchback", "hatch"),
            **_phrases(BodyType.VAN, "van", "minibus", "mini bus", "bus", "fourgon",
                       "fourgonnette", "furgao", "kombi", "danfo", "matatu", "trotro"),
            **_phrases(BodyType.MINIVAN, "minivan", "mini van", "monospace", "monovolume",
                       "people carrier"),
            **_phrases(BodyType.COUPE, "coupe"),
            **_phrases(BodyType.WAGON, "wagon", "station wagon", "estate", "perua"),
            **_phrases(BodyType.TRUCK, "truck", "lorry", "camion", "camiao", "caminhao",
                       "poids lourd", "tipper"),
        },
        "fuel": {
            **_phrases(Fuel.DIESEL, "diesel", "gasoil", "gazole", "gasoleo", "gas oil"),
            **_phrases(Fuel.GASOLINE, "petrol", "gas", "gasoline", "essence", "gasolina", "pms"),
            **_phrases(Fuel.HYBRID, "hybrid", "hybride", "hibrido", "hibrida"),
            **_phrases(Fuel.ELECTRIC, "electric", "electrique", "eletrico", "eletrica",
                       "electrico", "ev"),
            **_phrases(Fuel.FLEX, "flex", "flex fuel", "flexfuel"),
        },
        "transmission": {
            **_phrases(Transmission.AUTOMATIC, "automatic", "auto", "automatique", "automatico",
                       "automatica", "boite auto", "boite automatique", "caixa automatica",
                       "cambio automatico", "transmission automatique"),
            **_phrases(Transmission.MANUAL, "manual", "manuelle", "manuel", "boite manuelle",
                       "boite mecanique", "caixa manual", "cambio manual", "stick",
                       "stick shift", "mt"),
            **_phrases(Transmission.CVT, "cvt"),
        },
        "drive": {
            **_phrases(Drive.FOUR_WD, "4x4", "4 x 4", "4wd", "4 wd", "4 wheel drive",
                       "four wheel drive", "4 roues motrices", "quatre roues motrices"),
            **_phrases(Drive.AWD, "awd", "all wheel drive", "traction integrale",
                       "transmission integrale", "tracao integral"),
            **_phrases(Drive.FWD, "fwd", "front wheel drive", "traction avant",
                       "tracao dianteira"),
            **_phrases(Drive.RWD, "rwd", "rear wheel drive", "propulsion", "tracao traseira"),
        },
        "steering": {
            **_phrases(Steering.RHD, "rhd", "right hand drive", "right hand", "righthand drive",
                       "right hand steering", "volant a droite", "conduite a droite",
                       "volante a direita", "direcao a direita", "mao inglesa"),
            **_phrases(Steering.LHD, "lhd", "left hand drive", "left hand", "lefthand drive",
                       "volant a gauche", "conduite a gauche", "volante a esquerda",
                       "direcao a esquerda"),
        },
        "colour": {
            **_phrases("white", "white", "blanc", "blanche", "branco", "branca"),
            **_phrases("black", "black", "noir", "noire", "preto", "preta", "negro"),
            **_phrases("silver", "silver", "argent", "argente", "argentee", "prata",
                       "prateado", "prateada"),
            **_phrases("grey", "grey", "gray", "gris", "grise", "cinza", "cinzento",
                       "cinzenta"),
            **_phrases("blue", "blue", "bleu", "bleue", "azul"),
            **_phrases("red", "red", "rouge", "vermelho", "vermelha"),
            **_phrases("beige", "beige", "bege"),
            **_phrases("brown", "brown", "marron", "brun", "brune", "castanho", "marrom"),
            **_phrases("green", "green", "vert", "verte", "verde"),
            **_phrases("gold", "gold", "dore", "doree", "dourado", "dourada"),
            **_phrases("yellow", "yellow", "jaune", "amarelo", "amarela"),
            **_phrases("orange", "orange", "laranja"),
        },
    }.items()
    for phrase, value in table.items()
}  # fmt: skip
# "une auto", "um auto": the word for a car, not the gearbox.
ARTICLES: Final = word_set("une un l la les des mon ma mes cette um uma o os meu minha")
NEGATIONS: Final = word_set("not no non pas sans nao sem without except sauf exceto")

# Phrases that look like something else and mean nothing for the search.
IDIOMS: Final = frozenset(
    ["what about", "how about", "how much", "d accord", "s il vous plait", "s il te plait",
     "por favor", "tudo bem", "what of"]
)  # fmt: skip

CHEAPER: Final = frozenset(
    ["cheaper", "cheap", "less expensive", "more affordable", "lower price", "cheaper ones",
     "moins cher", "moins chere", "moins chers", "moins cheres", "pas cher", "pas chere",
     "bon marche", "meilleur marche", "plus abordable", "prix plus bas", "mais barato",
     "mais barata", "mais baratos", "mais baratas", "barato", "barata", "mais em conta",
     "em conta", "preco mais baixo"]
)  # fmt: skip

STOP_WORDS: Final = word_set(
    # English and Pidgin
    """i im me my we you u a an the some any one ones is are am be do does have has got get want
    wants wanna need needs looking look find search searching show see buy buying sell selling
    for of in on at to with and or but please pls plz thanks thank hi hello hey good morning
    afternoon evening car cars vehicle vehicles ride how much what which price prices cost costs
    available stock there it its that this these those only just also too still instead again
    like would could can will yes year years model models make type kind used new foreign clean
    nice very really sir boss bro oga madam now today asap something anything other others
    another else same ok okay okey then than so abeg dey wan wey una na sabi don go fit wetin dem
    dis dat ehn o oo ooo sha biko jare abi shey self sef tokunbo naija bros pls about around
    from up over under below above max min maximum minimum budget between more less least most
    """
    # French
    """je j moi m tu vous nous on il elle un une des le la les l du de d au aux en et ou pour
    avec dans sur par que qui quoi cherche recherche chercher veux voudrais voulais aimerais
    besoin acheter achete avoir avez ai est sont c ce cette ces voiture voitures vehicule
    vehicules bagnole svp stp plait s merci bonjour bonsoir salut prix combien coute quel quelle
    quels quelles annee modele marque genre seulement uniquement juste aussi encore plutot autre
    autres disponible dispo occasion neuf neuve bien bon bonne tres peu patron chef mon ma mes
    ton votre y vendre vente moins plus entre environ jusqu jusque partir depuis alors donc oui
    voila
    """
    # Portuguese
    """eu mim meu minha voce vc tu nos um uma uns umas o os a as do da dos das em no na nas e
    para pra por com que quero queria gostaria procuro procurando estou to busco preciso comprar
    tem tens ha carro carros viatura viaturas veiculo veiculos favor obrigado obrigada boa dia
    tarde noite ola oi preco precos quanto quantos custa qual quais ano modelo marca tipo so
    somente apenas tambem ainda outro outra outros outras disponivel usado usada novo nova mano
    irmao chefe venda vendas vende ultimo ultima mais menos ate cerca desde algum alguma coisa ai
    bom bem
    """
)


KM_UNITS: Final = word_set(
    "km kms kilometer kilometers kilometre kilometres kilometro kilometros quilometro quilometros"
)
MILE_UNITS: Final = word_set("mi mile miles milles milhas milha")
SEAT_WORDS: Final = word_set(
    "seater seaters seat seats sitter sitters places place lugares lugar passengers passenger "
    "passagers passager passageiros pax"
)
MILEAGE_WORDS: Final = word_set("mileage kilometrage quilometragem odometer compteur kilometragem")


def regex_of(phrases: Iterable[str]) -> str:
    """Alternatives for phrases, longest first; words joined by spaces or hyphens."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"[\s\-]+".join(re.escape(word) for word in p.split()) for p in ordered)


def lexicon_key(phrase: str) -> str:
    """A matched phrase as its lexicon key: "au-dessus  de" -> "au dessus de"."""
    return " ".join(re.findall(r"[a-z0-9]+|[^\sa-z0-9\-]+", phrase))

"""How auctions are put into words in chat, in English, French and Portuguese.

Everything a bidder reads about a lot: its status, the confirmation summary with every fee, the
terms, each refusal with what would work instead, and the answers to dealers' decisions. The
sentences are here (not in the domain) because each one is assembled from the auction's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from catalog.auctions.fees import FeeQuote, FeeTable
from chat.languages import language_or_default
from chat.money import format_money_exact

Words = Mapping[str, str]

TEXTS: Final[dict[str, Words]] = {
    "en": {
        "lot": "Lot {lot} · {title}",
        "current": "Current bid: {price}",
        "starting": "Starting bid: {price} (no bids yet)",
        "you_lead": "✅ You are the high bidder (your maximum {max} stays secret).",
        "you_outbid": "⚠️ You have been outbid (your maximum was {max}).",
        "minimum": "Minimum next bid: {minimum}",
        "ends_in": "Ends in {left}",
        "starts_in": "Opens for bids in {left}",
        "buy_now": "Buy it now: {price}",
        "extended": "(extended by late bids)",
        "ended": "Bidding has ended.",
        "sold_to_you": "🎉 Sold to you for {price}. Payment due by {due}.",
        "sold": "Sold for {price}.",
        "on_approval": "Ended below the seller's reserve: the seller is deciding.",
        "not_sold": "Ended without a sale.",
        "cancelled": "This auction was cancelled.",
        "ask_amount": 'Type your maximum, for example "my max is {example}" — the system bids '
        "for you only as much as needed to keep you ahead.",
        "summary_title": "Please confirm your bid on lot {lot} · {title}",
        "summary_buy_now_title": "Please confirm: buy lot {lot} · {title} now",
        "your_max": "Your maximum bid: {amount}",
        "buy_now_price": "Buy-it-now price: {amount}",
        "fees_if_win": "Fees if you win at {amount}:",
        "total": "Total to pay: {total}",
        "binding": "Bids are binding. Payment within {days} business days of winning.",
        "confirm": "Confirm {amount}",
        "confirm_buy_now": "Buy now {amount}",
        "cancel": "Cancel",
        "bid_min": "Bid {amount}",
        "not_placed": "OK, nothing was placed.",
        "placed_leading": "✅ Bid placed. You are the high bidder on lot {lot} at {price}; "
        "your maximum {max} stays secret. We'll tell you at once if you are outbid.",
        "placed_outbid": "Your maximum {max} is placed, but another bidder's maximum is higher: "
        "the price is now {price}. Minimum next bid: {minimum}.",
        "placed_raised": "✅ Your maximum on lot {lot} is now {max}. You still lead at {price}.",
        "bought_now": "🎉 It's yours! You bought lot {lot} · {title} for {price}. Total with "
        "fees {total}, payment due by {due}. We'll send payment instructions here.",
        "already": "That bid was already placed (nothing was placed twice).",
        "refused_not_started": "Lot {lot} is not open for bids yet: bidding opens in {left}.",
        "refused_ended": "Bidding on lot {lot} has ended, so the bid was not placed. Say "
        '"auctions ending today" to see lots still open.',
        "refused_below_minimum": "{amount} is below the minimum for lot {lot}. The minimum "
        "bid is {minimum}.",
        "refused_own_max": "Your maximum on lot {lot} is already {own}: a new maximum must be "
        "higher (at least {minimum}). A maximum can be raised, never lowered.",
        "refused_buy_now_unavailable": "Buy it now is no longer available for lot {lot} "
        "(bidding has passed that stage). You can still bid: the minimum is {minimum}.",
        "refused_not_buy_now_price": "The buy-it-now price of lot {lot} is {price}.",
        "refused_over_limit": "{amount} is over your bidding limit: you can commit {available} "
        "more. A deposit raises it (each deposit allows bids up to {multiplier} times it): "
        "ask us and an agent will help.",
        "refused_terms": "Please read and accept the bidding terms first.",
        "terms": "📜 Bidding terms ({version})\n• Bids are binding: if you win, you buy.\n"
        "• You state your maximum; the system bids for you one increment at a time, never "
        "above it.\n• A bid in the last minutes extends the auction (no sniping).\n"
        "• Fees on top of the price: {fees}.\n• Payment within {days} business days of "
        "winning, by bank transfer.\n• Below the seller's reserve the seller may approve, "
        "counter or decline.\n• Your bidding limit: {limit} in maximums at once; a deposit "
        "raises it (each deposit allows bids up to {multiplier} times it).",
        "limit": "💳 Your bidding limit is {limit}: your maximums leading open auctions may add "
        "up to that. {committed} is committed now, so you can bid up to {available} more.\nA "
        "deposit raises it: each deposit allows bids up to {multiplier} times it (a $1,000 "
        "deposit, bids up to {example}). An agent can take your deposit; paying it online "
        "comes later.",
        "deposit_agent": "Agent: deposit",
        "ending_button": "Auctions today",
        "limit_line": "Bidding limit {limit} · {available} still available",
        "terms_accepted": "✅ Terms accepted ({version}). You can bid now.",
        "accept": "I accept",
        "not_now": "Not now",
        "which_lot": "Which lot? Open a vehicle and tap Bid, or write for example "
        '"bid {example} on lot 12". Say "auctions ending today" to see open lots.',
        "no_auction": "The {title} is sold at a fixed price ({price}), not at auction.",
        "unknown_lot": 'I can\'t find lot {lot}. Say "auctions ending today" to see open lots.',
        "my_bids": "Your bids:",
        "no_bids": 'You have not bid yet. Say "auctions ending today" to see open lots.',
        "lead": "leading",
        "behind": "outbid",
        "won": "won",
        "lost": "lost",
        "waiting": "seller deciding",
        "ending_today": "Auctions ending in the next 24 hours:",
        "ending_page": "({first}–{last} of {total})",
        "more": "More",
        "none_ending": 'No auction ends in the next 24 hours. Say "search" to browse vehicles.',
        "buy_now_none": "Lot {lot} has no buy-it-now price: bid instead (minimum {minimum}).",
        "counter_taken": "🎉 Deal! Lot {lot} is yours for {price}. Payment due by {due}.",
        "counter_declined": "OK, you declined the seller's offer for lot {lot}.",
        "counter_gone": "That offer for lot {lot} is no longer open.",
        "dealer_approved": "✅ Approved: lot {lot} is sold for {price}. The buyer is told.",
        "dealer_rejected": "Rejected: lot {lot} is not sold. The buyer is told.",
        "dealer_countered": "Counter-offer of {price} sent for lot {lot}; the buyer has until "
        "{deadline} to answer.",
        "dealer_not_yours": "Lot {lot} is not one of your vehicles.",
        "dealer_not_waiting": "Lot {lot} is not waiting for your decision (already decided or "
        "past the deadline).",
        "fee_band": "buyer fee {low} to {high} by price ({percent}% from {top})",
        "buyer_fee": "buyer fee",
        "gate_fee": "gate fee",
        "online_bidding_fee": "online bidding fee",
        "days": "d",
    },
    "fr": {
        "lot": "Lot {lot} · {title}",
        "current": "Enchère actuelle : {price}",
        "starting": "Mise à prix : {price} (aucune enchère)",
        "you_lead": "✅ Vous êtes le meilleur enchérisseur (votre maximum {max} reste secret).",
        "you_outbid": "⚠️ Vous avez été dépassé (votre maximum était {max}).",
        "minimum": "Enchère minimum suivante : {minimum}",
        "ends_in": "Se termine dans {left}",
        "starts_in": "Ouvre aux enchères dans {left}",
        "buy_now": "Achat immédiat : {price}",
        "extended": "(prolongée par des enchères tardives)",
        "ended": "Les enchères sont terminées.",
        "sold_to_you": "🎉 Adjugé à vous pour {price}. Paiement avant le {due}.",
        "sold": "Vendu pour {price}.",
        "on_approval": "Terminée sous le prix de réserve : le vendeur décide.",
        "not_sold": "Terminée sans vente.",
        "cancelled": "Cette vente a été annulée.",
        "ask_amount": "Écrivez votre maximum, par exemple « mon max est {example} » : le système "
        "enchérit pour vous juste ce qu'il faut pour rester en tête.",
        "summary_title": "Confirmez votre enchère sur le lot {lot} · {title}",
        "summary_buy_now_title": "Confirmez l'achat immédiat du lot {lot} · {title}",
        "your_max": "Votre enchère maximum : {amount}",
        "buy_now_price": "Prix achat immédiat : {amount}",
        "fees_if_win": "Frais si vous gagnez à {amount} :",
        "total": "Total à payer : {total}",
        "binding": "Les enchères vous engagent. Paiement sous {days} jours ouvrés après la "
        "victoire.",
        "confirm": "Confirmer {amount}",
        "confirm_buy_now": "Acheter {amount}",
        "cancel": "Annuler",
        "bid_min": "Enchérir {amount}",
        "not_placed": "D'accord, rien n'a été placé.",
        "placed_leading": "✅ Enchère placée. Vous menez le lot {lot} à {price} ; votre maximum "
        "{max} reste secret. Nous vous prévenons tout de suite si vous êtes dépassé.",
        "placed_outbid": "Votre maximum {max} est placé, mais le maximum d'un autre enchérisseur "
        "est plus haut : le prix est maintenant {price}. Enchère minimum suivante : {minimum}.",
        "placed_raised": "✅ Votre maximum sur le lot {lot} est maintenant {max}. Vous menez "
        "toujours à {price}.",
        "bought_now": "🎉 Il est à vous ! Lot {lot} · {title} acheté {price}. Total avec frais "
        "{total}, paiement avant le {due}. Les instructions de paiement suivent ici.",
        "already": "Cette enchère était déjà placée (rien n'a été placé deux fois).",
        "refused_not_started": "Le lot {lot} n'est pas encore ouvert : les enchères ouvrent "
        "dans {left}.",
        "refused_ended": "Les enchères du lot {lot} sont terminées : l'enchère n'a pas été "
        "placée. Dites « enchères qui finissent aujourd'hui » pour voir les lots ouverts.",
        "refused_below_minimum": "{amount} est sous le minimum du lot {lot}. L'enchère minimum "
        "est {minimum}.",
        "refused_own_max": "Votre maximum sur le lot {lot} est déjà {own} : un nouveau maximum "
        "doit être plus haut (au moins {minimum}). Un maximum se relève, jamais ne se baisse.",
        "refused_buy_now_unavailable": "L'achat immédiat n'est plus possible pour le lot {lot}. "
        "Vous pouvez encore enchérir : minimum {minimum}.",
        "refused_not_buy_now_price": "Le prix achat immédiat du lot {lot} est {price}.",
        "refused_over_limit": "{amount} dépasse votre limite d'enchères : vous pouvez encore "
        "engager {available}. Un dépôt l'augmente (chaque dépôt permet d'enchérir jusqu'à "
        "{multiplier} fois son montant) : demandez-nous, un agent vous aidera.",
        "refused_terms": "Lisez et acceptez d'abord les conditions des enchères.",
        "terms": "📜 Conditions des enchères ({version})\n• Une enchère vous engage : si vous "
        "gagnez, vous achetez.\n• Vous donnez votre maximum ; le système enchérit pour vous, "
        "palier par palier, sans jamais le dépasser.\n• Une enchère dans les dernières minutes "
        "prolonge la vente.\n• Frais en plus du prix : {fees}.\n• Paiement sous {days} jours "
        "ouvrés après la victoire, par virement.\n• Sous le prix de réserve, le vendeur peut "
        "accepter, contre-proposer ou refuser.\n• Votre limite d'enchères : {limit} de "
        "maximums à la fois ; un dépôt l'augmente (chaque dépôt permet d'enchérir jusqu'à "
        "{multiplier} fois son montant).",
        "limit": "💳 Votre limite d'enchères est de {limit} : vos maximums en tête des enchères "
        "ouvertes peuvent aller jusque-là. {committed} est engagé, vous pouvez donc encore "
        "enchérir de {available}.\nUn dépôt l'augmente : chaque dépôt permet d'enchérir "
        "jusqu'à {multiplier} fois son montant (un dépôt de 1 000 $, des enchères jusqu'à "
        "{example}). Un agent peut prendre votre dépôt ; le paiement en ligne viendra plus tard.",
        "deposit_agent": "Agent : dépôt",
        "ending_button": "Enchères du jour",
        "limit_line": "Limite d'enchères {limit} · {available} encore disponible",
        "terms_accepted": "✅ Conditions acceptées ({version}). Vous pouvez enchérir.",
        "accept": "J'accepte",
        "not_now": "Pas maintenant",
        "which_lot": "Quel lot ? Ouvrez un véhicule et touchez Enchérir, ou écrivez par exemple "
        "« enchère {example} sur le lot 12 ». Dites « enchères qui finissent aujourd'hui » pour "
        "voir les lots ouverts.",
        "no_auction": "Le {title} est vendu à prix fixe ({price}), pas aux enchères.",
        "unknown_lot": "Je ne trouve pas le lot {lot}. Dites « enchères qui finissent "
        "aujourd'hui » pour voir les lots ouverts.",
        "my_bids": "Vos enchères :",
        "no_bids": "Vous n'avez pas encore enchéri. Dites « enchères qui finissent "
        "aujourd'hui » pour voir les lots ouverts.",
        "lead": "en tête",
        "behind": "dépassé",
        "won": "gagné",
        "lost": "perdu",
        "waiting": "le vendeur décide",
        "ending_today": "Enchères qui se terminent dans les 24 heures :",
        "ending_page": "({first}–{last} sur {total})",
        "more": "Plus",
        "none_ending": "Aucune enchère ne se termine dans les 24 heures. Dites « recherche » "
        "pour voir les véhicules.",
        "buy_now_none": "Le lot {lot} n'a pas de prix achat immédiat : enchérissez (minimum "
        "{minimum}).",
        "counter_taken": "🎉 Marché conclu ! Le lot {lot} est à vous pour {price}. Paiement avant "
        "le {due}.",
        "counter_declined": "D'accord, vous avez refusé l'offre du vendeur pour le lot {lot}.",
        "counter_gone": "Cette offre pour le lot {lot} n'est plus ouverte.",
        "dealer_approved": "✅ Accepté : le lot {lot} est vendu {price}. L'acheteur est prévenu.",
        "dealer_rejected": "Refusé : le lot {lot} n'est pas vendu. L'acheteur est prévenu.",
        "dealer_countered": "Contre-offre de {price} envoyée pour le lot {lot} ; l'acheteur a "
        "jusqu'au {deadline} pour répondre.",
        "dealer_not_yours": "Le lot {lot} n'est pas un de vos véhicules.",
        "dealer_not_waiting": "Le lot {lot} n'attend pas votre décision (déjà décidé ou délai "
        "passé).",
        "fee_band": "frais acheteur de {low} à {high} selon le prix ({percent} % dès {top})",
        "buyer_fee": "frais acheteur",
        "gate_fee": "frais de sortie",
        "online_bidding_fee": "frais d'enchère en ligne",
        "days": "j",
    },
    "pt": {
        "lot": "Lote {lot} · {title}",
        "current": "Lance atual: {price}",
        "starting": "Lance inicial: {price} (ainda sem lances)",
        "you_lead": "✅ O seu lance é o mais alto (o seu máximo {max} fica secreto).",
        "you_outbid": "⚠️ O seu lance foi superado (o seu máximo era {max}).",
        "minimum": "Lance mínimo seguinte: {minimum}",
        "ends_in": "Termina em {left}",
        "starts_in": "Abre para lances em {left}",
        "buy_now": "Compra imediata: {price}",
        "extended": "(prolongado por lances de última hora)",
        "ended": "Os lances terminaram.",
        "sold_to_you": "🎉 Vendido a si por {price}. Pagamento até {due}.",
        "sold": "Vendido por {price}.",
        "on_approval": "Terminou abaixo da reserva do vendedor: o vendedor está a decidir.",
        "not_sold": "Terminou sem venda.",
        "cancelled": "Este leilão foi cancelado.",
        "ask_amount": 'Escreva o seu máximo, por exemplo "meu máximo é {example}": o sistema '
        "licita por si só o necessário para ficar à frente.",
        "summary_title": "Confirme o seu lance no lote {lot} · {title}",
        "summary_buy_now_title": "Confirme a compra imediata do lote {lot} · {title}",
        "your_max": "O seu lance máximo: {amount}",
        "buy_now_price": "Preço de compra imediata: {amount}",
        "fees_if_win": "Taxas se ganhar a {amount}:",
        "total": "Total a pagar: {total}",
        "binding": "Os lances são vinculativos. Pagamento em {days} dias úteis após ganhar.",
        "confirm": "Confirmar {amount}",
        "confirm_buy_now": "Comprar {amount}",
        "cancel": "Cancelar",
        "bid_min": "Licitar {amount}",
        "not_placed": "Está bem, nada foi colocado.",
        "placed_leading": "✅ Lance colocado. Está à frente no lote {lot} a {price}; o seu "
        "máximo {max} fica secreto. Avisamos logo se for superado.",
        "placed_outbid": "O seu máximo {max} foi colocado, mas o máximo de outro licitante é "
        "mais alto: o preço agora é {price}. Lance mínimo seguinte: {minimum}.",
        "placed_raised": "✅ O seu máximo no lote {lot} agora é {max}. Continua à frente a "
        "{price}.",
        "bought_now": "🎉 É seu! Comprou o lote {lot} · {title} por {price}. Total com taxas "
        "{total}, pagamento até {due}. As instruções de pagamento seguem aqui.",
        "already": "Esse lance já tinha sido colocado (nada foi colocado duas vezes).",
        "refused_not_started": "O lote {lot} ainda não está aberto: os lances abrem em {left}.",
        "refused_ended": "Os lances do lote {lot} terminaram: o lance não foi colocado. Diga "
        '"leilões que terminam hoje" para ver lotes abertos.',
        "refused_below_minimum": "{amount} está abaixo do mínimo do lote {lot}. O lance mínimo "
        "é {minimum}.",
        "refused_own_max": "O seu máximo no lote {lot} já é {own}: um novo máximo tem de ser "
        "mais alto (pelo menos {minimum}). Um máximo pode subir, nunca descer.",
        "refused_buy_now_unavailable": "A compra imediata já não está disponível no lote {lot}. "
        "Ainda pode licitar: mínimo {minimum}.",
        "refused_not_buy_now_price": "O preço de compra imediata do lote {lot} é {price}.",
        "refused_over_limit": "{amount} passa o seu limite de lances: ainda pode comprometer "
        "{available}. Um depósito aumenta-o (cada depósito permite lances até {multiplier} "
        "vezes o valor): peça-nos e um agente ajuda.",
        "refused_terms": "Leia e aceite primeiro os termos do leilão.",
        "terms": "📜 Termos do leilão ({version})\n• Os lances são vinculativos: se ganhar, "
        "compra.\n• Indica o seu máximo; o sistema licita por si, degrau a degrau, nunca acima "
        "dele.\n• Um lance nos últimos minutos prolonga o leilão.\n• Taxas além do preço: "
        "{fees}.\n• Pagamento em {days} dias úteis após ganhar, por transferência.\n• Abaixo "
        "da reserva, o vendedor pode aprovar, contrapropor ou recusar.\n• O seu limite de "
        "lances: {limit} em máximos ao mesmo tempo; um depósito aumenta-o (cada depósito "
        "permite lances até {multiplier} vezes o valor).",
        "limit": "💳 O seu limite de lances é {limit}: os seus máximos à frente em leilões "
        "abertos podem somar até isso. {committed} está comprometido, por isso ainda pode "
        "licitar até {available}.\nUm depósito aumenta-o: cada depósito permite lances até "
        "{multiplier} vezes o valor (um depósito de US$ 1 000, lances até {example}). Um "
        "agente pode receber o seu depósito; pagar online vem mais tarde.",
        "deposit_agent": "Agente: depósito",
        "ending_button": "Leilões de hoje",
        "limit_line": "Limite de lances {limit} · {available} ainda disponível",
        "terms_accepted": "✅ Termos aceites ({version}). Já pode licitar.",
        "accept": "Aceito",
        "not_now": "Agora não",
        "which_lot": "Qual lote? Abra um veículo e toque em Licitar, ou escreva por exemplo "
        '"lance {example} no lote 12". Diga "leilões que terminam hoje" para ver lotes '
        "abertos.",
        "no_auction": "O {title} é vendido a preço fixo ({price}), não em leilão.",
        "unknown_lot": 'Não encontro o lote {lot}. Diga "leilões que terminam hoje" para ver '
        "lotes abertos.",
        "my_bids": "Os seus lances:",
        "no_bids": 'Ainda não licitou. Diga "leilões que terminam hoje" para ver lotes abertos.',
        "lead": "à frente",
        "behind": "superado",
        "won": "ganho",
        "lost": "perdido",
        "waiting": "vendedor a decidir",
        "ending_today": "Leilões que terminam nas próximas 24 horas:",
        "ending_page": "({first}–{last} de {total})",
        "more": "Mais",
        "none_ending": 'Nenhum leilão termina nas próximas 24 horas. Diga "procurar" para ver '
        "veículos.",
        "buy_now_none": "O lote {lot} não tem compra imediata: licite (mínimo {minimum}).",
        "counter_taken": "🎉 Negócio fechado! O lote {lot} é seu por {price}. Pagamento até {due}.",
        "counter_declined": "Está bem, recusou a oferta do vendedor para o lote {lot}.",
        "counter_gone": "Essa oferta para o lote {lot} já não está aberta.",
        "dealer_approved": "✅ Aprovado: o lote {lot} está vendido por {price}. O comprador é "
        "avisado.",
        "dealer_rejected": "Recusado: o lote {lot} não é vendido. O comprador é avisado.",
        "dealer_countered": "Contraproposta de {price} enviada para o lote {lot}; o comprador "
        "tem até {deadline} para responder.",
        "dealer_not_yours": "O lote {lot} não é um dos seus veículos.",
        "dealer_not_waiting": "O lote {lot} não está à espera da sua decisão (já decidido ou "
        "fora do prazo).",
        "fee_band": "taxa do comprador de {low} a {high} conforme o preço ({percent}% a partir "
        "de {top})",
        "buyer_fee": "taxa do comprador",
        "gate_fee": "taxa de saída",
        "online_bidding_fee": "taxa de licitação online",
        "days": "d",
    },
}


def words(lang: str) -> Words:
    return TEXTS.get(lang, TEXTS["en"])


def usd(cents: int, lang: str) -> str:
    """An auction amount (auctions are in US dollars): cents only when there are any ("$5,200",
    "$99.50")."""
    return format_money_exact(cents, "USD", language_or_default(lang))


def time_left(delta: timedelta, lang: str) -> str:
    """ "3 d 4 h", "2 h 15 min", "9 min", "45 s": the two largest units that matter."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    day = words(lang)["days"]
    if days:
        return f"{days} {day} {hours} h" if hours else f"{days} {day}"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def fee_name(name: str, lang: str) -> str:
    return words(lang).get(name, name.replace("_", " "))


def fee_lines(quote: FeeQuote, lang: str) -> list[str]:
    return [f"• {fee_name(line.name, lang)}: {usd(line.cents, lang)}" for line in quote.lines]


def fee_table_summary(table: FeeTable, lang: str) -> str:
    """The fee table in one line, for the terms: the buyer fee's range, then each fixed fee."""
    parts = []
    if table.bands:
        fees = [fee for _, fee in table.bands]
        parts.append(words(lang)["fee_band"].format(
            low=usd(min(fees), lang), high=usd(max(fees), lang),
            percent=f"{table.above_percent:g}", top=usd(table.bands[-1][0] + 1, lang)))  # fmt: skip
    parts += [f"{fee_name(name, lang)} {usd(cents, lang)}" for name, cents in table.fixed]
    return ", ".join(parts)

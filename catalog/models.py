"""Every table, imported in one place so that metadata and Alembic see them all."""

from catalog.auctions.models import Auction, AuctionBid, Bidder
from catalog.buyers.models import Buyer
from catalog.conversations.models import ChatMessage, Conversation
from catalog.database import Base
from catalog.dealers.models import Dealer, DealerLinkToken, DealerMutedVehicle
from catalog.leads.models import Lead
from catalog.media.models import VehicleMedia
from catalog.outbox.models import OutboxMessage
from catalog.preferences.models import AlertPreferences
from catalog.privacy.models import PrivacyAuditEntry
from catalog.vehicles.models import Vehicle
from catalog.watchlist.models import SavedSearch, SavedSearchHit, WatchlistEntry

__all__ = [
    "AlertPreferences",
    "Auction",
    "AuctionBid",
    "Base",
    "Bidder",
    "Buyer",
    "ChatMessage",
    "Conversation",
    "Dealer",
    "DealerLinkToken",
    "DealerMutedVehicle",
    "Lead",
    "OutboxMessage",
    "PrivacyAuditEntry",
    "SavedSearch",
    "SavedSearchHit",
    "Vehicle",
    "VehicleMedia",
    "WatchlistEntry",
]

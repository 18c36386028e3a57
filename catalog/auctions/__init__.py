"""Timed auctions with proxy bidding, a hidden reserve, buy-it-now and a soft close (README.md)."""

"""Leads: a buyer's interest in one dealer's vehicle, scored, for that dealer."""

"""Tracking: the containers, bills of lading and bookings buyers follow, and carriers' events."""

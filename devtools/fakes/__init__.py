"""Local stand-ins for the Telegram Bot API, WhatsApp Cloud API and Twilio, at the network edge.

They accept the providers' real request formats, answer with their real response shapes, record
every request, and fail on demand, so tests and the demo run with no credentials.
"""

from devtools.fakes.app import create_fake_providers_app, serve

__all__ = ["create_fake_providers_app", "serve"]

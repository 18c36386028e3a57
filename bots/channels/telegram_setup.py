"""Point Telegram at our webhook: the Bot API's setWebhook, with our secret token."""

from __future__ import annotations

from typing import Any

from telegram import Bot

from bots.config import ChannelSettings

WEBHOOK_PATH = "/webhooks/telegram"
# What the parser reads (bots.channels.telegram_inbound). Edits and reactions are recorded, not
# answered. In private chats reactions arrive as they are set; in a group, only if the bot is an
# administrator there.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "message_reaction")


async def set_webhook(*, settings: ChannelSettings, public_base_url: str) -> dict[str, Any]:
    """Register `public_base_url` + /webhooks/telegram as the bot's webhook.

    Telegram then sends only messages, their edits, button taps and reactions, each with our
    secret token in `X-Telegram-Bot-Api-Secret-Token`; updates waiting since the last webhook
    are kept.

    Returns:
        {"ok": ..., "url": ..., "allowed_updates": [...], "webhook_info": getWebhookInfo's result}

    Raises:
        telegram.error.TelegramError: the Bot API refused (bad token, unreachable URL, ...).
    """
    url = public_base_url.rstrip("/") + WEBHOOK_PATH
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{settings.telegram_api_base_url}/bot",
    )
    async with bot:
        ok = await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        info = await bot.get_webhook_info()
    return {
        "ok": ok,
        "url": url,
        "allowed_updates": list(ALLOWED_UPDATES),
        "webhook_info": info.to_dict(),
    }

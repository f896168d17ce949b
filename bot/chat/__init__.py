"""Chat adapters as the core sees them: one :class:`ChatAdapter` protocol with an explicit
lifecycle, and one inbound flow (:class:`ChatFlow`) that every adapter answers through."""

from bot.chat.adapter import ChatAdapter, Lifecycle
from bot.chat.flow import FALLBACK, ChatFlow, Inbound

__all__ = ["FALLBACK", "ChatAdapter", "ChatFlow", "Inbound", "Lifecycle"]

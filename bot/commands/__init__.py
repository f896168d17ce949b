"""The platform-neutral chat command layer: ``parse`` (pure) and ``Commands.handle``."""

from bot.commands.answer import Answerer, AnswerReply
from bot.commands.handle import ChatContext, Commands, DigestBuilder
from bot.commands.parse import USAGE, Command, UsageProblem, parse

__all__ = [
    "USAGE",
    "AnswerReply",
    "Answerer",
    "ChatContext",
    "Command",
    "Commands",
    "DigestBuilder",
    "UsageProblem",
    "parse",
]

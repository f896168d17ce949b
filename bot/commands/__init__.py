"""The platform-neutral chat command layer: one registry of commands (``COMMANDS``), each
parsed purely and handled by ``Commands``."""

from bot.commands.answer import Answerer, AnswerReply
from bot.commands.handle import Commands, DigestBuilder
from bot.commands.parse import Command, UsageProblem
from bot.commands.registry import COMMANDS
from bot.commands.spec import ChatCommand, ChatContext, CommandText, Registry

__all__ = [
    "COMMANDS",
    "AnswerReply",
    "Answerer",
    "ChatCommand",
    "ChatContext",
    "Command",
    "CommandText",
    "Commands",
    "DigestBuilder",
    "Registry",
    "UsageProblem",
]

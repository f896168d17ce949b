"""The Discord adapter (discord.py): platform I/O only; the work is in ``bot/``."""

"""The Telegram adapter (python-telegram-bot): platform I/O only; the work is in ``bot/``."""

import os

# Opt in to python-telegram-bot's future behaviour (durations as timedelta). Without it every
# RetryAfter it builds emits a deprecation warning; our code reads both forms.
os.environ.setdefault("PTB_TIMEDELTA", "true")

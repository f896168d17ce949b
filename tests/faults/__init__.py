"""The fault suite: each test reproduces a way the bot could stop, and proves it cannot."""

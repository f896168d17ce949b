"""The digest languages: a leaf, so that the CLI's parser can offer them without importing
the configuration models (pydantic) that ``--help`` does not need."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "zh-TW"]
LANGUAGES: tuple[str, ...] = ("en", "zh-TW")

"""The JSON the model must return, as pydantic models. Anything that does not fit is a
``ModelError("bad_response")`` (see :func:`bot.llm.parse_reply`), never half a digest."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.inline_refs import split_inline_refs

_REF = re.compile(r"\d+")


def _refs(value: Any) -> Any:
    """Models write refs as 3, "3", "[3]" or "[1][3]"; all mean the same numbers."""
    items = value if isinstance(value, list) else [value]
    found: list[int] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            found.append(item)
        elif isinstance(item, str):
            found += [int(n) for n in _REF.findall(item)]
    return found


def _at_most(limit: int) -> BeforeValidator:
    """Keep the first ``limit`` items: one list item too many should not cost the digest."""
    return BeforeValidator(lambda v: v[:limit] if isinstance(v, list) else v)


# Generous bounds: they stop a runaway reply, not a long-winded but usable one.
Short = Annotated[str, Field(max_length=2000)]
Refs = Annotated[list[int], BeforeValidator(_refs), _at_most(8)]


class _Out(BaseModel):
    # Models add keys of their own; ignoring them is safer than failing the digest.
    model_config = ConfigDict(extra="ignore")


class ClusterSummary(_Out):
    n: int
    headline: Short
    summary: Short
    facts: Annotated[list[Short], _at_most(4)] = []


class Summaries(_Out):
    """Stage 1: one short summary per story cluster."""

    summaries: list[ClusterSummary]


class CitedText(_Out):
    text: Short
    citations: Refs = []

    def model_post_init(self, context: Any, /) -> None:
        # Inline refs join the listed ones, so none is lost and none is printed twice.
        self.text, inline = split_inline_refs(self.text)
        self.citations = [*self.citations, *(n for n in inline if n not in self.citations)]


class LabelledPoint(CitedText):
    label: Annotated[str, Field(max_length=120)] = ""

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self.label = split_inline_refs(self.label)[0]


class HighlightOut(CitedText):
    headline: Annotated[str, Field(max_length=300)]
    changed: Short = ""
    """For a story covered on an earlier day: what is new since then (empty otherwise)."""

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        for name in ("headline", "changed"):
            clean, inline = split_inline_refs(getattr(self, name))
            setattr(self, name, clean)
            self.citations += [n for n in inline if n not in self.citations]


class Composition(_Out):
    """Stage 2: every section of the digest, composed from the stage-1 summaries."""

    summary: Short
    trend: CitedText
    highlights: Annotated[list[HighlightOut], _at_most(8)]
    analysis: Annotated[list[LabelledPoint], _at_most(5)] = []
    key_points: Annotated[list[CitedText], _at_most(8)] = []
    thoughts: Annotated[list[LabelledPoint], _at_most(4)] = []

    def model_post_init(self, context: Any, /) -> None:
        self.summary = split_inline_refs(self.summary)[0]

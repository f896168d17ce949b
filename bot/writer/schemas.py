"""The JSON the model must return, as pydantic models. Anything that does not fit is a
``ModelError("bad_response")`` (see :func:`bot.llm.parse_reply`), never half a digest."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Short = Annotated[str, Field(max_length=600)]
Refs = Annotated[list[int], Field(max_length=8)]


class _Out(BaseModel):
    # Models add keys of their own; ignoring them is safer than failing the digest.
    model_config = ConfigDict(extra="ignore")


class ClusterSummary(_Out):
    n: int
    headline: Short
    summary: Short
    facts: Annotated[list[Short], Field(max_length=4)] = []


class Summaries(_Out):
    """Stage 1: one short summary per story cluster."""

    summaries: list[ClusterSummary]


class CitedText(_Out):
    text: Short
    citations: Refs = []


class LabelledPoint(CitedText):
    label: Annotated[str, Field(max_length=80)] = ""


class HighlightOut(CitedText):
    headline: Annotated[str, Field(max_length=200)]
    changed: Short = ""
    """For a story covered on an earlier day: what is new since then (empty otherwise)."""


class Composition(_Out):
    """Stage 2: every section of the digest, composed from the stage-1 summaries."""

    summary: Short
    trend: CitedText
    highlights: Annotated[list[HighlightOut], Field(max_length=8)]
    analysis: Annotated[list[LabelledPoint], Field(max_length=5)] = []
    key_points: Annotated[list[CitedText], Field(max_length=8)] = []
    thoughts: Annotated[list[LabelledPoint], Field(max_length=4)] = []

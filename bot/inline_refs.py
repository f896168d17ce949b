"""The ``[n]`` marker by which prose cites numbered source n: one syntax for the digest
writer, the renderer's check and the Q&A answers. Pure."""

from __future__ import annotations

import re

_INLINE_REF = re.compile(r"\s*\[(\d+)\]")


def inline_ref_numbers(text: str) -> list[int]:
    """The numbers ``text`` cites with ``[n]``, in order, repeats kept."""
    return [int(n) for n in _INLINE_REF.findall(text)]


def split_inline_refs(text: str) -> tuple[str, list[int]]:
    """Prose without the ``[n]`` a model may write inline, and those numbers: the renderer
    places citations itself, after checking and renumbering them."""
    return _INLINE_REF.sub("", text).strip(), inline_ref_numbers(text)

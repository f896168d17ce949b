"""Articles cut into passages, one paragraph each. Pure.

A passage is what retrieval ranks and what an answer quotes and cites, so it should be one
coherent piece of text: a paragraph. Very short paragraphs (a one-line lead, a sub-heading)
are joined to the next, very long ones are split between sentences, and the headline and
kicker lines that extraction leaves at the top are dropped (the title is stored beside
every passage anyway).
"""

from __future__ import annotations

from bot.filters.text import looks_like_heading, sentences

MIN_CHARS = 160
MAX_CHARS = 1200


def _split_long(paragraph: str) -> list[str]:
    if len(paragraph) <= MAX_CHARS:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in sentences(paragraph):
        if current and len(current) + 1 + len(sentence) > MAX_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    # A single sentence longer than MAX_CHARS is cut hard, at a space.
    out: list[str] = []
    for piece in pieces:
        while len(piece) > MAX_CHARS:
            cut = piece.rfind(" ", 0, MAX_CHARS)
            cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    return out


def chunk_article(title: str, text: str) -> list[str]:
    """The passages of one article's text, in reading order."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and line != title.strip()]
    # Leading kicker lines ("Artificial intelligence") carry no facts.
    while lines and looks_like_heading(lines[0]) and len(lines) > 1:
        lines.pop(0)
    passages: list[str] = []
    pending = ""
    for line in lines:
        pending = f"{pending}\n{line}".strip() if pending else line
        if len(pending) >= MIN_CHARS and not looks_like_heading(line):
            passages.extend(_split_long(pending))
            pending = ""
    if pending:
        if passages and len(pending) < MIN_CHARS and len(passages[-1]) + len(pending) < MAX_CHARS:
            passages[-1] = f"{passages[-1]}\n{pending}"
        else:
            passages.extend(_split_long(pending))
    return passages

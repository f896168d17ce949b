"""Rendering a Reply as Discord Markdown: escaping and splitting (pure)."""

from __future__ import annotations

import re

from adapters.discord.render import MAX_LENGTH, render
from bot.delivery.types import Paragraph, Reply, SourceLink


def test_web_text_cannot_format_and_sources_are_masked_links() -> None:
    reply = Reply(
        title="*Mistral* __2__",
        paragraphs=(Paragraph("# not a heading\n> nor a quote, `code` ||spoiler|| [1]"),),
        sources=(SourceLink(1, "Big [news] *now*", "https://e.example/a b?x=1"),),
        sources_title="Sources",
    )
    body, sources = render(reply)
    assert body.text == (
        "**\\*Mistral\\* \\_\\_2\\_\\_**\n\n"
        "\\# not a heading\n\\> nor a quote, \\`code\\` \\|\\|spoiler\\|\\| [1]"
    )
    assert (
        body.fallback == "*Mistral* __2__\n\n# not a heading\n> nor a quote, `code` ||spoiler|| [1]"
    )
    assert sources.text == (
        "**Sources**\n[1] [Big \\[news\\] \\*now\\*](<https://e.example/a%20b?x=1>)"
    )


def test_long_digest_splits_under_2000_with_citations_whole() -> None:
    sentence = "Le Chat gained a feature that everyone asked for. "
    paragraphs = tuple(Paragraph(sentence * 30 + f"[{i}] [{i + 1}]") for i in range(1, 8))
    huge = Paragraph(" ".join(f"Sentence {n} about Devstral. [{n % 9 + 1}]" for n in range(200)))
    parts = render(Reply(title="Digest", paragraphs=(*paragraphs, huge)))
    assert len(parts) > 5
    for part in parts:
        assert len(part.text) <= MAX_LENGTH
        assert not re.search(r"\[\d*$|^\d*\]", part.text)  # no citation cut in half
    joined = " ".join(part.text for part in parts)
    assert joined.count("Sentence ") == 200
    assert len(re.findall(r"\[\d+\]", joined)) == 7 * 2 + 200
    for n in (0, 57, 199):  # each sentence kept its own citation
        assert f"Sentence {n} about Devstral. [{n % 9 + 1}]" in joined


def test_many_sources_fill_several_messages() -> None:
    sources = tuple(SourceLink(n, f"Title {n} " * 10, f"https://e.example/{n}") for n in range(80))
    parts = render(Reply(paragraphs=(), sources=sources, sources_title="Sources"))
    assert len(parts) >= 3 and parts[0].text.startswith("**Sources**")
    assert all(len(p.text) <= MAX_LENGTH for p in parts)
    lines = [line for p in parts for line in p.text.splitlines()[1 if p is parts[0] else 0 :]]
    assert [int(line.split("]")[0][1:]) for line in lines] == list(range(80))

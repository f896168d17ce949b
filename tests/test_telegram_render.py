"""Rendering a Reply as Telegram HTML: escaping and splitting (pure)."""

from __future__ import annotations

from adapters.telegram.render import MAX_LENGTH, render
from bot.delivery.types import Paragraph, Reply, SourceLink
from tests.fakes.telegram import visible_text


def test_web_text_is_escaped_and_parses() -> None:
    reply = Reply(
        title="<b>Mistral</b> & co",
        paragraphs=(Paragraph("a < b > c & d [1]", heading="<i>x</i>"),),
        sources=(SourceLink(1, 'T "q" <t>', 'https://e.example/?a=1&b="2"'),),
        sources_title="Sources",
    )
    body, sources = render(reply)
    assert visible_text(body.text, "HTML") == "<b>Mistral</b> & co\n\n<i>x</i>\na < b > c & d [1]"
    assert visible_text(sources.text, "HTML") == 'Sources\n[1] T "q" <t>'
    assert 'href="https://e.example/?a=1&amp;b=&quot;2&quot;"' in sources.text
    assert body.fallback.startswith("<b>Mistral</b> & co")


def test_splits_at_paragraphs_and_keeps_citations_with_sentences() -> None:
    paragraphs = tuple(Paragraph("Words & more words. " * 60 + f"[{i}]") for i in range(1, 8))
    parts = render(Reply(paragraphs=paragraphs))
    assert len(parts) == 4  # two paragraphs (1440 characters as HTML) per message
    for part in parts:
        assert len(part.text) <= MAX_LENGTH
        # Whole paragraphs only: every part ends with a citation.
        assert part.text.rstrip().endswith("]")
    assert sum(p.text.count("[") for p in parts) == 7

"""Issue 14's renderer freeze, closed: a very long headline once made ``_blocks`` of both
chat renderers loop for ever (the room left beside the heading dropped to zero or below).
Now any reply, however long its heading, title, words or escapes, renders promptly into
parts within the platform's limits, and no text is lost on the way."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord import render as discord_render
from adapters.telegram import render as telegram_render
from bot.delivery.platform import Part
from bot.delivery.split import utf16_length
from bot.delivery.types import Paragraph, Reply, Section, SourceLink
from tests.conftest import ROOT
from tests.fakes.discord import message_problem
from tests.fakes.telegram import MAX_TEXT, visible_text

Render = Callable[[Reply], list[Part]]
RENDERERS = {"telegram": telegram_render.render, "discord": discord_render.render}


def _telegram_ok(part: Part) -> str:
    """What the fake Bot API shows, after checking what it checks; the visible text."""
    visible = visible_text(part.text, "HTML")
    assert 0 < utf16_length(visible) <= MAX_TEXT and utf16_length(part.text) <= MAX_TEXT
    return visible


_DISCORD_TOKEN = re.compile(r"\\(.)|\*\*|(.)", re.DOTALL)


def _discord_ok(part: Part) -> str:
    """Checked against every limit the fake Discord enforces; the text a reader sees (our
    bold markers dropped, escaped characters shown as themselves)."""
    body = {
        "content": part.text,
        "embeds": [{"title": c.title, "description": c.body} for c in part.cards],
    }
    assert message_problem(body) is None, message_problem(body)
    shown = "\n".join([part.text, *(f"{c.title}\n{c.body}" for c in part.cards)])
    return "".join(m.group(1) or m.group(2) or "" for m in _DISCORD_TOKEN.finditer(shown))


CHECKS = {"telegram": _telegram_ok, "discord": _discord_ok}


def _words(text: str) -> str:
    """Text without whitespace: cuts may fall between words or inside one."""
    return "".join(text.split())


FREEZE = """
import sys, time
from adapters.{module}.render import render
from bot.delivery.types import Paragraph, Reply
started = time.monotonic()
parts = render(Reply(title="t", paragraphs=(Paragraph("Body. " * 10, heading="H" * 4200),)))
print(time.monotonic() - started, len(parts))
"""


@pytest.mark.parametrize("platform", RENDERERS)
def test_a_headline_longer_than_a_message_renders_promptly_within_the_limit(
    platform: str,
) -> None:
    # Issue 14's reproduction, in a process of its own: a freeze fails here, never hangs.
    code = FREEZE.format(module=platform)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=30
    )
    assert result.returncode == 0, result.stderr
    seconds, count = result.stdout.split()
    assert float(seconds) < 1.0 and int(count) >= 2
    reply = Reply(title="t", paragraphs=(Paragraph("Body. " * 10, heading="H" * 4200),))
    seen = "".join(CHECKS[platform](part) for part in RENDERERS[platform](reply))
    assert _words(seen) == _words(reply.plain())  # the whole headline, cut, nothing lost


@pytest.mark.parametrize("platform", RENDERERS)
def test_escapes_that_grow_the_text_fivefold_still_fit(platform: str) -> None:
    # "&" is "&amp;" in HTML: a piece measured before escaping would be five times too long.
    reply = Reply(
        title="&" * 5000,
        paragraphs=(Paragraph("&<>" * 3000, heading="*_`" * 2000),),
        sections=(Section("|" * 300, (Paragraph("~" * 9000, heading="#" * 100),)),),
    )
    parts = RENDERERS[platform](reply)
    seen = "".join(CHECKS[platform](part) for part in parts)
    assert _words(seen) == _words(reply.plain())


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab cd.&<>*_`|~#-[]1\n。資料😀")), min_size=0, max_size=600
)
_LONG = st.one_of(_TEXT, st.builds(lambda s, n: s * n, _TEXT, st.integers(1, 40)))
_PARAGRAPH = st.builds(Paragraph, _LONG, _TEXT | st.just(""))
_TITLE = st.text(alphabet=st.sampled_from(list("ab c.&<>*_[]1資😀")), min_size=1, max_size=300)
_SOURCE = st.builds(
    SourceLink,
    st.integers(1, 99),
    _TITLE.filter(str.strip),
    st.builds(lambda path: f"https://e.example/{path}", st.text("abc/?&=", max_size=300)),
)
_REPLY = st.builds(
    Reply,
    paragraphs=st.lists(_PARAGRAPH, max_size=4).map(tuple),
    title=_TEXT,
    sources=st.lists(_SOURCE, max_size=8).map(tuple),
    sections=st.lists(
        st.builds(Section, _TEXT.filter(str.strip), st.lists(_PARAGRAPH, max_size=4).map(tuple)),
        max_size=4,
    ).map(tuple),
    sources_title=st.sampled_from(["", "Sources", "🔗 資料來源"]),
)
_LINK_TARGET = re.compile(r"\]\(<?https://e\.example/[^\s)>]*>?\)")


def _expected(reply: Reply, platform: str) -> str:
    """Every word a reader should see: the body, the sources' heading, and each source's
    number and title (its URL is the link's target, not text; Discord shows the title of a
    masked link in brackets)."""
    body = Reply(reply.paragraphs, reply.title, sections=reply.sections).plain()
    heading = reply.sources_title if reply.sources else ""
    label = "[{}]" if platform == "discord" else "{}"
    sources = "".join(f"[{s.n}]" + label.format(s.title) for s in reply.sources)
    return _words(body + heading + sources)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=_REPLY)
def test_any_reply_splits_within_the_limits_and_loses_no_text(reply: Reply) -> None:
    for platform, render in RENDERERS.items():
        seen = "".join(CHECKS[platform](part) for part in render(reply))
        if platform == "discord":  # a masked link's target is markup, not text
            seen = _LINK_TARGET.sub("]", seen)
        assert _words(seen) == _expected(reply, platform), platform

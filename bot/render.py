"""Rendering: a :class:`Digest` to a Jekyll-style Markdown post (seed format) or to the
public JSON shape. Every Markdown rendering is parsed back and checked before it leaves.
Pure."""

from __future__ import annotations

import json
import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.errors import RenderError
from bot.i18n import REASONS, text
from bot.inline_refs import inline_ref_numbers
from bot.models import Digest, Point

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
_PARSER = MarkdownIt("commonmark")
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
_ESCAPED_MARKERS = {"\\*": "\ue000", "\\_": "\ue001"}
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": ""}


def escape_inline(value: str) -> str:
    """Text from the web, made inert: no emphasis, links, HTML or block syntax."""
    flat = " ".join(value.split())
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return indent + marker + "\\"  # "1." -> "1\." (the dot follows)
    return indent + "\\" + marker


def safe_url(url: str) -> str:
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in url)


def _cite(citations: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in citations)


def _point(point: Point) -> str:
    cited = _cite(point.citations)
    body = escape_inline(point.text)
    if point.label:
        body = f"**{escape_inline(point.label)}**: {body}"
    return f"{body} {cited}".rstrip()


def title_of(digest: Digest) -> str:
    """The reader's title: the topic's configured name, never its slug."""
    return text(digest.language, "title", name=_name(digest), date=digest.date.isoformat())


def _name(digest: Digest) -> str:
    return digest.topic_name or digest.topic


def _yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _yaml_scalar(value: str) -> str:
    """A name such as ``mistral-small-latest`` bare, as the seeds write it; anything YAML
    could misread, quoted."""
    return value if _PLAIN_NAME.fullmatch(value) else _yaml_string(value)


def front_matter(digest: Digest, model: str = "") -> dict[str, str]:
    """The post's front matter, each value as written in YAML: the seeds' keys, then ``mode``.
    ``model`` is the model that wrote the digest; an extractive digest says ``extractive``.
    Tags are the topic's keywords the stories mention, then the topic's name."""
    name = _name(digest)
    tags = [*digest.tags, name, "Digest"]
    tagline = text(digest.language, "tagline", n=len(digest.sources), name=name)
    return {
        "layout": "post",
        "title": _yaml_string(title_of(digest)),
        "tagline": _yaml_string(tagline),
        "date": digest.date.isoformat(),
        "model": _yaml_scalar(model if digest.mode == "model" and model else "extractive"),
        "categories": f"[{digest.topic}, daily]",
        "tags": "[" + ", ".join(_yaml_string(t) for t in dict.fromkeys(tags)) + "]",
        "ai_summary": _yaml_string(digest.summary),
        "mode": digest.mode,
    }


def render_markdown(digest: Digest, model_name: str = "") -> str:
    lang = digest.language
    front = front_matter(digest, model_name)
    lines = ["---", *(f"{key}: {value}" for key, value in front.items()), "---"]
    if digest.mode == "extractive" and not digest.quiet:
        lines += ["", _mode_notice(digest)]
    fallback = set(digest.fallback_sections)

    def heading(key: str) -> None:
        lines.extend(["", f"## {text(lang, key)}", ""])
        if key in fallback:
            # The reader must know which text is quoted rather than written by the model.
            notice = "analysis_fallback" if key == "analysis" else "section_fallback"
            lines.extend([text(lang, notice), ""])

    if digest.trend is not None:
        heading("trend")
        lines.append(_point(digest.trend))
    if digest.highlights:
        heading("highlights")
        for item in digest.highlights:
            lines += [
                f"- **{escape_inline(item.headline)}**  ",
                f"  {escape_inline(item.text)} {_cite(item.citations)}".rstrip(),
            ]
    for key, points in (
        ("analysis", digest.analysis),
        ("key_points", digest.key_points),
        ("thoughts", digest.thoughts),
    ):
        if points or key in fallback:
            heading(key)
            lines += [f"- {_point(p)}" for p in points]
    while lines[-1] == "":
        lines.pop()
    if digest.sources:
        lines += ["", f"## {text(lang, 'sources')}", ""]
        lines += [
            f"{s.n}. [{escape_inline(s.title) or safe_url(s.url)}]({safe_url(s.url)})"
            for s in digest.sources
        ]
    footer_key = "footer_model" if digest.mode == "model" else "footer_extractive"
    lines += ["", "---", "", text(lang, footer_key, n=len(digest.sources), model=model_name)]
    markdown = "\n".join(lines) + "\n"
    validate_markdown(markdown, digest)
    return markdown


def _mode_notice(digest: Digest) -> str:
    if digest.mode_reason in ("", "no_key"):
        return text(digest.language, "extractive_notice")
    reason = REASONS.get(digest.language, {}).get(digest.mode_reason, digest.mode_reason)
    return text(digest.language, "extractive_notice_failed", reason=reason)


def validate_markdown(markdown: str, digest: Digest) -> None:
    """Raise :class:`RenderError` unless the post parses cleanly: front matter closed, no
    stray emphasis markers, every ``[n]`` resolving, sources list linking each source."""
    if not markdown.startswith("---\n") or "\n---\n" not in markdown[4:]:
        raise RenderError("front matter is not closed")
    body = markdown[4:].split("\n---\n", 1)[1]
    # Escaped markers are literal text; anything left of * or _ after hiding them is a
    # marker that failed to pair, which would show as a stray ** on the page.
    for marker, placeholder in _ESCAPED_MARKERS.items():
        body = body.replace(marker, placeholder)
    tokens = _PARSER.parse(body)
    numbers = {s.n for s in digest.sources}
    links: list[str] = []
    for token in _walk(tokens):
        if token.type == "text":
            if "*" in token.content or "_" in token.content:
                raise RenderError(f"stray emphasis marker in: {token.content[:80]!r}")
            for n in inline_ref_numbers(token.content):
                if n not in numbers:
                    raise RenderError(f"citation [{n}] has no source")
        elif token.type == "link_open":
            links.append(str(token.attrGet("href")))
    expected = [_PARSER.normalizeLink(safe_url(s.url)) for s in digest.sources]
    if expected and links[-len(expected) :] != expected:
        raise RenderError("sources list does not link every source in order")


def _walk(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_walk(token.children))
    return flat


def to_json(digest: Digest, markdown: str) -> dict[str, Any]:
    """The public ``digest --format json`` shape."""
    return {
        "topic": digest.topic,
        "date": digest.date.isoformat(),
        "language": digest.language,
        "mode": digest.mode,
        "title": title_of(digest),
        "markdown": markdown,
        "highlights": [
            {"headline": h.headline, "text": h.text, "citations": list(h.citations)}
            for h in digest.highlights
        ],
        "sources": [
            {"n": s.n, "title": s.title, "url": s.url, "published": s.published.isoformat()}
            for s in digest.sources
        ],
        "rejected": [
            {"url": r.url, "reason": str(r.reason), "detail": r.detail} for r in digest.rejected
        ],
    }

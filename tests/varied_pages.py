"""Varied, real-looking article pages for extraction stress tests and benchmarks.

Deterministic for a seed. Pages mix what real news sites serve: navigation, cookie
banners, scripts and styles, nested layout tables, comment threads, long bodies, broken
markup (unclosed tags, stray end tags, bad attributes), entities, several scripts and
languages, declared charsets other than UTF-8, and sizes from a few KB to a few hundred.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

PHRASES = {
    "en": "the company said on Tuesday that its new model would reach developers next month",
    "fr": "l'entreprise a annoncé mardi que son nouveau modèle arriverait le mois prochain",
    "de": "das Unternehmen teilte am Dienstag mit, das neue Modell komme nächsten Monat",
    "es": "la compañía dijo el martes que su nuevo modelo llegará el próximo mes",
    "ru": "компания сообщила во вторник, что новая модель появится в следующем месяце",
    "el": "η εταιρεία ανακοίνωσε την Τρίτη ότι το νέο μοντέλο θα κυκλοφορήσει τον άλλο μήνα",
    "ar": "قالت الشركة يوم الثلاثاء إن نموذجها الجديد سيصل إلى المطورين الشهر المقبل",
    "hi": "कंपनी ने मंगलवार को कहा कि उसका नया मॉडल अगले महीने डेवलपर्स तक पहुंचेगा",
    "zh": "該公司週二表示，新模型將於下個月向開發者開放，並提供更長的上下文",
    "ja": "同社は火曜日、新しいモデルを来月開発者向けに公開すると発表した",
    "ko": "회사는 화요일 새 모델을 다음 달 개발자에게 공개한다고 밝혔다",
}
LATIN_CHARSETS = {"en", "fr", "de", "es"}


def _sentence(rng: random.Random, language: str) -> str:
    phrase = PHRASES[language]
    spaced = " " in phrase
    words = phrase.split() if spaced else [phrase[i : i + 2] for i in range(0, len(phrase), 2)]
    rng.shuffle(words)
    return (" " if spaced else "").join(words[: rng.randint(4, len(words))]) + "."


def _paragraphs(rng: random.Random, language: str, count: int) -> list[str]:
    return [
        " ".join(_sentence(rng, language) for _ in range(rng.randint(2, 7))) for _ in range(count)
    ]


def _nested_tables(rng: random.Random, depth: int, inner: str) -> str:
    for _ in range(depth):
        cells = "".join(
            f"<td class='c{rng.randint(0, 9)}'>cell</td>" for _ in range(rng.randint(1, 4))
        )
        inner = f"<table><tr>{cells}<td>{inner}</td></tr></table>"
    return inner


def _broken(rng: random.Random, html: str) -> str:
    """Damage markup the way real pages are damaged."""
    damage = rng.choice(
        [
            lambda h: h.replace("</p>", "", rng.randint(1, 20)),
            lambda h: h.replace("</div>", "</span></div>", 3),
            lambda h: h.replace("<p>", "<p class=\"x' data-y=>", 2),
            lambda h: h + "<div><table><tr><td>" * rng.randint(5, 60),
            lambda h: h.replace("<body>", "<body></html><html><body>", 1),
            lambda h: h.replace("&", "&amp;&#x;&#99999999;&bogus;", 2),
            lambda h: h[: max(200, len(h) - rng.randint(0, len(h) // 3))],
        ]
    )
    return damage(html)


def page(seed: int) -> bytes:
    """One article page; about one in five is badly broken, one in ten is long."""
    rng = random.Random(seed)  # noqa: S311 (synthetic pages, not secrets)
    language = rng.choice(sorted(PHRASES))
    title = _sentence(rng, language)[:-1].capitalize()
    published = datetime(2026, 11, 21, tzinfo=UTC) - timedelta(minutes=rng.randint(0, 9000))
    count = rng.randint(60, 400) if rng.random() < 0.1 else rng.randint(3, 25)
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(rng, language, count))
    if rng.random() < 0.3:
        body = _nested_tables(rng, rng.randint(3, 40), body)
    menu = "".join(f"<li><a href='/s/{n}'>Section {n}</a></li>" for n in range(rng.randint(5, 80)))
    comments = "".join(
        f"<div class='comment'><b>user{n}</b><p>{_sentence(rng, language)}</p></div>"
        for n in range(rng.randint(0, 60))
    )
    charset = "windows-1252" if language in LATIN_CHARSETS and rng.random() < 0.3 else "utf-8"
    html = (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='{charset}'>"
        f"<title>{title} | The Daily Site</title>"
        f"<meta property='article:published_time' content='{published.isoformat()}'>"
        f"<meta name='author' content='Reporter {seed % 97}'>"
        "<style>body{font:14px sans-serif}.ad{display:none}</style>"
        "<script>window.dataLayer=[];function t(){return 1<2&&3>2}</script></head>"
        f"<body><div id='cookie'>We use cookies. <button>Accept</button></div>"
        f"<header><nav><ul>{menu}</ul></nav></header>"
        f"<main><article><h1>{title}</h1><p class='byline'>By Reporter {seed % 97}</p>"
        f"{body}</article><aside class='ad'>Advertisement</aside>"
        f"<section id='comments'>{comments}</section></main>"
        "<footer><p>© 2026 The Daily Site</p><form><input name='q'></form></footer>"
        "<!-- analytics --><iframe src='/ads'></iframe></body></html>"
    )
    if rng.random() < 0.2:
        html = _broken(rng, html)
    return html.encode(charset, errors="replace")


def pages(count: int, seed: int = 0) -> list[bytes]:
    return [page(seed * 1_000_003 + n) for n in range(count)]

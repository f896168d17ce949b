"""Real-looking news pages for the collection benchmarks: 20-80 KB of HTML with what news
sites serve around an article (header and navigation, ad blocks with scripts, a
related-links list, a comment thread, a footer), and prose drawn from a vocabulary of
several thousand words with a skewed (Zipf-like) frequency, so no two paragraphs repeat
and shingles behave as they do on real text. Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fl gr pl pr sh st tr ch th".split(" ")  # noqa: SIM905
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ie"]
CODAS = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "rk", "m"]
FUNCTION_WORDS = (  # noqa: SIM905 (a sentence of words reads better than a list)
    "the of and to in a is that for on with as was by at from it an be are this which "
    "has have had not but or its after said were their more than also been will would"
).split()


def vocabulary(size: int, seed: int) -> list[str]:
    """``size`` distinct made-up words of one to three syllables."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 3, 3, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        words[word] = None
    return list(words)


class Prose:
    """Sentences from a large vocabulary, frequent words far more frequent than rare ones."""

    def __init__(self, seed: int, size: int = 6000) -> None:
        self.words = vocabulary(size, seed)
        weights = [1 / (rank + 8) for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        self._chrome: list[str] = []

    def sentence(self, rng: random.Random, length: int, extra: list[str] | None = None) -> str:
        words = rng.choices(self.words, cum_weights=self.cumulative, k=length)
        for n in range(length):
            draw = rng.random()
            if draw < 0.35:
                words[n] = rng.choice(FUNCTION_WORDS)
            elif extra and draw < 0.41:
                words[n] = rng.choice(extra)
        return " ".join(words).capitalize() + "."

    def chrome(self, rng: random.Random) -> list[str]:
        """Blocks around articles (related links, comment threads, ads), made once: a site's
        chrome repeats from page to page, as on real sites."""
        if not self._chrome:
            self._chrome = [
                "<aside class='related'><h2>Related</h2><ul>"
                f"{_links(rng, self, rng.randint(8, 20), 'news')}</ul></aside>"
                + _comments(rng, self)
                + _ad(rng, rng.randint(1, 9))
                for _ in range(400)
            ]
        return self._chrome

    def paragraph(self, rng: random.Random, extra: list[str] | None = None) -> str:
        return " ".join(
            self.sentence(rng, rng.randint(12, 30), extra) for _ in range(rng.randint(3, 7))
        )


def _links(rng: random.Random, prose: Prose, count: int, path: str) -> str:
    return "".join(
        f"<li><a href='/{path}/{rng.randint(1, 10**6)}'>{prose.sentence(rng, rng.randint(3, 9))}"
        "</a></li>"
        for _ in range(count)
    )


def _ad(rng: random.Random, number: int) -> str:
    slot = rng.randint(10**5, 10**6)
    return (
        f"<div class='ad ad-slot-{number}' data-slot='{slot}'><script>window.adq=window.adq||[];"
        f"adq.push({{slot:{slot},sizes:[[300,250],[728,90]],targeting:{{pos:'{number}'}}}});"
        "</script><iframe src='about:blank' width='300' height='250' title='advertisement'>"
        "</iframe><span class='ad-label'>Advertisement</span></div>"
    )


def _comments(rng: random.Random, prose: Prose) -> str:
    items = []
    for n in range(rng.randint(5, 40)):
        reply = " class='reply'" if n and rng.random() < 0.3 else ""
        items.append(
            f"<li{reply}><div class='comment-author'>user{rng.randint(1, 99_999)}</div>"
            f"<time>{rng.randint(1, 59)} minutes ago</time>"
            f"<p>{prose.sentence(rng, rng.randint(5, 40))}</p>"
            f"<button class='like'>{rng.randint(0, 300)} likes</button></li>"
        )
    return f"<section class='comments'><h2>Comments</h2><ol>{''.join(items)}</ol></section>"


def page(
    rng: random.Random,
    prose: Prose,
    title: str,
    paragraphs: list[str],
    published: datetime,
    target_kb: int,
) -> bytes:
    """A full article page of about ``target_kb`` KB (at least the article itself)."""
    site = f"The {prose.sentence(rng, 2)[:-1].title()} Post"
    body = "".join(
        f"<p>{p}</p>" + (_ad(rng, n) if n % 3 == 2 else "") for n, p in enumerate(paragraphs)
    )
    head = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | {site}"
        f"</title><meta property='og:title' content='{title}'>"
        f"<meta property='article:published_time' content='{published.isoformat()}'>"
        "<link rel='stylesheet' href='/static/site.css'><style>.ad{min-height:250px}"
        ".nav li{display:inline-block;margin:0 4px}</style>"
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        "</script></head><body>"
        f"<header><div class='brand'>{site}</div><nav class='nav'><ul>"
        f"{_links(rng, prose, rng.randint(20, 60), 'section')}</ul></nav>"
        "<div class='cookie-banner'>We use cookies to improve your experience. "
        "<button>Accept all</button><button>Settings</button></div></header>"
        f"{_ad(rng, 0)}<main><article><h1>{title}</h1>"
        f"<div class='byline'>By {prose.sentence(rng, 2)[:-1].title()}</div>"
        f"<time datetime='{published.isoformat()}'>{published:%d %B %Y}</time>{body}</article>"
    )
    tail = "</main><footer><ul>" + _links(rng, prose, 30, "about") + "</ul>&copy; 2026</footer>"
    tail += "</body></html>"
    middle: list[str] = []
    size = len(head) + len(tail)
    while size < target_kb * 1024:
        block = rng.choice(prose.chrome(rng))
        middle.append(block)
        size += len(block)
    return (head + "".join(middle) + tail).encode()

"""Jekyll export: each stored digest as a post in ``_posts/`` with the seeds' front matter
(layout, title, tagline, date, model, categories, tags, image, ai_summary, in that order),
and its infographic PNG in ``assets/img/posts/``. Everything comes from the typed posts the
caller loaded (``bot/posts.py``) and is drawn locally; nothing touches the network."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.infographic import InfographicData, draw_infographic
from adapters.markdown import write_markdown
from bot.models import Digest, host
from bot.posts import Post
from bot.render import front_matter
from bot.select import rank_stories

FRONT_MATTER_KEYS = (
    "layout",
    "title",
    "tagline",
    "date",
    "model",
    "categories",
    "tags",
    "image",
    "ai_summary",
)
IMAGE_DIR = "assets/img/posts"
POSTS_DIR = "_posts"


@dataclass(frozen=True)
class ExportedPost:
    post: Path
    image: Path


def post_body(markdown: str) -> str:
    """The rendered post without its front matter, which the export writes anew."""
    if not markdown.startswith("---\n"):
        return markdown
    return markdown[4:].split("\n---\n", 1)[1]


def post_front_matter(digest: Digest, model: str, image_url: str) -> str:
    """The seed format, field for field; our extra ``mode`` stays in the body's notice."""
    values: Mapping[str, str] = {**front_matter(digest, model), "image": image_url}
    lines = [f"{key}: {values.get(key, '')}".rstrip() for key in FRONT_MATTER_KEYS]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _names(digest: Digest, default_language: str) -> tuple[str, str]:
    """Post and image file names: the seed's ``DATE-TOPIC`` for the topic's own language,
    a language suffix for the others, so two languages never overwrite each other."""
    stem = f"{digest.date.isoformat()}-{digest.topic}"
    if digest.language != default_language:
        stem += f"-{digest.language.lower()}"
    return f"{stem}.md", f"{stem}-infographic.png"


def infographic_data(post: Post) -> InfographicData:
    """The numbers the post rests on: the stories it tells (the sources its tagline counts)
    out of the candidate articles in its window, and how those articles were spread."""
    digest = post.stored.digest
    articles = list(post.articles)
    per_source = Counter(host(a.url) for a in articles)
    stories = rank_stories(articles, post.copies, len(articles))
    top = sorted(stories, key=lambda s: -s.outlets)[:5]
    return InfographicData(
        title=f"{digest.topic_name or digest.topic} · {post.day.isoformat()}",
        language=digest.language,
        timezone=post.topic.timezone,
        stories_told=len(digest.sources),
        candidates=len(articles),
        per_day=post.published_per_day,
        per_source=tuple(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        top_clusters=tuple((s.lead.title, s.outlets) for s in top),
    )


def export_jekyll(posts: Iterable[Post], out_dir: Path) -> list[ExportedPost]:
    """Write each post with its image. Exporting again overwrites the same files."""
    exported: list[ExportedPost] = []
    for post in posts:
        digest = post.stored.digest
        post_name, image_name = _names(digest, post.topic.language)
        image = draw_infographic(infographic_data(post), out_dir / IMAGE_DIR / image_name)
        text = post_front_matter(digest, post.stored.model, f"/{IMAGE_DIR}/{image_name}")
        written = write_markdown(
            text + post_body(post.stored.markdown), out_dir / POSTS_DIR / post_name
        )
        exported.append(ExportedPost(written, image.resolve()))
    return exported

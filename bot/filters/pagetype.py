"""Pages that are not articles: profiles, job listings, forum threads, index pages.

They can name the topic in every line and still be no source a reader should be sent to
(a person's profile, a job ad, a discussion thread, a podcast's list of episodes). Each
kind is recognised by the furniture such pages share across sites, never by one site's
wording; a page needs several independent signs of a kind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.filters.text import looks_like_heading, word_count

MIN_SIGNS = 3
INDEX_MIN_ENTRIES = 4

# A reply line of a thread: "Answer by someone", with the vote count some sites add.
_REPLY_BY = (
    r"^\s*(reply|replied|answer|antwort|réponse|回覆)\s+(by|from|von|de|par)\s+\S+"
    r"(\s+\([^)\n]*\))?\s*(:|$)"
)

_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "a personal profile page": (
        (
            "followers",
            r"\b[\d.,]+\s?[kKmM]?\+?\s+(followers|Follower|abonnés)\b|[\d.,]+\s*位?追蹤者",
        ),
        ("connections", r"\b\d[\d,]*\+?\s+connections\b"),
        ("'join to connect'", r"\bjoin to connect\b|\bfollow to see\b|\bvernetzen\b"),
        ("'opinions are my own'", r"\bopinions (are )?my own\b|\bviews are my own\b"),
        ("experience section", r"(?m)^\s*(experience|berufserfahrung|expérience|經歷)\s*[:：\n]"),
        ("education section", r"(?m)^\s*(education|ausbildung|formation|學歷)\s*[:：\n]"),
        # A reference page on a person (a player's, an executive's): its title says so,
        # and its body is a sheet of labelled facts, with the career as a list of stints.
        ("a profile title", r"\A[^\n]*\b(profile|profil|biography|biographie|bio)\b"),
        (
            "a fact sheet",
            r"(?:\b[A-Z][a-z]+(?: [a-z]+){0,2}:\s[^.\n]{1,40}[.\n]\s*){5}",
        ),
        (
            "career section",
            r"(?m)^\s*(career|honours|honors|awards|clubs|karriere|carrière|titres)\s*[:：]",
        ),
        ("skills list", r"(?m)\bskills\s*:"),
        # A writer's page on a news site: the beat, the career, the list of their pieces.
        (
            "a beat line",
            r"(?m)^\s*[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,2}\s+(covers|writes about|reports on)\b",
        ),
        (
            "a career line",
            r"\b(he|she|they)\s+(previously|formerly)\s+(reported|worked|wrote|covered)\b"
            r"|\b(holds|has)\s+an?\s+(\w+\s+)?degree\b",
        ),
        (
            "a list of their articles",
            r"\b(recent|latest|more)\s+(articles|stories|posts|pieces)\s+(by|from)\b"
            r"|^\s*articles\s+by\b",
        ),
        ("a contact line", r"\bcontact\s+[A-Z]\w+\s+(securely|at|via|on)\b"),
    ),
    "a job listing": (
        (
            "'apply now'",
            r"\bapply (now|online|here|today)\b|\bhow to apply\b|\beasy apply\b"
            r"|\bjetzt bewerben\b|\bpostuler\b|立即應徵",
        ),
        ("applicant count", r"\b\d+\s+applicants\b"),
        ("'save job'", r"\bsave (this )?job\b"),
        (
            "responsibilities",
            r"(?m)^\s*(responsibilities|what you.ll do|(deine |ihre )?aufgaben|(vos )?missions|"
            r"工作內容)\s*[:：]",
        ),
        (
            "requirements",
            r"(?m)(^|(?<=[.!?] ))\s*(requirements|qualifications|what we(.re| are) looking for|"
            r"essential|desirable|(dein |ihr )?profil|profil recherché|(votre )?profil|條件要求"
            r"|應徵條件)\s*([:：]|$)",
        ),
        ("benefits", r"(?m)^\s*(benefits|perks|wir bieten|avantages|福利)\s*[:：]"),
        ("pay section", r"(?m)^\s*(pay|salary|gehalt|vergütung|salaire|rémunération|薪資)\s*[:：]"),
        ("posting age", r"\bposted\s+\d+\s+(hours?|days?|weeks?)\s+ago\b"),
        (
            "'is hiring'",
            r"\bis hiring\b|\bwe.re hiring\b|\b(is|are) recruiting\b"
            r"|\b(sucht|suchen)\b.{0,80}\(m/w/d\)|\brecrute\b",
        ),
        (
            "equal-opportunity line",
            r"\bequal opportunit(y|ies) employer\b|\bchancengleichheit\b|\bégalité des chances\b",
        ),
        (
            "role sections",
            # A section heading on a line of its own, or opening its paragraph.
            r"(?m)^\s*(about the role|you have|you bring|we offer|your profile|what we offer|"
            r"das bringst du mit|das bieten wir|vos missions|votre profil)\s*([:：]|$)",
        ),
        (
            "contract type",
            r"\bfull[- ]time\b|\bpart[- ]time\b|\bfixed[- ]term\b|\bpermanent contract\b"
            r"|\bvollzeit\b|\bbefristet\b|\bCDI\b|\bCDD\b|全職",
        ),
        (
            "'seeking a ... to join'",
            r"\b(is|are)\s+(seeking|looking\s+for)\s+an?\s+[^.]{0,80}?\bto\s+join\b",
        ),
        # Academic and public-sector posts are advertised in their own formulas.
        (
            "'invites applications'",
            r"\binvites?\s+applications\b|\bapplications\s+(are\s+)?(invited|welcome)\b",
        ),
        ("'the successful candidate'", r"\bthe\s+successful\s+(candidate|applicant)\b"),
        (
            "application deadline",
            r"\bapplications?\b[^.]{0,120}\b(should|must)\s+be\s+submitted\b|\bclosing\s+date\b",
        ),
        ("start date", r"\bstart(ing)?\s+date\s*:"),
        ("location line", r"(?m)^\s*(location|standort|lieu|工作地點)\s*[:：]"),
    ),
    "a newsletter issue": (
        (
            "a greeting",
            r"\A[\s\S]{0,300}?\n\s*(good\s+(morning|evening|afternoon)|hello|hi\s+(all|everyone)"
            r"|welcome\s+to)\b",
        ),
        (
            "'what you need to know'",
            r"\bwhat\s+you\s+need\s+to\s+know\s+(today|this\s+(week|morning))\b"
            r"|\bthis\s+week['’]s\s+(roundup|issue|edition)\b|\btoday['’]s\s+(issue|edition)\b",
        ),
        (
            "a sign-off",
            r"\bsee\s+you\s+(tomorrow|next\s+week|on\s+\w+day)\b|\buntil\s+next\s+(week|time)\b"
            r"|\bthat['’]s\s+(all|it)\s+for\s+(today|this\s+week)\b",
        ),
        ("numbered items", r"(?m)(^\s*\d{1,2}[.)]\s+\S[^\n]*\n(\s*\n)*){4}"),
        (
            "recurring sections",
            r"\b(quote|chart|number|reader\s+question)\s+of\s+the\s+(day|week)\b"
            r"|(\A|\n)\s*worth\s+(reading|a\s+read)\s*:",
        ),
    ),
    # Lyrics and chord sites: a song's credits and the site's buttons around the words.
    "a lyrics page": (
        ("a lyrics title", r"\A[^\n]*\b(lyrics|paroles|songtext|歌詞|歌词)\b"),
        (
            "song credits",
            r"\b(writers?|written\s+by|songwriters?|composers?|auteurs?|compositeurs?)\s*:"
            r"|\blyrics\s+by\b",
        ),
        (
            "lyrics-site buttons",
            r"\bsubmit\s+corrections?\b|\brate\s+(these|this\s+song['’]?s?)\s+lyrics\b"
            r"|\badd\s+to\s+playlist\b|\blyrics\s+(not\s+(displayed|available)|licensed)\b",
        ),
        ("more songs", r"\b(more|top|other)\s+[^.\n]{0,40}\b(lyrics|songs)\b\s*(this\s+week)?\s*:"),
    ),
    "a forum or discussion thread": (
        (
            "'posted by' a user",
            r"(?m)\bposted by\s+u/\w+|\bsubmitted by\s+\w+"
            r"|^\s*(original post|posted|asked|started) (by|from)\s+\S+\s*(:|$)",
        ),
        ("votes", r"\b[\d.,]+\s?[kK]?\s+(points|upvotes|votes)\b"),
        (
            "comment count",
            r"\b[\d.,]+\s?[kK]?\s+(comments|Kommentare|commentaires)\b|[\d]+\s*則留言",
        ),
        ("replies", r"(?m)^\s*(reply|comment|top comment|level \d+)\s*:"),
        (
            "replies by users",
            rf"(?m){_REPLY_BY}[\s\S]*{_REPLY_BY}",
        ),
        (
            "a thread of named replies",
            rf"(?m)({_REPLY_BY}[\s\S]*){{3}}",
        ),
        ("subreddit", r"(?<!\w)r/\w+"),
        (
            "thread furniture",
            r"\b(log|sign)\s*in\s+to\s+(reply|comment|post)\b|\breply\s+to\s+this\s+(thread|topic)\b"
            r"|\bmark(ed|ing)?\s+as\s+(solved|answered)\b|\[(thread|discussion|poll)\]",
        ),
        ("pages of posts", r"\bpage\s+\d+\s+of\s+\d+\b"),
    ),
}


@dataclass(frozen=True)
class PageKind:
    kind: str | None
    detail: str


# Titles that name a page of many stories, in the languages digests are read in.
_LISTING_TITLE = re.compile(
    r"\b(latest|all|recent)\s+(news|posts|stories|articles|updates|episodes)\b"
    r"|\b(archives?|category|tag|tagged|topics?)\s*[:|–—-]|^\s*(news|blog|newsroom|press)\s*$"
    r"|\bpage\s+\d+\s+of\s+\d+\b|\baktuelle\s+(nachrichten|meldungen|news)\b"
    r"|\balle\s+(artikel|beiträge|meldungen)\b|\barchiv\b|\bschlagwort\b"
    r"|\b(toutes\s+les\s+)?actualités\b\s*$|\bdernières\s+(nouvelles|actualités)\b"
    r"|\btous\s+les\s+articles\b|最新(消息|新聞|文章)|新聞列表|標籤|文章列表|所有文章",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^\s*(\d{1,2}[./ ]\s?\w{3,9}\.?[ ,]+\d{4}|\w{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{4}年\d{1,2}月\d{1,2}日)\s*$"
)
# A headline in a list, followed by how long ago it was posted ("... – 4h", "... – 3 days
# ago", "... – yesterday"): how index and tag pages show their entries.
_AGED_HEADLINE = re.compile(
    r"\s[–—|·-]\s*(\d+\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)(\s+ago)?"
    r"|yesterday|today|last\s+(week|month)|just\s+now|vor\s+\d+\s+\w+|gestern|heute"
    r"|il\s+y\s+a\s+\d+\s+\w+|hier|\d+\s*(小時|分鐘|天)前|昨天)\s*$",
    re.IGNORECASE,
)
_AGED_INLINE = re.compile(
    r"\s[–—|·-]\s*(\d+\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)(\s+ago)?"
    r"|yesterday|last\s+(week|month)|just\s+now|vor\s+\d+\s+\w+|gestern"
    r"|il\s+y\s+a\s+\d+\s+\w+|\d+\s*(小時|分鐘|天)前|昨天)(?=\s+\S|\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
AGED_HEADLINES = 3
ENTRY_WORDS = 25
INDEX_MIN_HEADINGS = 6
LISTING_SHARE = 0.4
ENTRY_PROSE_WORDS = 30
"""Teasers under a listing's headlines are short; an article's paragraphs are not."""


def _index_entries(text: str) -> tuple[str, int]:
    """The most repeated paragraph opening ("episode #:", a date; list bullets ignored) and
    how often it recurs."""
    openings = Counter(
        re.sub(r"\d+", "#", " ".join(paragraph.lstrip("-*•· ").split()[:2]).lower())
        for paragraph in text.splitlines()
        if paragraph.strip()
    )
    return openings.most_common(1)[0] if openings else ("", 0)


def _listing(title: str, text: str) -> str:
    """Why a page reads as a list of other pages (many headlines, dates and teasers, little
    prose of its own), or "" when it reads as an article."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    headings = [line for line in lines if looks_like_heading(line) and len(line.split()) >= 3]
    dates = [line for line in lines if _DATE_LINE.match(line)]
    prose = [line for line in lines if not looks_like_heading(line) and not _DATE_LINE.match(line)]
    prose_words = [word_count(line) for line in prose]
    longest = max(prose_words, default=0)
    mean_prose = sum(prose_words) / len(prose_words) if prose_words else 0.0
    entries = len(headings) + len(dates)
    share = entries / len(lines)
    listing_title = bool(_LISTING_TITLE.search(title))
    if (
        len(headings) >= INDEX_MIN_HEADINGS
        and share >= LISTING_SHARE
        and mean_prose < ENTRY_PROSE_WORDS
        and longest < 2 * ENTRY_PROSE_WORDS
    ):
        return f"{len(headings)} headlines and {len(dates)} dates with short teasers"
    if (
        listing_title
        and len(headings) >= INDEX_MIN_HEADINGS // 2
        and mean_prose < 2 * ENTRY_PROSE_WORDS
    ):
        return f"a listing title ('{title.strip()[:60]}') over {len(headings)} headlines"
    if len(dates) >= INDEX_MIN_ENTRIES and len(dates) * 4 >= len(lines):
        return f"{len(dates)} dated entries"
    aged = [line for line in lines if _AGED_HEADLINE.search(line) and word_count(line) <= 25]
    if len(aged) >= AGED_HEADLINES and len(aged) * 3 >= len(lines):
        return f"{len(aged)} headlines each marked with its age"
    # The same list run together on one line, as an extractor joins a list's items.
    inline = len(_AGED_INLINE.findall(text))
    if inline >= AGED_HEADLINES and word_count(text) <= ENTRY_WORDS * inline:
        return f"{inline} headlines each marked with its age"
    labelled = _labelled_items(lines)
    if labelled >= ROUNDUP_ITEMS:
        return f"a roundup of {labelled} one-line items"
    return ""


THREAD_USERS = 2
THREAD_POSTS = 4
# A forum handle: run together, with digits, underscores or capitals inside a word
# ("Curva_Nord_88", "JaneDoeFan"); a transcript's speakers are written as names.
_HANDLE = re.compile(r"^(?=\S*(?:[\d_]|[a-z][A-Z]\S*[a-z][A-Z]))[A-Za-z][\w.]{2,30}$")


# A post's header: the handle, then the post's furniture, on a line of its own or run
# into the post ("dan_h_2019 - Posted 8 hours ago", "MarkT_Leaper · Reply Fitted a...").
_POST_HEADER = re.compile(
    r"^\s*(\S+)\s+[-–—|·•]\s+(?:[\w'’]+(?:\s+[\w'’]+){0,5}\s*$"
    r"|(?i:posted|replied|reply|wrote|answered|quote)\b)"
)


def _thread_of_handles(lines: list[str]) -> str:
    """Posts under forum handles: several users, several posts."""
    posters = []
    for line in lines:
        match = re.match(r"^\s*(\S+)\s*[:：]\s+\S", line) or _POST_HEADER.match(line)
        if match:
            posters.append(match[1])
    handles = {p for p in posters if _HANDLE.match(p)}
    if len(handles) >= THREAD_USERS and len(posters) >= THREAD_POSTS:
        return f"{len(posters)} posts by {len(set(posters))} users"
    return ""


ROUNDUP_ITEMS = 5
_LABEL = re.compile(r"^\s*([^\W\d][\w'’ -]{0,30}?)\s*[:：]\s+\S")


def _labelled_items(lines: list[str]) -> int:
    """One-line items each under its own label ("Mars: ...", "Industry: ..."), as a
    newsletter or a roundup lists other stories. An interview's labels (Q:, A:, names)
    repeat, so they are counted once."""
    labels = set()
    for line in lines:
        match = _LABEL.match(line)
        if match and len(match[1].split()) <= 3 and word_count(line) <= 25:
            labels.add(match[1].lower())
    return len(labels)


def classify(title: str, text: str) -> PageKind:
    """Which non-article kind a page is, if it is one; with the signs that said so."""
    body = f"{title}\n{text}"
    for kind, signs in _KINDS.items():
        found = [name for name, pattern in signs if re.search(pattern, body, re.IGNORECASE)]
        if len(found) >= MIN_SIGNS:
            return PageKind(kind, f"{kind}, not an article ({', '.join(found)})")
    paragraphs = [p for p in text.splitlines() if p.strip()]
    opening, repeats = _index_entries(text)
    if repeats >= INDEX_MIN_ENTRIES and repeats * 2 >= len(paragraphs) and "#" in opening:
        return PageKind(
            "an index page",
            f"an index page, not an article ({repeats} entries starting '{opening}')",
        )
    thread = _thread_of_handles([line for line in text.splitlines() if line.strip()])
    if thread:
        kind = "a forum or discussion thread"
        return PageKind(kind, f"{kind}, not an article ({thread})")
    listing = _listing(title, text)
    if listing:
        return PageKind("an index page", f"an index or listing page, not an article ({listing})")
    return PageKind(None, "")

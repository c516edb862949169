"""What a news page says about itself, cleaned so it can be published: the headline the
page shows, its authors' names (people only), the outlet, its own publication date and
canonical address, each with where it was found.

Pure: reads an lxml tree (from trafilatura's loader), imports no web or database code.
Pages state these in several places that disagree: JSON-LD (schema.org NewsArticle), meta
tags (Open Graph, Dublin Core, Parse.ly, Sailthru), the byline and the <h1> the reader
sees, <time> elements, the <title>. Each field takes the first place that gives a value
that survives cleaning; trafilatura's own reading is the last resort.
"""

import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Where a value was found, in the words the import preview shows.
FROM_JSON_LD = "the page's structured data (JSON-LD)"
FROM_META = "a meta tag"
FROM_HEADLINE = "the headline on the page"
FROM_BYLINE = "the byline on the page"
FROM_TITLE = "the page's <title>"
FROM_TIME = "a <time> element"
FROM_LINK = "the page's canonical link"
FROM_ADDRESS = "the address it was fetched from"
FROM_EXTRACTOR = "the text extractor's guess"

_ARTICLE_TYPES = re.compile(r"(?i)(?:News)?Article$|BlogPosting$|Report$|LiveBlogPosting$")
_SPACES = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·|•|«|»)\s+")

# Agencies and desks: credited on a story, never its authors.
_CREDITS = re.compile(
    r"(?i)^(?:the\s+)?(?:associated\s+press|ap|reuters|afp|agence\s+france[- ]presse|upi|"
    r"bloomberg(?:\s+news)?|dpa|efe|ansa|xinhua|pa(?:\s+media)?|press\s+association|cnn|"
    r"bbc(?:\s+news)?|staff|staff\s+reports?|staff\s+writers?|wire\s+(?:reports?|services?)|"
    r"news\s+(?:desk|service|staff|wires?)|web\s+desk|editorial\s+board|the\s+editors?|"
    r"editors?|[\w.'’&\s-]{1,40}\s+(?:staff|desk|newsroom|team|wire|services?|reports?))$"
)
# Words that end a person's name in a byline: their role, their outlet, a date.
_ROLE_WORDS = frozenset(
    """
    writer writers reporter reporters correspondent correspondents editor editors
    editor-at-large columnist contributor contributors staff press news associated
    journalist photographer producer analyst author chief senior deputy managing
    national international political business sports science health technology tech
    auto autos writer, desk bureau special for of at in from the and with is was has
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december updated published posted
    ap reuters afp bloomberg cnn bbc opinion contributing executive
    """.split()
)
_NAME_PARTICLES = frozenset(
    "de del della der den di da dos das du la le van von bin ibn al el ter y".split()
)
_NOT_PUBLISHERS = re.compile(
    r"(?i)^(?:hosted|home|homepage|news|latest|breaking|index|wordpress|blogger|medium|"
    r"substack|article|articles|story|stories|www|web|site|online|page)$|[/:]"
    r"|^[\w-]+(?:\.[\w-]+)+$"  # a domain: "www.dailycourier.example"
)
_WIRES = re.compile(r"(?i)^(?:the\s+)?(?:associated\s+press|ap|reuters|afp|upi)$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class FoundMetadata:
    """The cleaned fields and, for each, where it came from (None: not found)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()  # agencies and desks named in the byline
    site_name: str | None = None
    published_on: str | None = None
    canonical_url: str | None = None
    sources: dict[str, str] = field(default_factory=dict)


def read_page_metadata(tree: Any, url: str | None, fallback: Any = None) -> FoundMetadata:
    """The page's metadata from its lxml tree; `fallback` is trafilatura's Document (its
    title, author, sitename, date and url), used where the page says nothing usable."""
    found = FoundMetadata()
    if tree is None:
        return found
    articles = list(_json_ld_articles(tree))
    meta = _meta_tags(tree)
    _choose_publisher(found, articles, meta, tree, url, fallback)
    _choose_title(found, articles, meta, tree, fallback)
    _choose_authors(found, articles, meta, tree, fallback)
    _choose_date(found, articles, meta, tree, fallback)
    _choose_canonical(found, articles, meta, tree, url, fallback)
    return found


# --- Where values are ----------------------------------------------------------------


def _json_ld_articles(tree: Any) -> Iterator[dict[str, Any]]:
    """Every schema.org article object in the page's JSON-LD blocks."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        yield from (item for item in _walk(data) if _is_article(item))


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk(data[key])


def _is_article(item: dict[str, Any]) -> bool:
    types = item.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and _ARTICLE_TYPES.search(name) for name in names)


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    """Meta tag contents by lower-case name or property (a name may repeat: authors)."""
    tags: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = _text(meta.get("content"))
        if key and content:
            tags.setdefault(key, []).append(content)
    return tags


def _first_meta(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, []):
            return value
    return None


def _text(value: Any) -> str:
    return _SPACES.sub(" ", str(value or "")).strip()


def _element_text(element: Any) -> str:
    return _text(" ".join(element.itertext()))


# --- Title ----------------------------------------------------------------------------


def _choose_title(
    found: FoundMetadata,
    articles: list[dict[str, Any]],
    meta: dict[str, list[str]],
    tree: Any,
    fallback: Any,
) -> None:
    stated = [
        value
        for value in (
            *(_text(a.get("headline") or a.get("name")) for a in articles),
            _first_meta(meta, "og:title", "twitter:title"),
            _strip_site(_text(" ".join(tree.xpath("//title//text()"))), found.site_name),
        )
        if value
    ]
    # The headline the reader sees: the page's <h1>, when it is the article's.
    for heading in tree.xpath("//article//h1 | //main//h1 | //h1"):
        text = _element_text(heading)
        words = len(text.split())
        if 3 <= words <= 40 and text != found.site_name and _agrees(text, stated):
            found.title = text
            found.sources["title"] = FROM_HEADLINE
            return
    for value, source in (
        (
            next((_text(a.get("headline")) for a in articles if a.get("headline")), None),
            FROM_JSON_LD,
        ),
        (_strip_site(_first_meta(meta, "og:title", "twitter:title"), found.site_name), FROM_META),
        (stated[-1] if stated else None, FROM_TITLE),
        (_text(getattr(fallback, "title", None)), FROM_EXTRACTOR),
    ):
        if value:
            found.title = _strip_site(value, found.site_name)
            found.sources["title"] = source
            return


def _agrees(heading: str, stated: list[str]) -> bool:
    """True when a heading shares most of its words with a title the page states (or the
    page states none): an <h1> of a section or of the site's name is not the headline."""
    if not stated:
        return True
    words = set(re.findall(r"\w+", heading.casefold()))
    return any(
        len(words & set(re.findall(r"\w+", title.casefold()))) >= 0.6 * len(words)
        for title in stated
    )


def _strip_site(title: str | None, site: str | None) -> str | None:
    """ "Court rules on dam | The Daily" -> "Court rules on dam"."""
    if not title:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site and parts[-1].casefold() == site.casefold():
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    # A short last part is the outlet's name ("... - BBC News").
    if len(parts[-1].split()) <= 4 and len(parts[0].split()) >= 3:
        return parts[0] if len(parts) == 2 else " - ".join(parts[:-1])
    return title


# --- Authors --------------------------------------------------------------------------


def _choose_authors(
    found: FoundMetadata,
    articles: list[dict[str, Any]],
    meta: dict[str, list[str]],
    tree: Any,
    fallback: Any,
) -> None:
    candidates: list[tuple[list[str], str]] = []
    for article in articles:
        candidates.append((list(_json_ld_people(article.get("author"))), FROM_JSON_LD))
    candidates.append(
        (
            meta.get("author", [])
            + meta.get("article:author", [])
            + meta.get("parsely-author", [])
            + meta.get("sailthru.author", [])
            + meta.get("byl", [])
            + meta.get("dc.creator", []),
            FROM_META,
        )
    )
    candidates.append((list(_bylines(tree)), FROM_BYLINE))
    author = getattr(fallback, "author", None)
    candidates.append(([author] if author else [], FROM_EXTRACTOR))
    credits: list[str] = []
    for raw, source in candidates:
        people, credited = clean_authors(raw, found.site_name)
        credits.extend(credited)
        if people:
            found.authors = tuple(people)
            found.sources["authors"] = source
            break
    found.credits = tuple(dict.fromkeys(credits))


def _json_ld_people(author: Any) -> Iterator[str]:
    """Names of the people (not organisations) among JSON-LD authors; an organisation is
    given as a credit by its name."""
    if isinstance(author, list):
        for item in author:
            yield from _json_ld_people(item)
    elif isinstance(author, dict):
        name = _text(author.get("name"))
        if name:
            yield name
    elif isinstance(author, str):
        yield author


def _bylines(tree: Any) -> Iterator[str]:
    """The text of the page's byline elements (rel=author, itemprop=author, a byline or
    author class)."""
    xpath = (
        '//*[@rel="author"] | //*[@itemprop="author"] | '
        '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")] | '
        '//*[contains(@class, "byline__name") or contains(@class, "author-name")]'
    )
    seen = set()
    for element in tree.xpath(xpath):
        text = _element_text(element)
        if text and text not in seen and len(text) < 200:
            seen.add(text)
            yield text


def clean_authors(raw: Iterable[str], publisher: str | None = None) -> tuple[list[str], list[str]]:
    """(people's names, credits) from raw author values: "By ERIC TUCKER, Associated
    Press" -> (["Eric Tucker"], ["Associated Press"]); roles, bios, dates and URLs go."""
    people: list[str] = []
    credits: list[str] = []
    for value in raw:
        if not value or re.match(r"(?i)https?://", value):
            continue
        value = re.sub(r"(?i)^\s*(?:written\s+)?by\s+|^\s*por\s+|^\s*par\s+", "", value)
        # "Phil Helsel is a reporter for NBC News": a bio, not a name.
        value = re.sub(r"(?i)\s+(?:is|was|covers|writes)\b.*$", "", value)
        for part in re.split(r"\s*(?:;|\||,|&|\band\b|\bwith\b|\n)\s*", value):
            part = part.strip(" .:-–—")
            if not part:
                continue
            if _CREDITS.match(part) or (publisher and part.casefold() == publisher.casefold()):
                credits.append(part)
                continue
            name = _name_in(part)
            if name:
                people.append(name)
    unique = list(dict.fromkeys(people))
    return unique, list(dict.fromkeys(credits))


def _name_in(part: str) -> str | None:
    """The person's name a byline part starts with, in proper case, or None."""
    tokens = part.split()
    name: list[str] = []
    for token in tokens:
        bare = token.strip(".,")
        if bare.casefold() in _ROLE_WORDS and name:
            break
        if bare.casefold() in _NAME_PARTICLES and name:
            name.append(bare.lower())
            continue
        if not re.fullmatch(r"[^\W\d_][\w.'’-]*", bare) or not bare[0].isupper():
            if bare[:1].isdigit():
                break
            if name:
                break
            return None
        name.append(bare)
        if len(name) == 5:
            break
    while name and name[-1] in _NAME_PARTICLES:
        name.pop()
    if not 2 <= len(name) <= 5:
        return None
    if any(word.casefold() in _ROLE_WORDS for word in name):
        return None
    return " ".join(_proper_case(word) for word in name)


def _proper_case(word: str) -> str:
    """ "TUCKER" -> "Tucker", "O'NEIL" -> "O'Neil", "McDONALD" kept; mixed case kept."""
    if not word.isupper() or len(word) <= 2 and word.endswith("."):
        return word
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word.lower())


# --- Publisher ------------------------------------------------------------------------


def _choose_publisher(
    found: FoundMetadata,
    articles: list[dict[str, Any]],
    meta: dict[str, list[str]],
    tree: Any,
    url: str | None,
    fallback: Any,
) -> None:
    host = urllib.parse.urlsplit(url or "").hostname or ""
    for value, source in (
        *(
            (_text((a.get("publisher") or {}).get("name")), FROM_JSON_LD)
            for a in articles
            if isinstance(a.get("publisher"), dict)
        ),
        (_first_meta(meta, "og:site_name", "application-name", "publisher"), FROM_META),
        (_title_suffix(tree), FROM_TITLE),
        (_text(getattr(fallback, "sitename", None)), FROM_EXTRACTOR),
    ):
        if not value or _NOT_PUBLISHERS.search(value):
            continue
        if _WIRES.match(value) and not _wire_host(host):
            continue  # a member paper's page credits the wire; the wire is not its outlet
        found.site_name = value
        found.sources["site_name"] = source
        return


def is_publisher_name(value: str) -> bool:
    """False for what is no outlet's name: a domain or URL, "Hosted", "Home"."""
    return not _NOT_PUBLISHERS.search(value)


def _wire_host(host: str) -> bool:
    return any(name in host for name in ("apnews", "reuters", "afp", "upi"))


def _title_suffix(tree: Any) -> str | None:
    title = _text(" ".join(tree.xpath("//title//text()")))
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) >= 2 and len(parts[-1].split()) <= 4:
        return parts[-1]
    return None


# --- Date -----------------------------------------------------------------------------


def _choose_date(
    found: FoundMetadata,
    articles: list[dict[str, Any]],
    meta: dict[str, list[str]],
    tree: Any,
    fallback: Any,
) -> None:
    times = tree.xpath(
        "//time[@itemprop='datePublished']/@datetime | //time[@pubdate]/@datetime"
        " | //article//time/@datetime"
    )
    for value, source in (
        *((a.get("datePublished"), FROM_JSON_LD) for a in articles),
        (
            _first_meta(
                meta,
                "article:published_time",
                "datepublished",
                "parsely-pub-date",
                "sailthru.date",
                "dc.date.issued",
                "dc.date",
                "pubdate",
                "publishdate",
                "date",
            ),
            FROM_META,
        ),
        (times[0] if times else None, FROM_TIME),
        (getattr(fallback, "date", None), FROM_EXTRACTOR),
    ):
        date = _own_date(value)
        if date:
            found.published_on = date
            found.sources["published_on"] = source
            return


def _own_date(value: Any) -> str | None:
    """The calendar date as the outlet wrote it ("2019-03-04T21:30:00-05:00" is the 4th,
    where a conversion to UTC would say the 5th)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.search(value)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return match.group(0)


# --- Canonical URL --------------------------------------------------------------------


def _choose_canonical(
    found: FoundMetadata,
    articles: list[dict[str, Any]],
    meta: dict[str, list[str]],
    tree: Any,
    url: str | None,
    fallback: Any,
) -> None:
    links = tree.xpath("//link[@rel='canonical']/@href")
    entity = next(
        (
            a["mainEntityOfPage"].get("@id")
            if isinstance(a.get("mainEntityOfPage"), dict)
            else a.get("url")
            for a in articles
            if isinstance(a.get("mainEntityOfPage"), dict) or a.get("url")
        ),
        None,
    )
    for value, source in (
        (links[0] if links else None, FROM_LINK),
        (_first_meta(meta, "og:url"), FROM_META),
        (entity, FROM_JSON_LD),
        (url, FROM_ADDRESS),
        (getattr(fallback, "url", None), FROM_EXTRACTOR),
    ):
        absolute = _web_url(value, url)
        if absolute:
            found.canonical_url = absolute
            found.sources["canonical_url"] = source
            return


def _web_url(value: Any, base: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    absolute = urllib.parse.urljoin(base or "", value.strip())
    parts = urllib.parse.urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None

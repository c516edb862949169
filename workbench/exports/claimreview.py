"""schema.org ClaimReview JSON-LD for reviewed claims, for publishing fact-check markup.

https://schema.org/ClaimReview . Only claims a reviewer decided (sourced or disputed) are
published; where decisions need approval (workbench.desk.decisions), only approved ones.
Ratings use a three-point scale, worst 1 to best 3, in the order a reader would trust the
claim: 1 "Disputed", 2 "Unverified" (never published), 3 "Sourced"; the
alternateName carries the word, which is what fact-check readers display.
"""

import json
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

from sqlite_utils import Database

from ..errors import InvalidInput
from ..review import search
from ..storage.db import read_snapshot
from ..text.attribution import CONFIDENT
from . import ExportStats

RATINGS = {"disputed": (1, "Disputed"), "unverified": (2, "Unverified"), "sourced": (3, "Sourced")}
WORST_RATING, BEST_RATING = 1, 3
PUBLISHED_STATUSES = ("sourced", "disputed")

_KIND_TYPES = {"named_person": "Person", "organization": "Organization", "document": "CreativeWork"}

# Publishers paste this into <script type="application/ld+json">, where "</script" in a
# title would end the script and run what follows. JSON allows any character
# as a \u escape of four hex digits, so these come out escaped and read back the same.
# https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements
_SCRIPT_SAFE = str.maketrans(
    {char: f"\\u{ord(char):04x}" for char in ("<", ">", "&", "\u2028", "\u2029")}
)


def json_for_script(value: Any) -> str:
    """JSON text that is safe inside an HTML <script> element: no <, >, & or U+2028/9."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_SAFE)


def _publishable_source(claim: dict[str, Any]) -> bool:
    """A source worth publishing as the claim's author: a person's choice or confirmation,
    or one the engine is sure of; a suggestion is never published."""
    if not claim.get("attribution_text") or claim.get("attribution_kind") not in _KIND_TYPES:
        return False
    confidence = claim.get("attribution_confidence")
    return (
        bool(claim.get("attribution_confirmed_by")) or confidence is None or confidence >= CONFIDENT
    )


def public_claim_url(public_url: str) -> Callable[[int], str]:
    """claim id -> the address of its published review, from the public URL setting
    (WORKBENCH_PUBLIC_URL): a template naming {claim_id}, or a base the id's /claims/N path
    is added to. ClaimReview's `url` must be a page readers can open, not the workbench's
    login-only claim page. InvalidInput for anything but an http(s) address."""
    public_url = public_url.strip()
    parts = urllib.parse.urlsplit(public_url.replace("{claim_id}", "0"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            "WORKBENCH_PUBLIC_URL must be an http:// or https:// address, not %(url)s.",
            url=repr(public_url),
        )
    if "{claim_id}" in public_url:
        return lambda claim_id: public_url.replace("{claim_id}", str(claim_id))
    base = public_url.rstrip("/")
    return lambda claim_id: f"{base}/claims/{claim_id}"


def claim_review(
    claim: dict[str, Any], article: dict[str, Any], claim_url: str, organization: str
) -> dict[str, Any]:
    """One ClaimReview object for a decided claim."""
    value, label = RATINGS[claim["status"]]
    item: dict[str, Any] = {
        "@type": "Claim",
        "appearance": {"@type": "NewsArticle", "headline": article["title"]},
    }
    if article.get("url"):
        item["appearance"]["url"] = article["url"]
    if article.get("publisher"):
        item["appearance"]["publisher"] = {"@type": "Organization", "name": article["publisher"]}
    if article.get("authors"):
        item["appearance"]["author"] = [
            {"@type": "Person", "name": name} for name in json.loads(article["authors"])
        ]
    if article.get("published_on"):
        item["datePublished"] = article["published_on"]
        item["appearance"]["datePublished"] = article["published_on"]
    if article.get("language"):
        item["inLanguage"] = article["language"]
        item["appearance"]["inLanguage"] = article["language"]
    if _publishable_source(claim):
        item["author"] = {
            "@type": _KIND_TYPES[claim["attribution_kind"]],
            "name": claim["attribution_text"],
        }
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_url,
        "claimReviewed": claim["text"],
        "datePublished": (claim.get("updated_at") or "")[:10] or None,
        "author": {"@type": "Organization", "name": organization},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "worstRating": WORST_RATING,
            "bestRating": BEST_RATING,
            "alternateName": label,
        },
        "itemReviewed": item,
    }


def iter_claim_reviews(
    db: Database,
    claim_filter: search.ClaimFilter,
    claim_url: Callable[[int], str],
    organization: str,
    stats: ExportStats | None = None,
) -> Iterator[str]:
    """Yield a JSON array of ClaimReview objects, one per sourced or disputed claim."""
    where, params = search.where_clause(db, claim_filter)
    with read_snapshot(db):
        articles = {}
        yield "["
        first = True
        for claim in db.query(
            f"select c.* from claims c join articles a on a.id = c.article_id where {where} "
            f"and c.status in ({', '.join('?' for _ in PUBLISHED_STATUSES)}) "
            "and (c.decision_state = 'approved' or coalesce(a.needs_approval, "
            "(select value = '1' from desk_settings where key = 'decisions_need_approval'), 0) "
            "= 0) order by c.article_id, c.position",
            params + list(PUBLISHED_STATUSES),
        ):
            if claim["article_id"] not in articles:
                articles[claim["article_id"]] = next(
                    db.query(
                        "select title, url, publisher, published_on, authors, language "
                        "from articles "
                        "where id = ?",
                        [claim["article_id"]],
                    )
                )
            review = claim_review(
                claim, articles[claim["article_id"]], claim_url(claim["id"]), organization
            )
            yield ("" if first else ",") + json_for_script(review)
            first = False
            if stats is not None:
                stats.rows += 1
        yield "]\n"

"""Finding claims: one filter (text, status, decision state, flag, source kind, source,
reviewer, assignee, article, date)
shared by the search page, bulk changes, every export and the JSON API, so what a
reviewer sees is exactly what they act on and export.
"""

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import InvalidInput
from ..memory import sources
from ..statuses import DECISION_STATES, parse_status
from ..storage.clock import iso_date
from ..text import attribution, flags
from ..text.search_stems import claim_stems, query_stems

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims: every field optional, all given fields must hold (AND)."""

    q: str | None = None
    article_id: int | None = None
    status: str | None = None
    flag: str | None = None
    kind: str | None = None
    reviewer: str | None = None
    since: str | None = None  # YYYY-MM-DD: claims changed on or after that day (UTC)
    # A source group's key (workbench/memory/sources.py), e.g. person:jane doe.
    source: str | None = None
    assignee: str | None = None  # claims assigned to this user (by an editor or an @mention)
    decision: str | None = None  # decision state: workbench.desk.decisions.DECISION_STATES

    def as_query(self) -> dict[str, Any]:
        """The filter as URL query parameters (only the fields that are set)."""
        names = {"article_id": "article"}
        return {
            names.get(key, key): value
            for key, value in asdict(self).items()
            if value not in (None, "")
        }

    def is_empty(self) -> bool:
        return not self.as_query()


def parse_filter(values: Any) -> ClaimFilter:
    """A ClaimFilter from URL/form values (a mapping); InvalidInput names the bad one."""

    def text(name: str) -> str | None:
        value = values.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def choice(name: str) -> str | None:
        # Chosen from a list, so taken exactly as sent: "sourced " is not a status.
        value = values.get(name)
        return value if isinstance(value, str) and value else None

    q = text("q")
    if q and len(q) > MAX_QUERY_CHARS:
        raise InvalidInput("The search is longer than %(limit)s characters.", limit=MAX_QUERY_CHARS)
    article = text("article")
    if article is not None and not re.fullmatch(r"[0-9]{1,10}", article):
        raise InvalidInput("“article” must be an article id.")
    status = choice("status")
    if status is not None:
        parse_status(status)
    flag = choice("flag")
    if flag is not None and flag not in flags.FLAGS:
        raise InvalidInput(
            "“%(flag)s” is not a flag. Choose one of: %(flags)s.",
            flag=flag,
            flags=", ".join(flags.FLAGS),
        )
    kind = choice("kind")
    if kind is not None and kind not in attribution.KINDS:
        raise InvalidInput(
            "“%(kind)s” is not a kind of source. Choose one of: %(kinds)s.",
            kind=kind,
            kinds=", ".join(attribution.KINDS),
        )
    since = text("since")
    if since is not None:
        try:
            since = iso_date(since).isoformat()
        except ValueError:
            raise InvalidInput("“since” must be a date like 2026-11-26.") from None
    reviewer = text("reviewer")
    source = text("source")
    if source is not None and not sources.is_source_key(source):
        raise InvalidInput("“source” must be a source from the Sources page, e.g. person:jane doe.")
    assignee = text("assignee")
    decision = choice("decision")
    if decision is not None and decision not in DECISION_STATES:
        raise InvalidInput(
            "“%(decision)s” is not a decision state. Choose one of: %(decisions)s.",
            decision=decision,
            decisions=", ".join(DECISION_STATES),
        )
    return ClaimFilter(
        q=q,
        article_id=int(article) if article else None,
        status=status,
        flag=flag,
        kind=kind,
        reviewer=reviewer[:100] if reviewer else None,
        since=since,
        source=source,
        assignee=assignee[:100] if assignee else None,
        decision=decision,
    )


def where_clause(
    db: Database, claim_filter: ClaimFilter, alias: str = "c"
) -> tuple[str, list[Any]]:
    """SQL conditions (on claims aliased `alias`, joined to articles `a`) and parameters.

    Values are always bound parameters; only fixed SQL text is assembled here. The search
    words reach FTS5 through fts_query, which lets through OR, "phrases" and prefix*
    only, each word quoted.
    """
    f = claim_filter
    where = [f"{alias}.is_claim = 1", "a.deleted_at is null"]
    params: list[Any] = []
    if f.q:
        where.append(
            f"({alias}.id in (select rowid from claims_fts where claims_fts match ?) or "
            f"{alias}.id in (select claim_id from notes where deleted_at is null and id in "
            "(select rowid from notes_fts where notes_fts match ?)))"
        )
        params += [fts_query(f.q, stems=True), fts_query(f.q)]
    if f.article_id is not None:
        where.append(f"{alias}.article_id = ?")
        params.append(f.article_id)
    if f.status is not None:
        where.append(f"{alias}.status = ?")
        params.append(f.status)
    if f.flag is not None:
        where.append(f"(' ' || {alias}.flags || ' ') like ?")
        params.append(f"% {f.flag} %")
    if f.kind is not None:
        where.append(f"{alias}.attribution_kind = ?")
        params.append(f.kind)
    if f.reviewer is not None:
        where.append(
            f"exists (select 1 from history h where h.claim_id = {alias}.id and h.actor = ?)"
        )
        params.append(f.reviewer)
    if f.since is not None:
        where.append(
            f"exists (select 1 from history h where h.claim_id = {alias}.id and h.at >= ?)"
        )
        params.append(f.since)
    if f.source is not None:
        # Every mention of the source, as one JSON parameter (no variable per mention).
        where.append(
            f"({alias}.article_id, {alias}.attribution_text, {alias}.attribution_kind) in "
            "(select json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
            "json_extract(value, '$[2]') from json_each(?))"
        )
        params.append(sources.as_json(sources.mention_triples(db, f.source)))
    if f.assignee is not None:
        where.append(
            f"exists (select 1 from assignments x where x.claim_id = {alias}.id "
            "and x.assignee = ? collate nocase)"
        )
        params.append(f.assignee)
    if f.decision is not None:
        where.append(f"{alias}.decision_state = ?")
        params.append(f.decision)
    return " and ".join(where), params


# A "phrase in quotes", or a run of characters up to white space or a quote.
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_NOTHING = '"\x01"'  # matches no claim, and is valid FTS5: for a query with no words


def fts_query(q: str, stems: bool = False) -> str:
    """A reviewer's search as FTS5 syntax: words must all occur (AND); `OR` between two
    terms allows either; "a phrase" must occur as written; a word ending in * matches
    every word it begins. Every word is quoted, so nothing else in the query is FTS5
    syntax: AND, NOT, NEAR, parentheses and colons are plain words or ignored. With
    `stems` (the claims index), a single word also matches a claim of a non-English
    article whose words share its stem in that language ("protestaron": "protesta").
    """
    groups: list[list[str]] = []
    join_next = False
    for phrase, word in _QUERY_TOKEN.findall(q.replace("\x00", "")):
        if word == "OR" and groups:
            join_next = True
            continue
        term = _fts_term(phrase if phrase else word, prefix=not phrase and word.endswith("*"))
        if term is None:
            continue
        if stems and not phrase and not word.endswith("*") and re.fullmatch(r"\w+", word):
            alternatives = [f'stems:"{stem}"' for stem in query_stems(word)]
            term = "(" + " OR ".join([term, *alternatives]) + ")" if alternatives else term
        if join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        return _NOTHING
    return " AND ".join(
        group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")" for group in groups
    )


def _fts_term(text: str, prefix: bool) -> str | None:
    # Only what the tokenizer indexes (letters and digits) can match; a term made of
    # nothing else ("*", "--") is left out rather than turned into an error.
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def highlighted(db: Database, claim_filter: ClaimFilter, claims: list[dict[str, Any]]) -> None:
    """Give each claim the search's matches in its text, as "highlight": a list of
    (piece, matched) pairs (FTS5's highlight(), so stemmed matches are marked too)."""
    if not claim_filter.q or not claims:
        return
    query = fts_query(claim_filter.q, stems=True)
    ids = [claim["id"] for claim in claims]
    marked = dict(
        db.execute(
            "select rowid, highlight(claims_fts, 0, char(2), char(3)) from claims_fts "
            "where claims_fts match ? and rowid in (select value from json_each(?))",
            [query, json.dumps(ids)],  # one variable, not one per claim
        ).fetchall()
    )
    wanted = {stem for word in re.findall(r"\w+", claim_filter.q) for stem in query_stems(word)}
    for claim in claims:
        text = marked.get(claim["id"])
        if text is None or text.replace("\x02", "").replace("\x03", "") != claim["text"]:
            continue  # matched in its source or a note only (or the text holds the markers)
        if "\x02" not in text and claim.get("stems"):
            text = _stem_marks(claim["text"], claim.get("language"), wanted)
        pieces = re.split("(\x02[^\x03]*\x03)", text)
        claim["highlight"] = [
            (piece.strip("\x02\x03"), piece.startswith("\x02")) for piece in pieces if piece
        ]


def _stem_marks(text: str, language: str | None, wanted: set[str]) -> str:
    """The claim's text with the words whose stem was searched for marked, for a match
    found through its stems (FTS5's highlight marks only the column that matched)."""

    def mark(match: re.Match[str]) -> str:
        stems = claim_stems(match.group(), language) or ""
        return f"\x02{match.group()}\x03" if stems in wanted else match.group()

    return re.sub(r"[^\W\d_]+", mark, text)


SEARCH_PAGE = 50


def search_claims(
    db: Database, claim_filter: ClaimFilter, page: int = 1, page_size: int = SEARCH_PAGE
) -> tuple[list[dict[str, Any]], int]:
    """(claims with their article title, total count) for one page of matches."""
    where, params = where_clause(db, claim_filter)
    total = db.execute(
        f"select count(*) from claims c join articles a on a.id = c.article_id where {where}",
        params,
    ).fetchone()[0]
    rows = list(
        db.query(
            f"select c.*, a.title as article_title, a.language from claims c "
            f"join articles a on a.id = c.article_id where {where} "
            "order by c.article_id desc, c.position limit ? offset ?",
            params + [page_size, (max(page, 1) - 1) * page_size],
        )
    )
    return rows, total

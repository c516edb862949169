"""Claims already checked elsewhere: each claim matched, when it is stored, to the same
claim in other articles; a reviewer copies that decision and its evidence in one action
(workbench/review/copying.py).

Matching happens when claims are written (an import, a new version, a correction), never
on a page view: each claim's normalised text and keys go into claim_match_index and
claim_match_keys (workbench/text/claim_keys.py), candidates sharing a key are scored, and
the pairs that are the same claim are stored both ways in claim_matches. A page reads
the stored pairs for its claims in one query.
"""

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from ..storage.db import dict_rows, write_transaction
from ..text.claim_keys import SAME_CLAIM_SCORE, match_keys, normalise, score

# A key shared by more claims than this says little (a common pair of words): only this
# many of its claims are looked at.
MAX_POSTINGS = 300
# The most alike candidates whose wording the rules look at, and the matches kept for a
# claim: a row shows the best reviewed one, its panel the rest (a claim repeated in
# hundreds of wire stories keeps its closest twenty).
MAX_LOOKED_AT = 100
MAX_MATCHES = 20
# Claims indexed per statement.
BATCH = 500


def index_claims(db: Database, claim_ids: Iterable[int], find_matches: bool = True) -> int:
    """(Re)index these claims and store their matches; call inside the write transaction
    that wrote them. Returns how many matching pairs were found. find_matches=False
    stores only their keys (a benchmark's stored claims: what a new article is matched to).

    Candidates are looked up before these claims' own keys are stored, so an article's
    claims are not candidates of each other (a long article repeats itself), and a text
    repeated in it is looked up once.
    """
    ids = list(dict.fromkeys(claim_ids))
    entries = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        _forget(db, batch)
        for row in db.query(
            "select id, article_id, text from claims where id in (select value from json_each(?))",
            [json.dumps(batch)],
        ):
            normalised = normalise(row["text"])
            entries.append((row["id"], row["article_id"], normalised, match_keys(normalised)))
    by_article: dict[int, list[tuple[int, int, str, list[int]]]] = {}
    for entry in entries:
        by_article.setdefault(entry[1], []).append(entry)
    pairs = 0
    for article_entries in by_article.values():
        pairs += _store(db, article_entries, find_matches)
    return pairs


def _store(
    db: Database, entries: list[tuple[int, int, str, list[int]]], find_matches: bool = True
) -> int:
    """Look up one article's claims among those stored, then store them and their pairs."""
    found: dict[str, list[tuple[int, float]]] = {}
    postings: dict[int, list[int]] = {}  # looked up once for all the article's claims
    pairs = []
    for claim_id, article_id, normalised, keys in entries:
        if not find_matches:
            continue
        if normalised not in found:
            found[normalised] = _same_claims(db, article_id, normalised, keys, postings)
        for other_id, how_alike in found[normalised]:
            pairs += [(claim_id, other_id, how_alike), (other_id, claim_id, how_alike)]
    db.conn.executemany(
        "insert into claim_match_index (claim_id, article_id, text_hash, normalised) "
        "values (?, ?, ?, ?)",
        [(claim_id, article, _text_hash(norm), norm) for claim_id, article, norm, _ in entries],
    )
    db.conn.executemany(
        "insert or ignore into claim_match_keys (key, claim_id) values (?, ?)",
        [(key, claim_id) for claim_id, _, _, keys in entries for key in keys],
    )
    db.conn.executemany(
        "insert or replace into claim_matches (claim_id, other_id, score) values (?, ?, ?)", pairs
    )
    return len(pairs) // 2


def index_article(db: Database, article_id: int) -> int:
    """Index every claim of an article (after its import)."""
    ids = [row[0] for row in db.execute("select id from claims where article_id = ?", [article_id])]
    return index_claims(db, ids)


def index_missing(db: Database) -> int:
    """Index the claims stored before matching existed; how many were indexed."""
    ids = [
        row[0]
        for row in db.execute(
            "select c.id from claims c left join claim_match_index i on i.claim_id = c.id "
            "where i.claim_id is null"
        )
    ]
    if ids:
        with write_transaction(db):
            index_claims(db, ids)
    return len(ids)


def _posting(db: Database, key: int) -> list[int]:
    """The claims stored under a key; none for a key most claims share (a common pair of
    words picks out nothing), counted in SQLite so its rows never reach Python."""
    many = db.execute(
        "select count(*) from (select 1 from claim_match_keys where key = ? limit ?)",
        [key, MAX_POSTINGS + 1],
    ).fetchone()[0]
    if many > MAX_POSTINGS:
        return []
    return [
        row[0] for row in db.execute("select claim_id from claim_match_keys where key = ?", [key])
    ]


def _same_claims(
    db: Database,
    article_id: int,
    normalised: str,
    keys: list[int],
    postings: dict[int, list[int]],
) -> list[tuple[int, float]]:
    """Claims of other articles that make the same claim: candidates sharing two keys (or
    the only key), a quick similarity cut in C, then the rules of claim_keys.score."""
    hits: dict[int, int] = {}
    for key in keys:
        if key not in postings:
            postings[key] = _posting(db, key)
        for claim_id in postings[key]:
            hits[claim_id] = hits.get(claim_id, 0) + 1
    needed = min(2, len(keys))
    candidates = [claim_id for claim_id, count in hits.items() if count >= needed]
    if not candidates:
        return []
    rows = db.execute(
        "select claim_id, normalised from claim_match_index where article_id != ? and claim_id in "
        "(select value from json_each(?))",
        [article_id, json.dumps(candidates)],
    ).fetchall()
    close = process.extract(
        normalised,
        [text for _, text in rows],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=SAME_CLAIM_SCORE,
        limit=MAX_LOOKED_AT,
    )
    found = []
    for _, _, index in close:
        how_alike = score(normalised, rows[index][1])
        if how_alike >= SAME_CLAIM_SCORE:
            found.append((rows[index][0], how_alike))
            if len(found) == MAX_MATCHES:
                break
    return found


def _forget(db: Database, ids: list[int]) -> None:
    """Drop what is stored about these claims (their text changed)."""
    listed = json.dumps(ids)
    db.execute(
        "delete from claim_match_keys where claim_id in (select value from json_each(?))",
        [listed],
    )
    db.execute(
        "delete from claim_matches where claim_id in (select value from json_each(?)) "
        "or other_id in (select value from json_each(?))",
        [listed, listed],
    )
    db.execute(
        "delete from claim_match_index where claim_id in (select value from json_each(?))",
        [listed],
    )


def _text_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


# --- reading ---------------------------------------------------------------------------


def reviewed_elsewhere(db: Database, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each claim dict an "elsewhere" entry: the best match reviewed in another
    article ({claim_id, status, article_id, article_title, others}), or None. One query."""
    for claim in claims:
        claim["elsewhere"] = None
    if not claims:
        return claims
    by_id = {claim["id"]: claim for claim in claims}
    for row in dict_rows(
        db.execute(
            "select m.claim_id, o.id as other_id, o.status, o.article_id, a.title, m.score "
            "from claim_matches m join claims o on o.id = m.other_id "
            "join articles a on a.id = o.article_id "
            "where m.claim_id in (select value from json_each(?)) "
            "and o.status != 'unverified' and o.is_claim = 1 and a.deleted_at is null "
            "order by m.claim_id, m.score desc, o.updated_at desc, o.id",
            [json.dumps(list(by_id))],
        )
    ):
        claim = by_id[row["claim_id"]]
        if claim["elsewhere"] is None:
            claim["elsewhere"] = {
                "claim_id": row["other_id"],
                "status": row["status"],
                "article_id": row["article_id"],
                "article_title": row["title"],
                "others": 0,
            }
        else:
            claim["elsewhere"]["others"] += 1
    return claims


def matches_of(db: Database, claim_id: int) -> list[dict[str, Any]]:
    """Every claim in another article that makes the same claim, best first, with its
    status, article and evidence count (the claim's panel lists them)."""
    return list(
        db.query(
            "select o.id, o.text, o.status, o.article_id, o.updated_by, o.updated_at, "
            "a.title as article_title, m.score, (select count(*) from evidence e "
            "where e.claim_id = o.id and e.deleted_at is null) as evidence_count "
            "from claim_matches m join claims o on o.id = m.other_id "
            "join articles a on a.id = o.article_id "
            "where m.claim_id = ? and o.is_claim = 1 and a.deleted_at is null "
            "order by o.status = 'unverified', m.score desc, o.id",
            [claim_id],
        )
    )

"""Every source's record: the people and organisations cited across articles, their
mentions grouped (workbench/text/source_names.py), with how their claims were reviewed.

Groups are computed from the claims as they are now, then the reviewers' decisions
(merge two groups, split a mention off) are replayed in order. Decisions are rows of
source_decisions, never updated or deleted: an undo is a row of its own. cofacts
rumors-api#60 asks for this record of a source.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from ..errors import CannotUndo, InvalidInput, NotAllowed, RecordNotFound
from ..statuses import STATUSES
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from ..text.source_names import KINDS, Mention, display_name, group_keys

KEY = re.compile(r"(person|organization|split):[^\x00-\x1f]{1,300}")


class SourceNotFound(RecordNotFound):
    """No source group has that key now."""


@dataclass
class MentionRecord:
    """One way one article names the source, with its claims' statuses."""

    article_id: int
    article_title: str
    text: str
    kind: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def claims(self) -> int:
        """How many claims this mention is the source of."""
        return sum(self.counts.values())


@dataclass
class SourceGroup:
    """A person or organisation: its mentions and its claims' statuses."""

    key: str
    name: str
    kind: str
    mentions: list[MentionRecord]
    counts: dict[str, int]

    @property
    def claims(self) -> int:
        """How many claims cite this source."""
        return sum(self.counts.values())

    @property
    def articles(self) -> int:
        """In how many articles it is cited."""
        return len({m.article_id for m in self.mentions})


def is_source_key(value: str) -> bool:
    """True for a string shaped like a group key (what a filter or form may send)."""
    return bool(KEY.fullmatch(value))


def all_sources(
    db: Database, query: str | None = None, kind: str | None = None
) -> list[SourceGroup]:
    """Every source group, most-cited first; `query` keeps names containing it."""
    groups = list(_groups(db).values())
    if query:
        folded = query.casefold()
        groups = [
            g
            for g in groups
            if folded in g.name.casefold() or any(folded in m.text.casefold() for m in g.mentions)
        ]
    if kind:
        groups = [g for g in groups if g.kind == kind]
    return sorted(groups, key=lambda g: (-g.claims, g.name.casefold(), g.key))


def get_source(db: Database, key: str) -> SourceGroup:
    """The group with that key now; SourceNotFound if there is none."""
    groups = _groups(db)
    if key not in groups:
        raise SourceNotFound(key)
    return groups[key]


def mention_triples(db: Database, key: str) -> list[tuple[int, str, str]]:
    """(article_id, attribution_text, attribution_kind) of every mention of a source: what
    the claim filter's `source` matches (none when the key is no group now)."""
    group = _groups(db).get(key)
    if group is None:
        return []
    return [(m.article_id, m.text, m.kind) for m in group.mentions]


def decisions_about(db: Database, group: SourceGroup) -> list[dict[str, Any]]:
    """The reviewers' merges and splits that made this group what it is, newest first."""
    keys = {group.key}
    mentions = {(m.article_id, m.text, m.kind) for m in group.mentions}
    rows = []
    for row in _decisions(db, include_undone=True):
        touched = row["from_key"] in keys or row["into_key"] in keys
        touched = (
            touched or (row["article_id"], row["mention_text"], row["mention_kind"]) in mentions
        )
        touched = touched or f"split:{row['id']}" in keys
        if touched:
            rows.append(row)
    return list(reversed(rows))


def merge_sources(db: Database, keys: list[str], actor: User) -> tuple[str, list[int]]:
    """Merge the groups into the most-cited of them; (its key, the decisions' ids)."""
    if len(set(keys)) < 2:
        raise InvalidInput("Choose at least two sources to merge.")
    with write_transaction(db):
        groups = _groups(db)
        missing = [key for key in keys if key not in groups]
        if missing:
            raise SourceNotFound(missing[0])
        chosen = sorted(
            (groups[key] for key in dict.fromkeys(keys)), key=lambda g: (-g.claims, g.key)
        )
        into, now = chosen[0], utc_now()
        ids = [
            insert(
                db,
                "source_decisions",
                {
                    "action": "merge",
                    "from_key": g.key,
                    "into_key": into.key,
                    "actor": actor.username,
                    "at": now,
                },
            )
            for g in chosen[1:]
        ]
    return into.key, ids


def split_mention(
    db: Database, key: str, article_id: int, text: str, kind: str, actor: User
) -> str:
    """Take one mention out of its group into a group of its own; the new group's key."""
    with write_transaction(db):
        group = get_source(db, key)
        if not any(
            (m.article_id, m.text, m.kind) == (article_id, text, kind) for m in group.mentions
        ):
            raise InvalidInput("That mention is not part of this source.")
        if len(group.mentions) < 2:
            raise InvalidInput("This source has only that mention; there is nothing to split.")
        decision = insert(
            db,
            "source_decisions",
            {
                "action": "split",
                "from_key": key,
                "article_id": article_id,
                "mention_text": text,
                "mention_kind": kind,
                "actor": actor.username,
                "at": utc_now(),
            },
        )
    return f"split:{decision}"


def undo_decision(db: Database, decision_id: int, actor: User) -> dict[str, Any]:
    """Take back a merge or split (a new row says so); only its author or an admin."""
    with write_transaction(db):
        rows = list(
            db.query(
                "select * from source_decisions where id = ? and action in ('merge', 'split')",
                [decision_id],
            )
        )
        if not rows:
            raise SourceNotFound(str(decision_id))
        decision = rows[0]
        if decision["actor"] != actor.username and not actor.can("admin"):
            raise NotAllowed("You can undo your own merges and splits only.")
        if db.execute("select 1 from source_decisions where undoes = ?", [decision_id]).fetchone():
            raise CannotUndo("That was undone already.")
        insert(
            db,
            "source_decisions",
            {"action": "undo", "undoes": decision_id, "actor": actor.username, "at": utc_now()},
        )
    return decision


# --- grouping --------------------------------------------------------------------------


def _groups(db: Database) -> dict[str, SourceGroup]:
    records: dict[Mention, MentionRecord] = {}
    for row in db.query(
        "select c.article_id, a.title, c.attribution_text, c.attribution_kind, c.status, "
        "count(*) as n from claims c join articles a on a.id = c.article_id "
        "where c.is_claim = 1 and a.deleted_at is null and c.attribution_text is not null "
        "and c.attribution_kind in (?, ?) "
        "group by c.article_id, c.attribution_text, c.attribution_kind, c.status",
        list(KINDS),
    ):
        mention = Mention(row["article_id"], row["attribution_text"], row["attribution_kind"])
        record = records.setdefault(
            mention, MentionRecord(mention.article_id, row["title"], mention.text, mention.kind)
        )
        record.counts[row["status"]] = record.counts.get(row["status"], 0) + row["n"]
    members: dict[str, set[Mention]] = {}
    for mention, key in group_keys(records).items():
        members.setdefault(key, set()).add(mention)
    _replay(members, _decisions(db))
    groups = {}
    for key, mentions in members.items():
        if not mentions:
            continue
        ordered = sorted((records[m] for m in mentions), key=lambda r: (r.article_id, r.text))
        counts = {status: sum(r.counts.get(status, 0) for r in ordered) for status in STATUSES}
        kinds = [r.kind for r in ordered]
        groups[key] = SourceGroup(
            key=key,
            name=display_name(mentions),
            kind=max(set(kinds), key=kinds.count),
            mentions=ordered,
            counts=counts,
        )
    return groups


def _replay(members: dict[str, set[Mention]], decisions: list[dict[str, Any]]) -> None:
    """Apply the reviewers' merges and splits, oldest first, to the computed groups; a
    decision about a group that no longer exists is skipped."""
    for decision in decisions:
        if decision["action"] == "merge":
            moved = members.pop(decision["from_key"], None)
            if moved and decision["into_key"] in members:
                members[decision["into_key"]] |= moved
            elif moved:
                members[decision["from_key"]] = moved
        else:
            mention = Mention(
                decision["article_id"], decision["mention_text"], decision["mention_kind"]
            )
            holder = next((key for key, group in members.items() if mention in group), None)
            if holder is not None:
                members[holder].discard(mention)
                members[f"split:{decision['id']}"] = {mention}


def _decisions(db: Database, include_undone: bool = False) -> list[dict[str, Any]]:
    rows = list(
        db.query(
            "select d.*, exists(select 1 from source_decisions u where u.undoes = d.id) as undone "
            "from source_decisions d where d.action in ('merge', 'split') order by d.id"
        )
    )
    return rows if include_undone else [row for row in rows if not row["undone"]]


def as_json(triples: list[tuple[int, str, str]]) -> str:
    """Mention triples as the JSON the claim filter binds (one parameter, any number)."""
    return json.dumps(triples, ensure_ascii=False)

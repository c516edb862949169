"""History rows as sentences a person reads: "split claim 4 at “capturing” into claims 4
and 5", "set the source to “Syria's state TV” (organisation), was none".

Pure: takes decoded history rows, returns parts for a template to render as text (no
markup is built here, so nothing a reviewer typed can become HTML). A part is a pair
(kind, value): "text", "quote" (words from the article or a note), "status" (a badge),
"claim" (a claim named by its position then and its opening words), "ins"/"del" (words a
change added or removed), "url".
"""

import difflib
import json
from typing import Any

from ..text import languages

Part = tuple[str, Any]
Entry = dict[str, Any]

KIND_WORDS = {
    "named_person": "person",
    "organization": "organisation",
    "anonymous": "anonymous",
    "document": "document",
    "none": "none",
}
OPENING_WORDS = 6


def opening_words(text: str | None, count: int = OPENING_WORDS) -> str:
    """The first few words of a claim, with an ellipsis when there are more."""
    words = (text or "").split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def claim_name(entry: dict[str, Any]) -> Part:
    """("claim", {...}): the claim as it was called when the change was made."""
    return (
        "claim",
        {
            "id": entry.get("claim_id"),
            "position": entry.get("position"),
            "opening": opening_words(entry.get("claim_text")),
            "hidden": entry.get("claim_is_claim") == 0,
            "hidden_reason": entry.get("claim_hidden_reason"),
        },
    )


def describe(entry: dict[str, Any], with_claim: bool = True) -> list[Part]:
    """The sentence for one history row (after its actor's name), as parts."""
    action = entry["action"]
    before = _as_dict(entry.get("before"))
    after = _as_dict(entry.get("after"))
    the_claim: list[Part] = [claim_name(entry)] if with_claim else [("text", "this claim")]
    parts = _DESCRIBE.get(action, _generic)(entry, before, after, the_claim)
    if after.get("undo_of"):
        parts = [("text", "undid a change: "), *parts]
    if after.get("bulk"):
        parts = [*parts, ("text", " (in a bulk change)")]
    return parts


def _as_dict(value: Any) -> Entry:
    return value if isinstance(value, dict) else {}


def _status(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    if after.get("copied_from"):
        return [
            *_copied_from(after),
            ("text", ": set "),
            *the_claim,
            ("text", " to "),
            ("status", after.get("status")),
            ("text", ", was "),
            ("status", before.get("status")),
            *_with_evidence(after),
        ]
    return [
        ("text", "set "),
        *the_claim,
        ("text", " to "),
        ("status", after.get("status")),
        ("text", ", was "),
        ("status", before.get("status")),
    ]


def _copied_from(after: Entry) -> list[Part]:
    return [
        ("text", "copied the review of "),
        (
            "claim",
            {"id": after.get("copied_from"), "position": None, "opening": "", "hidden": False},
        ),
        ("text", f" (claim {after.get('copied_from')}, in another article)"),
    ]


def _with_evidence(after: Entry) -> list[Part]:
    count = len(after.get("evidence_ids") or [])
    return [("text", f", with {_count(count, 'evidence link')}")] if count else []


def _copied_evidence(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [*_copied_from(after), ("text", ": added to "), *the_claim, *_with_evidence(after)]


def _copied_evidence_removed(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    count = len(before.get("evidence_ids") or [])
    return [("text", f"removed the {_count(count, 'evidence link')} copied to "), *the_claim]


def _note(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "added a note to "), *the_claim, ("text", ": "), ("quote", after.get("body"))]


def _note_deleted(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    body = before.get("body")
    tail: list[Part] = [("text", ": "), ("del", body)] if body is not None else []
    return [("text", "deleted a note on "), *the_claim, *tail]


def _note_purged(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "purged the text of a note on "), *the_claim]


def _evidence(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    stance = after.get("stance")
    return [
        ("text", f"added evidence that {'supports' if stance == 'supports' else 'contradicts'} "),
        *the_claim,
        ("text", ": "),
        ("url", after.get("url")),
    ]


def _evidence_deleted(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [
        ("text", "removed evidence from "),
        *the_claim,
        ("text", ": "),
        ("del", before.get("url")),
    ]


def _split(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    position = entry.get("position")
    second = (after.get("second") or {}).get("text") or ""
    at = second.split()[0] if second.split() else ""
    into = f"{position} and {position + 1}" if isinstance(position, int) else "two"
    return [
        ("text", "split "),
        *the_claim,
        ("text", " at "),
        ("quote", at),
        ("text", f" into claims {into}"),
    ]


def _created_by_split(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [("text", "created "), *the_claim, ("text", " by splitting the claim before it")]


def _merge(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    moved = []
    notes, evidence = after.get("moved_notes") or 0, after.get("moved_evidence") or 0
    if notes or evidence:
        moved = [
            (
                "text",
                f"; {_count(notes, 'note')} and {_count(evidence, 'evidence link')} moved with it",
            )
        ]
    return [
        ("text", "merged "),
        *the_claim,
        ("text", " with the claim after it: "),
        *_word_changes(before.get("text"), after.get("text")),
        *moved,
    ]


def _merged_into(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "merged "), *the_claim, ("text", " into the claim before it")]


def _boundaries(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [
        ("text", "changed where "),
        *the_claim,
        ("text", " starts and ends: "),
        *_word_changes(before.get("text"), after.get("text")),
    ]


def _added(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "added "), *the_claim, ("text", ": "), ("quote", after.get("text"))]


def _not_a_claim(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "marked "), *the_claim, ("text", " “not a claim”")]


def _restored(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "restored "), *the_claim, ("text", " as a claim")]


def _source(value: dict[str, Any]) -> list[Part]:
    kind = value.get("kind") or "none"
    if kind == "none" or not value.get("text"):
        return [("text", "none")]
    return [("quote", value.get("text")), ("text", f" ({KIND_WORDS.get(kind, kind)})")]


def _attribution(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [
        ("text", "set the source of "),
        *the_claim,
        ("text", " to "),
        *_source(after),
        ("text", ", was "),
        *_source(before),
    ]


def _attribution_confirmed(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [("text", "confirmed the source of "), *the_claim, ("text", ": "), *_source(after)]


def _attribution_unconfirmed(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [("text", "took back the confirmation of the source of "), *the_claim]


def _changed_in_version(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [
        ("text", f"version {after.get('version')} changed the passage of "),
        *the_claim,
        ("text", ": "),
        *_word_changes(before.get("text"), after.get("text")),
    ]


def _removed_in_version(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    return [
        ("text", f"version {after.get('version')} no longer has the passage of "),
        *the_claim,
        ("text", " (kept, hidden): "),
        ("del", before.get("text")),
    ]


def _new_in_version(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [
        ("text", f"version {after.get('version')} added "),
        *the_claim,
        ("text", ": "),
        ("quote", after.get("text")),
    ]


def _changed_since_decided(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part]
) -> list[Part]:
    state = before.get("decision_state")
    was = f" ({state})" if state in ("proposed", "approved") else ""
    return [
        ("text", f"version {after.get('version')} changed what "),
        *the_claim,
        ("text", " says, so its decision no longer holds: set to "),
        ("status", after.get("status")),
        ("text", ", was "),
        ("status", before.get("status")),
        ("text", was),
    ]


def _assign(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    how = " (mentioned in a note)" if after.get("via") == "mention" else ""
    return [
        ("text", "assigned "),
        *the_claim,
        ("text", f" to {after.get('assignee')}{how}"),
    ]


def _approve(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [("text", "approved "), ("status", after.get("status")), ("text", " for "), *the_claim]


def _return(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [
        ("text", "returned the proposed "),
        ("status", before.get("status")),
        ("text", " on "),
        *the_claim,
        ("text", ": "),
        ("quote", after.get("note")),
    ]


def _blind_decision(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    parts: list[Part] = [
        ("text", "decided "),
        *the_claim,
        ("text", " "),
        ("status", after.get("status")),
        ("text", " in the blind review"),
    ]
    if after.get("note"):
        parts += [("text", ": "), ("quote", after["note"])]
    return parts


def _adjudicate(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    return [
        ("text", "adjudicated "),
        *the_claim,
        ("text", ": "),
        ("status", after.get("status")),
        ("text", " — "),
        ("quote", after.get("note")),
    ]


def _generic(entry: Entry, before: Entry, after: Entry, the_claim: list[Part]) -> list[Part]:
    # An action this module does not know yet reads as its name, never as raw JSON.
    claim: list[Part] = [("text", " on "), *the_claim] if entry.get("claim_id") else []
    return [("text", str(entry["action"])), *claim]


def article_event(entry: dict[str, Any]) -> list[Part]:
    """Sentences for changes to the whole article (no claim)."""
    action = entry["action"]
    if action == "import":
        return [("text", f"imported the article ({entry.get('after') or 'no claims'})")]
    if action == "article deleted":
        return [("text", "deleted the article (its claims, notes and history are kept)")]
    if action == "new version":
        return [("text", f"imported a new version of the article ({entry.get('after') or ''})")]
    if action == "article restored":
        return [("text", "restored the article")]
    after = _as_dict(_decoded(entry.get("after")))
    if action == "blind review started":
        names = ", ".join(after.get("reviewers", []))
        return [("text", f"started a blind double review by {names}")]
    if action == "blind review revealed":
        return [("text", "every blind reviewer was done: their decisions are revealed")]
    if action == "language":
        before_code, _, after_code = str(entry.get("after") or "").partition(" -> ")
        return [
            (
                "text",
                f"said the article is in {languages.language(after_code).name}, "
                f"not {languages.language(before_code).name}: its sources were read again",
            )
        ]
    if action == "approval setting":
        choice = after.get("needs_approval")
        return [("text", f"set “decisions need approval” to {choice} for this article")]
    return [("text", str(action))]


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def word_changes(old: str | None, new: str | None) -> list[Part]:
    """A passage's new text with the words it gained marked ins and those it lost del."""
    return _word_changes(old, new)


def _word_changes(old: str | None, new: str | None) -> list[Part]:
    """The new text with the words it gained marked ins and those it lost marked del."""
    old_words, new_words = (old or "").split(), (new or "").split()
    parts: list[Part] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(("quote-text", " ".join(new_words[b1:b2])))
            continue
        if a2 > a1:
            parts.append(("del", " ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("ins", " ".join(new_words[b1:b2])))
    return [("open-quote", "“"), *_spaced(parts), ("close-quote", "”")]


def _spaced(parts: list[Part]) -> list[Part]:
    spaced: list[Part] = []
    for number, part in enumerate(parts):
        if number:
            spaced.append(("text", " "))
        spaced.append(part)
    return spaced


_DESCRIBE = {
    "status": _status,
    "note": _note,
    "note deleted": _note_deleted,
    "note purged": _note_purged,
    "evidence": _evidence,
    "evidence deleted": _evidence_deleted,
    "split": _split,
    "created by split": _created_by_split,
    "merge": _merge,
    "merged into": _merged_into,
    "boundaries": _boundaries,
    "added": _added,
    "not a claim": _not_a_claim,
    "restored": _restored,
    "attribution": _attribution,
    "attribution confirmed": _attribution_confirmed,
    "attribution unconfirmed": _attribution_unconfirmed,
    "changed in version": _changed_in_version,
    "removed in version": _removed_in_version,
    "new in version": _new_in_version,
    "changed since decided": _changed_since_decided,
    "copied evidence": _copied_evidence,
    "copied evidence removed": _copied_evidence_removed,
    "assign": _assign,
    "approve": _approve,
    "return": _return,
    "blind decision": _blind_decision,
    "adjudicate": _adjudicate,
}

"""History rows as sentences a person reads: "split claim 4 at “capturing” into claims 4
and 5", "set the source to “Syria's state TV” (organisation), was none".

Pure: takes decoded history rows, returns parts for a template to render as text (no
markup is built here, so nothing a reviewer typed can become HTML). A part is a pair
(kind, value): "text", "quote" (words from the article or a note), "status" (a badge),
"claim" (a claim named by its position then and its opening words), "ins"/"del" (words a
change added or removed), "url".

Each sentence is one message with named places for its parts ("set %(claim)s to
%(status)s, was %(was)s"), said through the `gettext` the caller passes (the web's, for
the reader's language; by default the English as written): a translation may put the
parts in another order.
"""

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

from ..interface_languages import N_
from ..text import languages

Part = tuple[str, Any]
Entry = dict[str, Any]
Gettext = Callable[[str], str]

# The kinds of source as history sentences and pages name them (translated where shown).
KIND_WORDS = {
    "named_person": N_("person"),
    "organization": N_("organisation"),
    "anonymous": N_("anonymous"),
    "document": N_("document"),
    "none": N_("none"),
}
OPENING_WORDS = 6
_PLACE = re.compile(r"%\((\w+)\)s")


def _unchanged(message: str) -> str:
    return message


class _Say:
    """A sentence in the reader's language, as parts: `say(message, **places)` translates
    the message, then puts each place's parts (a part, a list of parts, or plain words)
    where the translation names it; `say.word(text)` is a word from a table."""

    def __init__(self, gettext: Gettext) -> None:
        self.word = gettext

    def __call__(self, message: str, **places: Any) -> list[Part]:
        parts: list[Part] = []
        for number, piece in enumerate(_PLACE.split(self.word(message))):
            if number % 2 == 0:
                if piece:
                    parts.append(("text", piece.replace("%%", "%")))
                continue
            value = places[piece]
            if isinstance(value, list):
                parts.extend(value)
            elif isinstance(value, tuple):
                parts.append(value)
            else:
                parts.append(("text", str(value)))
        return parts


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


def describe(
    entry: dict[str, Any], with_claim: bool = True, gettext: Gettext = _unchanged
) -> list[Part]:
    """The sentence for one history row (after its actor's name), as parts, said through
    `gettext` (English as written by default)."""
    _ = _Say(gettext)
    action = entry["action"]
    before = _as_dict(entry.get("before"))
    after = _as_dict(entry.get("after"))
    the_claim: list[Part] = (
        [claim_name(entry)] if with_claim else [("text", gettext(N_("this claim")))]
    )
    if action in _CLAIM_ONLY:
        parts = _(_CLAIM_ONLY[action], claim=the_claim)
    else:
        parts = _DESCRIBE.get(action, _generic)(entry, before, after, the_claim, _)
    if after.get("undo_of"):
        parts = _("undid a change: %(change)s", change=parts)
    if after.get("bulk"):
        parts = _("%(change)s (in a bulk change)", change=parts)
    return parts


def _as_dict(value: Any) -> Entry:
    return value if isinstance(value, dict) else {}


def _status(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    now, was = ("status", after.get("status")), ("status", before.get("status"))
    if after.get("copied_from"):
        return _(
            "%(copied)s: set %(claim)s to %(status)s, was %(was)s%(evidence)s",
            copied=_copied_from(after, _),
            claim=the_claim,
            status=now,
            was=was,
            evidence=_with_evidence(after, _),
        )
    return _("set %(claim)s to %(status)s, was %(was)s", claim=the_claim, status=now, was=was)


def _copied_from(after: Entry, _: _Say) -> list[Part]:
    other = after.get("copied_from")
    return _(
        "copied the review of %(claim)s (claim %(id)s, in another article)",
        claim=("claim", {"id": other, "position": None, "opening": "", "hidden": False}),
        id=other,
    )


def _with_evidence(after: Entry, _: _Say) -> list[Part]:
    count = len(after.get("evidence_ids") or [])
    if not count:
        return []
    if count == 1:
        return _(", with %(count)s evidence link", count=count)
    return _(", with %(count)s evidence links", count=count)


def _copied_evidence(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "%(copied)s: added to %(claim)s%(evidence)s",
        copied=_copied_from(after, _),
        claim=the_claim,
        evidence=_with_evidence(after, _),
    )


def _copied_evidence_removed(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    count = len(before.get("evidence_ids") or [])
    if count == 1:
        return _(
            "removed the %(count)s evidence link copied to %(claim)s", count=count, claim=the_claim
        )
    return _(
        "removed the %(count)s evidence links copied to %(claim)s", count=count, claim=the_claim
    )


def _note(entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say) -> list[Part]:
    return _(
        "added a note to %(claim)s: %(note)s", claim=the_claim, note=("quote", after.get("body"))
    )


def _note_deleted(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    body = before.get("body")
    if body is None:
        return _("deleted a note on %(claim)s", claim=the_claim)
    return _("deleted a note on %(claim)s: %(note)s", claim=the_claim, note=("del", body))


def _evidence(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    url = ("url", after.get("url"))
    if after.get("stance") == "supports":
        return _("added evidence that supports %(claim)s: %(url)s", claim=the_claim, url=url)
    return _("added evidence that contradicts %(claim)s: %(url)s", claim=the_claim, url=url)


def _evidence_deleted(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "removed evidence from %(claim)s: %(url)s", claim=the_claim, url=("del", before.get("url"))
    )


def _split(entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say) -> list[Part]:
    position = entry.get("position")
    second = (after.get("second") or {}).get("text") or ""
    at = ("quote", second.split()[0] if second.split() else "")
    if isinstance(position, int):
        return _(
            "split %(claim)s at %(word)s into claims %(first)s and %(second)s",
            claim=the_claim,
            word=at,
            first=position,
            second=position + 1,
        )
    return _("split %(claim)s at %(word)s into claims two", claim=the_claim, word=at)


def _merge(entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say) -> list[Part]:
    changes = _word_changes(before.get("text"), after.get("text"))
    notes, evidence = after.get("moved_notes") or 0, after.get("moved_evidence") or 0
    merged = _(
        "merged %(claim)s with the claim after it: %(changes)s", claim=the_claim, changes=changes
    )
    if not (notes or evidence):
        return merged
    return _(
        "%(merged)s; %(notes)s and %(evidence)s moved with it",
        merged=merged,
        notes=_("%(count)s note", count=notes) if notes == 1 else _("%(count)s notes", count=notes),
        evidence=(
            _("%(count)s evidence link", count=evidence)
            if evidence == 1
            else _("%(count)s evidence links", count=evidence)
        ),
    )


def _boundaries(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "changed where %(claim)s starts and ends: %(changes)s",
        claim=the_claim,
        changes=_word_changes(before.get("text"), after.get("text")),
    )


def _added(entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say) -> list[Part]:
    return _("added %(claim)s: %(text)s", claim=the_claim, text=("quote", after.get("text")))


def _source(value: dict[str, Any], _: _Say) -> list[Part]:
    kind = value.get("kind") or "none"
    if kind == "none" or not value.get("text"):
        return _("none")
    return _(
        "%(source)s (%(kind)s)",
        source=("quote", value.get("text")),
        kind=_.word(KIND_WORDS[kind]) if kind in KIND_WORDS else kind,
    )


def _attribution(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "set the source of %(claim)s to %(source)s, was %(was)s",
        claim=the_claim,
        source=_source(after, _),
        was=_source(before, _),
    )


def _attribution_confirmed(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "confirmed the source of %(claim)s: %(source)s", claim=the_claim, source=_source(after, _)
    )


def _changed_in_version(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "version %(version)s changed the passage of %(claim)s: %(changes)s",
        version=after.get("version"),
        claim=the_claim,
        changes=_word_changes(before.get("text"), after.get("text")),
    )


def _removed_in_version(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "version %(version)s no longer has the passage of %(claim)s (kept, hidden): %(text)s",
        version=after.get("version"),
        claim=the_claim,
        text=("del", before.get("text")),
    )


def _new_in_version(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "version %(version)s added %(claim)s: %(text)s",
        version=after.get("version"),
        claim=the_claim,
        text=("quote", after.get("text")),
    )


def _changed_since_decided(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    state = before.get("decision_state")
    places = {
        "version": after.get("version"),
        "claim": the_claim,
        "status": ("status", after.get("status")),
        "was": ("status", before.get("status")),
    }
    if state == "proposed":
        return _(
            "version %(version)s changed what %(claim)s says, so its decision no longer "
            "holds: set to %(status)s, was %(was)s (proposed)",
            **places,
        )
    if state == "approved":
        return _(
            "version %(version)s changed what %(claim)s says, so its decision no longer "
            "holds: set to %(status)s, was %(was)s (approved)",
            **places,
        )
    return _(
        "version %(version)s changed what %(claim)s says, so its decision no longer holds: "
        "set to %(status)s, was %(was)s",
        **places,
    )


def _assign(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    if after.get("via") == "mention":
        return _(
            "assigned %(claim)s to %(assignee)s (mentioned in a note)",
            claim=the_claim,
            assignee=after.get("assignee"),
        )
    return _("assigned %(claim)s to %(assignee)s", claim=the_claim, assignee=after.get("assignee"))


def _approve(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "approved %(status)s for %(claim)s", status=("status", after.get("status")), claim=the_claim
    )


def _return(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "returned the proposed %(status)s on %(claim)s: %(note)s",
        status=("status", before.get("status")),
        claim=the_claim,
        note=("quote", after.get("note")),
    )


def _blind_decision(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    status = ("status", after.get("status"))
    if after.get("note"):
        return _(
            "decided %(claim)s %(status)s in the blind review: %(note)s",
            claim=the_claim,
            status=status,
            note=("quote", after["note"]),
        )
    return _("decided %(claim)s %(status)s in the blind review", claim=the_claim, status=status)


def _adjudicate(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    return _(
        "adjudicated %(claim)s: %(status)s — %(note)s",
        claim=the_claim,
        status=("status", after.get("status")),
        note=("quote", after.get("note")),
    )


def _generic(
    entry: Entry, before: Entry, after: Entry, the_claim: list[Part], _: _Say
) -> list[Part]:
    # An action this module does not know yet reads as its name, never as raw JSON.
    if entry.get("claim_id"):
        return _("%(action)s on %(claim)s", action=str(entry["action"]), claim=the_claim)
    return [("text", str(entry["action"]))]


def article_event(entry: dict[str, Any], gettext: Gettext = _unchanged) -> list[Part]:
    """Sentences for changes to the whole article (no claim), said through `gettext`."""
    _ = _Say(gettext)
    action = entry["action"]
    if action == "import":
        if entry.get("after"):
            return _("imported the article (%(what)s)", what=entry["after"])
        return _("imported the article (no claims)")
    if action == "article deleted":
        return _("deleted the article (its claims, notes and history are kept)")
    if action == "new version":
        return _("imported a new version of the article (%(what)s)", what=entry.get("after") or "")
    if action == "article restored":
        return _("restored the article")
    after = _as_dict(_decoded(entry.get("after")))
    if action == "blind review started":
        names = ", ".join(after.get("reviewers", []))
        return _("started a blind double review by %(names)s", names=names)
    if action == "blind review revealed":
        return _("every blind reviewer was done: their decisions are revealed")
    if action == "language":
        before_code, _arrow, after_code = str(entry.get("after") or "").partition(" -> ")
        return _(
            "said the article is in %(language)s, not %(was)s: its sources were read again",
            language=gettext(languages.language(after_code).name),
            was=gettext(languages.language(before_code).name),
        )
    if action == "approval setting":
        return _(
            "set “decisions need approval” to %(choice)s for this article",
            choice=after.get("needs_approval"),
        )
    return [("text", str(action))]


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


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
    "evidence": _evidence,
    "evidence deleted": _evidence_deleted,
    "split": _split,
    "merge": _merge,
    "boundaries": _boundaries,
    "added": _added,
    "attribution": _attribution,
    "attribution confirmed": _attribution_confirmed,
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


# Changes whose sentence names only the claim.
_CLAIM_ONLY = {
    "note purged": N_("purged the text of a note on %(claim)s"),
    "created by split": N_("created %(claim)s by splitting the claim before it"),
    "merged into": N_("merged %(claim)s into the claim before it"),
    "not a claim": N_("marked %(claim)s “not a claim”"),
    "restored": N_("restored %(claim)s as a claim"),
    "attribution unconfirmed": N_("took back the confirmation of the source of %(claim)s"),
}

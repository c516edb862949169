"""The sentences the attribution rules leave open, and what the parse says about them.

Two kinds of gap (issue 11): a sentence with a report verb whose source the rules did
not find ("parse"), and a source whose kind the rules only guessed, a name without a cue
("entity"). Both are parsed in one nlp.pipe batch; the rules' answer stands everywhere
else, since letting the parser override them did worse on unseen text.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import parsed_sources, report_verbs, spacy_model
from .source_record import Attribution

# Any form of a lexicon verb, nouns-alike included ("a report", "the state"): the parse
# decides whether it is a verb, so only sentences with one are worth parsing.
_ANY_REPORT_FORM = re.compile(
    r"(?<![\w’'-])(?:"
    + "|".join(
        re.escape(form).replace(r"\ ", r"\s+")
        for form in sorted(report_verbs.LEMMA_OF, key=len, reverse=True)
    )
    + r")\b"
)
_PERSON_NOUN_KINDS = {"person": "anonymous", "organization": "organization", "document": "document"}


@dataclass(frozen=True)
class Gap:
    """A sentence for the model: what to ask, and the back-references known at that point."""

    index: int
    kind: str  # "parse" or "entity"
    person: object = None  # Attribution of the latest subject person, for "he"/"she"
    plural: object = None  # ... of the latest plural source, for "they"
    thing: object = None  # ... of the latest organisation or document, for "it"


def gap_of(sentence: Any, source: Any, index: int) -> Gap | None:
    """The gap a sentence leaves after the rules, or None when they settled it."""
    if source is not None:
        return Gap(index, "entity") if source.uncertain else None
    if _ANY_REPORT_FORM.search(sentence.narration) is None:
        return None
    memory = sentence.memory
    person = memory.subject or memory.person
    return Gap(
        index,
        "parse",
        *(
            remembered.attribution if remembered else None
            for remembered in (person, memory.plural, memory.thing)
        ),
    )


def fill(
    text: str,
    narration: str,
    spans: list[Any],
    own: list[Any],
    mentions: list[Any],
    gaps: list[Gap],
    classify: Callable[[str], tuple[str, bool] | None],
) -> None:
    """Fill `own` (one Attribution or None per span) where the parse finds a source.

    `classify(word)` gives (category, is_plural) for a source head noun, or None.
    """
    docs = spacy_model.parse([text[spans[gap.index].start : spans[gap.index].end] for gap in gaps])
    for gap, doc in zip(gaps, docs, strict=True):
        base = spans[gap.index].start

        def quoted(offset: int, base: int = base) -> bool:
            return narration[base + offset] == "\x00"

        if gap.kind == "entity":
            own[gap.index] = _typed(own[gap.index], doc, base)
            continue
        subjects = parsed_sources.report_subjects(doc, quoted)
        found = [_attribution(subject, gap, doc, base, classify) for subject in subjects]
        found = [source for source in found if source is not None]
        if found:
            own[gap.index] = found[0]
            mentions[gap.index].extend(found[1:])


def _typed(source, doc, base):
    """A name's kind from the entity recogniser, when it has one for that span."""
    label = parsed_sources.entity_label(doc, source.start - base, source.end - base)
    if label in parsed_sources.PERSON_LABELS:
        return dataclasses.replace(source, kind="named_person", method="entity")
    if label in parsed_sources.ORGANIZATION_LABELS:
        return dataclasses.replace(source, kind="organization", method="entity")
    return source


def _attribution(subject, gap, doc, base, classify):
    """The Attribution a parsed subject stands for, or None when it names no source."""
    if subject.pronoun:
        known = {"he": gap.person, "she": gap.person, "they": gap.plural, "it": gap.thing}.get(
            subject.head
        )
        if known is not None:
            return dataclasses.replace(known, method="back-reference", medium=None)
        return None
    kind = _kind(subject, classify)
    if kind is None or not _attributes(subject, kind):
        return None
    text = doc.text[subject.start : subject.end]
    return Attribution(text, kind, base + subject.start, base + subject.end, method="parse")


def _kind(subject, classify):
    if subject.entity in parsed_sources.PERSON_LABELS:
        return "named_person"
    if subject.entity in parsed_sources.ORGANIZATION_LABELS:
        return "organization"
    category = classify(subject.head)
    if category is None:
        return None
    noun_kind, plural = category
    if noun_kind == "organization" and plural and not subject.proper:
        return "anonymous"  # "aid groups": unnamed groups of people
    return _PERSON_NOUN_KINDS[noun_kind]


def _attributes(subject, kind):
    """Verbs of finding and recommending need a document subject or a clause after them."""
    lemma = subject.lemma
    if lemma in report_verbs.SPEECH:
        return True
    return kind == "document" or subject.clause

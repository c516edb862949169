"""A parsed sentence -> who its report verbs name as the source, and the types of its names.

Reads spaCy Docs (tags, dependencies, entities) but never imports spaCy: the model is
loaded by spacy_model, and only for the sentences the rules could not settle (issue 11).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import report_verbs

# Entity labels of the OntoNotes scheme en_core_web_sm uses, by source kind.
PERSON_LABELS = frozenset({"PERSON"})
ORGANIZATION_LABELS = frozenset({"ORG", "GPE", "NORP"})
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
# Dependants that belong to a source's noun phrase after its head ("Critics of the bill",
# "an official at the ministry"); relative clauses and appositives do not.
_PHRASE_TAIL = frozenset({"prep", "pobj", "compound", "amod", "nummod", "poss", "case"})


@dataclass(frozen=True)
class ParsedSubject:
    """The source of one report verb in a parse: offsets are the sentence's own."""

    start: int
    end: int
    head: str  # the head word, lower case
    entity: str  # the entity label over the head ("PERSON", "ORG", ...), or ""
    pronoun: bool
    plural: bool
    proper: bool
    lemma: str  # the report verb's lemma
    clause: bool  # the verb has a that-clause or a quotation after it


def report_subjects(doc: Any, quoted: Callable[[int], bool]) -> list[ParsedSubject]:
    """The subject of every report verb outside quotations, in order.

    `quoted(offset)` is True for a character offset inside a quotation.
    """
    found = []
    for token in doc:
        if not token.tag_.startswith("VB") or quoted(token.idx):
            continue
        lemma = _lemma(token)
        if lemma is None or any(child.dep_ == "neg" for child in token.children):
            continue  # "the agency did not say who ...": no claim is attributed
        subject = _subject(token)
        if subject is not None:
            found.append(_describe(subject, lemma, _has_clause(token, quoted)))
    return found


def entity_label(doc: Any, start: int, end: int) -> str:
    """The label of the entity overlapping doc text [start, end), or ""."""
    for entity in doc.ents:
        if entity.start_char < end and start < entity.end_char:
            return entity.label_
    return ""


def _lemma(verb):
    """The lexicon lemma of a verb token, phrasal particle included ("points out")."""
    particles = [child.text.lower() for child in verb.children if child.dep_ == "prt"]
    for particle in particles:
        lemma = report_verbs.lemma_of(f"{verb.text} {particle}")
        if lemma is not None:
            return lemma
    return report_verbs.lemma_of(verb.text)


def _subject(verb, depth=0):
    """The token heading the verb's source: its subject, a passive's agent, or shared."""
    children = list(verb.children)
    if any(child.dep_ in ("nsubjpass", "auxpass") for child in children):
        agents = [
            grand
            for child in children
            if child.dep_ == "agent"
            for grand in child.children
            if grand.dep_ == "pobj"
        ]
        return agents[0] if agents else None
    for child in children:
        if child.dep_ == "nsubj":
            return child
    # "He declined, saying ..." and "He called it a patch and said ...": the head's subject.
    if verb.dep_ in ("conj", "advcl", "xcomp") and depth < 3 and verb.head is not verb:
        return _subject(verb.head, depth + 1)
    # "a report that found ...": the noun the relative clause belongs to.
    if verb.dep_ == "relcl":
        return verb.head
    return None


def _describe(head, lemma, clause):
    """The noun phrase around `head` as a ParsedSubject."""
    named = _appositive_name(head) or head
    entity = named.ent_type_ if named.ent_type_ else ""
    if entity and named.ent_iob_ != "O":
        span = next(ent for ent in named.doc.ents if ent.start <= named.i < ent.end)
        start, end = span.start_char, span.end_char
    else:
        start, end = _phrase_bounds(named)
    return ParsedSubject(
        start=start,
        end=end,
        head=named.text.lower(),
        entity=entity,
        pronoun=named.tag_ == "PRP" and named.text.lower() in PRONOUNS,
        plural=named.tag_ in ("NNS", "NNPS") or named.text.lower() == "they",
        proper=named.tag_ in ("NNP", "NNPS"),
        lemma=lemma,
        clause=clause,
    )


def _appositive_name(head):
    """ "a witness, Sergeant Jane Doe": the person named in apposition to a role."""
    for child in head.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            return child
    return None


def _phrase_bounds(head):
    """Character bounds of the head's noun phrase: its left edge to its restrictive tail."""
    start = head.left_edge.idx
    last = head
    for child in head.rights:
        if child.dep_ not in _PHRASE_TAIL or _comma_between(head, child):
            break
        last = child.right_edge
    return start, last.idx + len(last.text)


def _comma_between(head, child):
    return any(token.text == "," for token in head.doc[head.i + 1 : child.i])


def _has_clause(verb, quoted):
    """True when a that-clause, a clausal complement or a quotation follows the verb."""
    for child in verb.rights:
        if child.dep_ in ("ccomp", "xcomp") and child.i > verb.i:
            return True
        if quoted(child.idx):
            return True
    return False

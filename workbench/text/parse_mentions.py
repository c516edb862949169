"""A parsed sentence -> the phrases its cues name as the source, from the dependency parse.

Reads spaCy Docs (tags, dependencies, entities) but never imports spaCy. A cue is a report
or cognition verb of the lexicon (its subject, or a passive's agent), "according to X",
"per X", "citing X", "X quoted Y as saying", or a speaker before a colon that opens a
quotation (`Prosecutor Jane Doe: "..."`). Nothing inside a quotation is a cue: what a
speaker says names no source for the sentence.

Each mention keeps its head token; what kind of source it is (a person, an organisation,
a pronoun to resolve) is decided later, with what the article said before
(source_kinds.py and discourse.py).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import report_verbs, source_lexicon

# Dependants that belong to a source's noun phrase after its head ("Critics of the bill",
# "an official at the ministry"); relative clauses and appositives do not.
_PHRASE_TAIL = frozenset({"prep", "pobj", "compound", "amod", "nummod", "poss", "case"})
_TAIL_PREPOSITIONS = frozenset({"of", "at", "from", "with", "for", "in", "on", "familiar"})
_CLAUSES = frozenset({"ccomp", "xcomp", "parataxis", "advcl"})
_SUBJECTS = frozenset({"nsubj", "csubj", "expl"})


@dataclass(frozen=True)
class Mention:
    """One phrase a cue names: offsets are the sentence's own (doc character offsets)."""

    head: Any  # the spaCy token heading the phrase
    start: int
    end: int
    cue: str  # "verb", "agent", "according", "per", "citing", "as saying", "colon"
    lemma: str  # the verb's lexicon lemma, or the cue words
    depth: int  # clauses between the cue and the sentence's root (0: the main clause)
    clause: bool  # the cue has a clause or a quotation after it
    medium: "Mention | None" = None
    opens_quote: bool = False  # a quotation follows the cue at once ("stating: '...'")
    verb: Any = None  # the cue's verb, when it is one


def source_mentions(doc: Any, quoted: Callable[[int], bool]) -> list[Mention]:
    """Every source mention of a parsed sentence, the likeliest first.

    `quoted(offset)` is True for a character offset inside a quotation. Mentions from
    verbs come first, the verb nearest the root first ("A said B testified": A); a
    mention by "according to" or "citing" is the medium of the verb's, or stands alone.
    """
    verbs: list[Mention] = []
    others: list[Mention] = []
    for token in doc:
        if quoted(token.idx):
            continue
        lower = token.lower_
        if lower == "according" and _next_lower(token) == "to":
            others.extend(_object_mentions(token.nbor(1), "according", quoted))
        elif lower in ("citing", "quoting") and token.dep_ in ("advcl", "xcomp", "prep", "pcomp"):
            others.extend(_citing(token, quoted))
        elif token.tag_.startswith("VB"):
            found = _verb_mention(token, quoted)
            if found is not None:
                verbs.append(found)
        elif lower == "according" and _next_lower(token) == "to":
            others.extend(_object_mentions(token.nbor(1), "according", quoted))
        elif lower == "per" and token.dep_ == "prep":
            others.extend(_object_mentions(token, "per", quoted))
        elif lower in ("citing", "quoting"):
            others.extend(_citing(token, quoted))
    # The outermost report first ("A said B testified": A); at one depth, the one that
    # reports a clause ("NIU announced the closure ... and officials confirmed that ...").
    # The verb that opens a quotation names its speaker first, whatever comes before it
    # ("It quoted critics ..., with Boswell stating: '...'").
    # A verb inside what another reports ("he said the army would respond '...'") is
    # part of what was said, however it opens a quotation.
    reporters = {mention.verb.i for mention in verbs if mention.verb is not None}
    verbs.sort(
        key=lambda mention: (
            not (
                mention.opens_quote
                and not (mention.verb is not None and _in_reported_clause(mention.verb, reporters))
            ),
            mention.depth,
            not mention.clause,
            mention.head.i,
        )
    )
    verbs = [mention for mention in verbs if not _reported_by_unknown(mention, doc, quoted)]
    citing = [mention for mention in others if mention.cue == "citing"]
    according = [mention for mention in others if mention.cue in ("according", "per")]
    if verbs and citing:
        # "State television said, citing a military source": the source is the originator.
        first = citing[0]
        return [_with_medium(first, verbs[0]), *verbs[1:], *according]
    if verbs and according and verbs[0].lemma in report_verbs.SPEECH:
        return [_with_medium(verbs[0], according[0]), *verbs[1:], *according]
    if citing and according:
        # "According to Yonhap, quoting KCNA": KCNA, relayed by Yonhap.
        return [_with_medium(citing[0], according[0]), *according]
    colon = _colon_speaker(doc, quoted) if not verbs else None
    return [*according, *citing, *verbs, *([colon] if colon else [])]


def _in_reported_clause(verb: Any, reporters: set[int]) -> bool:
    """Whether `verb` lies in the clause complement of another reporting verb."""
    child = verb
    while child.head.i != child.i:
        if child.head.i in reporters and child.dep_ == "ccomp":
            return True
        child = child.head
    return False


def _reported_by_unknown(mention: Mention, doc: Any, quoted: Callable[[int], bool]) -> bool:
    """True when the mention's verb sits inside what another verb of saying reports, and
    that outer verb has no source the parse can see ("Tom Molomby, SC, said that ...
    they believed": "they" only believed what the unseen speaker said)."""
    token = mention.verb
    while token is not None and token.head.i != token.i:
        parent = token.head
        if token.dep_ in ("ccomp", "parataxis") and parent.tag_.startswith("VB"):
            lemma = _lemma(parent)
            if lemma in report_verbs.SPEECH and subject_of(parent)[0] is None:
                return True
        token = parent
    return False


def _with_medium(mention: Mention, medium: Mention) -> Mention:
    return dataclasses.replace(mention, medium=medium)


def _next_lower(token: Any) -> str:
    return token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""


def _verb_mention(verb: Any, quoted: Callable[[int], bool]) -> Mention | None:
    """The source a lexicon verb names, or None (not a cue here, or no source)."""
    lemma = _lemma(verb)
    children = list(verb.children)
    if lemma is None or any(child.dep_ == "neg" for child in children):
        return None  # "the agency did not say who ...": no claim is attributed
    if verb.dep_ in ("amod", "acl") and verb.tag_ == "VBN":
        return None  # "the reported death", "a man called Jones"
    if any(child.dep_ == "aux" and child.lower_ == "to" for child in children):
        return None  # "to say", "expected to announce": nothing said yet
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as":
        return None  # "quotes X as saying": the verb "quotes" names X
    if lemma == "claim" and any(
        child.dep_ == "dobj" and child.lower_ in report_verbs.ACTION_OBJECTS for child in children
    ):
        return None  # "claimed responsibility", "claimed ten lives"
    if lemma == "quote":
        quoted_as = _quoted_as_saying(verb, quoted)
        if quoted_as is not None:
            return quoted_as
    clause = _has_clause(verb, quoted)
    if lemma in report_verbs.QUOTING:
        if not _quote_in_subtree(verb, quoted):
            return None  # "called" counts only for a quotation: X called the plan "reckless"
        clause = True
    head, cue = subject_of(verb)
    if head is None or any(child.lower_ in ("no", "neither") for child in head.children):
        return None  # "no party has claimed ..."
    if not clause and not (
        lemma in report_verbs.BARE_SPEECH
        or (lemma in report_verbs.EVIDENCE and _names_a_text(head))
        or _voices_an_opinion(verb)
    ):
        # "police found a body" and "riot police responded by spraying" report nothing;
        # "the study found a link", "X denied involvement", "many voiced concerns" do.
        return None
    start, end = phrase_bounds(head)
    depth = _depth(verb)
    if verb.dep_ == "parataxis" and lemma in report_verbs.SPEECH:
        depth = -1  # "Prosecutors, he said, had always thought ...": he says all of it
    return Mention(
        head, start, end, cue, lemma, depth, clause, None, _opens_quote(verb, quoted), verb
    )


def _opens_quote(verb: Any, quoted: Callable[[int], bool]) -> bool:
    """True when a quotation starts right after the verb (after a colon or a comma)."""
    doc = verb.doc
    for index in range(verb.i + 1, min(verb.i + 3, len(doc))):
        if quoted(doc[index].idx):
            return True
        if doc[index].text not in (":", ","):
            return False
    return False


def _quoted_as_saying(verb: Any, quoted: Callable[[int], bool]) -> Mention | None:
    """ "The website quotes Jane Doe as saying ...": Jane Doe, relayed by the website."""
    quoted_person = next((c for c in verb.children if c.dep_ == "dobj"), None)
    as_saying = any(
        child.lower_ == "as" and any(g.lower_ in ("saying", "telling") for g in child.subtree)
        for child in verb.children
    )
    if quoted_person is None or not as_saying:
        return None
    start, end = phrase_bounds(quoted_person)
    medium_head = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    medium = None
    if medium_head is not None:
        medium_start, medium_end = phrase_bounds(medium_head)
        medium = Mention(medium_head, medium_start, medium_end, "verb", "quote", 0, True)
    return Mention(quoted_person, start, end, "as saying", "quote", 0, True, medium)


def _quote_in_subtree(verb: Any, quoted: Callable[[int], bool]) -> bool:
    """True when a quotation is what the verb reports: "described it as a "daily torture"",
    "called the plan "reckless"" (in the words after the verb, or right around it)."""
    if _introduces_quote(verb, quoted):
        return True
    return any(quoted(token.idx) for token in verb.subtree if token.i > verb.i)


def _voices_an_opinion(verb: Any) -> bool:
    return _lemma(verb) in report_verbs.OPINION_VERBS and any(
        child.dep_ == "dobj" and child.lower_ in report_verbs.OPINION_OBJECTS
        for child in verb.children
    )


def _names_a_text(head: Any) -> bool:
    """True for a document noun ("the study", "a new report"): its findings are claims."""
    category = source_lexicon.noun_category(head.text)
    return category is not None and category.category == "document"


def _lemma(verb: Any) -> str | None:
    """The lexicon lemma of a verb token, phrasal particle included ("points out")."""
    if verb.lower_ not in report_verbs.FIRST_WORDS:
        return None
    for child in verb.children:
        if child.dep_ == "prt":
            lemma = report_verbs.lemma_of(f"{verb.text} {child.text}")
            if lemma is not None:
                return lemma
    return report_verbs.lemma_of(verb.text)


def subject_of(verb: Any, depth: int = 0) -> tuple[Any, str]:
    """(the token heading the verb's source, how it was found) or (None, "")."""
    children = list(verb.children)
    if any(child.dep_ in ("nsubjpass", "auxpass") for child in children):
        for child in children:
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand, "agent"
        return None, ""  # "has been criticised": no source (annotation guide C11)
    for child in children:
        if child.dep_ in _SUBJECTS and child.dep_ != "expl":
            if child.lower_ in ("that", "which", "who") and verb.dep_ == "relcl":
                return verb.head, "verb"  # "a report that found ...": the noun before
            return child, "verb"
    # "Says one Zanon worker, ...": an inverted subject parsed as an object, only at the
    # start of a sentence or right after a quotation ("'...,' says X").
    if _inverted(verb):
        for child in children:
            if child.dep_ in ("dobj", "attr") and child.i > verb.i and child.tag_ != "PRP":
                return child, "verb"
    # "He declined, saying ..." and "He called it a patch and said ...": the head's subject.
    if verb.dep_ in ("conj", "advcl", "xcomp", "pcomp") and depth < 3 and verb.head.i != verb.i:
        head = verb.head
        if head.dep_ == "prep" and head.head.i != head.i:
            head = head.head  # "followed this by saying": the verb the preposition hangs on
        return subject_of(head, depth + 1)
    if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
        return verb.head, "verb"  # "a statement saying ...": the statement
    return None, ""


def _inverted(verb: Any) -> bool:
    if verb.tag_ not in ("VBZ", "VBD", "VBP") or _lemma(verb) in ("tell", "inform"):
        return False
    before = [token for token in verb.doc[: verb.i] if not token.is_space]
    return not before or all(token.is_punct for token in before[-2:])


def _depth(verb: Any) -> int:
    """Clauses between the verb and the root: "A said B testified": said 0, testified 1."""
    depth = 0
    token = verb
    while token.head.i != token.i and depth < 10:
        if token.dep_ in _CLAUSES or token.dep_ in ("relcl", "acl"):
            depth += 1
        token = token.head
    return depth


def _has_clause(verb: Any, quoted: Callable[[int], bool]) -> bool:
    """True when a clause or a quotation is what the verb reports.

    A complement clause after it ("said that ..."), a quotation right after it, a main
    clause it is attached to ("..., he said": the verb is the root and the quote its
    complement), or a colon then a quotation.
    """
    for child in verb.children:
        # Not an infinitive ("agreed to resume", "vowed to fight"): an intention is no
        # claim; but "claimed to have spoken to them" is one.
        if child.dep_ in ("ccomp", "parataxis"):
            return True
        if child.dep_ == "xcomp" and _lemma(verb) in report_verbs.ASSERTING_INFINITIVE:
            return True
        # "characterized homeopathy as quackery": a judgement.
        if (
            child.dep_ == "prep"
            and child.lower_ == "as"
            and _lemma(verb) in report_verbs.AS_PREDICATE
            and any(grand.dep_ == "pobj" for grand in child.children)
        ):
            return True
        # "considered war inevitable", "deemed it unsafe": a small clause.
        if _lemma(verb) in report_verbs.SMALL_CLAUSE and (
            child.dep_ == "oprd"
            or (child.dep_ == "xcomp" and child.tag_ in ("JJ", "NN", "NNS") and child.i > verb.i)
        ):
            return True
        if child.dep_ == "dobj" and quoted(child.idx):
            return True
    if verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i:
        return True
    return _introduces_quote(verb, quoted)


def _introduces_quote(verb: Any, quoted: Callable[[int], bool]) -> bool:
    """True when a quotation follows the verb (after a colon or comma) or ends just
    before it ("'...,' said X")."""
    doc = verb.doc
    for step in (1, 2, 3):
        after = verb.i + step
        if after < len(doc) and quoted(doc[after].idx):
            return True
        if after < len(doc) and not doc[after].is_punct and doc[after].dep_ not in ("prt", "prep"):
            break
    for step in (1, 2, 3, 4, 5, 6):
        before = verb.i - step
        if before < 0:
            break
        if quoted(doc[before].idx):
            return True
    return False


def _object_mentions(preposition: Any, cue: str, quoted: Callable[[int], bool]) -> list[Mention]:
    """The object of "according to" or "per": who the sentence is according to."""
    found = []
    for child in preposition.children:
        if child.dep_ == "pobj" and not quoted(child.idx):
            start, end = phrase_bounds(child)
            found.append(Mention(child, start, end, cue, cue, 0, True))
    return found


def _citing(token: Any, quoted: Callable[[int], bool]) -> list[Mention]:
    """ "citing X": X is the originator of what the sentence reports."""
    for child in token.children:
        if child.dep_ in ("dobj", "pobj") and not quoted(child.idx):
            start, end = phrase_bounds(child)
            return [Mention(child, start, end, "citing", "cite", 0, True)]
    return []


def _colon_speaker(doc: Any, quoted: Callable[[int], bool]) -> Mention | None:
    """`Prosecutor Jane Doe: "..."` or `The statement read: "..."`: the phrase before a
    colon that opens a quotation, when it opens the sentence."""
    for token in doc:
        if token.text != ":" or token.i + 1 >= len(doc):
            continue
        following = doc[token.i + 1]
        if not quoted(following.idx):
            continue
        if token.i == 0:
            return None
        last = doc[token.i - 1]
        head = last
        while head.head.i != head.i and head.head.i < token.i and head.dep_ in ("compound", "flat"):
            head = head.head
        if head.tag_.startswith("VB"):
            return None  # a verb before the colon is a cue of its own ("He added:")
        start, end = phrase_bounds(head)
        if doc[: head.left_edge.i].text.strip():
            return None  # the phrase must open the sentence
        return Mention(head, start, min(end, token.idx), "colon", "colon", 0, True)
    return None


def phrase_bounds(head: Any) -> tuple[int, int]:
    """Character bounds of the head's noun phrase: its left edge to its restrictive tail
    ("people familiar with the matter"), without a relative clause, an appositive or
    anything after a comma."""
    left = head.left_edge
    doc = head.doc
    # A phrase never starts with punctuation or a quotation mark.
    while left.i < head.i and (left.is_punct or left.dep_ in ("cc", "punct")):
        left = doc[left.i + 1]
    last = head
    for child in head.rights:
        if child.dep_ not in _PHRASE_TAIL or _comma_between(head, child):
            break
        if child.dep_ == "prep" and child.lower_ not in _TAIL_PREPOSITIONS:
            break
        last = _last_token_of(child)
    return left.idx, last.idx + len(last.text)


def _last_token_of(token: Any) -> Any:
    last = token.right_edge
    doc = token.doc
    # Stop before a comma or a relative clause inside the tail.
    for index in range(token.i, last.i + 1):
        if doc[index].text in (",", "(", ";", ":") or doc[index].dep_ == "relcl":
            return doc[index - 1]
    return last


def _comma_between(head: Any, child: Any) -> bool:
    return any(token.text == "," for token in head.doc[head.i + 1 : child.i])

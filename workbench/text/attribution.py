"""Claims -> the source the article gives for each one: a verbatim span, its kind, and how
sure the engine is.

Pure: no Flask, no database. The article is read once, sentence by sentence, in order:

1. Quotations are found first (quotations.py), across sentences and paragraphs, with
   straight and curly marks read alike, and blanked: nothing a speaker says is a cue.
2. Parse first. Every sentence with a cue outside its quotations (a report or cognition
   verb of the lexicon, "according to", "per", "citing", a speaker before a colon) is
   parsed by spaCy's small English pipeline, and the source is read from the parse: the
   cue's subject or agent, the object of "according to" (parse_mentions.py). Its kind
   comes from its head: a pronoun by the nearest earlier speaker that agrees, a name by
   what the article said of it before, its title and the entity recogniser, a common
   noun by the lexicon (source_kinds.py, discourse.py).
3. The rules second (source_rules.py): regular expressions over the same sentences, which
   work without the model and find sources the parse misses. Where both find a source
   and agree, the source is surer; where only the rules do, theirs is used.
4. Quotations: a sentence with no source of its own that is part of a quotation takes the
   speaker of that quotation (every sentence of a multi-sentence quote, and of a quote
   continued into the next paragraph); a sentence that is wholly a quotation next to a
   speaker in its paragraph takes that speaker.

Every source has a confidence between 0 and 1. At CONFIDENT or above the reviewer sees it
as the source; below, as a suggestion to check ("probably the Interior Ministry?").
"""

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from . import parse_mentions, report_verbs, source_kinds, source_rules, spacy_model
from .discourse import Discourse, Found, gender_of
from .quotations import blank_quotations, find_quotations
from .quote_speakers import credit_quotations
from .source_record import KINDS, METHODS, Attribution
from .splitter import ClaimSpan

__all__ = ["CONFIDENT", "KINDS", "METHODS", "Attribution", "detect_attributions", "detect_sources"]

# Sources at or above this confidence are shown as the source; below it, as a suggestion.
CONFIDENT = 0.7

# Any form of a lexicon verb, nouns-alike included ("a report", "the state"): the parse
# decides whether it is a verb, so only sentences with one are worth parsing.
_WORDS = re.compile(r"[A-Za-z]+")
_OTHER_CUES = re.compile(r"(?i:\baccording\s+to\b|\bper\b|\bciting\b)|:[^\S\n]*\x00")
# Rule sources are this sure by themselves (measured like the parse's; see the README).
_RULE_CONFIDENCE = {"rule": 0.75, "back-reference": 0.7}
_UNCERTAIN_RULE = 0.5
_AGREEMENT = 0.95
_RULES_ALONE = 0.55


def detect_attributions(
    text: str, spans: list[ClaimSpan], use_model: bool | None = None
) -> list[Attribution | None]:
    """One Attribution (or None: unattributed) per claim span, in the same order."""
    return [source for source, _ in detect_sources(text, spans, use_model)]


def detect_sources(
    text: str,
    spans: list[ClaimSpan],
    use_model: bool | None = None,
    only: set[int] | None = None,
) -> list[tuple[Attribution | None, tuple[tuple[str, str, int, int], ...]]]:
    """(Attribution or None, the sentence's other candidate sources) per claim span.

    With `use_model` false (or the model absent) the rules work alone. With `only`, just
    the sentences of those indices are parsed (a correction to one claim parses that claim
    alone); the rest are read by the rules, which still follow the whole article.
    """
    quotations = find_quotations(text)
    narration = blank_quotations(text, quotations)
    readings = source_rules.read_sentences(narration, spans)
    docs = _parsed(text, narration, spans, use_model, only)
    memory = Discourse()
    own: list[Found | None] = []
    mentions: list[list[Attribution]] = []
    for index, span in enumerate(spans):
        reading = readings[index]
        doc = docs.get(index)
        # Names first: "campaigner Caitlin Boswell, with Boswell stating" is one person.
        _learn(memory, reading, doc, span, narration, index)
        excluded = _named_inside_quotes(memory, text, narration, span)
        parsed, others = _from_parse(doc, span, narration, memory, index, excluded)
        ruled = _from_rules(reading.source, memory)
        chosen = _combine(parsed, ruled, parse_ran=doc is not None)
        if chosen is None and doc is not None:
            _remember_subject(memory, doc, span.start, index)
        own.append(_remember(memory, chosen, reading, index))
        mentions.append([name.attribution for name in reading.names] + others)
    final = credit_quotations(text, narration, spans, own, quotations)
    return [_with_candidates(found, names) for found, names in zip(final, mentions, strict=True)]


# --- Parsing ------------------------------------------------------------------------------


def _parsed(
    text: str,
    narration: str,
    spans: list[ClaimSpan],
    use_model: bool | None,
    only: set[int] | None,
) -> dict[int, Any]:
    """index -> spaCy Doc, for the sentences with a cue outside their quotations."""
    if not _model_wanted(use_model):
        return {}
    wanted = [
        index
        for index, span in enumerate(spans)
        if (only is None or index in only) and _has_cue(narration[span.start : span.end])
    ]
    if not wanted:
        return {}
    docs = spacy_model.parse([text[spans[i].start : spans[i].end] for i in wanted])
    parsed = dict(zip(wanted, docs, strict=True))
    windows = []
    for index, doc in parsed.items():
        quoted = _quoted_in(narration, spans[index].start)
        mentions = parse_mentions.source_mentions(doc, quoted)
        doc.user_data["mentions"] = mentions
        windows.extend(_name_windows(doc, mentions))
    spacy_model.recognise_entities(windows)
    return parsed


def _name_windows(doc: Any, mentions: list) -> list[tuple[Any, int, int]]:
    """The token windows whose names the entity recogniser should type: each source
    phrase, with the word after it ("Harry Reid said"), merged where they overlap."""
    ranges = []
    heads = [m.head for m in mentions] + [m.medium.head for m in mentions if m.medium]
    for head in heads:
        start = max(head.left_edge.i, head.i - 6)
        end = min(head.right_edge.i, head.i + 6) + 2
        ranges.append((start, min(end, len(doc))))
    for token in doc:
        # Subjects, and full names anywhere: a later "he", "the company" or surname may
        # mean them ("campaigner Caitlin Boswell, with Boswell stating").
        if token.dep_ in ("nsubj", "nsubjpass"):
            ranges.append((max(token.left_edge.i, token.i - 4), min(token.i + 2, len(doc))))
        elif (
            token.tag_ == "NNP"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].tag_ == "NNP"
            and (token.i == 0 or doc[token.i - 1].tag_ != "NNP")
        ):
            end = token.i + 1
            while end < len(doc) and doc[end].tag_ in ("NNP", "NNPS"):
                end += 1
            ranges.append((max(0, token.i - 1), min(end + 1, len(doc))))
    # Only windows with a proper noun: a pronoun or "officials" needs no recogniser.
    ranges = [
        (start, end)
        for start, end in ranges
        if any(token.tag_ in ("NNP", "NNPS") for token in doc[start:end])
    ]
    merged: list[tuple[Any, int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][2]:
            merged[-1] = (doc, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((doc, start, end))
    return merged


def _quoted_in(narration: str, base: int) -> Callable[[int], bool]:
    def quoted(offset: int) -> bool:
        position = base + offset
        return position < len(narration) and narration[position] == "\x00"

    return quoted


def _has_cue(narration: str) -> bool:
    first_words = report_verbs.FIRST_WORDS
    if any(word.lower() in first_words for word in _WORDS.findall(narration)):
        return True
    return _OTHER_CUES.search(narration) is not None


def _model_wanted(use_model: bool | None) -> bool:
    if use_model is None:
        return spacy_model.model_available()
    return use_model and spacy_model.model_available()


def _from_parse(
    doc: Any,
    span: ClaimSpan,
    narration: str,
    memory: Discourse,
    index: int,
    excluded: set[int],
) -> tuple[Found | None, list[Attribution]]:
    """(the first source the parse finds, the other sources it names) for one sentence."""
    if doc is None:
        return None, []
    base = span.start
    found: list[Found] = []
    for mention in doc.user_data["mentions"]:
        typed = source_kinds.type_mention(mention, base, memory, index, excluded)
        if typed is not None:
            found.append(typed)
    if not found:
        return None, []
    return found[0], [other.attribution for other in found[1:]]


def _from_rules(source: Any, memory: Discourse) -> Found | None:
    """The rules' source as a Found, its name checked against what the article said."""
    if source is None:
        return None
    attribution = source.attribution
    confidence = (
        _UNCERTAIN_RULE if source.uncertain else _RULE_CONFIDENCE.get(attribution.method, 0.7)
    )
    if attribution.kind == "organization" and source.uncertain:
        known = memory.known_person(attribution.text.split())
        if known is not None:
            attribution = dataclasses.replace(attribution, kind="named_person")
            confidence = 0.8
    return Found(
        attribution,
        confidence,
        plural=source.plural,
        roles=frozenset(source.roles),
        name=attribution.text if attribution.kind == "named_person" else None,
    )


def _combine(parsed: Found | None, ruled: Found | None, parse_ran: bool) -> Found | None:
    """Parse first; the rules where the parse found nothing; surer where both agree.

    Where the parse read the sentence and found no source, the rules' is only a
    suggestion: on the development corpus half of those were wrong.
    """
    if parsed is None:
        if ruled is not None and parse_ran:
            return dataclasses.replace(ruled, confidence=min(ruled.confidence, _RULES_ALONE))
        return ruled
    if ruled is None:
        return parsed
    if _same_source(parsed.attribution, ruled.attribution):
        return dataclasses.replace(parsed, confidence=max(parsed.confidence, _AGREEMENT))
    return dataclasses.replace(parsed, confidence=round(parsed.confidence * 0.85, 3))


def _same_source(first: Attribution, second: Attribution) -> bool:
    overlap = first.start < second.end and second.start < first.end
    return first.kind == second.kind and (overlap or first.text == second.text)


# --- What the article has said so far ------------------------------------------------------


def _named_inside_quotes(memory: Discourse, text: str, narration: str, span: ClaimSpan) -> set[int]:
    """Ids of known entities named inside this sentence's quotations: never its speaker."""
    quoted = "".join(
        char if blank == "\x00" else " "
        for char, blank in zip(
            text[span.start : span.end], narration[span.start : span.end], strict=True
        )
    )
    if not quoted.strip():
        return set()
    words = set(re.findall(r"[A-Z][\w’'-]+", quoted))
    return {id(entity) for word, entity in memory.person_by_word.items() if word in words}


def _learn(
    memory: Discourse, reading: Any, doc: Any, span: ClaimSpan, narration: str, index: int
) -> None:
    """Remember the people and organisations a sentence names outside its quotations."""
    for name in reading.names:
        attribution = name.attribution
        if attribution.kind == "named_person":
            memory.person(
                attribution.text,
                attribution.start,
                attribution.end,
                index,
                roles=set(name.roles),
                gender=gender_of(set(name.roles) | set(attribution.text.split())),
                sure=not name.uncertain and bool(name.roles),
            )
        elif attribution.kind == "organization":
            memory.organization(attribution.text, attribution.start, attribution.end, index)
    if doc is None:
        return
    for entity in doc.ents:
        start = span.start + entity.start_char
        if narration[start] == "\x00":
            continue
        if entity.label_ == "PERSON" and len(entity) > 1:
            tokens = source_kinds.name_tokens(entity.root)
            titles = {t.lower_.rstrip(".") for t in tokens if t.text in _TITLES}
            name = [t for t in tokens if t.text not in _TITLES] or tokens
            if memory.known_organization([t.text for t in name]) is not None:
                continue
            memory.person(
                doc.text[name[0].idx : name[-1].idx + len(name[-1].text)],
                span.start + name[0].idx,
                span.start + name[-1].idx + len(name[-1].text),
                index,
                roles=titles,
                gender=gender_of(titles),
            )


_TITLES = source_kinds.source_lexicon.TITLES


def _remember(memory: Discourse, found: Found | None, reading: Any, index: int) -> Found | None:
    """Record the sentence's source as its speaker, for later back-references; the
    source comes back with the entity it is."""
    opening = reading.opening
    if opening is not None:
        words = opening.attribution.text.split()
        known = (
            memory.known_person(words)
            if opening.attribution.kind == "named_person"
            else memory.known_organization(words)
        )
        if known is not None:
            memory.opened(index, known)
    if found is None:
        return None
    attribution = found.attribution
    entity = found.entity
    if (
        entity is not None
        and attribution.kind == "named_person"
        and entity.kind == attribution.kind
    ):
        # What this sentence says of a known person ("Magnani, author of ...") stays known.
        entity.roles.update(found.roles)
        entity.sure = entity.sure or bool(found.roles) or found.gender is not None
    if entity is None:
        entity = memory.remember(found, index)
    memory.documented(found, index, entity)
    memory.spoke(index, entity)
    return dataclasses.replace(found, entity=entity)


def _remember_subject(memory: Discourse, doc: Any, base: int, index: int) -> None:
    """A parsed sentence without a source: its subject, for a later "he" or "it"."""
    found, text = source_kinds.sentence_subject(doc, base, memory, index)
    if found is None:
        return
    attribution = found.attribution
    entity = found.entity if found.entity is not None else memory.remember(found, index)
    memory.opened(index, entity)
    issued = (
        attribution.medium
        if attribution.medium is not None
        else (text.attribution if text is not None else None)
    )
    if issued is not None and issued.kind == "document" and entity.kind != "document":
        # "The ministry issued a statement": a later "the statement" is the ministry's.
        document = memory.other(issued, index, False, set(text.roles if text else ()))
        document.roles.update(issued.text.lower().split()[-1:])
        document.originator = entity
        memory.opened(index, document)


# --- Candidates ---------------------------------------------------------------------------


def _with_candidates(
    found: Found | None, mentions: Sequence[Attribution], limit: int = 6
) -> tuple[Attribution | None, tuple[tuple[str, str, int, int], ...]]:
    """(the source with its confidence and candidates, the candidates): every other
    source the sentence names, for a reviewer to pick instead."""
    chosen = (found.attribution.start, found.attribution.end) if found else None
    seen = {chosen}
    candidates: list[tuple[str, str, int, int]] = []
    for mention in mentions:
        key = (mention.start, mention.end)
        if key not in seen and len(candidates) < limit:
            seen.add(key)
            candidates.append((mention.text, mention.kind, mention.start, mention.end))
    if found is None:
        return None, tuple(candidates)
    attribution = dataclasses.replace(
        found.attribution, candidates=tuple(candidates), confidence=found.confidence
    )
    return attribution, tuple(candidates)

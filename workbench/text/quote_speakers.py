"""Sentences inside a quotation take the speaker of the quotation, in any language.

Pure. A sentence with no source of its own that a quotation touches takes the source of
the sentence of the same quotation chain that names one outside the quotation (the one
after the quote's end first: "'...,' she said"); a sentence that is wholly a quotation
next to a speaker in its paragraph takes that speaker. Quoted speakers are given by their
fullest name, since the sentence itself does not name them.
"""

import dataclasses

from .discourse import Found
from .quotations import Quotation
from .splitter import ClaimSpan


def credit_quotations(
    text: str,
    narration: str,
    spans: list[ClaimSpan],
    own: list[Found | None],
    quotations: list[Quotation],
) -> list[Found | None]:
    """Give quoted sentences without a source of their own the speaker of their quote."""
    chains = _chains_of_sentences(spans, quotations)
    speaker_of_chain: dict[int, Found] = {}
    for chain, members in chains.items():
        speaker = _chain_speaker(members, own, narration, spans)
        if speaker is not None:
            speaker_of_chain[chain] = speaker
    result = list(own)
    for index, span in enumerate(spans):
        if result[index] is not None:
            continue
        touched = [chain for chain, members in chains.items() if index in members]
        speaker = next(
            (speaker_of_chain[chain] for chain in touched if chain in speaker_of_chain), None
        )
        if speaker is None and not _has_words(narration[span.start : span.end]):
            speaker = _neighbouring_speaker(text, spans, result, own, index)
        if speaker is not None:
            # The speaker by their fullest name: the sentence itself does not name them.
            entity = speaker.entity
            if entity is not None and entity.kind in ("named_person", "organization"):
                attribution = entity.attribution("quotation")
            else:
                attribution = dataclasses.replace(speaker.attribution, method="quotation")
            result[index] = dataclasses.replace(
                speaker, attribution=attribution, confidence=round(speaker.confidence * 0.95, 3)
            )
    return result


def _chains_of_sentences(
    spans: list[ClaimSpan], quotations: list[Quotation]
) -> dict[int, list[int]]:
    """chain -> the indices of the sentences its quotations touch, in order."""
    chains: dict[int, list[int]] = {}
    first = 0
    for quotation in quotations:
        while first < len(spans) and spans[first].end <= quotation.start:
            first += 1
        index = first
        while index < len(spans) and spans[index].start < quotation.end:
            members = chains.setdefault(quotation.chain, [])
            if index not in members:
                members.append(index)
            index += 1
    return chains


def _chain_speaker(
    members: list[int], own: list[Found | None], narration: str, spans: list[ClaimSpan]
) -> Found | None:
    """The speaker of a quotation chain: the source of a sentence of it that names one
    outside the quotation, the sentence after the quote's end first ("'...,' she said")."""
    if len(members) < 2 and not _touches_words(members, narration, spans):
        return None
    candidates = [members[-1], members[0], *members[1:-1]]
    for index in candidates:
        if own[index] is not None:
            return own[index]
    return None


def _touches_words(members: list[int], narration: str, spans: list[ClaimSpan]) -> bool:
    return any(_has_words(narration[spans[i].start : spans[i].end]) for i in members)


def _has_words(narration: str) -> bool:
    return any(char.isalnum() for char in narration)


def _neighbouring_speaker(
    text: str,
    spans: list[ClaimSpan],
    result: list[Found | None],
    own: list[Found | None],
    index: int,
) -> Found | None:
    """The source of the previous sentence of the paragraph, else of the next one."""
    previous = result[index - 1] if index > 0 else None
    following = own[index + 1] if index + 1 < len(spans) else None
    if previous is not None and _same_paragraph(text, spans[index - 1], spans[index]):
        return previous
    if following is not None and _same_paragraph(text, spans[index], spans[index + 1]):
        return following
    return previous or following


def _same_paragraph(text: str, before: ClaimSpan, after: ClaimSpan) -> bool:
    return "\n" not in text[before.end : after.start]

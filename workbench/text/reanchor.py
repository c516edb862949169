"""A new version of an article: where each claim of the old text sits in the new text.

Pure: takes the claims' passages in the old text, the new text and its sentences, and
returns a plan. Exact matches first (a claim's words, verbatim), then a fuzzy match with
rapidfuzz against the new sentences (one, or two in a row, for claims a reviewer merged),
then a fuzzy search near where the claim should be (for claims that are part of a
sentence). Claims matched nowhere are gone; sentences no claim covers are new.
Annotations silently re-anchoring to the wrong text is hypothesis client#7571: here a
claim is moved only when the text is the same or close enough by a measured threshold
(tests/data/reanchor_pairs.json; tests/test_reanchor.py prints precision and recall).
"""

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .splitter import ClaimSpan

# fuzz.ratio (0-100) at or above which an edited passage is the same claim. On the 96
# labelled pairs: precision 1.00, recall 0.94 at 85; 0.96/0.98 at 82 (tests/test_reanchor.py).
# Precision first: a claim moved to the wrong sentence is the bug this avoids, while a
# missed match costs only "removed" plus a new claim, with nothing lost.
SAME_CLAIM_RATIO = 85.0
# A sentence edited more heavily still takes its claim when it is the only passage gone
# between two unchanged neighbours and this alike: its place says it is the same one.
# Pairwise on the labelled pairs this threshold alone has recall 1.00 and precision 0.74;
# the place (between the same two neighbours, of a like length) is what makes it safe.
SAME_PLACE_RATIO = 60.0
# A claim searched for inside a stretch of the new text (a part of a sentence) must match
# a stretch of it at least this well, and the words found must pass SAME_CLAIM_RATIO too.
PARTIAL_RATIO = 90.0
# How far from where the claim is expected the stretch may be, beyond the claim's length.
SEARCH_MARGIN = 300


@dataclass(frozen=True)
class Passage:
    """A claim's passage in the old text."""

    claim_id: int
    start: int
    end: int
    text: str
    hidden: bool = False  # not a claim, or merged into one


@dataclass(frozen=True)
class Placement:
    """Where a claim goes in the new text, and how it was found."""

    claim_id: int
    start: int
    end: int
    text: str
    how: str  # "exact" or "fuzzy"
    score: float  # 100 for exact


@dataclass(frozen=True)
class Plan:
    """Every claim placed or removed, and the new sentences no claim covers."""

    placed: list[Placement]
    removed: list[int]
    added: list[ClaimSpan]


def plan_reanchoring(
    passages: Sequence[Passage],
    old_text: str,
    new_text: str,
    new_spans: Sequence[ClaimSpan],
) -> Plan:
    """Place each old passage in `new_text` (whose sentences are `new_spans`).

    Claims first, hidden passages after: a passage merged into a claim lies inside that
    claim, so it may overlap claims but not another hidden passage.
    """
    ordered = sorted(passages, key=lambda p: (p.start, p.end, p.claim_id))
    old_length = len(old_text)
    placed = _exact(ordered, new_text, new_spans, old_length)
    live = [p for p in ordered if not p.hidden]
    if any(p.claim_id not in placed for p in live):
        placed.update(_same_place(live, placed, old_text, new_text, new_spans))
    for group in (live, [p for p in ordered if p.hidden]):
        blockers = [placed[p.claim_id] for p in group if p.claim_id in placed]
        if group is live:
            blockers = list(placed.values())
        rest = [p for p in group if p.claim_id not in placed]
        if rest:
            found = _fuzzy_sentences(
                rest, placed, blockers, ordered, new_spans, old_length, new_text
            )
            placed.update(found)
            blockers += found.values()
            rest = [p for p in rest if p.claim_id not in placed]
        if rest:
            placed.update(_fuzzy_nearby(rest, placed, blockers, ordered, new_text, old_length))
    taken = _Intervals((p.start, p.end) for p in placed.values())
    added = [span for span in new_spans if not taken.overlaps(span.start, span.end)]
    return Plan(
        placed=[placed[p.claim_id] for p in ordered if p.claim_id in placed],
        removed=[p.claim_id for p in ordered if p.claim_id not in placed],
        added=added,
    )


def similarity(old: str, new: str) -> float:
    """How alike two passages are, 0 to 100 (rapidfuzz's normalised Indel similarity)."""
    return float(fuzz.ratio(old, new))


def _exact(
    ordered: list[Passage], new_text: str, new_spans: Sequence[ClaimSpan], old_length: int
) -> dict[int, Placement]:
    """Passages found verbatim. A text found once goes there; repeated sentences go to the
    unused occurrence nearest to where their neighbours moved."""
    sentence_starts: dict[str, list[int]] = {}
    for span in new_spans:
        sentence_starts.setdefault(span.text, []).append(span.start)
    occurrences: dict[str, list[int]] = {}
    for passage in ordered:
        if passage.text not in occurrences:
            occurrences[passage.text] = sentence_starts.get(passage.text) or _find_all(
                new_text, passage.text
            )
    groups: dict[str, list[Passage]] = {}
    for passage in ordered:
        groups.setdefault(passage.text, []).append(passage)
    placed: dict[int, Placement] = {}
    for text, group in groups.items():
        if len(group) == 1 and len(occurrences[text]) == 1:
            placed[group[0].claim_id] = _placement(group[0], occurrences[text][0], "exact", 100)
    anchors = _Anchors(placed.values(), ordered)
    for text, group in groups.items():
        if len(group) == 1 and len(occurrences[text]) == 1:
            continue
        free = list(occurrences[text])
        for passage in group:
            if not free:
                break
            expected = anchors.expected(passage.start, old_length, len(new_text))
            best = min(free, key=lambda start: abs(start - expected))
            free.remove(best)
            placed[passage.claim_id] = _placement(passage, best, "exact", 100)
    return placed


def _same_place(
    ordered: list[Passage],
    placed: dict[int, Placement],
    old_text: str,
    new_text: str,
    new_spans: Sequence[ClaimSpan],
) -> dict[int, Placement]:
    """One passage gone between two placed neighbours: it is, edited, the new sentence
    there most like it (of a like length), or, if it filled the old gap, all of the new
    gap; whichever is more alike, if at least SAME_PLACE_RATIO."""
    taken = _Intervals((p.start, p.end) for p in placed.values())
    free = [span for span in new_spans if not taken.overlaps(span.start, span.end)]
    free_starts = [span.start for span in free]
    found: dict[int, Placement] = {}
    gap: list[Passage] = []
    old_low = new_low = 0  # where the text after the last placed passage begins
    for passage in [*ordered, None]:
        if passage is not None and passage.claim_id not in placed:
            gap.append(passage)
            continue
        old_high = len(old_text) if passage is None else passage.start
        new_high = len(new_text) if passage is None else placed[passage.claim_id].start
        if len(gap) == 1 and new_low <= new_high:
            one = gap[0]
            fills = (
                not old_text[old_low : one.start].strip()
                and not old_text[one.end : old_high].strip()
            )
            first = bisect.bisect_left(free_starts, new_low)
            last = bisect.bisect_left(free_starts, new_high)
            choices = [
                (span.start, span.end)
                for span in free[first:last]
                if span.end <= new_high and _alike_in_length(one.text, span.text)
            ]
            if fills:
                choices.append(_trimmed(new_text, new_low, new_high))
            scored = [
                (similarity(one.text, new_text[start:end]), start, end)
                for start, end in choices
                if start < end
            ]
            if scored and max(scored)[0] >= SAME_PLACE_RATIO:
                score, start, end = max(scored)
                found[one.claim_id] = Placement(
                    one.claim_id, start, end, new_text[start:end], "fuzzy", score
                )
        gap = []
        if passage is not None:
            old_low = passage.end
            new_low = max(new_low, placed[passage.claim_id].end)
    return found


def _alike_in_length(old: str, new: str) -> bool:
    """Within a half of each other: a part of a sentence is not the whole one edited."""
    return 2 * len(old) <= 3 * len(new) and 2 * len(new) <= 3 * len(old)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _fuzzy_sentences(
    rest: list[Passage],
    placed: dict[int, Placement],
    blockers: list[Placement],
    ordered: list[Passage],
    new_spans: Sequence[ClaimSpan],
    old_length: int,
    new_text: str,
) -> dict[int, Placement]:
    """Edited passages: the best new sentence (or two in a row) not already taken."""
    taken = _Intervals((p.start, p.end) for p in blockers)
    free = [span for span in new_spans if not taken.overlaps(span.start, span.end)]
    candidates = [(span.start, span.end) for span in free]
    candidates += [
        (first.start, second.end)
        for first, second in zip(free, free[1:], strict=False)
        if not taken.overlaps(first.start, second.end)
    ]
    if not candidates:
        return {}
    texts = [new_text[start:end] for start, end in candidates]
    scores = process.cdist(
        [p.text for p in rest], texts, scorer=fuzz.ratio, score_cutoff=SAME_CLAIM_RATIO
    )
    anchors = _Anchors(placed.values(), ordered)
    pairs = []
    for row, passage in enumerate(rest):
        expected = anchors.expected(passage.start, old_length, len(new_text))
        for column in scores[row].nonzero()[0]:
            start = candidates[column][0]
            pairs.append((-float(scores[row][column]), abs(start - expected), row, int(column)))
    pairs.sort()
    found: dict[int, Placement] = {}
    for negative_score, _, row, column in pairs:
        passage = rest[row]
        start, end = candidates[column]
        if passage.claim_id in found or taken.overlaps(start, end):
            continue
        found[passage.claim_id] = Placement(
            passage.claim_id, start, end, new_text[start:end], "fuzzy", -negative_score
        )
        taken.add(start, end)
    return found


def _fuzzy_nearby(
    rest: list[Passage],
    placed: dict[int, Placement],
    blockers: list[Placement],
    ordered: list[Passage],
    new_text: str,
    old_length: int,
) -> dict[int, Placement]:
    """Passages that are part of a sentence: the best stretch near where they should be."""
    taken = _Intervals((p.start, p.end) for p in blockers)
    anchors = _Anchors(placed.values(), ordered)
    found: dict[int, Placement] = {}
    for passage in rest:
        expected = anchors.expected(passage.start, old_length, len(new_text))
        margin = len(passage.text) + SEARCH_MARGIN
        low, high = max(0, expected - margin), min(len(new_text), expected + margin)
        if high - low < len(passage.text) // 2:
            continue
        match = fuzz.partial_ratio_alignment(
            passage.text, new_text[low:high], score_cutoff=PARTIAL_RATIO
        )
        if match is None:
            continue
        start, end = _words_around(new_text, low + match.dest_start, low + match.dest_end)
        text = new_text[start:end]
        score = similarity(passage.text, text)
        if start >= end or score < SAME_CLAIM_RATIO or taken.overlaps(start, end):
            continue
        found[passage.claim_id] = Placement(passage.claim_id, start, end, text, "fuzzy", score)
        taken.add(start, end)
    return found


def _placement(passage: Passage, start: int, how: str, score: float) -> Placement:
    end = start + len(passage.text)
    return Placement(passage.claim_id, start, end, passage.text, how, score)


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1 and needle:
        found.append(at)
        at = text.find(needle, at + len(needle))
    return found


def _words_around(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to whole words and trimmed of surrounding white space."""
    while start > 0 and not text[start - 1].isspace() and not text[start].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end - 1].isspace():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class _Anchors:
    """Where passages already placed moved to: the expected new offset of another
    passage is its old offset shifted like its nearest placed neighbour's."""

    def __init__(self, placements: Iterable[Placement], ordered: list[Passage]) -> None:
        old_start = {p.claim_id: p.start for p in ordered}
        pairs = sorted((old_start[p.claim_id], p.start) for p in placements)
        self.old = [old for old, _ in pairs]
        self.new = [new for _, new in pairs]

    def expected(self, old_offset: int, old_length: int, new_length: int) -> int:
        if not self.old:
            return old_offset * new_length // max(1, old_length)
        index = bisect.bisect_right(self.old, old_offset) - 1
        candidates = [i for i in (index, index + 1) if 0 <= i < len(self.old)]
        nearest = min(candidates, key=lambda i: abs(self.old[i] - old_offset))
        return max(0, min(new_length, self.new[nearest] + old_offset - self.old[nearest]))


class _Intervals:
    """Half-open intervals that may not overlap new ones (kept sorted by start)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]
        self.reach = self._reach()

    def _reach(self) -> list[int]:
        """reach[i]: the furthest end among the first i + 1 intervals."""
        reach, furthest = [], -1
        for _, end in self.spans:
            furthest = max(furthest, end)
            reach.append(furthest)
        return reach

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.reach[index] > start

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self.spans, (start, end))
        self.spans.insert(index, (start, end))
        self.starts.insert(index, start)
        self.reach = self._reach()

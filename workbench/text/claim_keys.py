"""Is this claim one already checked elsewhere? Keys that find candidates, a score that
decides (pure: no database).

A claim is normalised (case, punctuation and spacing folded; numbers kept as written).
Its keys are: the normalised text (the same words), its content words as a bag (the same
words in another order), and the eight content-word pairs with the smallest hashes (a
bottom-k MinHash sketch: claims sharing most of their wording share one with high
probability). Candidates sharing a key are scored with rapidfuzz's token_sort_ratio,
after rules that string similarity alone gets wrong: claims whose numbers differ, or
whose negations differ, or where a word of one is replaced by another ("rose" for
"fell"), are never the same claim.
The threshold was measured on labelled pairs (tests/data/matching/elsewhere_pairs.json;
tests/test_claim_keys.py prints precision and recall).
"""

import hashlib
import re
import unicodedata

from rapidfuzz import fuzz

# token_sort_ratio (0-100) at or above which two claims are the same claim. On the 96
# labelled pairs: precision 1.00, recall 0.92 at 80 (0.90 at 85; token_sort_ratio alone,
# without the rules, has precision 0.55 at 80). tests/test_claim_keys.py prints them.
SAME_CLAIM_SCORE = 80.0
SKETCH_SIZE = 8
# Words one claim may add to the other ("the ministry said", "so far") and stay the same
# claim; a word replaced by another ("rose" for "fell") never is.
MAX_ADDED_WORDS = 4
# Words that turn a claim around: both claims must have as many.
_NEGATIONS = frozenset(
    "not no never none nobody nothing without outside except only refused failed denied "
    "unable nor".split()
    # Spanish: one set for every language, as a desk's articles and their matches mix them.
    + "nunca jamás ni nadie nada ningún ninguna ninguno sin tampoco negó rechazó".split()
)
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
# Words that say nothing about what is claimed: left out of the sketch and the bag.
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with as into about over after
    before than that this these those it its is are was were be been being has have had do
    does did will would can could should might must not no so such there their they
    them he she his her him we our you your i me my said says say told according also
    which who whom whose what when where while very just""".split()
    # Spanish function words and verbs of saying (none an English content word but "son"
    # and "era", which say little in a claim either way).
    + """el la los las un una unos unas y o u pero si de del al en con por para sin sobre
    entre desde hasta hacia que este esta estos estas ese esa esos esas lo su sus se le les
    es son fue fueron era eran ser sido ha han había habían muy más ya también como cuando
    donde quien cual dijo dice afirmó aseguró según""".split()
)


def normalise(text: str) -> str:
    """The claim's words, lower case, separated by single spaces (numbers as written)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def numbers(normalised: str) -> frozenset[str]:
    """The numbers a normalised claim states."""
    return frozenset(_NUMBER.findall(normalised))


def match_keys(normalised: str) -> list[int]:
    """The keys under which a claim is stored and looked up (signed 64-bit integers)."""
    words = normalised.split()
    content = [word for word in words if word not in _STOPWORDS]
    keys = {_hash("=" + normalised)}
    if content:
        keys.add(_hash("bag " + " ".join(sorted(content))))
    pairs = {f"{a} {b}" for a, b in zip(content, content[1:], strict=False)} or set(content)
    keys.update(sorted(_hash(pair) for pair in pairs)[:SKETCH_SIZE])
    return sorted(keys)


def score(normalised: str, other: str) -> float:
    """How alike two normalised claims are, 0 to 100; 0 when they say different things:
    other numbers, a negation on one side only, or a word of one replaced by another."""
    if numbers(normalised) != numbers(other) or _polarity(normalised) != _polarity(other):
        return 0.0
    mine, theirs = _unmatched(_content(normalised), _content(other))
    if (mine and theirs) or len(mine) + len(theirs) > MAX_ADDED_WORDS:
        return 0.0
    return float(fuzz.token_sort_ratio(normalised, other))


def _content(normalised: str) -> list[str]:
    return [w for w in normalised.split() if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def _unmatched(mine: list[str], theirs: list[str]) -> tuple[list[str], list[str]]:
    """The content words of each side that have no counterpart on the other ("use" and
    "used" are counterparts: one begins the other, or both begin alike for 4 letters)."""

    def matched(word: str, others: list[str]) -> bool:
        return any(
            word.startswith(o)
            or o.startswith(word)
            or _common_prefix(word, o) >= min(4, len(o) - 1)
            for o in others
            if min(len(word), len(o)) >= 3 or word == o
        )

    # Words both sides have are matched; only the few left over are tried on each other.
    mine_set, theirs_set = set(mine), set(theirs)
    only_mine = [w for w in mine if w not in theirs_set]
    only_theirs = [w for w in theirs if w not in mine_set]
    return (
        [w for w in only_mine if not matched(w, only_theirs)],
        [w for w in only_theirs if not matched(w, only_mine)],
    )


def _common_prefix(word: str, other: str) -> int:
    length = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        length += 1
    return length


def _polarity(normalised: str) -> int:
    return sum(1 for word in normalised.split() if word in _NEGATIONS)


def is_same_claim(normalised: str, other: str) -> bool:
    """True when two normalised claims make the same claim (same or near-same wording)."""
    return score(normalised, other) >= SAME_CLAIM_SCORE


def _hash(value: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big", signed=True
    )

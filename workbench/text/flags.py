"""Claim text + its attribution kind -> the flags a reviewer sorts and filters by.

Pure: no Flask, no database; stdlib `re` and `calendar` only.

Choices the flags encode:
- `unattributed`: the article gives no source (kind None or "none"); `anonymous_source`:
  the source is unnamed (kind "anonymous").
- `direct_quote`: the claim holds a quotation: one that opens the sentence, follows a colon
  or a speech verb, runs on from or into a neighbouring sentence (an unpaired mark), or is
  at least six words long. Shorter quoted phrases inside narration ("the “Pearl of the
  Desert,”", to “hold” from “buy”) are names or terms, not quotations. A sentence in the
  middle of a multi-sentence quotation carries no marks and so no flag.
- `date`: a month-name date ("September 31, 2015", "Jan. 5", "31 April 2020", "May 2015",
  "in September"), a weekday ("on Thursday"), an ISO or slashed numeric date, a year in
  context ("in 2015", "since 1986", "the 2022 bleaching"), a decade ("the 1990s") or a
  century ("13th century", "first century").
- `impossible_date`: a date that cannot exist on the calendar: "September 31",
  "February 30", "Feb. 29, 2023" (2023 is no leap year), "2023-02-30", "2023-13-01". A
  "February 29" without a year could be real and is not flagged.
- `number`: a quantity: digits, decimals, percentages, money, times, and spelled-out
  amounts ("seven", "thousands of", "a dozen", "half"). Not a number: the digits of a date
  or a year in context (they are the date flag's), ordinals ("seventh largest",
  "second-in-command", "13th"), which rank rather than count, and "one", which is far more
  often a pronoun ("one of the best preserved") than a count.
"""

import calendar
import re
from types import ModuleType

from ..interface_languages import N_
from . import spanish

FLAGS = ("unattributed", "anonymous_source", "direct_quote", "number", "date", "impossible_date")
# What each flag means, as the interface says it (N_: translated where it is shown).
FLAG_LABELS = {
    "unattributed": N_("unattributed"),
    "anonymous_source": N_("anonymous source"),
    "direct_quote": N_("direct quote"),
    "number": N_("contains a number or quantity"),
    "date": N_("contains a date"),
    "impossible_date": N_("impossible date"),
}

# check_first_rank(): lower sorts first.
WEAKLY_SOURCED_FIGURES = 0  # unattributed or anonymous, with a number or a date
SOURCED_FIGURES = 1  # any other claim with a number or a date
OTHER_CLAIMS = 2


def claim_flags(claim_text: str, attribution_kind: str | None, language: str = "en") -> list[str]:
    """The flag names that apply to one claim, in FLAGS order; `language` is the
    article's (dates, numbers and quotations are written differently in each)."""
    found = set()
    if attribution_kind in (None, "none"):
        found.add("unattributed")
    elif attribution_kind == "anonymous":
        found.add("anonymous_source")
    words = _WORDS_OF.get(language)
    if words is not None:
        found |= words.flags(claim_text)
        return [flag for flag in FLAGS if flag in found]
    if _has_direct_quote(claim_text):
        found.add("direct_quote")
    dates = list(_DATE.finditer(claim_text)) if _MAYBE_DATE.search(claim_text) else []
    if dates:
        found.add("date")
    if any(_is_impossible(match) for match in dates):
        found.add("impossible_date")
    if _has_number(_blank_spans(claim_text, dates)):
        found.add("number")
    return [flag for flag in FLAGS if flag in found]


class DayMonthWords:
    """Flags for a language that writes the day before the month with a joining word
    ("31 de septiembre de 2015"): built from a language pack's words."""

    def __init__(self, pack: ModuleType) -> None:
        months = "|".join(pack.MONTHS)
        self.month_numbers = {name: number for number, name in enumerate(pack.MONTHS, start=1)}
        self.month_numbers.update({"setiembre": 9})
        weekdays = "|".join(pack.WEEKDAYS)
        years = r"(?:1[0-9]{3}|20[0-9]{2})"
        context = "|".join(pack.YEAR_CONTEXT)
        self.date = re.compile(
            rf"(?i)\b(?P<day>\d{{1,2}})\s+(?:de\s+)?(?P<month>{months})"
            rf"(?:\s+(?:de|del)\s+(?P<year>\d{{4}}))?\b"
            rf"|\b(?:{months})\s+(?:de|del)\s+{years}\b"
            rf"|\b(?:{months})\b"
            rf"|\b(?:{weekdays})\b"
            rf"|\b(?:{context})\s+{years}\b"
            rf"|\b(?P<iso_year>\d{{4}})-(?P<iso_month>\d{{2}})-(?P<iso_day>\d{{2}})\b"
            rf"|\b(?P<slash_day>\d{{1,2}})/(?P<slash_month>\d{{1,2}})/(?P<slash_year>\d{{4}})\b"
        )
        self.number = re.compile(
            r"\d+(?:[.,]\d+)*" + rf"|\b(?i:{'|'.join(pack.SPELLED_QUANTITIES)})\b"
        )
        self.introducers = re.compile(
            rf"(?i)(?::|\b(?:{'|'.join(pack.QUOTE_INTRODUCERS)})\b,?)\s*$"
        )

    def flags(self, text: str) -> set[str]:
        found: set[str] = set()
        dates = list(self.date.finditer(text))
        if dates:
            found.add("date")
        if any(self._impossible(match) for match in dates):
            found.add("impossible_date")
        if self.number.search(_blank_spans(text, dates)):
            found.add("number")
        if any(self._speech(text, match) for match in _ANY_QUOTATION.finditer(text)):
            found.add("direct_quote")
        return found

    def _impossible(self, match: re.Match[str]) -> bool:
        if match.group("day") and match.group("month"):
            month = self.month_numbers[match.group("month").lower()]
            return not _exists(_year(match.group("year")), month, int(match.group("day")))
        if match.group("iso_year"):
            return not _exists(
                int(match.group("iso_year")),
                int(match.group("iso_month")),
                int(match.group("iso_day")),
            )
        if match.group("slash_day"):
            return not _exists(
                int(match.group("slash_year")),
                int(match.group("slash_month")),
                int(match.group("slash_day")),
            )
        return False

    def _speech(self, text: str, match: re.Match[str]) -> bool:
        passage = match.group()
        paired = len(passage) >= 2 and passage[0] in '“"«' and passage[-1] in '”"»'
        if not paired:
            return True
        before = text[: match.start()]
        if not before.strip() or self.introducers.search(before):
            return True
        return len(passage.split()) >= _MIN_QUOTE_WORDS


_ANY_QUOTATION = re.compile(r"«[^«»]*»?|“[^“”]*”?|\"[^\"]*\"?|^[^“”\"«»]*[”»]")
_WORDS_OF = {"es": DayMonthWords(spanish)}


def check_first_rank(flags: list[str], attribution_kind: str | None) -> int:
    """Where a claim sorts in "check first" order: 0, 1 or 2, lower first.

    0: unattributed or anonymously sourced claims with a number or a date, the figures a
    reader cannot trace; 1: other claims with a number or a date; 2: everything else.
    """
    has_figures = "number" in flags or "date" in flags
    weakly_sourced = (
        attribution_kind in (None, "none", "anonymous")
        or "unattributed" in flags
        or "anonymous_source" in flags
    )
    if has_figures and weakly_sourced:
        return WEAKLY_SOURCED_FIGURES
    if has_figures:
        return SOURCED_FIGURES
    return OTHER_CLAIMS


# --- Dates --------------------------------------------------------------------------------

# Spelled out here: calendar.month_name follows the process locale, articles are English.
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(_MONTHS, start=1)}
_MONTH_NUMBERS.update({name[:3].lower(): number for number, name in enumerate(_MONTHS, start=1)})
_MONTH_NUMBERS["sept"] = 9

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_YEAR_CONTEXT = (
    r"(?:in|since|by|until|till|from|to|of|during|before|after|through|between"
    r"|and|early|late|mid-|fiscal|the|a|an|around|circa|year|summer|winter"
    r"|spring|autumn|fall)"
)
_ORDINAL_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|twenty-first)"
)

_DATE = re.compile(
    rf"\b(?P<iso_year>\d{{4}})-(?P<iso_month>\d{{2}})-(?P<iso_day>\d{{2}})\b"
    rf"|\b(?P<md_month>{_MONTH})\s+(?P<md_day>\d{{1,2}}){_ORDINAL_SUFFIX}\b"
    rf"(?:,?\s+(?P<md_year>\d{{4}})\b)?"
    rf"|\b(?P<dm_day>\d{{1,2}}){_ORDINAL_SUFFIX}\s+(?:of\s+)?(?P<dm_month>{_MONTH})"
    rf"(?:(?<=\.)|\b)(?:,?\s+(?P<dm_year>\d{{4}})\b)?"
    rf"|\b{_MONTH}(?:(?<=\.)|\b)\s+{_YEAR}\b"
    r"|\b(?:January|February|March|April|June|July|August|September|October|November"
    rf"|December)\b(?:\s+{_YEAR}\b)?"
    # "May" alone is a month only after a word of time: "in May", not "it may".
    rf"|\b(?i:in|since|by|until|from|early|late|mid-|last|next|this)\s*May\b(?:\s+{_YEAR}\b)?"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"
    r"|\b(?P<slash_a>\d{1,2})/(?P<slash_b>\d{1,2})/(?P<slash_year>\d{4}|\d{2})\b"
    rf"|\b(?i:{_YEAR_CONTEXT})\s+{_YEAR}\b(?!\s*(?:%|percent|per\s+cent))"
    rf"(?:\s+(?i:and|to|or)\s+{_YEAR}\b)?"
    rf"|\b{_YEAR}(?=[’']s\b)"
    r"|\b(?:1[0-9]|20)[0-9]0s\b|[’']\d0s\b"
    rf"|\b(?i:\d{{1,2}}(?:st|nd|rd|th)|{_ORDINAL_WORDS})[\s-]+(?i:century|centuries)\b"
)


# Every form _DATE knows needs a digit, a month or weekday name, or "century": a cheap
# test first skips the costly pattern for most sentences (it was a third of import time).
_MAYBE_DATE = re.compile(
    r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|day|centur", re.IGNORECASE
)


def _is_impossible(match: re.Match[str]) -> bool:
    """True for a date the calendar does not have (day 31 of a 30-day month, ...)."""
    if match.group("iso_year"):
        return not _exists(
            int(match.group("iso_year")), int(match.group("iso_month")), int(match.group("iso_day"))
        )
    if match.group("md_month"):
        return not _exists(
            _year(match.group("md_year")),
            _MONTH_NUMBERS[match.group("md_month").rstrip(".").lower()],
            int(match.group("md_day")),
        )
    if match.group("dm_month"):
        return not _exists(
            _year(match.group("dm_year")),
            _MONTH_NUMBERS[match.group("dm_month").rstrip(".").lower()],
            int(match.group("dm_day")),
        )
    if match.group("slash_a"):
        # 05/04/2023 reads month-first in the US and day-first elsewhere: impossible only
        # when neither reading exists.
        first, second = int(match.group("slash_a")), int(match.group("slash_b"))
        year = int(match.group("slash_year"))
        return not (_exists(year, first, second) or _exists(year, second, first))
    return False


def _year(text: str | None) -> int:
    # Without a year, judge against a leap year: "February 29" may be real.
    return int(text) if text else 2024


def _exists(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= calendar.monthrange(year, month)[1]


# --- Numbers ------------------------------------------------------------------------------

_SPELLED_QUANTITIES = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred hundreds thousand thousands million millions billion billions trillion "
    "trillions dozen dozens half"
).split()
_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*(?!\d|(?:st|nd|rd|th)\b)"  # 600, 3.5, 2,300, 4.2% - but not 13th
    rf"|\b(?i:{'|'.join(_SPELLED_QUANTITIES)})\b"
)


def _has_number(text: str) -> bool:
    return _NUMBER.search(text) is not None


def _blank_spans(text: str, matches: list[re.Match[str]]) -> str:
    """`text` with each match replaced by spaces, so dates do not count as numbers."""
    chars = list(text)
    for match in matches:
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(chars)


# --- Quotations ---------------------------------------------------------------------------

_QUOTATION = re.compile(r"“[^“”]*”?|\"[^\"]*\"?|^[^“”\"]*”")
_INTRODUCES_QUOTE = re.compile(
    r"(?::|\b(?:said|says|say|told|tells|added|adds|stated|states|wrote|writes|asked|asks"
    r"|replied|declared|announced|warned|insisted|explained|argued|noted)\b,?)\s*$"
)
_MIN_QUOTE_WORDS = 6


def _has_direct_quote(text: str) -> bool:
    return any(_is_speech(text, match) for match in _QUOTATION.finditer(text))


def _is_speech(text: str, match: re.Match[str]) -> bool:
    passage = match.group()
    paired = len(passage) >= 2 and passage[0] in '“"' and passage[-1] in '”"'
    if not paired:
        # Opened or closed in a neighbouring sentence: part of a longer quotation.
        return True
    before = text[: match.start()]
    if not before.strip() or _INTRODUCES_QUOTE.search(before):
        return True
    return len(passage.split()) >= _MIN_QUOTE_WORDS

"""Claims -> the source the article gives for each one: a verbatim span and its kind.

Pure: no Flask, no database. Rule-based (stdlib `re`), one pass over the claims in reading
order; every search is bounded by one sentence, so the cost grows linearly with the article.

Quotations are blanked first, so nothing a speaker says is taken for a source. Then, for
each claim, the first rule that finds a source wins:

1. A speech or report verb ("said", "says", "told", "added", "stated", "claimed",
   "reported", "warned", ...) with its subject before it ("X said", "X, the chief of Y,
   said", "X also stated") or, after a quotation or a comma, after it ("..., said X").
   Verbs of finding ("found", "shows", "suggests") count only for a document subject or
   before "that" ("police found a body" is the article's own report). "called" and
   "described" count only when they introduce a quotation. After "and" ("He called it a
   patch and said ...") or a comma and a participle ("X declined, saying ..."), the source
   is the subject that opens the sentence.
2. "according to X". With a speech verb as well ("Y said, according to X"), Y is the source
   and X its medium.
3. "citing X": X, the originator, is the attribution; the speaker that cited it ("state
   television said citing a military source") is kept as its `medium`.
4. Bare "reports that ..." / "media reports of ..." is an unnamed source: `anonymous`.
5. Quotations: a claim with no source of its own takes the speaker of the quotation it
   belongs to (every sentence of a multi-sentence quote); one that is entirely a quote takes
   the source of the previous claim in its paragraph, else of the next one.

Kinds:
- A capitalised name with an organisation cue (Inc., Ministry, Army, TV, Reuters, an
  all-caps acronym such as UNESCO, ...) is an `organization`. Titles are stripped
  ("Finance Minister Jane Doe" -> "Jane Doe"), and 2-4 capitalised words without a cue are
  a `named_person`. A noun just before a name settles it: "the research group Conflict
  Watch" (organisation), "spokeswoman Jane Doe" (person); so does a noun before a name in
  apposition, which is then the source ("Pike's lawyer, Irene Sato, said" -> Irene Sato).
- A single capitalised word is the `named_person` whose surname it is when that person was
  named earlier ("Abdelkarim"); otherwise an `organization` ("Daesh", "UNESCO"), since news
  copy introduces people by full name first. A capitalised plural opening a sentence
  ("Hydrologists warned") is a group: `anonymous`.
- A common-noun source is classified by its head noun: documents ("the report", "a new
  study", "the released emails"); organisations ("state television", "police", "the
  government"), except unnamed plurals ("aid groups"), which are `anonymous`; people, who
  are `anonymous` when indefinite, plural or counted ("a military source", "officials",
  "some", "one of them"). The span keeps the determiner and a modifier that says who they
  are ("people familiar with the matter", "an official at the Interior Ministry"), not a
  relative clause or an appositive ("a senior US official, whose name was not mentioned").
- An attribution is always a noun phrase of the article: hedges without a source noun
  ("clashes were reported", "reportedly") leave a claim unattributed (None, kind "none").

Back-references: "he"/"she", "the official added" and "the minister said" resolve to the
nearest earlier person introduced with that role if any, else to the nearest earlier person
(named, or an anonymous "a senior official"); "the company"/"the ministry" to the nearest
earlier named organisation with that word; "it" to the nearest organisation or document and
"they" to the nearest plural source. The attribution returned is then that earlier mention
itself (for example "Maamoun Abdelkarim" three sentences up), so its text is still verbatim
article text at its own offsets. A pronoun or role with nothing to refer to is `anonymous`,
spanning its own words.
"""

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import report_verbs
from .source_record import Attribution
from .splitter import ClaimSpan

# --- Vocabulary -------------------------------------------------------------------------

_PERSON_NOUNS = """
    official source person expert analyst witness eyewitness resident diplomat aide insider
    observer activist spokesman spokeswoman spokesperson representative officer investigator
    researcher scientist economist worker employee member lawmaker legislator negotiator
    commander doctor physician lawyer attorney prosecutor minister judge executive director
    chief president senator governor mayor author professor leader manager adviser advisor
    consultant engineer staffer survivor neighbor neighbour relative colleague student
    teacher nurse paramedic firefighter detective agent trader banker investor strategist
    chairman chairwoman CEO founder secretary ambassador envoy general coach organizer
    volunteer villager man woman historian archaeologist curator auditor parent protester
    fighter rebel militant soldier citizen voter patient forecaster meteorologist
    hydrologist epidemiologist biologist ecologist geologist physicist chemist pollster
    campaigner shopper customer passenger farmer owner tenant head opponent supporter critic
    councillor councilor MP coordinator administrator correspondent reporter journalist
    editor commentator blogger writer lecturer psychologist sociologist politician
    candidate barrister solicitor priest pastor cleric inspector
""".split()

_ORGANIZATION_NOUNS = """
    government police ministry agency army military force company firm corporation
    television TV radio broadcaster network channel newspaper outlet media council court
    committee commission department office administration authorities authority party
    group board union parliament regime coalition campaign bank university institute
    hospital embassy navy watchdog manufacturer maker automaker retailer lender insurer
    airline carrier startup charity association organization organisation prosecution
    federation laboratory lab utility operator station junta cabinet club league team
    service panel district developer museum gallery library foundation trust school
    college website magazine
""".split()

_DOCUMENT_NOUNS = """
    report study survey poll statement filing document email e-mail memo memorandum letter
    paper analysis audit record complaint indictment lawsuit affidavit transcript data
    figure estimate review assessment release ruling finding result census cable dossier
    warrant forecast message tweet article screenshot findings
""".split()

# Definite "the company" / "the ministry" look back for a named organisation with that word.
_CORPORATE_WORDS = {
    "company",
    "firm",
    "group",
    "corporation",
    "maker",
    "retailer",
    "lender",
    "insurer",
    "automaker",
    "airline",
    "carrier",
    "startup",
    "manufacturer",
    "developer",
    "operator",
}
_CORPORATE_SUFFIXES = {
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Co.",
    "Ltd",
    "Ltd.",
    "LLC",
    "PLC",
    "plc",
    "AG",
    "SA",
    "GmbH",
    "Group",
    "Holdings",
    "Company",
    "Corporation",
}

# Capitalised words that make a name an organisation.
_ORGANIZATION_CUES = _CORPORATE_SUFFIXES | set(
    """
    Companies Bank Ministry Department Agency Army Navy Force Forces Police Television TV
    Radio News Times Post Journal Press Herald Tribune Gazette Telegraph Reuters Bloomberg
    University College Institute Institution Council Court Committee Commission Parliament
    Congress Senate Assembly House Party Office Service Services Association Organization
    Organisation Foundation Fund Union Federation Authority Board Bureau Center Centre
    Network Airlines Airways Motors Systems Technologies Technology Labs Laboratory
    Laboratories Hospital Clinic School Church Club League Nations Coalition Alliance Front
    Guard Pentagon Kremlin Government Cabinet Administration Embassy Command Brigade Trust
    Partners Capital Securities Exchange Pharmaceuticals Therapeutics Media Broadcasting
    Studios Electric Industries International Society Academy Museum Observatory Survey
    Program Programme Mission Directorate Secretariat Province Energy Insurance Chamber
    Community Communities Ministries Agencies Unions Parties Councils Movement Watch
""".split()
)
_ACRONYMS_WITH_DOTS = {"U.S.", "U.K.", "U.N.", "E.U."}
# Words of place names: a name with one is a place, never a person ("South Korea says":
# a country speaking is an organisation, annotation guide C8).
_PLACE_WORDS = set(
    """
    North South East West Northern Southern Eastern Western Central New United Latin Saint
    San Santa Los Las Republic Kingdom States Islands Island Sea River Mountains Valley
    County City Street Avenue Road Square Park Bay Gulf Lake Coast Peninsula Strait Korea
    America Americas Africa Asia Europe Arabia Emirates
""".split()
)

# Titles are stripped from a person's name and remembered as roles ("the minister said").
_TITLES = set(
    """
    President Vice Prime Minister Secretary Senator Sen. Representative Rep. Congressman
    Congresswoman Governor Gov. Mayor Judge Justice Dr. Mr. Mrs. Ms. Miss Prof. Professor
    General Gen. Colonel Col. Lieutenant Lt. Sergeant Sgt. Captain Capt. Major Admiral Chief
    Director Chairman Chairwoman Chair Commissioner Ambassador Detective Det. Inspector
    Insp. Officer Sheriff Attorney Prosecutor Spokesman Spokeswoman Spokesperson King Queen
    Prince Princess Pope Sheikh Speaker Chancellor CEO CFO COO Executive Deputy
    Superintendent Supt. Coach Rabbi Father Bishop Archbishop Cardinal Imam Agent Trooper
    Constable Commander Marshal Premier Dean Provost Rector Economist Councillor Councilor
    Councilman Councilwoman Alderman Assemblyman Assemblywoman Lord Lady Sir Dame Dr Mr Mrs
    Ms Prof Shadow Secretary-General
""".split()
)

# Capitalised at the start of a sentence or clause, never the start of a name.
_NOT_NAMES = set(
    """
    The A An In On At By For From With To Of And But Or So Yet As If When While After Before
    Since Until During Earlier Later Meanwhile However Also Still Then Now Yesterday Today
    Tonight Last Next This That These Those There Here It Its He She They We I You His Her
    Their Our My Asked Speaking According Instead Separately Overall Elsewhere Even Only
    Some Many Most Several Both Other Such Despite Amid Following Under Over Inside Outside
    Across Around Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Once Just Two
    Three Four Five Few No Not Every Each All One Another Because Though
""".split()
)

# Words that cannot modify a source noun ("on Tuesday evening state television" must stop).
_STOP_WORDS = """
    a an the this that these those and or but nor of in on at to for from by with without
    about against between into through during before after above below over under since
    until while as than then so if because although though when where which who whom whose
    what why how is are was were be been being has have had do does did will would shall
    should can could might must not no also only just even still yet already again
    further later earlier previously separately recently repeatedly reportedly publicly
    privately it its he she they them their his her we our you your i me my there here
    today yesterday tomorrow tonight monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december morning afternoon evening night week month year weekend amid despite following
    per via including according citing said says say told added stated claimed reported
    however meanwhile
""".split()


def _plural(noun: str) -> str:
    """The plural of a source noun, for the head-noun table."""
    irregular = {
        "person": "people",
        "media": "media",
        "police": "police",
        "data": "data",
        "analysis": "analyses",
        "authorities": "authorities",
        "CEO": "CEOs",
    }
    if noun in irregular:
        return irregular[noun]
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun.endswith(("s", "x", "sh", "ch")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _head_table() -> dict[str, tuple[str, str, bool]]:
    """Every singular and plural head noun -> (category, singular, is_plural)."""
    table: dict[str, tuple[str, str, bool]] = {}
    for category, nouns in (
        ("person", _PERSON_NOUNS),
        ("organization", _ORGANIZATION_NOUNS),
        ("document", _DOCUMENT_NOUNS),
    ):
        for noun in nouns:
            table.setdefault(noun.lower(), (category, noun.lower(), False))
            plural = _plural(noun).lower()
            if plural != noun.lower():
                table.setdefault(plural, (category, noun.lower(), True))
    # Always plural, whatever their spelling says.
    table["people"] = ("person", "person", True)
    table["authorities"] = ("organization", "authorities", True)
    table["police"] = ("organization", "police", False)
    return table


_HEADS = _head_table()


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first, so "officials" beats "official"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


# --- Patterns (compiled once; every search is bounded by one sentence) --------------------

_WINDOW = 240  # how far back from a verb a subject (with an appositive) may start
_MAX_SUBJECT_WORDS = 10  # "Budget analysts at the Congressional Research Office" has 7

_NAME_TOKEN = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Cpl|Det|Insp|Supt|Jr|Sr|St"
    r"|Inc|Corp|Co|Ltd|Bros|Mt|Ft)\.(?!\w)"
    r"|(?:[A-Z]\.){1,3}(?!\w)"
    r"|(?:al|el|ad|as)-[A-Z][^\W_]*"
    # A possessive stays inside a name only before another capital: "Attorney's Office".
    r"|[A-Z][^\W_]*(?:[’'][A-Z][^\W_]*)?(?:-[^\W_]+)*(?:[’']s(?=[^\S\n]+[A-Z]))?)"
)
_NAME_PARTICLE = (
    r"(?:(?:of|for)(?:\s+the)?|&|al|el|bin|ibn|abu|van|von|de|di|da|du|le|la"
    r"|del|della|der|den|dos|das|ter)"
)
_NAME_RUN = rf"{_NAME_TOKEN}(?:[^\S\n]+(?:{_NAME_PARTICLE}[^\S\n]+)?{_NAME_TOKEN}){{0,6}}"
_NOT_INSIDE_WORD = r"(?<![\w’'\-.])"

_PROPER = rf"{_NOT_INSIDE_WORD}(?:(?i:the)\s+)?(?P<run>{_NAME_RUN})"

_WORD = r"[^\W_][\w\-]*"
_MODIFIER = rf"(?!(?i:{_alternation(_STOP_WORDS)})\b){_WORD}"
_DETERMINER = (
    r"(?i:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|several|some"
    r"|many|most|other|both|multiple|numerous|few|dozens\s+of|hundreds\s+of)"
    r"|\d[\d,]*"
)
_POSSESSIVE = rf"(?:(?i:the)\s+)?{_WORD}[’']s|(?i:its|their|his|her)"
_HEAD = rf"(?i:{_alternation(_HEADS)})"
# Restrictive modifiers stay in the span ("people familiar with the matter", "an official
# at the Interior Ministry"); a relative clause after it does not ("an official who spoke
# on condition of anonymity"), nor does a prepositional phrase naming no one.
_POSTMODIFIER = (
    r"(?:familiar\s+with|close\s+to|with\s+(?:direct\s+)?knowledge\s+of"
    r"|briefed\s+on|involved\s+in|knowledgeable\s+about|aware\s+of)"
    rf"(?:\s+(?i:the|a|an|its|their))?(?:\s+{_MODIFIER}){{1,2}}"
)
_AFFILIATION = (
    r"(?:(?:polled|surveyed|interviewed|quoted|cited|employed|hired|filed"
    r"|published|released|obtained|seen|reviewed|submitted|commissioned)\s+)?"
    rf"(?:at|of|in|for|from|with|to|by)\s+(?:(?i:the)\s+)?"
    rf"(?:{_NAME_RUN}|(?:{_MODIFIER}\s+){{0,2}}{_HEAD}\b"
    rf"(?:\s+{_NAME_RUN}|\s+(?:at|of|in|for|from)\s+(?:(?i:the)\s+)?{_NAME_RUN})?)"
)
# "Critics of the bill", "opponents of the new runway": what a group is for or against.
_OF_WHAT = (
    r"of\s+(?:(?i:the|a|an|this|these|its|their)\s+)?"
    rf"(?:{_MODIFIER}\s+){{0,2}}(?!(?i:{_alternation(_STOP_WORDS)})\b){_WORD}"
)
_RELATIVE_CLAUSE = r"\s+who\s+(?:spoke|asked|declined|requested|was|were|is|are)\b[^,.;:]{0,80}"
_PHRASE = (
    rf"{_NOT_INSIDE_WORD}(?P<phrase>(?:(?P<det>{_DETERMINER}|{_POSSESSIVE})\s+)?"
    rf"(?:{_MODIFIER}\s+){{0,3}}(?P<head>{_HEAD})\b"
    rf"(?:\s+{_POSTMODIFIER}|\s+{_AFFILIATION}|\s+{_OF_WHAT})?)"
)
_PRONOUN = rf"{_NOT_INSIDE_WORD}(?P<pronoun>(?i:he|she|they|it))\b"
# Partitive and bare quantifier subjects: "some said", "one of them said", "others said".
_QUANTIFIER = (
    rf"{_NOT_INSIDE_WORD}(?P<quantifier>(?i:(?:one|some|many|most|several|few"
    r"|two|three|each|all)\s+of\s+(?:them|those|these)|others|some|many|most"
    r"|several))\b"
)

_PROPER_BEFORE = re.compile(_PROPER + r"\s*$")
_PHRASE_BEFORE = re.compile(_PHRASE + rf"(?:{_RELATIVE_CLAUSE})?\s*$")
_PRONOUN_BEFORE = re.compile(_PRONOUN + r"\s*$")
_QUANTIFIER_BEFORE = re.compile(_QUANTIFIER + r"\s*$")
_PROPER_AFTER = re.compile(_PROPER)
_PHRASE_AFTER = re.compile(_PHRASE)
_PRONOUN_AFTER = re.compile(_PRONOUN)
_QUANTIFIER_AFTER = re.compile(_QUANTIFIER)
_NAME_RUNS = re.compile(_NOT_INSIDE_WORD + _NAME_RUN)
_WORD_TOKEN = re.compile(_NOT_INSIDE_WORD + r"\w[\w\-]*")
_PARTICLE_WORD = re.compile(_NAME_PARTICLE)
_NON_SPACE = re.compile(r"\S+")
_WHOLE_NAME = re.compile(rf"\s*(?:(?i:the)\s+)?(?P<run>{_NAME_RUN})\s*")
_FIRST_HEAD = re.compile(rf"(?<![\w’'-])(?P<head>{_HEAD})\b")
# "Pike's lawyer", "The developer", "A spokeswoman for the district" before an appositive
# name; the possessor ("The company’s") is skipped when looking for the head noun.
_COMMON_NOUN_CLAUSE = re.compile(
    rf"\s*(?:(?i:the)\s+)?(?:{_WORD}[’']s\s+|(?:{_DETERMINER})\s+)(?P<rest>[^,\x00]{{1,80}}?)\s*"
)
_HEAD_JUST_BEFORE = re.compile(rf"(?<![\w’'-])(?P<head>{_HEAD})\s+$")

# Report verbs come from the lexicon by lemma (report_verbs), in all their forms. After a
# comma, an -ing form takes the subject of the sentence: "X declined, saying ...".
_QUOTING = frozenset(
    form
    for form, lemma in report_verbs.LEMMA_OF.items()
    if lemma in report_verbs.QUOTING and lemma not in report_verbs.SPEECH
)
_EVIDENCE = frozenset(
    form
    for form, lemma in report_verbs.LEMMA_OF.items()
    if lemma not in report_verbs.SPEECH and lemma not in report_verbs.QUOTING
)
_VERB = re.compile(
    rf"(?<![\w’'-])(?P<verb>{report_verbs.alternation()})\b"
    rf"|(?<=,)\s+(?P<participle>{_alternation(report_verbs.PARTICIPLES)})\b"
)
_THAT_FOLLOWS = re.compile(r"\s+that\b")
_CLAUSE_FOLLOWS = re.compile(r"\s+that\b|[^\S\n]*[:,]?[^\S\n]*\x00")
_NOUN_LIKE_FORMS = frozenset(report_verbs.NOUN_LIKE_FORMS)
# Between a subject and its verb: "Abdelkarim also stated", "the ministry has said".
_ADVERB_BEFORE = re.compile(
    r"(?<![\w’'-])(?:also|later|earlier|previously|separately|again|further|then|recently"
    r"|repeatedly|publicly|privately|has|have|had|would|will|did|does|do|long|once|now"
    # Any adverb in -ly ("Security experts roundly criticized the plan"), lower case only.
    r"|(?-i:[a-z]+ly)"
    # "a report that found": the relative pronoun stands for the subject before it.
    r"|that|which"
    r"|on\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|yesterday|today)\s*$",
    re.IGNORECASE,
)
# "He called the deal a patch and said ...": the subject is the sentence's.
_COORDINATED = re.compile(r"(?<![\w’'-])(?:and|but)\s*$")
_APPOSITIVES_BEFORE = (
    re.compile(r",(?P<body>[^,\x00]{1,150}),\s*$"),
    re.compile(r",(?P<body>[^,\x00]{1,150}),[^,\x00]{1,150},\s*$"),
)
_ROLE_IN_APPOSITIVE = re.compile(
    rf"\s*(?:(?:a|an|the|its|their)\s+)?(?:{_MODIFIER}\s+){{0,3}}?(?P<head>{_HEAD})\b",
    re.IGNORECASE,
)
_AFTER_QUOTE_OR_COMMA = re.compile(r"(?:^|[,\x00:])\s*$")
_LEADING_BLANKS = re.compile(r"[\s\x00]*")


def _after_blanks(text: str, start: int = 0) -> int:
    """Where the text goes on after any white space from `start` (the pattern always
    matches, if only the empty string)."""
    found = _LEADING_BLANKS.match(text, start)
    return found.end() if found else start


_ACCORDING_TO = re.compile(r"(?<![\w-])(?:(?i:according)\s+to|(?i:in)\s+the\s+words\s+of)\s+")
_ROLE_THEN_NAME = re.compile(rf"[^,\x00]{{1,60}},\s*(?P<run>{_NAME_RUN})\s*(?:,|$)")
_PASSIVE_BEFORE = re.compile(r"(?<![\w’'-])(?:is|are|was|were|be|been|being)\s*$")
_BY_AFTER = re.compile(r"\s+by\s+")
_AND_BEFORE = re.compile(r"(?<![\w’'-])and\s+(?:(?i:the)\s+)?$")
_CLAUSE_OPENING = re.compile(r"(?:^|,)[\s\x00]*(?:(?i:both|but|and|so|then)\s+)?(?:(?i:the)\s+)?$")
_SHORT_CLAUSE = re.compile(r"(?:^|,)[\s\x00]*(?:[\w’'-]+\s+){0,3}[\w’'-]+\s*$")
_COLON_QUOTE = re.compile(r":[\s]*\x00")
_INTRODUCES_QUOTE = re.compile(r"[^\S\n]*[:,][^\S\n]*\x00")
_LAST_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+\s*$")
_QUOTES_AS_SAYING = re.compile(r"(?<![\w’'-])quot(?:es|ed|ing)\s+(?=[^\x00]{1,120}\bas\s+saying)")
_CITING = re.compile(r"(?<![\w-])citing\s+")
_UNNAMED_REPORTS = re.compile(
    r"(?<![\w’'-])(?P<reports>(?:(?i:media|news|press|unconfirmed|local|state|several"
    r"|multiple|conflicting)\s+)?(?i:reports|rumou?rs))\s+(?:that|of|said|say|suggest"
    r"|suggested|indicate|indicated)\b"
)
# A person named with an age, a relative clause or a role right after the name, or a role
# right before it ("the mayor of Kalva, Ana Dritsa,"): a referent for a later "she said"
# even when this sentence quotes nobody.
_INTRODUCED_AFTER = re.compile(
    rf",\s+(?:\d{{1,3}},|who\b|(?:(?:a|an|the)\s+)(?:{_MODIFIER}\s+){{0,3}}?(?P<head>{_HEAD})\b)",
    re.IGNORECASE,
)
_INTRODUCED_BEFORE = re.compile(
    rf"(?<![\w’'-])(?P<head>{_HEAD})(?:\s+(?:of|for|at|in)\s+[^,\x00]{{1,40}})?,\s*$"
)
_COMMA_FOLLOWS = re.compile(r"\s*,")
_APPOSITIVE_AFTER = re.compile(r",\s+(?i:a|an|the)\s+[^,\x00]{0,60}")
_ARTICLE_BEFORE = re.compile(r"(?<![\w’'-])(?i:the|a|an)\s+$")
_NEXT_WORD = re.compile(r"[^\S\n]+([a-z]+)\b")
_TRAILING_TITLES = re.compile(r"(?:(?<=\s)|^)(?:[A-Z][\w.-]*\s+)*$")
_PRONOUN_OPENING = re.compile(r"[\s\x00]*(?:He|She|They|It|I|We)\b")
_OPENING = re.compile(r"[\s\x00]*(?:(?i:the)\s+)?")
_COMMA_BEFORE = re.compile(r",\s*$")
# A capitalised plural like "Hydrologists" opening a sentence is a group, not a name.
_GROUP_WORD = re.compile(r"[A-Z][a-z]+(?:ists|ers|ors|ians|ents|ants|ees)")
_QUOTE_MARKS = re.compile(r"[\"“”\n]")
_PERSON_WORD = re.compile(r"[A-Z][a-z]+(?:[’'-][A-Z]?[a-z]+)*|[A-Z]\.|[A-Z][a-z]*[A-Z][a-z]+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&\-]+")


# --- Remembered sources for back-references ----------------------------------------------


@dataclass(frozen=True)
class RuleSource:
    """An attribution plus what a later back-reference needs to know about it."""

    attribution: Attribution
    roles: frozenset = frozenset()
    plural: bool = False
    words: frozenset = frozenset()  # lower-case words an organisation may be called by
    # The kind was a default, not read from a cue ("Northwind": organisation; "Ana Lind":
    # person): the entity recogniser, when present, has the last word.
    uncertain: bool = False


class _Memory:
    """The latest source of each sort seen so far, in reading order."""

    def __init__(self) -> None:
        self.person: RuleSource | None = None
        self.person_by_role: dict[str, RuleSource] = {}
        self.person_by_surname: dict[str, RuleSource] = {}  # surname, first name -> person
        self.subject: RuleSource | None = None  # the latest who spoke or opened a sentence
        self.organization_by_word: dict[str, RuleSource] = {}
        self.plural: RuleSource | None = None
        self.thing: RuleSource | None = None

    def remember(self, source: Any) -> None:
        kind = source.attribution.kind
        if kind == "named_person" or (kind == "anonymous" and not source.plural):
            self.person = source
            for role in source.roles:
                self.person_by_role[role] = source
        if kind == "named_person":
            words = source.attribution.text.split()
            self.person_by_surname[words[-1]] = source
            if len(words) > 1:
                # "Jane" alone is Jane Doe too, unless a surname already owns the word.
                self.person_by_surname.setdefault(words[0], source)
        if kind == "anonymous" and source.plural:
            self.plural = source
        if kind == "organization":
            self.plural = self.thing = source
            for word in source.words:
                self.organization_by_word[word] = source
        if kind == "document":
            self.thing = source


class _Sentence:
    """One claim being read: its narration (quotes blanked) and the names it introduces."""

    def __init__(self, narration: str, base: int, memory: _Memory) -> None:
        self.narration = narration
        self.base = base
        self.memory = memory
        self.pending = list(_introduced_names(self))

    def catch_up(self, position: int) -> None:
        """Remember the names this sentence introduced before `position` (its own offset)."""
        while self.pending and self.pending[0].attribution.end <= self.base + position:
            self.memory.remember(self.pending.pop(0))

    def finish(self, source: Any) -> Any:
        opening = self.pending[0] if self.pending else None
        for name in self.pending:
            self.memory.remember(name)
        self.pending = []
        if source is not None:
            self.memory.remember(source)
        # Subjects are what a later "he said" most often means: the speaker, else a person
        # named at the very start of the sentence ("Sharon ... He explains:").
        if source is not None and _is_one_person(source):
            self.memory.subject = source
        elif (
            opening is not None
            and _is_one_person(opening)
            and _opens_clause(self.narration, opening.attribution.start - self.base)
        ):
            self.memory.subject = opening


def _opens_clause(narration: str, start: int) -> bool:
    """True when a name is the sentence's subject: at its start (after a title) or after
    an opening role or adverbial and its comma ("The mayor of Kalva, Ana Dritsa, ...")."""
    prefix = _TRAILING_TITLES.sub("", narration[:start])
    if _OPENING.fullmatch(prefix):
        return True
    return prefix.rstrip().endswith(",") and _PRONOUN_OPENING.match(prefix) is None


def _is_one_person(source: RuleSource) -> bool:
    kind = source.attribution.kind
    return kind == "named_person" or (kind == "anonymous" and not source.plural)


# A reader turns a pattern's match into a source (or None when it names none).
_Reader = Callable[["_Sentence", re.Match[str]], "RuleSource | None"]


# --- Public entry point -------------------------------------------------------------------


@dataclass(frozen=True)
class RuleReading:
    """What the rules read in one sentence: its own source (before any quotation is
    credited), and the people and organisations it names, in reading order."""

    source: "RuleSource | None"
    names: tuple["RuleSource", ...]
    opening: "RuleSource | None"  # who the sentence is about: a name at its start


def read_sentences(narration: str, spans: list[ClaimSpan]) -> list[RuleReading]:
    """One RuleReading per claim span; `narration` is the article with its quotations
    blanked (quotations.blank_quotations), so nothing a speaker says is taken for a source."""
    memory = _Memory()
    readings = []
    for span in spans:
        sentence = _Sentence(narration[span.start : span.end], span.start, memory)
        names = tuple(sentence.pending)
        opening = (
            names[0]
            if names and (_is_one_person(names[0]) or names[0].attribution.kind == "organization")
            else None
        )
        if opening is not None and not _opens_clause(
            sentence.narration, opening.attribution.start - span.start
        ):
            opening = None
        source = _source_of_sentence(sentence)
        sentence.finish(source)
        readings.append(RuleReading(source, names, opening))
    return readings


def classify_head(word: str) -> tuple[str, bool] | None:
    """(category, is_plural) of a source head noun ("officials": person, plural), or None."""
    entry = _HEADS.get(word.lower())
    return (entry[0], entry[2]) if entry else None


# --- One sentence -------------------------------------------------------------------------


def _source_of_sentence(sentence: _Sentence) -> RuleSource | None:
    """The source a sentence gives for itself (before any quotation rule), or None."""
    narration = sentence.narration
    speaker = _quoted_as_saying(sentence)
    verbs = list(_VERB.finditer(narration)) if speaker is None else []
    # The verb that opens a quotation ("..., with Boswell stating: “...”") names its
    # speaker, whatever other verb comes first.
    verbs.sort(key=lambda verb: _INTRODUCES_QUOTE.match(narration, verb.end()) is None)
    for verb in verbs:
        speaker = _subject_of(sentence, verb)
        if speaker is not None:
            break
    according = _according_to(sentence)
    if speaker is None:
        speaker, according = according, None
    if speaker is None:
        speaker = _colon_speaker(sentence)
    if speaker is None:
        return _unnamed_reports(sentence)
    cited = _CITING.search(narration) if "citing" in narration else None
    originator = _noun_phrase_after(sentence, cited.end()) if cited else None
    if originator is not None:
        return _relayed(originator, speaker)
    if according is not None:
        return _relayed(speaker, according)
    return speaker


def _relayed(source: RuleSource, medium: RuleSource) -> RuleSource:
    """`source` as relayed by `medium`: the originator stays the attribution."""
    attribution = dataclasses.replace(source.attribution, medium=medium.attribution)
    return dataclasses.replace(source, attribution=attribution)


def _subject_of(sentence: _Sentence, verb: re.Match[str]) -> RuleSource | None:
    """The source of a speech verb: its subject before it, or after it when inverted."""
    narration = sentence.narration
    if verb.group("participle"):
        return _sentence_subject(sentence)
    word = " ".join(verb.group("verb").split())
    if word in _QUOTING and narration.find("\x00", verb.end(), verb.end() + _WINDOW) == -1:
        return None
    end = verb.start()
    while (adverb := _ADVERB_BEFORE.search(narration, max(0, end - 40), end)) is not None:
        end = adverb.start()
    lowest = max(0, end - _WINDOW)
    if _PASSIVE_BEFORE.search(narration, lowest, end):
        # "was criticised by the medical association": the agent; with no agent ("has been
        # criticised") the article names no source (annotation guide C11).
        agent = _BY_AFTER.match(narration, verb.end())
        return _noun_phrase_after(sentence, agent.end()) if agent else None
    if _COORDINATED.search(narration, lowest, end):
        return _sentence_subject(sentence)
    source = _noun_phrase_before(sentence, lowest, end)
    if source is not None:
        source = _first_conjunct(sentence, lowest, source)
    if source is None:
        source = _subject_behind_appositive(sentence, lowest, end)
    if source is None and _AFTER_QUOTE_OR_COMMA.search(narration, lowest, verb.start()):
        source = _noun_phrase_after(sentence, verb.end())
    if source is None:
        return None
    if word in _EVIDENCE and source.attribution.kind != "document" or word in _NOUN_LIKE_FORMS:
        # "Central American states Mexico and Panama": a noun unless a clause follows.
        if not _CLAUSE_FOLLOWS.match(narration, verb.end()):
            return None
    return source


def _sentence_subject(sentence: _Sentence) -> RuleSource | None:
    """The noun phrase that opens the sentence: who "and said" or ", saying" refers to.

    An opening adverbial ("However, he defended ...") is skipped up to its comma.
    """
    start = _after_blanks(sentence.narration)
    subject = _noun_phrase_after(sentence, start)
    comma = sentence.narration.find(",", start, start + 40)
    if subject is None and comma != -1:
        subject = _noun_phrase_after(sentence, comma + 1)
    return subject


def _first_conjunct(sentence: _Sentence, lowest: int, source: RuleSource) -> RuleSource:
    """ "Both the district and the police department have asserted": the first named.

    Only when the first conjunct opens the clause, so that an object ("police arrested
    two men and officials said") is never taken for a speaker.
    """
    narration = sentence.narration
    end = source.attribution.start - sentence.base
    joint = _AND_BEFORE.search(narration, lowest, end)
    if joint is None:
        return source
    first = _noun_phrase_before(sentence, lowest, joint.start())
    if first is None:
        return source
    if first.attribution.start < sentence.base:
        return source  # a back-reference: its mention is not where it was first named
    return first if _at_clause_start(narration, first.attribution.start - sentence.base) else source


def _at_clause_start(narration: str, start: int) -> bool:
    """True when only an opening conjunction, article or title comes before `start`."""
    return _CLAUSE_OPENING.search(_TRAILING_TITLES.sub("", narration[:start])) is not None


def _colon_speaker(sentence: _Sentence) -> RuleSource | None:
    """`Minister Jane Doe: "..."`, `She continued: "..."`: who opens the quotation."""
    narration = sentence.narration
    colon = _COLON_QUOTE.search(narration)
    if colon is None:
        return None
    end, lowest = colon.start(), max(0, colon.start() - _WINDOW)
    verb = _LAST_LOWER_WORD.search(narration, lowest, end)
    if verb is not None:
        end = verb.start()
        while (adverb := _ADVERB_BEFORE.search(narration, max(0, end - 40), end)) is not None:
            end = adverb.start()
    source = _noun_phrase_before(sentence, lowest, end)
    if source is None:
        return None
    if source.attribution.start < sentence.base:
        # "She continued:": a back-reference, so its own words open the clause.
        return source if _SHORT_CLAUSE.search(narration, 0, end) else None
    return source if _at_clause_start(narration, source.attribution.start - sentence.base) else None


def _quoted_as_saying(sentence: _Sentence) -> RuleSource | None:
    """ "The website quotes Jane Doe, a student, as saying ...": Jane Doe, by the website."""
    narration = sentence.narration
    quotes = _QUOTES_AS_SAYING.search(narration) if "as saying" in narration else None
    return _noun_phrase_after(sentence, quotes.end()) if quotes else None


def _subject_behind_appositive(sentence: _Sentence, lowest: int, end: int) -> RuleSource | None:
    """The subject of "Maamoun Abdelkarim, the chief of Syria’s antiquities, said".

    When the appositive is itself a name after a common noun ("Pike's lawyer, Irene
    Sato, said"; "One charity, the Red Shield Society, said"), the name is the source.
    """
    narration = sentence.narration
    for appositive_pattern in _APPOSITIVES_BEFORE:
        appositive = appositive_pattern.search(narration, lowest, end)
        if appositive is None:
            continue
        named = _named_appositive(sentence, appositive, lowest)
        if named is not None:
            return named
        source = _noun_phrase_before(sentence, lowest, appositive.start())
        if source is not None:
            role = _ROLE_IN_APPOSITIVE.match(appositive.group("body"))
            if role is not None and source.attribution.kind == "named_person":
                source = dataclasses.replace(source, roles=source.roles | {_singular(role)})
            return source
    return None


def _named_appositive(
    sentence: _Sentence, appositive: re.Match[str], lowest: int
) -> RuleSource | None:
    """The name in ", Irene Sato," when a common noun ("Pike's lawyer") comes before it."""
    name = _WHOLE_NAME.fullmatch(
        sentence.narration, appositive.start("body"), appositive.end("body")
    )
    if name is None:
        return None
    narration = sentence.narration
    # The clause starts after the last comma or quotation before the appositive.
    clause_start = max(
        lowest,
        narration.rfind(",", lowest, appositive.start()) + 1,
        narration.rfind("\x00", lowest, appositive.start()) + 1,
    )
    noun = _COMMON_NOUN_CLAUSE.fullmatch(narration, clause_start, appositive.start())
    if noun is None:
        return None
    head = _FIRST_HEAD.search(narration, noun.start("rest"), appositive.start())
    return _read_name(sentence, name, hint=head)


def _according_to(sentence: _Sentence) -> RuleSource | None:
    """ "according to X", "in the words of X"; X's name when it follows a role in apposition."""
    narration = sentence.narration
    if "ccording" not in narration and "words of" not in narration:
        return None
    found = _ACCORDING_TO.search(narration)
    if found is None:
        return None
    role = _ROLE_THEN_NAME.match(narration, found.end())
    if role is not None:
        # The last head is the role ("the club's coach"), not its possessor.
        heads = list(_FIRST_HEAD.finditer(narration, found.end(), role.start("run")))
        head = heads[-1] if heads else None
        if head is not None and _HEADS[head.group("head").lower()][0] == "person":
            return _read_name(sentence, role, hint=head)
    return _noun_phrase_after(sentence, found.end())


def _unnamed_reports(sentence: _Sentence) -> RuleSource | None:
    found = _UNNAMED_REPORTS.search(sentence.narration)
    if found is None:
        return None
    return _source(sentence, found.start("reports"), found.end("reports"), "anonymous", plural=True)


# --- Noun phrases -------------------------------------------------------------------------


def _noun_phrase_before(sentence: _Sentence, lowest: int, end: int) -> RuleSource | None:
    """The source noun phrase that ends at `end`; the longest wins, a name on a tie."""
    narration = sentence.narration
    # Trying the patterns only at the last few word starts, not at every character of
    # the window, keeps the cost per verb small and fixed.
    words = list(_WORD_TOKEN.finditer(narration, lowest, end))[-_MAX_SUBJECT_WORDS:]
    is_head = [word.group().lower() in _HEADS for word in words]
    for index, word in enumerate(words):
        start = word.start()
        # A common-noun phrase has its head within a few words of its start.
        may_be_phrase = any(is_head[index : index + 7])
        for pattern, reader in _readers_at(narration, start, end, may_be_phrase):
            match = pattern.match(narration, start, end)
            source = reader(sentence, match) if match else None
            if source is not None:
                return source
    return None


def _readers_at(
    narration: str, start: int, end: int, may_be_phrase: bool
) -> Iterator[tuple[re.Pattern[str], _Reader]]:
    """The (pattern, reader) pairs worth trying at `start`: cheap tests skip the rest."""
    if narration[start].isupper() or narration.startswith("the ", start):
        yield _PROPER_BEFORE, _read_name
    if may_be_phrase:
        yield _PHRASE_BEFORE, _read_phrase
    if end - start <= 20:
        yield _PRONOUN_BEFORE, _read_pronoun
        yield _QUANTIFIER_BEFORE, _read_quantifier


def _noun_phrase_after(sentence: _Sentence, start: int) -> RuleSource | None:
    """The source noun phrase that starts at `start` (after any spaces); the longest wins."""
    start = _after_blanks(sentence.narration, start)
    candidates: list[tuple[re.Match[str] | None, _Reader]] = [
        (pattern.match(sentence.narration, start), reader) for pattern, reader in _READERS_AFTER
    ]
    return _best_reading(sentence, candidates, widest=lambda match: match.end())


def _best_reading(
    sentence: _Sentence,
    candidates: list[tuple[re.Match[str] | None, _Reader]],
    widest: Callable[[re.Match[str]], int],
) -> RuleSource | None:
    """Read the candidate matches from the widest down; the first that names a source wins."""
    found = [(match, reader) for match, reader in candidates if match is not None]
    # A stable sort: on a tie the reader listed first (a name) decides.
    found.sort(key=lambda pair: -widest(pair[0]))
    for match, reader in found:
        source = reader(sentence, match)
        if source is not None:
            return source
    return None


def _read_name(
    sentence: _Sentence, match: re.Match[str], hint: re.Match[str] | None = None
) -> RuleSource | None:
    """A capitalised name -> a named person (titles stripped) or an organisation.

    `hint` is a head-noun match just before the name ("the research group Conflict
    Watch", "spokeswoman Jane Doe"), which settles what the name is.
    """
    tokens = _tokens(match.group("run"), match.start("run"))
    while tokens and _is_not_a_name(tokens[0][0]):
        # "Residents of Kalva" is a common noun with a place: the phrase reader's.
        if _PARTICLE_WORD.fullmatch(tokens.pop(0)[0]):
            return None
    if not tokens:
        return None
    if hint is None:
        hint = _HEAD_JUST_BEFORE.search(sentence.narration, max(0, tokens[0][1] - 40), tokens[0][1])
    category = _HEADS[hint.group("head").lower()][0] if hint else None
    roles = {_singular(hint)} if hint is not None and category == "person" else set()
    if _is_title(tokens[-1][0]) and category is None:
        # "The Tory Shadow Health Secretary": an office holder the article does not name.
        return _source(
            sentence,
            match.start(),
            tokens[-1][2],
            "anonymous",
            roles={tokens[-1][0].lower().rstrip(".")},
        )
    person = _titled_person(tokens) or _person_before_of(tokens)
    if person is not None and category != "organization":
        name, title_roles = person
        return _source(sentence, name[0][1], name[-1][2], "named_person", roles=roles | title_roles)
    first, last = tokens[0][1], tokens[-1][2]
    words = [token for token, _, _ in tokens]
    if category == "person":
        return _source(sentence, first, last, "named_person", roles=roles)
    if (
        category == "organization"
        or _looks_like_organization(words)
        or any(word in _PLACE_WORDS for word in words)
    ):
        return _organization(sentence, first, last, words)
    if len(words) > 1:
        known = sentence.memory.person_by_surname.get(words[-1])
        # "Amara Diallo, the U.N. coordinator": a role in apposition settles it.
        sure = known is not None or _role_follows(sentence.narration, last) == "person"
        return _source(
            sentence,
            first,
            last,
            "named_person",
            roles=known.roles if known else frozenset(),
            uncertain=not sure,
        )
    return _single_word_source(sentence, first, last, words[0])


def _role_follows(narration: str, end: int) -> str | None:
    """The category of the head noun in an appositive right after a name, or None."""
    appositive = _APPOSITIVE_AFTER.match(narration, end)
    head = appositive and _FIRST_HEAD.search(narration, appositive.start(), appositive.end())
    return _HEADS[head.group("head").lower()][0] if head else None


def _single_word_source(sentence: _Sentence, start: int, end: int, word: str) -> RuleSource:
    """ "Abdelkarim" (a known surname), "Hydrologists" (a group) or "Daesh" (an organisation)."""
    memory = sentence.memory
    known = memory.person_by_surname.get(word)
    if known is not None:
        return _source(sentence, start, end, "named_person", roles=known.roles)
    opens_sentence = _after_blanks(sentence.narration) == start
    if opens_sentence and _GROUP_WORD.fullmatch(word):
        return _source(sentence, start, end, "anonymous", plural=True)
    organization = memory.organization_by_word.get(word.lower())
    if organization is not None:
        return _source(sentence, start, end, "organization", words=organization.words)
    source = _organization(sentence, start, end, [word])
    # An acronym is an organisation for sure; another lone word only by default.
    return dataclasses.replace(source, uncertain=not _is_organization_cue(word))


def _tokens(run: str, offset: int) -> list[tuple[str, int, int]]:
    """(word, start, end) for each word of a name, with offsets into the narration."""
    return [
        (token.group(), offset + token.start(), offset + token.end())
        for token in _NON_SPACE.finditer(run)
    ]


def _looks_like_organization(words: Sequence[str]) -> bool:
    return (
        any(_is_organization_cue(word) for word in words)
        or any(word in ("of", "for", "&") for word in words)
        or len(words) > 4
    )


def _is_not_a_name(word: str) -> bool:
    return (
        word in _NOT_NAMES or word.lower() in _HEADS or _PARTICLE_WORD.fullmatch(word) is not None
    )


def _is_organization_cue(word: str) -> bool:
    word = word.removesuffix("’s").removesuffix("'s")
    return (
        word in _ORGANIZATION_CUES
        or word in _ACRONYMS_WITH_DOTS
        or (_ACRONYM.fullmatch(word) is not None and word not in _TITLES)
    )


def _is_title(word: str) -> bool:
    return word in _TITLES or any(part in _TITLES for part in word.split("-"))


def _titled_person(
    tokens: list[tuple[str, int, int]],
) -> tuple[list[tuple[str, int, int]], frozenset[str]] | None:
    """("Finance Minister Jane Doe") -> (the name's tokens, {"minister", ...}) or None."""
    titles = [index for index, (word, _, _) in enumerate(tokens) if _is_title(word)]
    if not titles:
        return None
    rest = titles[-1] + 1
    # "Secretary of State Antony Blinken", "CEO of the Refugee Council Enver Solomon",
    # "Ambassador to the United States Jane Doe": the "of ..." belongs to the title, up to
    # its last organisation or place word (else one word).
    if rest < len(tokens) and tokens[rest][0] in ("of", "for", "to"):
        rest += 1
        if rest < len(tokens) and tokens[rest][0] == "the":
            rest += 1
        cues = [
            index
            for index in range(rest, len(tokens) - 1)
            if _is_organization_cue(tokens[index][0]) or tokens[index][0] in _PLACE_WORDS
        ]
        rest = cues[-1] + 1 if cues else rest + 1
    name = tokens[rest:]
    if not name or _looks_like_organization([word for word, _, _ in name]):
        before_of = _person_before_of(name, minimum=1)
        if before_of is None:
            return None
        name = before_of[0]
    roles = frozenset(word.lower().rstrip(".") for word, _, _ in tokens[:rest] if _is_title(word))
    return name, roles


def _person_before_of(
    tokens: list[tuple[str, int, int]], minimum: int = 2
) -> tuple[list[tuple[str, int, int]], frozenset[str]] | None:
    """("Jane Doe of Acme Corp.") -> (the tokens of "Jane Doe", no roles), or None."""
    for index, (word, _, _) in enumerate(tokens):
        if word in ("of", "for", "&", "at"):
            head = tokens[:index]
            if len(head) >= minimum and not _looks_like_organization([w for w, _, _ in head]):
                return head, frozenset()
            return None
    return None


def _organization(sentence: _Sentence, start: int, end: int, words: Sequence[str]) -> RuleSource:
    """A named organisation, remembered by its words ("the company" finds "Acme Corp.")."""
    names = {word.lower().rstrip(".") for word in words if word[:1].isupper()}
    if any(word in _CORPORATE_SUFFIXES for word in words):
        names |= _CORPORATE_WORDS
    return _source(sentence, start, end, "organization", words=names)


# Definite organisation nouns that refer back to a named one: "the company", "the ministry".
_REFERRING_ORGANIZATION_NOUNS = _CORPORATE_WORDS | {
    "ministry",
    "agency",
    "department",
    "bank",
    "university",
    "institute",
    "court",
    "council",
    "committee",
    "commission",
    "hospital",
    "broadcaster",
    "office",
    "service",
    "museum",
    "gallery",
    "library",
    "foundation",
    "school",
    "college",
}


def _read_phrase(sentence: _Sentence, match: re.Match[str]) -> RuleSource | None:
    """A common-noun source ("a senior US official", "state television", "the report")."""
    category, singular, plural = _HEADS[match.group("head").lower()]
    determiner = (match.group("det") or "").lower()
    start, end = match.start("phrase"), match.end("phrase")
    titled = (
        _titled_person(_tokens(match.group("phrase"), start))
        if category == "person" and match.group("phrase")[-1:].isalpha()
        else None
    )
    if titled is not None:
        # "CEO of the Refugee Council Enver Solomon": the title does not run into the name.
        name, roles = titled
        return _source(sentence, name[0][1], name[-1][2], "named_person", roles=roles)
    if category == "document":
        # Bare "reports" name no one: an unnamed source, not a document one could look up.
        if plural and not determiner and singular == "report":
            return _source(sentence, start, end, "anonymous", plural=True)
        return _source(sentence, start, end, "document")
    definite = determiner == "the" or _is_possessive(determiner)
    if category == "organization":
        return _organization_phrase(sentence, match, singular, plural, determiner, definite)
    if plural or not definite or match.group("phrase") != match.group(0).strip():
        return _source(sentence, start, end, "anonymous", plural=plural, roles={singular})
    sentence.catch_up(start)
    known = sentence.memory.person_by_role.get(singular)
    if known is None and determiner == "the":
        known = sentence.memory.person
    if known is not None:
        return _back_reference(known)
    return _source(sentence, start, end, "anonymous", roles={singular})


def _organization_phrase(
    sentence: _Sentence,
    match: re.Match[str],
    singular: str,
    plural: bool,
    determiner: str,
    definite: bool,
) -> RuleSource:
    """ "state television", "the company" (a back-reference), "aid groups" (unnamed)."""
    start, end = match.start("phrase"), match.end("phrase")
    if plural and not determiner and singular not in ("authorities", "police"):
        return _source(sentence, start, end, "anonymous", plural=True)
    if definite and not plural and singular in _REFERRING_ORGANIZATION_NOUNS:
        sentence.catch_up(start)
        known = sentence.memory.organization_by_word.get(singular)
        if known is not None and match.group("phrase").lower() == f"the {singular}":
            return _back_reference(known)
    return _source(sentence, start, end, "organization", words={singular})


def _is_possessive(determiner: str) -> bool:
    return determiner.endswith(("’s", "'s")) or determiner in ("its", "their", "his", "her")


def _read_pronoun(sentence: _Sentence, match: re.Match[str]) -> RuleSource:
    """ "he said" -> the nearest earlier person; "it" -> organisation or document."""
    pronoun = match.group("pronoun").lower()
    sentence.catch_up(match.start("pronoun"))
    memory = sentence.memory
    person = memory.subject or memory.person
    known = {"he": person, "she": person, "they": memory.plural, "it": memory.thing}[pronoun]
    if known is not None:
        return _back_reference(known)
    return _source(
        sentence,
        match.start("pronoun"),
        match.end("pronoun"),
        "anonymous",
        plural=pronoun == "they",
    )


def _back_reference(known: RuleSource) -> RuleSource:
    """A remembered source, marked as found by a back-reference."""
    return dataclasses.replace(
        known, attribution=dataclasses.replace(known.attribution, method="back-reference")
    )


def _read_quantifier(sentence: _Sentence, match: re.Match[str]) -> RuleSource:
    """ "some said", "one of them said": people the article does not name."""
    return _source(
        sentence, match.start("quantifier"), match.end("quantifier"), "anonymous", plural=True
    )


_READERS_AFTER = (
    (_PROPER_AFTER, _read_name),
    (_PHRASE_AFTER, _read_phrase),
    (_PRONOUN_AFTER, _read_pronoun),
    (_QUANTIFIER_AFTER, _read_quantifier),
)


def _source(
    sentence: _Sentence,
    start: int,
    end: int,
    kind: str,
    roles: Iterable[str] = frozenset(),
    plural: bool = False,
    words: Iterable[str] = frozenset(),
    uncertain: bool = False,
) -> RuleSource:
    """A RuleSource for narration[start:end] of `sentence`, with article offsets."""
    text = sentence.narration[start:end]
    attribution = Attribution(text, kind, sentence.base + start, sentence.base + end)
    return RuleSource(attribution, frozenset(roles), plural, frozenset(words), uncertain)


def _singular(match: re.Match[str]) -> str:
    """The singular of the head noun in `match` ("officials" -> "official")."""
    return _HEADS[match.group("head").lower()][1]


# --- Names a sentence introduces ----------------------------------------------------------


def _introduced_names(sentence: _Sentence) -> Iterator[RuleSource]:
    """People and organisations a sentence mentions that a later back-reference may mean.

    People introduced with a title, an age, a role or "who" next to the name, organisations
    with a cue in their name, and any name already known (a surname, an organisation's
    word), in reading order.
    """
    narration = sentence.narration
    for run in _NAME_RUNS.finditer(narration):
        if run.group() in _NOT_NAMES:
            continue  # "The", "In", "Earlier": many runs, and never a name
        tokens = _tokens(run.group(), run.start())
        mention = (
            _known_mention(sentence, tokens)
            or _introduced_person(sentence, run, tokens)
            or _named_organization(sentence, tokens)
        )
        if mention is not None:
            yield mention


def _known_mention(sentence: _Sentence, tokens: list[tuple[str, int, int]]) -> RuleSource | None:
    """A fresh mention of a person or organisation remembered from earlier sentences."""
    if len(tokens) != 1:
        return None
    word, start, end = tokens[0]
    memory = sentence.memory
    person = memory.person_by_surname.get(word)
    if person is not None:
        return _source(sentence, start, end, "named_person", roles=person.roles)
    organization = memory.organization_by_word.get(word.lower())
    if organization is not None and organization.attribution.text.startswith(word):
        return _source(sentence, start, end, "organization", words=organization.words)
    return None


def _named_organization(
    sentence: _Sentence, tokens: list[tuple[str, int, int]]
) -> RuleSource | None:
    """ "the Aldine Museum": a referent for a later "the museum said"."""
    while tokens and _is_not_a_name(tokens[0][0]):
        tokens = tokens[1:]
    words = [word for word, _, _ in tokens]
    if not any(_is_organization_cue(word) and len(word) > 2 for word in words):
        return None
    return _organization(sentence, tokens[0][1], tokens[-1][2], words)


def _modifies_a_noun(narration: str, start: int, end: int) -> bool:
    """True for a name used as a modifier: "Daesh Takfiri terrorists", "the Takfiri Daesh
    group": an article before it, or a plural noun (not a verb in -s) after it."""
    if _ARTICLE_BEFORE.search(narration, max(0, start - 5), start):
        return True
    after = _NEXT_WORD.match(narration, end)
    if after is None:
        return False
    word = after.group(1)
    return word.endswith("s") and not (
        word in _NAME_FOLLOWERS or report_verbs.lemma_of(word) is not None
    )


_NAME_FOLLOWERS = frozenset(
    """
    and or of in at on for to who whose whom was is has had have will would could should may
    might can cannot did does with from by as but also then later herself himself
    themselves alone now never still again once once
""".split()
)


def _introduced_person(
    sentence: _Sentence, run: re.Match[str], tokens: list[tuple[str, int, int]]
) -> RuleSource | None:
    narration = sentence.narration
    titled = _titled_person(tokens)
    after = _INTRODUCED_AFTER.match(narration, run.end())
    before = None
    if _COMMA_FOLLOWS.match(narration, run.end()) and _COMMA_BEFORE.search(
        narration, max(0, run.start() - 5), run.start()
    ):
        before = _INTRODUCED_BEFORE.search(narration, max(0, run.start() - 80), run.start())
        if before is not None and _HEADS[before.group("head").lower()][0] != "person":
            before = None
    words = [word for word, _, _ in tokens]
    if titled is not None:
        name, roles = titled
    elif (
        2 <= len(tokens) <= 4
        and not _looks_like_organization(words)
        and not any(
            word in _NOT_NAMES
            or word in _PLACE_WORDS
            or _is_title(word)
            or not _PERSON_WORD.fullmatch(word)
            for word in words
        )
        and not _modifies_a_noun(narration, run.start(), run.end())
    ):
        # Every person named anywhere is remembered, so that a later "Doe said" or "Jane
        # said" is a person (people first named as an object were forgotten before).
        name, roles = tokens, frozenset()
    else:
        return None
    for role in (after, before):
        if role is not None and role.group("head"):
            roles = roles | {_singular(role)}
    return _source(sentence, name[0][1], name[-1][2], "named_person", roles=roles)

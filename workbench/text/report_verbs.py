"""The report-verb lexicon: lemmas of the verbs that attribute a claim, and their forms.

Pure: stdlib only. Verbs are listed once, as lemmas ("explain", "point_out"); every form
("explains", "explained", "explaining") is generated here, so a verb added to the lexicon
is matched in all its forms by the rules and, by lemma, in the parse (a hand-kept list of
forms missed "indicated", "explains", "points out", "recommends", "revealed").
"""

import re

# Speech, belief and assessment: the subject is the source ("X said", "X believes").
SPEECH = frozenset(
    """
    say tell add state claim report announce note explain argue insist warn confirm deny
    acknowledge admit write testify allege assert predict reply respond counter
    concede declare stress emphasize emphasise caution recall remark comment tweet believe
    contend disclose estimate complain expect fear think feel consider observe criticize
    criticise accuse mention affirm reiterate clarify highlight underline underscore
    point_out hint suspect reckon speculate disagree concur lament boast inform assure
    defend characterize characterise
""".split()
)

# Verbs of finding: a source only with a document subject or before "that" ("police found
# a body" is the article's own report; "the study found that ..." is the study's claim).
EVIDENCE = frozenset(
    """
    find show suggest indicate conclude reveal project record demonstrate establish
    determine prove confirm estimate calculate detail maintain
""".split()
)

# Verbs that attribute only the quotation they introduce: X called the plan "reckless".
QUOTING = frozenset("call describe dismiss brand label term cite quote read".split())

# Verbs of saying, judging and evaluating read only from the parse, which can tell a
# clause or a quotation after them: each counts only then ("the court ruled that ...",
# "he vowed: '...'"), so "the board ruled on Monday" or "he answered the door" do not.
# Kept out of the rules, which cannot see a clause.
PARSE_ONLY = frozenset(
    """
    answer retort rebut refute dispute contradict object protest vow pledge promise
    threaten swear attest certify proclaim pronounce exclaim shout whisper cry yell scream
    joke quip muse wonder question demand plead beg remind reassure confide brief relate
    recount narrate outline summarize summarise elaborate specify signal imply convey
    relay post blog publish broadcast echo repeat restate voice express agree understand
    assume presume suppose guess doubt infer deduce judge rule hold recognize recognise
    forecast anticipate foresee praise hail welcome applaud commend laud condemn denounce
    decry slam blast blame charge bemoan raise share continue go_on portray depict
    regard view issue release
    """.split()
)

# Verbs of saying that attribute without a clause after them ("X denied involvement",
# "X confirmed the deaths"); every other verb needs a clause or a quotation.
BARE_SPEECH = frozenset(
    """
    say tell add state claim report announce note explain argue insist warn confirm deny
    acknowledge admit write testify allege assert predict declare stress emphasize
    emphasise caution comment tweet disclose complain accuse criticize criticise concede
    reiterate affirm mention
    """.split()
)

# Verbs whose infinitive asserts ("claimed to have spoken"), unlike "agreed to resume".
ASSERTING_INFINITIVE = frozenset("claim profess purport".split())

# Verbs of judging that take a small clause: "considered war inevitable".
SMALL_CLAUSE = frozenset("consider deem think believe judge regard view declare".split())

# Verbs of judging with an "as" predicate: "characterized homeopathy as quackery".
AS_PREDICATE = frozenset("characterize characterise portray depict regard view".split())

# "Many have voiced concerns": an opinion as the object of these verbs is a claim.
OPINION_VERBS = frozenset("voice express raise share echo".split())
OPINION_OBJECTS = frozenset(
    """
    concern concerns doubt doubts support opposition fear fears hope hopes regret optimism
    skepticism scepticism anger frustration confidence disappointment outrage dismay
    surprise sympathy condolences disapproval objection objections reservations criticism
    worry worries alarm
    """.split()
)

# Objects that make a verb of saying an act: "claimed responsibility", "claimed ten lives".
ACTION_OBJECTS = frozenset(
    """
    responsibility credit victory victories title titles lives life asylum compensation
    damages ownership seat seats win wins prize prizes refund
    """.split()
)

# Recommendations and proposals: like the verbs of finding, a source only with a document
# subject or before "that" (annotation rule 6: "X proposed measures" attributes nothing).
REQUESTS = frozenset("urge propose advocate advise recommend".split())

_IRREGULAR = {
    "say": ("says", "said", "said", "saying"),
    "read": ("reads", "read", "read", "reading"),
    "tell": ("tells", "told", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
    "think": ("thinks", "thought", "thought", "thinking"),
    "feel": ("feels", "felt", "felt", "feeling"),
    "find": ("finds", "found", "found", "finding"),
    "hold": ("holds", "held", "held", "holding"),
    "show": ("shows", "showed", "shown", "showing"),
    "prove": ("proves", "proved", "proven", "proving"),
    "forecast": ("forecasts", "forecast", "forecast", "forecasting"),
}
# One-syllable-stressed verbs that double their last consonant: admit -> admitted.
_DOUBLING = frozenset("admit commit regret refer prefer concur".split())


def forms(lemma: str) -> tuple[str, ...]:
    """Every form of a (possibly phrasal) verb: lemma, -s, past, past participle, -ing."""
    verb, _, particle = lemma.partition("_")
    tail = f" {particle}" if particle else ""
    return tuple(dict.fromkeys(f"{form}{tail}" for form in _inflections(verb)))


def _inflections(verb: str) -> tuple[str, ...]:
    if verb in _IRREGULAR:
        return (verb, *_IRREGULAR[verb])
    stem = verb + verb[-1] if verb in _DOUBLING else verb
    if verb.endswith("ee"):
        past, ing = verb + "d", verb + "ing"
    elif verb.endswith("e"):
        past, ing = verb + "d", verb[:-1] + "ing"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        past, ing = verb[:-1] + "ied", verb + "ing"
    else:
        past, ing = stem + "ed", stem + "ing"
    if verb.endswith(("s", "x", "z", "ch", "sh")):
        third = verb + "es"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        third = verb[:-1] + "ies"
    else:
        third = verb + "s"
    return verb, third, past, past, ing


def _form_table(lemmas: frozenset[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma in lemmas:
        for form in forms(lemma):
            table.setdefault(form, lemma)
    return table


# form -> lemma, for every verb of the lexicon.
LEMMA_OF = _form_table(SPEECH | EVIDENCE | QUOTING | REQUESTS | PARSE_ONLY)
_RULE_LEMMAS = SPEECH | EVIDENCE | QUOTING | REQUESTS
# The -ing forms that, after a comma, take the sentence's subject ("X declined, saying").
PARTICIPLES = frozenset(
    form for lemma in SPEECH | EVIDENCE for form in forms(lemma) if form.split()[0].endswith("ing")
)


# Base forms that are far more often nouns ("state television", "the show", "a record"):
# the rules, which see no part of speech, leave them out; the parse tags them.
_NOUN_LIKE_BASES = frozenset(
    """
    state record project estimate comment remark counter tweet call label brand quote cite
    reply hint forecast boast lament caution stress highlight underline underscore
    mention concur
""".split()
)
RULE_FORMS = frozenset(
    form
    for form, lemma in LEMMA_OF.items()
    if form not in _NOUN_LIKE_BASES and lemma in _RULE_LEMMAS
)
# Their -s forms ("states", "claims", "notes") count only before a that-clause or a quote.
NOUN_LIKE_FORMS = frozenset(
    forms(lemma)[1]
    for lemma in _NOUN_LIKE_BASES
    | {"state", "claim", "note", "fear", "report", "estimate", "concern", "charge"}
    if lemma in LEMMA_OF
)


def lemma_of(form: str) -> str | None:
    """The lexicon lemma of a verb form ("explains" -> "explain"), or None."""
    lower = form.lower()
    found = LEMMA_OF.get(lower)
    if found is None and not lower.isalpha():
        found = LEMMA_OF.get(re.sub(r"\s+", " ", lower))
    return found


# The first words of every form, for a quick look at whether a text has one at all.
FIRST_WORDS = frozenset(form.split()[0] for form in LEMMA_OF)


def alternation() -> str:
    """A regular-expression alternation of the forms the rules match, longest first."""
    return "|".join(
        re.escape(form).replace(r"\ ", r"\s+") for form in sorted(RULE_FORMS, key=len, reverse=True)
    )

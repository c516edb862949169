"""A phrase the parse named as a source -> what kind of source it is, and how sure.

Pure: reads spaCy tokens, never imports spaCy. The kind is decided by the phrase's head:
- a pronoun by the nearest earlier speaker or person that agrees (discourse.py);
- a proper name by what the article said of it before (a surname seen with a first name
  is that person), by a title before it, by the entity recogniser's label, and by the
  words of the name (Ministry, Inc., an acronym);
- a common noun by the lexicon of person, group, institution and document nouns
  (source_lexicon.py): "the spokesman" refers back to a person introduced with that role,
  "the company" to a named company, "the statement" to its originator when the article
  named one.
Each reading carries a confidence: how often a source found this way is right (measured
on the development corpus; README, "Sources and flags").
"""

from dataclasses import replace
from typing import Any

from . import source_lexicon
from .discourse import Discourse, Found, gender_of
from .parse_mentions import Mention, phrase_bounds, subject_of
from .source_record import Attribution

PERSON_LABELS = frozenset({"PERSON"})
ORGANIZATION_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC"})
_PRONOUNS = frozenset({"he", "she", "they", "it"})
_QUANTIFIERS = frozenset(
    """
    some many most several few others other both all one two three four five another
    second third each either neither none
    """.split()
)
_NAME_TAGS = frozenset({"NNP", "NNPS"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_NOT_NAME_WORDS = frozenset({"The", "A", "An"})


def type_mention(
    mention: Mention, base: int, memory: Discourse, sentence: int, excluded: set[int]
) -> Found | None:
    """The kind of source `mention` is, or None when it names no source."""
    found = _type_head(mention.head, base, memory, sentence, excluded)
    if found is None:
        return None
    confidence = found.confidence * _CUE_CONFIDENCE.get(mention.cue, 0.9)
    if mention.cue == "verb" and not mention.clause:
        confidence *= 0.9
    if mention.medium is not None:
        medium = _type_head(mention.medium.head, base, memory, sentence, excluded)
        if medium is not None:
            attribution = replace(found.attribution, medium=medium.attribution)
            found = replace(found, attribution=attribution)
    return replace(found, confidence=round(confidence, 3))


_CUE_CONFIDENCE = {
    "verb": 1.0,
    "agent": 0.95,
    "according": 1.0,
    "per": 0.95,
    "citing": 0.95,
    "as saying": 0.95,
    "colon": 0.9,
}


def sentence_subject(
    doc: Any, base: int, memory: Discourse, sentence: int
) -> tuple[Found | None, Found | None]:
    """(the source-like subject of a sentence's main verb, a text it put out), for a
    later "he", "it" or "the statement" when the sentence names no source: "The ministry
    issued a statement." -> (the ministry, the statement)."""
    roots = [token for token in doc if token.dep_ == "ROOT"]
    if not roots:
        return None, None
    subject = next(
        (child for child in roots[0].children if child.dep_ in ("nsubj", "nsubjpass")), None
    )
    if subject is None or subject.tag_ in ("PRP", "DT", "WDT", "EX"):
        return None, None
    found = _type_head(subject, base, memory, sentence, set())
    text = None
    for child in roots[0].children:
        category = source_lexicon.noun_category(child.text) if child.dep_ == "dobj" else None
        if category is not None and category.category == "document":
            text = _own(child, base, "document", 0.8, roles={category.singular})
    return found, text


def _type_head(
    head: Any, base: int, memory: Discourse, sentence: int, excluded: set[int]
) -> Found | None:
    lower = head.lower_
    if lower in _PRONOUNS and head.tag_ in ("PRP", "NN", "NNP"):
        return _pronoun(head, base, memory, sentence, excluded)
    appositive = _appositive_name(head)
    named = name_tokens(appositive) if appositive is not None else _name_after_role(head)
    if named:
        found = _named(named[-1], base, memory, hint=head, tokens=named)
        if found is not None:
            return found
    if head.tag_ in _NAME_TAGS or (head.ent_type_ and head.tag_ not in ("NN", "NNS", "CD")):
        if head.tag_ == "NNPS" and head.ent_type_ == "NORP" and not _determiner(head):
            return _own(head, base, "anonymous", 0.8, plural=True)  # "Palestinians said"
        found = _named(head, base, memory, hint=_role_before(head))
        if found is not None:
            return found
    if lower in _QUANTIFIERS or head.tag_ == "CD":
        return _quantified(head, base, memory, sentence, excluded)
    return _common_noun(head, base, memory, sentence)


def _quantified(
    head: Any, base: int, memory: Discourse, sentence: int, excluded: set[int]
) -> Found | None:
    """ "some said", "one of the protesters", "one of which" (the noun the relative
    clause belongs to): typed by whom they are part of."""
    of_whom = next(
        (
            grand
            for child in head.children
            if child.dep_ == "prep" and child.lower_ == "of"
            for grand in child.children
            if grand.dep_ == "pobj"
        ),
        None,
    )
    if of_whom is not None and of_whom.lower_ in ("which", "whom"):
        # The antecedent: the noun right before ", one of which".
        before = head.left_edge.i - 1
        doc = head.doc
        if before >= 1 and doc[before].text == "," and doc[before - 1].tag_ in _NOUN_TAGS:
            found = _type_head(doc[before - 1], base, memory, sentence, excluded)
            if found is not None:
                return replace(found, confidence=round(found.confidence * 0.9, 3))
    if of_whom is not None and of_whom.tag_ in ("NN", "NNS"):
        category = source_lexicon.noun_category(of_whom.text)
        if category is not None and category.category == "institution":
            return _own(head, base, "organization", 0.75)
        if category is not None and category.category == "document":
            return _own(head, base, "document", 0.75)
    return _own(head, base, "anonymous", 0.8, plural=head.lower_ not in ("one", "another"))


def _pronoun(head: Any, base: int, memory: Discourse, sentence: int, excluded: set[int]) -> Found:
    entity = memory.pronoun(head.lower_, sentence, excluded)
    if entity is None:
        return _own(head, base, "anonymous", 0.4, plural=head.lower_ == "they")
    if entity.kind == "document" and entity.originator is not None:
        # "A statement by the campaign was posted. It said ...": the campaign, via it.
        medium = entity.attribution()
        found = entity.originator.attribution()
        return Found(replace(found, medium=medium), 0.7, entity=entity.originator)
    if head.lower_ in ("he", "she"):
        entity.gender = entity.gender or ("m" if head.lower_ == "he" else "f")
    confidence = 0.85 if head.lower_ in ("he", "she") else 0.75
    return Found(entity.attribution(), confidence, plural=entity.plural, entity=entity)


def _appositive_name(head: Any) -> Any:
    """ "his lawyer, Irene Sato," or "a witness, Sergeant Jane Doe": the name."""
    if head.tag_ in _NAME_TAGS and not _is_title(head.text):
        return None
    for child in head.children:
        if child.dep_ == "appos" and any(
            token.tag_ in _NAME_TAGS or token.ent_type_ == "PERSON" for token in child.subtree
        ):
            return child
    return None


def _role_before(head: Any) -> Any:
    """ "Council leader Marcus Hale": the common noun of a role in front of a name (the
    parser makes it a compound of the name), which says the name is a person's."""
    for child in head.lefts:
        if child.dep_ != "compound" or child.tag_ not in ("NN", "NNS"):
            continue
        category = source_lexicon.noun_category(child.text)
        if _is_title(child.text) or (category is not None and category.category == "person"):
            return child
    return None


def _name_after_role(head: Any) -> Any:
    """ "CEO of the Refugee Council Enver Solomon", "professor Marc Lamont Hill": a role
    whose phrase ends in a person's name (the parser often heads it with the role)."""
    category = source_lexicon.noun_category(head.text)
    if not (_is_title(head.text) or (category is not None and category.category == "person")):
        return None
    last = head.right_edge
    if last.i <= head.i or last.tag_ not in _NAME_TAGS:
        return None
    # The name is the last proper-noun run of the phrase, with no comma before it.
    if any(token.text in (",", "(") for token in head.doc[head.i : last.i]):
        return None
    first = last
    while first.i - 1 > head.i and head.doc[first.i - 1].tag_ in _NAME_TAGS | {"HYPH"}:
        first = head.doc[first.i - 1]
    run = list(head.doc[first.i : last.i + 1])
    if last.ent_type_ == "PERSON":
        # The recogniser's person: "to the United States Hamdullah Mohib".
        name = [token for token in run if token.ent_type_ == "PERSON"]
        name = (
            name[[t.ent_iob_ for t in name].index("B") :]
            if "B" in [t.ent_iob_ for t in name]
            else name
        )
        if name and name[0].i > 0 and head.doc[name[0].i - 1].tag_ == "IN":
            return None  # "a spokesman for Metrolink": whom the role is for, not its name
        return name
    # "of the Andean Community Wagner": the name is what follows the organisation's name.
    cues = [i for i, token in enumerate(run) if _looks_like_organization([token.text])]
    if not cues:
        return None
    name = run[cues[-1] + 1 :]
    words = [token.text for token in name if token.tag_ != "HYPH"]
    if not words or len(words) > 3 or _looks_like_organization(words):
        return None
    return name


def name_tokens(head: Any) -> list[Any]:
    """The tokens of the proper name headed by `head`: its entity, else its run of
    proper nouns joined as compounds ("Kim In-seok" with its hyphen)."""
    doc = head.doc
    if head.dep_ == "appos" or head.tag_ not in _NAME_TAGS:
        # An appositive name may be split by a hyphen or mis-tagged: take it whole.
        tokens = [t for t in head.subtree if t.dep_ not in ("punct",) or t.tag_ == "HYPH"]
        tokens = [t for t in tokens if t.i >= head.left_edge.i]
        if all(t.tag_ in _NAME_TAGS or t.tag_ == "HYPH" or t.i == head.i for t in tokens):
            return tokens
    if head.ent_iob_ in ("B", "I"):
        start = head.i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = head.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        tokens = list(doc[start:end])
    else:
        tokens = [head]
    # Extend left over proper-noun compounds and titles: "Prosecutor Jane Doe".
    while tokens[0].i > 0:
        before = doc[tokens[0].i - 1]
        if (
            before.head.i in {t.i for t in tokens} | {head.i}
            and before.dep_
            in (
                "compound",
                "flat",
                "nmod",
            )
            and (before.tag_ in _NAME_TAGS or before.text in source_lexicon.TITLES)
        ):
            tokens.insert(0, before)
        else:
            break
    tokens = _with_possessor(tokens, head) + _of_tail(tokens, head)
    while tokens and (tokens[0].text in _NOT_NAME_WORDS or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].tag_ == "POS"):
        tokens.pop()
    return tokens


def _with_possessor(tokens: list[Any], head: Any) -> list[Any]:
    """ "the U.S. Attorney's Office": an office named by its holder's proper name keeps
    it ("Office" alone names nobody)."""
    doc = head.doc
    first = tokens[0]
    if first.i < 2 or doc[first.i - 1].tag_ != "POS" or not _looks_like_organization([head.text]):
        return tokens
    owner = doc[first.i - 2]
    if owner.dep_ != "poss" or owner.head.i != head.i or owner.tag_ not in _NAME_TAGS:
        return tokens
    start = owner.i
    while start > 0 and doc[start - 1].tag_ in _NAME_TAGS and doc[start - 1].head.i == owner.i:
        start -= 1
    return list(doc[start : first.i]) + tokens


def _of_tail(tokens: list[Any], head: Any) -> list[Any]:
    """ "Chamber of Commerce", "Ministry of Defence": an organisation's name goes on past
    "of" when proper nouns follow it (the recogniser often stops before)."""
    doc = head.doc
    after = tokens[-1].i + 1
    if (
        tokens[-1].i != head.i
        or not _looks_like_organization([head.text])
        or after + 1 >= len(doc)
        or doc[after].lower_ != "of"
        or doc[after].head.i != head.i
    ):
        return []
    end = after + 1
    if doc[end].lower_ == "the":
        end += 1
    start_of_name = end
    while end < len(doc) and doc[end].tag_ in _NAME_TAGS:
        end += 1
    return list(doc[after:end]) if end > start_of_name else []


def _named(
    head: Any, base: int, memory: Discourse, hint: Any = None, tokens: list[Any] | None = None
) -> Found | None:
    """A proper name as a source: a person (titles stripped) or an organisation."""
    tokens = tokens if tokens is not None else name_tokens(head)
    # A title in the possessive owns what follows ("the Attorney's Office"): not a title.
    titles = [
        t
        for t in tokens
        if _is_title(t.text) and not (t.i + 1 < len(t.doc) and t.doc[t.i + 1].tag_ == "POS")
    ]
    # The name proper follows its last title ("Senate Majority Leader Harry Reid").
    if titles:
        after = tokens[tokens.index(titles[-1]) + 1 :]
        name = after or tokens
    else:
        name = tokens
    if not name:
        return None
    if titles and tokens[-1] is titles[-1] or (titles and name[-1].text == titles[-1].text):
        # "The Tory Shadow Health Secretary": an office holder the article does not name.
        start, end = base + tokens[0].idx, base + tokens[-1].idx + len(tokens[-1].text)
        text = head.doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]
        roles = frozenset({titles[-1].lower_.rstrip(".")})
        return Found(Attribution(text, "anonymous", start, end, method="parse"), 0.75, roles=roles)
    words = [t.text for t in name]
    label = head.ent_type_
    roles = frozenset(t.lower_.rstrip(".") for t in titles)
    if hint is not None:
        category = source_lexicon.noun_category(hint.text)
        if category is not None and category.category == "person":
            roles |= {category.singular}
    gender = gender_of([t.text for t in tokens] + list(roles))
    start, end = base + name[0].idx, base + name[-1].idx + len(name[-1].text)
    text = head.doc.text[name[0].idx : name[-1].idx + len(name[-1].text)]
    known = memory.known_person(words)
    organization_words = _looks_like_organization(words)
    role_after = _role_in_apposition(head)
    if role_after is not None:
        roles |= {role_after}
    hinted = role_after is not None or (
        hint is not None
        and (
            _is_title(hint.text)
            or (source_lexicon.noun_category(hint.text) or (None,))[0] == "person"
        )
    )
    institution_hint = (
        hint is not None
        and (source_lexicon.noun_category(hint.text) or (None,))[0] == "institution"
    )
    if known is not None and not organization_words and (known.sure or label in PERSON_LABELS):
        confidence = 0.95
        kind = "named_person"
    elif known is not None and not organization_words and label not in ORGANIZATION_LABELS:
        confidence = 0.8
        kind = "named_person"
    elif organization_words:
        kind, confidence = "organization", 0.9
    elif memory.known_organization(words) is not None:
        kind, confidence = "organization", 0.9
    elif institution_hint:
        # "The city's transport authority, Metrolink,": an institution's name.
        kind, confidence = "organization", 0.85
    elif hinted:
        # A person's role before the name: "his lawyer, Irene Sato", "Secretary General
        # of the Andean Community Wagner".
        kind, confidence = "named_person", 0.85
    elif label in PERSON_LABELS:
        kind, confidence = "named_person", 0.9 if len(words) > 1 or titles else 0.8
    elif titles and label not in ORGANIZATION_LABELS:
        kind, confidence = "named_person", 0.85
    elif label in ORGANIZATION_LABELS:
        kind, confidence = "organization", 0.8
    elif any(word in source_lexicon.PLACE_WORDS for word in words):
        kind, confidence = "organization", 0.7
    elif 2 <= len(words) <= 4:
        kind, confidence = "named_person", 0.6
    else:
        kind, confidence = "organization", 0.5
    # "entity" when the recogniser's label decided the kind, for the reviewer to weigh.
    decided_by_label = label and not (
        known or organization_words or hinted or institution_hint or titles
    )
    method = "entity" if decided_by_label else "parse"
    attribution = Attribution(text, kind, start, end, method=method)
    return Found(
        attribution,
        confidence,
        roles=roles,
        gender=gender,
        entity=known if kind == "named_person" else None,
        name=text if kind == "named_person" else None,
    )


def _role_in_apposition(head: Any) -> str | None:
    """ "Esteban Magnani, author of ...": the person noun in apposition to a name."""
    for child in head.children:
        if child.dep_ == "appos" and child.tag_ in ("NN", "NNS"):
            category = source_lexicon.noun_category(child.text)
            if category is not None and category.category == "person":
                return category.singular
    return None


def _is_title(word: str) -> bool:
    return word in source_lexicon.TITLES or any(
        part in source_lexicon.TITLES for part in word.split("-")
    )


def _looks_like_organization(words: list[str]) -> bool:
    for word in words:
        bare = word.removesuffix("’s").removesuffix("'s")
        if bare in source_lexicon.ORGANIZATION_CUES:
            return True
        if len(bare) >= 2 and bare.isupper() and bare.isalpha() and bare not in ("I", "II"):
            return True
    return False


def _common_noun(head: Any, base: int, memory: Discourse, sentence: int) -> Found | None:
    category = source_lexicon.noun_category(head.text)
    label = head.ent_type_
    if category is None:
        if label in ORGANIZATION_LABELS:
            return _own(head, base, "organization", 0.6)
        return None
    if source_lexicon.is_ambiguous(head.text) and not any(
        child.lower_ == "of" for child in head.children
    ):
        return None
    determiner = _determiner(head)
    definite = determiner in ("the", "this", "that") or _possessor(head) is not None
    if category.category == "document":
        return _document(head, base, memory, category, definite)
    if category.category == "group":
        return _own(head, base, "anonymous", 0.8, plural=True, roles={category.singular})
    if category.category == "institution":
        if _collective_of_people(head):
            return _own(head, base, "anonymous", 0.8, plural=True)
        if definite and not category.plural and determiner == "the" and _is_bare(head):
            known = memory.organization_with_word(category.singular)
            if known is not None:
                return Found(known.attribution(), 0.8, entity=known)
        return _own(head, base, "organization", 0.85 if not category.plural else 0.75)
    # A person noun: "officials", "a witness", "the spokesman" (back to a named one).
    if category.plural and determiner in ("both", "two") or _counted_two(head):
        pair = memory.last_two_people(sentence)
        if pair is not None:
            return Found(pair[0].attribution(), 0.7, entity=pair[0])
    if definite and not category.plural and determiner == "the" and _is_bare(head):
        known = memory.person_with_role(category.singular, sentence)
        if known is not None:
            return Found(known.attribution(), 0.8, entity=known)
        # "the official added", right after a named person spoke: that person.
        known = memory.recent_speaker(sentence, within=2)
        if known is not None:
            return Found(known.attribution(), 0.7, entity=known)
    return _own(
        head,
        base,
        "anonymous",
        0.85,
        plural=category.plural,
        roles={category.singular},
    )


def _document(
    head: Any,
    base: int,
    memory: Discourse,
    category: source_lexicon.NounCategory,
    definite: bool,
) -> Found:
    """A text: "the report" (a document), "Spielberg's statement" (Spielberg's, via the
    statement), "a statement from the ministry" (the ministry's)."""
    owner = _possessor(head) or _from_whom(head) or _proper_compound(head) or _issuer(head)
    if owner is not None and owner.tag_ != "PRP":
        found = (
            _named(owner, base, memory)
            if owner.tag_ in _NAME_TAGS
            else _common_noun(owner, base, memory, -1)
        )
        if found is not None and found.attribution.kind in ("named_person", "organization"):
            document = _own(head, base, "document", 0.8).attribution
            return replace(found, attribution=replace(found.attribution, medium=document))
    if definite and _is_bare(head):
        known = memory.document_with_noun(category.singular)
        if known is not None and known.originator is not None:
            return Found(known.originator.attribution(), 0.7, entity=known.originator)
    return _own(head, base, "document", 0.85, plural=category.plural, roles={category.singular})


def _issuer(head: Any) -> Any:
    """ "The ministry posted a statement which read ...": who put the text out."""
    if head.dep_ != "dobj":
        return None
    subject, _ = subject_of(head.head)
    return subject


def _possessor(head: Any) -> Any:
    for child in head.children:
        if child.dep_ == "poss" and child.tag_ != "PRP$":
            return child
    return None


def _proper_compound(head: Any) -> Any:
    """ "The Home Office letter": the name a document noun is compounded with."""
    compounds = [c for c in head.children if c.dep_ == "compound" and c.tag_ in _NAME_TAGS]
    return compounds[-1] if compounds else None


def _from_whom(head: Any) -> Any:
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _collective_of_people(head: Any) -> bool:
    """ "a group of doctors", "a coalition of parents": people, not an institution."""
    of_whom = _from_whom(head)
    if of_whom is None:
        return False
    category = source_lexicon.noun_category(of_whom.text)
    return category is not None and category.category in ("person", "group") and category.plural


def _counted_two(head: Any) -> bool:
    return any(child.lower_ in ("two", "both") for child in head.children)


def _determiner(head: Any) -> str:
    for child in head.children:
        if child.dep_ == "det":
            return child.lower_
    return ""


def _is_bare(head: Any) -> bool:
    """True for "the company" alone, without a name or modifier that makes it new."""
    return not any(
        child.dep_ in ("compound", "amod", "nummod", "prep", "appos") for child in head.children
    )


def _own(
    head: Any,
    base: int,
    kind: str,
    confidence: float,
    plural: bool = False,
    roles: set[str] | frozenset[str] = frozenset(),
) -> Found:
    """A source that is its own phrase in this sentence ("a senior official")."""
    start, end = phrase_bounds(head)
    text = head.doc.text[start:end]
    attribution = Attribution(text, kind, base + start, base + end, method="parse")
    return Found(attribution, confidence, plural=plural, roles=frozenset(roles))

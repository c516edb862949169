"""What an article has said so far about who is who: the people, organisations and texts
it named, who spoke last, and what a later "he", "the company" or "the statement" means.

Pure: stdlib only. Filled in reading order by attribution.py, one sentence at a time, so a
back-reference only ever looks at what came before it.
"""

from dataclasses import dataclass, field

from . import source_lexicon
from .source_record import Attribution

# How many sentences back a pronoun may reach for its speaker.
_PRONOUN_REACH = 6


@dataclass
class Entity:
    """One source the article names: its fullest mention so far, and what is known of it."""

    kind: str  # named_person, organization, anonymous or document
    text: str
    start: int
    end: int
    words: set[str] = field(default_factory=set)  # name words: "Jane", "Doe"; "acme"
    roles: set[str] = field(default_factory=set)  # "minister", "spokeswoman"
    gender: str | None = None  # "f" or "m", when a title, a role or a pronoun said so
    plural: bool = False
    originator: "Entity | None" = None  # who a document comes from
    last_sentence: int = -1  # the last sentence that named it outside a quotation
    first_sentence: int = -1
    # For a person: something said so (a title, a role, the entity recogniser, a pronoun),
    # not only two capitalised words, which a company ("Georgia Power") also is.
    sure: bool = False

    def attribution(self, method: str = "back-reference") -> Attribution:
        """The entity as a source: its fullest mention, at that mention's own offsets."""
        return Attribution(self.text, self.kind, self.start, self.end, method=method)


@dataclass(frozen=True)
class Found:
    """A typed source: the Attribution, how sure, and what a back-reference needs."""

    attribution: Attribution
    confidence: float
    plural: bool = False
    roles: frozenset[str] = frozenset()
    gender: str | None = None
    entity: Entity | None = None  # the earlier entity this mention refers back to
    name: str | None = None  # for a named person: the name without titles


class Discourse:
    """The entities an article has named, and its speakers, in reading order."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.person_by_word: dict[str, Entity] = {}
        self.organization_by_word: dict[str, Entity] = {}  # "ministry" -> the ministry
        self.organization_by_name: dict[str, Entity] = {}  # "acme", "kcna" -> itself
        self.speakers: list[tuple[int, Entity]] = []  # (sentence, the source it gave)
        self.subjects: list[tuple[int, Entity]] = []  # people opening a sentence

    # --- learning ---------------------------------------------------------------------

    def person(
        self,
        text: str,
        start: int,
        end: int,
        sentence: int,
        roles: frozenset[str] | set[str] = frozenset(),
        gender: str | None = None,
        sure: bool = True,
    ) -> Entity:
        """The person named `text` (a name without titles), merged with the one already
        known by its surname: "Jane Doe" then "Doe" is one person."""
        words = [word for word in text.split() if word[:1].isupper()]
        known = self.known_person(words)
        if known is not None and _other_first_name(known, words):
            known = None  # "Nancy Reagan" after "Ronald Reagan": another Reagan
        if known is None:
            known = Entity("named_person", text, start, end, first_sentence=sentence)
            self.entities.append(known)
        elif len(text) > len(known.text) and len(words) > 1:
            known.text, known.start, known.end = text, start, end
        known.words.update(words)
        known.roles.update(roles)
        known.gender = known.gender or gender
        known.sure = known.sure or sure or bool(roles) or gender is not None
        known.last_sentence = max(known.last_sentence, sentence)
        if words:
            self.person_by_word[words[-1]] = known
            if len(words) > 1:
                self.person_by_word.setdefault(words[0], known)
        return known

    def organization(self, text: str, start: int, end: int, sentence: int) -> Entity:
        """The organisation named `text`, remembered by each of its words ("the company"
        finds "Acme Corp.", "KCNA" finds the agency it abbreviates)."""
        key = text.lower().removeprefix("the ")
        known = self.organization_by_name.get(key)
        if known is None:
            known = Entity("organization", text, start, end, first_sentence=sentence)
            self.entities.append(known)
        known.last_sentence = max(known.last_sentence, sentence)
        self.organization_by_name.setdefault(key, known)
        words = [w.strip(".,’'") for w in text.split()]
        for word in words:
            if word and word.islower() and word not in ("the", "of", "and", "for", "&"):
                self.organization_by_word.setdefault(word, known)
            elif word and word.lower() in source_lexicon.INSTITUTION_NOUNS:
                self.organization_by_word.setdefault(word.lower(), known)
        if any(word in source_lexicon.CORPORATE_SUFFIXES for word in words):
            for noun in ("company", "firm", "group", "corporation"):
                self.organization_by_word.setdefault(noun, known)
        # "Acme Corp." is "Acme"; "Korean Central News Agency" is "KCNA".
        distinctive = [w for w in words if w not in source_lexicon.CORPORATE_SUFFIXES]
        if distinctive and distinctive != words:
            self.organization_by_name.setdefault(" ".join(distinctive).lower(), known)
        initials = "".join(w[0] for w in words if w[:1].isupper() and w != "The")
        if len(initials) >= 2:
            self.organization_by_name.setdefault(initials.lower(), known)
        return known

    def other(
        self, attribution: Attribution, sentence: int, plural: bool, roles: set[str]
    ) -> Entity:
        """An unnamed source (anonymous or a document), remembered for "they" and "it"."""
        entity = Entity(
            attribution.kind,
            attribution.text,
            attribution.start,
            attribution.end,
            roles=set(roles),
            plural=plural,
            last_sentence=sentence,
            first_sentence=sentence,
        )
        self.entities.append(entity)
        return entity

    def remember(self, found: Found, sentence: int) -> Entity:
        """A new entity for a source first met in sentence `sentence`."""
        attribution = found.attribution
        if attribution.kind == "named_person":
            entity = self.person(
                found.name or attribution.text,
                attribution.start,
                attribution.end,
                sentence,
                roles=set(found.roles),
                gender=found.gender,
            )
        elif attribution.kind == "organization":
            entity = self.organization(
                attribution.text, attribution.start, attribution.end, sentence
            )
        else:
            entity = self.other(attribution, sentence, found.plural, set(found.roles))
        return entity

    def documented(self, found: Found, sentence: int, entity: Entity) -> None:
        """The document a source spoke through, remembered with the source as its
        originator ("the report of the bank": a later "the report" is the bank's)."""
        medium = found.attribution.medium
        if medium is not None and medium.kind == "document":
            document = self.other(medium, sentence, False, set())
            document.roles.update(medium.text.lower().split()[-1:])
            document.originator = entity

    def spoke(self, sentence: int, entity: Entity) -> None:
        """`entity` is the source of sentence `sentence`."""
        entity.last_sentence = max(entity.last_sentence, sentence)
        self.speakers.append((sentence, entity))

    def opened(self, sentence: int, entity: Entity) -> None:
        """`entity` is the subject of sentence `sentence`, which it did not say."""
        self.subjects.append((sentence, entity))

    # --- looking back -----------------------------------------------------------------

    def known_person(self, words: list[str]) -> Entity | None:
        """The person already known by the last word of `words` (a surname), or by its
        first word when that is all there is ("Jane")."""
        if not words:
            return None
        known = self.person_by_word.get(words[-1])
        if known is None and len(words) == 1:
            known = self.person_by_word.get(words[0])
        return known

    def known_organization(self, words: list[str]) -> Entity | None:
        """The organisation known by the whole name, or by its acronym."""
        if not words:
            return None
        return self.organization_by_name.get(" ".join(words).lower().removeprefix("the "))

    def pronoun(self, pronoun: str, sentence: int, excluded: set[int]) -> Entity | None:
        """What "he", "she", "they" or "it" in sentence `sentence` refers to.

        People for he and she: the latest speaker, else the latest person opening a
        sentence, else the latest person named, agreeing in gender where it is known; never
        one in `excluded` (ids of entities named inside the sentence's own quotation).
        Organisations and documents for "it"; plural sources and organisations for "they".
        """
        pronoun = pronoun.lower()
        lowest = sentence - _PRONOUN_REACH
        if pronoun in ("he", "she"):
            gender = "m" if pronoun == "he" else "f"
            # The latest person who spoke or opened a sentence; a speaker before a subject
            # of the same sentence. Never a person first named in this very sentence.
            for _, _, entity in reversed(self._since(lowest)):
                if entity.first_sentence < sentence and self._fits_person(entity, gender, excluded):
                    return entity
            named = [entity for entity in self.entities if entity.last_sentence >= lowest]
            for entity in sorted(named, key=lambda e: -e.last_sentence):
                if entity.first_sentence < sentence and self._fits_person(entity, gender, excluded):
                    return entity
            return None
        if pronoun == "it":
            kinds = ("organization", "document")
        elif pronoun == "they":
            kinds = ("organization", "anonymous")
        else:
            return None
        for _, _, entity in reversed(self._since(lowest)):
            if entity.kind in kinds and id(entity) not in excluded:
                if pronoun == "they" and entity.kind == "anonymous" and not entity.plural:
                    continue
                return entity
        return None

    def _since(self, lowest: int) -> list[tuple[int, int, Entity]]:
        """Speakers (1) and sentence subjects (0) from sentence `lowest` on, as (sentence,
        1 or 0, entity) in reading order, a sentence's speaker after its subject. Both lists
        grow in reading order, so only their tails are read: a long article's pronouns
        cost the same as a short one's."""
        tail: list[tuple[int, int, Entity]] = []
        for flag, items in ((1, self.speakers), (0, self.subjects)):
            recent = []
            for said_in, entity in reversed(items):
                if said_in < lowest:
                    break
                recent.append((said_in, flag, entity))
            tail.extend(reversed(recent))
        return sorted(tail, key=lambda item: (item[0], item[1]))

    @staticmethod
    def _fits_person(entity: Entity, gender: str, excluded: set[int]) -> bool:
        if id(entity) in excluded or entity.plural:
            return False
        if entity.kind not in ("named_person", "anonymous"):
            return False
        return entity.gender in (None, gender)

    def recent_speaker(self, sentence: int, within: int) -> Entity | None:
        """The named person who spoke last, if they did in the last `within` sentences."""
        for said_in, entity in reversed(self.speakers):
            if said_in < sentence - within:
                break
            if entity.kind == "named_person":
                return entity
        return None

    def last_two_people(self, sentence: int) -> tuple[Entity, Entity] | None:
        """The two people named most recently, in the last two sentences ("Both men")."""
        people = sorted(
            (
                e
                for e in self.entities
                if e.kind == "named_person"
                and e.last_sentence >= sentence - 2
                and e.first_sentence < sentence
            ),
            key=lambda e: (e.last_sentence, e.start),
        )
        return (people[-2], people[-1]) if len(people) >= 2 else None

    def person_with_role(self, role: str, sentence: int) -> Entity | None:
        """The latest person introduced with `role` ("the minister" -> Finance Minister
        Jane Doe), within the reach of a back-reference."""
        for entity in sorted(self.entities, key=lambda e: -e.last_sentence):
            if entity.kind == "named_person" and role in entity.roles:
                return entity
        return None

    def organization_with_word(self, word: str) -> Entity | None:
        """The organisation named with `word` ("the ministry" -> the Interior Ministry)."""
        known = self.organization_by_word.get(word.lower())
        return known if known is not None and known.kind == "organization" else None

    def document_with_noun(self, noun: str) -> Entity | None:
        """The latest document called `noun` ("the statement"), if one was named."""
        for entity in reversed(self.entities):
            if entity.kind == "document" and noun in entity.roles:
                return entity
        return None


def _other_first_name(known: Entity, words: list[str]) -> bool:
    """True when a full name has another first name than the person known by its surname."""
    known_words = known.text.split()
    return (
        len(words) > 1
        and len(known_words) > 1
        and words[-1] == known_words[-1]
        and words[0] != known_words[0]
        and not words[0].endswith(".")
        and not known_words[0].endswith(".")
    )


def gender_of(words: list[str] | set[str]) -> str | None:
    """ "f" or "m" when a title or a role among `words` says so, else None."""
    lowered = {word.lower() for word in words}
    if lowered & source_lexicon.FEMININE:
        return "f"
    if lowered & source_lexicon.MASCULINE:
        return "m"
    return None

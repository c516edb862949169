"""Sources by rules alone, for the languages without a parser the project may use: a
language pack (spanish.py) gives the words, this module the reading.

Pure: stdlib only. Each sentence is read once, in order, with its quotations blanked:
1. A frame that names the source: "según X", "de acuerdo con X", "a juicio de X", "para X,"
   at the start of a clause, "X: «...»" before a quotation.
2. A verb of saying or believing (any form the pack generates) with its subject: before it
   ("Pascual aseguró", "El presidente de Spanair, Gonzalo Pascual, dijo", "Benegas, quien
   aseguró"), or after it where the language puts it there ("..., dijo el ministro",
   "Según informó hoy la Cadena Ser"). A passive takes its agent ("por X"); an impersonal
   form ("se informó") names no one.
3. With no subject at all (a pro-drop "Afirmó que ..."), the verb's source is the person
   who spoke last; the verb itself is that sentence's mention of them.
Kinds come from the phrase's head as in English: names by what the article said of them,
organisation words and acronyms; common nouns by the pack's lexicon.
"""

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from .discourse import Discourse, Entity, Found
from .quotations import blank_quotations, find_quotations
from .quote_speakers import credit_quotations
from .source_record import Attribution
from .splitter import ClaimSpan

_TOKEN = re.compile(r"[^\W\d_](?:[\w’'-]*\w)?|\d[\d.,]*\d|\d|[^\w\s]", re.UNICODE)
_CLAUSE_BREAKS = frozenset({",", ";", ":", "(", ")", "-", "—", "–", "\x00"})
_SPEAKER_REACH = 4  # sentences back a pro-drop verb may find its speaker


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offset in the article
    end: int
    folded: str


class Pack:
    """The words of one language, indexed for the rules."""

    def __init__(self, module: ModuleType) -> None:
        fold = module.fold
        self.fold = fold
        self.forms: dict[str, str] = {}
        for verb in module.SPEECH:
            for form in module.verb_forms(verb):
                self.forms.setdefault(form, verb)
        self.evidence = frozenset(module.EVIDENCE)
        self.according = []
        for phrase in module.ACCORDING_TO:
            words = tuple(fold(phrase).split())
            self.according.append(words)
            if words[-1] == "de":  # "a juicio del NYSE": de + el
                self.according.append((*words[:-1], "del"))
        self.possessive = [tuple(fold(phrase).split()) for phrase in module.POSSESSIVE_FRAMES]
        self.pronouns = {fold(word): value for word, value in module.PRONOUNS.items()}
        self.determiners = frozenset(fold(word) for word in module.DETERMINERS)
        self.between = frozenset(fold(word) for word in module.BETWEEN)
        self.joiners = frozenset(module.NAME_JOINERS)
        self.titles = frozenset(fold(word) for word in module.TITLES)
        self.organization_cues = frozenset(module.ORGANIZATION_CUES)
        self.places = frozenset(module.PLACES)
        self.feminine = frozenset(fold(word) for word in module.FEMININE)
        self.masculine = frozenset(fold(word) for word in module.MASCULINE)
        self.infinitive_frames = frozenset(fold(word) for word in module.INFINITIVE_FRAMES)
        self.infinitives = frozenset(fold(verb) for verb in module.SPEECH)
        self.prepositions = frozenset(fold(word) for word in module.PREPOSITIONS)
        self.media_nouns = frozenset(fold(word) for word in module.MEDIA_NOUNS)
        # Phrases that act as a verb of saying, by their first word (a verb form).
        self.phrases: dict[str, list[tuple[str, ...]]] = {}
        for verb, words in module.PHRASES:
            for form in module.verb_forms(verb):
                self.phrases.setdefault(form, []).append(tuple(fold(words).split()))
        self.nouns: dict[str, tuple[str, bool]] = {}
        for category, nouns in (
            ("document", module.DOCUMENT_NOUNS),
            ("group", module.GROUP_NOUNS),
            ("institution", module.INSTITUTION_NOUNS),
            ("person", module.PERSON_NOUNS),
        ):
            for noun in nouns:
                self.nouns.setdefault(fold(noun), (category, False))
                self.nouns.setdefault(fold(module.noun_plural(noun)), (category, True))
        self.auxiliaries = frozenset(
            "ha han habia habian habra habrian habria hubo hubieran haya hayan".split()
        )
        self.passive = frozenset("fue fueron es son sido sera seran era eran".split())
        self.relatives = frozenset({"quien", "quienes", "que", "cual", "cuales", "cuyo", "cuya"})
        self.asides = frozenset(fold(word) for word in module.ASIDES)
        self.clause_openers = frozenset(
            {"y", "e", "pero", "aunque", "mientras", "pues", "ademas", "asimismo", "tambien"}
        )


def detect_sources(
    text: str, spans: list[ClaimSpan], pack: Pack
) -> list[tuple[Attribution | None, tuple[tuple[str, str, int, int], ...]]]:
    """(Attribution or None, other candidate sources) per claim span, by the rules."""
    quotations = find_quotations(text, dialogue_dashes=True)
    narration = _with_dash_tags(text, blank_quotations(text, quotations), pack)
    memory = Discourse()
    own: list[Found | None] = []
    for index, span in enumerate(spans):
        reader = _Sentence(text, narration, span, index, pack, memory)
        reader.learn_names()
        found = reader.source()
        own.append(_remember(memory, found, index))
    final = credit_quotations(text, narration, spans, own, quotations)
    return [
        (dataclasses.replace(f.attribution, confidence=f.confidence) if f else None, ())
        for f in final
    ]


def _with_dash_tags(text: str, narration: str, pack: Pack) -> str:
    """Show the speech tags set off by dashes inside a quotation ("Spanair está creciendo
    - dijo Pascual - gracias a ..."): they are the writer's words, not the speaker's."""
    chars = list(narration)
    for match in re.finditer(r"[-—–]\s*([^\W\d_]+)\s+([^-—–\n]{1,60}?)\s*[-—–]", text):
        if narration[match.start()] != "\x00":
            continue
        if pack.fold(match.group(1)) in pack.forms:
            chars[match.start() : match.end()] = text[match.start() : match.end()]
    return "".join(chars)


class _Sentence:
    """One sentence being read: its tokens (narration only) and the article so far."""

    def __init__(
        self,
        text: str,
        narration: str,
        span: ClaimSpan,
        index: int,
        pack: Pack,
        memory: Discourse,
    ) -> None:
        self.text = text
        self.narration = narration
        self.span = span
        self.index = index
        self.pack = pack
        self.memory = memory
        self._after_verb = False  # while reading a subject placed after its verb
        self.tokens: list[Token] = []
        for match in _TOKEN.finditer(narration, span.start, span.end):
            word = match.group()
            if "\x00" in word:
                if self.tokens and self.tokens[-1].text == "\x00":
                    last = self.tokens[-1]
                    self.tokens[-1] = Token("\x00", last.start, match.end(), "\x00")
                else:
                    self.tokens.append(Token("\x00", match.start(), match.end(), "\x00"))
                continue
            self.tokens.append(Token(word, match.start(), match.end(), pack.fold(word)))

    # --- names the sentence introduces ------------------------------------------------

    def learn_names(self) -> None:
        """Remember people and organisations named here, with a role said next to them."""
        for start, end in self._name_runs():
            tokens = self.tokens[start:end]
            words = [t.text for t in tokens]
            kind = self._name_kind(words)
            text = self.text[tokens[0].start : tokens[-1].end]
            if kind == "organization":
                entity = self.memory.organization(text, tokens[0].start, tokens[-1].end, self.index)
                self._learn_acronym(end, entity)
            elif kind == "named_person" and len(words) >= 2:
                role = self._role_around(start, end)
                self.memory.person(
                    text,
                    tokens[0].start,
                    tokens[-1].end,
                    self.index,
                    roles={role} if role else set(),
                    gender=self._gender(role),
                )

    def _name_kind(self, words: list[str]) -> str:
        if self.memory.known_organization(words) is not None:
            return "organization"
        if self._organization_words(words) or any(word in self.pack.places for word in words):
            return "organization"
        return "named_person"

    def _learn_acronym(self, end: int, entity: Entity) -> None:
        """ "el New York Stock Exchange (NYSE)": the acronym names it too."""
        after = self.tokens[end : end + 3]
        if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
            if after[1].text.isupper():
                self.memory.organization_by_name.setdefault(after[1].text.lower(), entity)

    def _name_runs(self) -> list[tuple[int, int]]:
        runs = []
        index = 0
        while index < len(self.tokens):
            if self._capitalised(index) and not self._sentence_initial_word(index):
                end = index + 1
                while end < len(self.tokens):
                    if self._capitalised(end):
                        end += 1
                    elif (
                        self.tokens[end].text in self.pack.joiners
                        and end + 1 < len(self.tokens)
                        and self._capitalised(end + 1)
                    ):
                        end += 2
                    elif (
                        self.tokens[end].text in self.pack.joiners
                        and end + 2 < len(self.tokens)
                        and self.tokens[end + 1].text in self.pack.joiners
                        and self._capitalised(end + 2)
                    ):
                        end += 3
                    else:
                        break
                runs.append((index, end))
                index = end
            else:
                index += 1
        return runs

    def _capitalised(self, index: int) -> bool:
        word = self.tokens[index].text
        return (
            word[:1].isupper()
            and word[:1].isalpha()
            and self.tokens[index].folded not in (self.pack.determiners)
        )

    def _sentence_initial_word(self, index: int) -> bool:
        """A capitalised common word opening the sentence ("Estas", "Sobre")."""
        if index != 0:
            return False
        folded = self.tokens[0].folded
        return (
            folded in self.pack.forms
            or folded in self.pack.nouns
            or folded in self.pack.between
            or folded in self.pack.pronouns
            or folded in ("para", "segun", "sobre", "con", "en", "a", "de", "por", "ahora")
        )

    def _role_around(self, start: int, end: int) -> str | None:
        """The person noun in apposition before or after a name ("El primer ministro
        francés, el socialista Lionel Jospin"; "Richard Grasso, presidente del ...")."""
        for index in range(start - 1, max(-1, start - 7), -1):
            entry = self.pack.nouns.get(self.tokens[index].folded)
            if entry and entry[0] == "person" and not entry[1]:
                return self.tokens[index].folded
            if self.tokens[index].text in (".", ";", "\x00") or self.tokens[index].folded in (
                self.pack.forms
            ):
                break
        for index in (end + 1, end + 2):
            if 0 <= index < len(self.tokens):
                entry = self.pack.nouns.get(self.tokens[index].folded)
                if entry and entry[0] == "person" and not entry[1]:
                    return self.tokens[index].folded
        if start >= 1:
            entry = self.pack.nouns.get(self.tokens[start - 1].folded)
            if entry and entry[0] == "person":
                return self.tokens[start - 1].folded
        return None

    def _gender(self, role: str | None) -> str | None:
        if role in self.pack.feminine:
            return "f"
        if role in self.pack.masculine:
            return "m"
        return None

    # --- the source ---------------------------------------------------------------

    def source(self) -> Found | None:
        found = self._according() or self._colon()
        if found is not None:
            return found
        pro_drop = None
        for position in range(len(self.tokens)):
            lemma = self._cue_at(position)
            if lemma is None:
                continue
            if not self._reports(position, lemma):
                continue
            found = self._subject_of(self._verb_of(position))
            if found is not None:
                return found
            if pro_drop is None and self._opens_clause(position):
                pro_drop = position
                if position and self.tokens[position - 1].text in (",", "\x00"):
                    break  # '"...", dijo en referencia a ...': the quote's speaker
            if self._clause_after(position):
                break  # "Añadió que no teme ...": what follows is what was said
        if pro_drop is not None:
            return self._pro_drop(pro_drop)
        return None

    def _cue_at(self, position: int) -> str | None:
        """The lemma of a verb of saying at `position`, in a form that reports."""
        token = self.tokens[position]
        folded = [t.folded for t in self.tokens[position + 1 : position + 5]]
        for words in self.pack.phrases.get(token.folded, ()):
            if tuple(folded[: len(words)]) == words:
                return "phrase"
        lemma = self.pack.forms.get(token.folded)
        if lemma is None:
            return None
        if token.folded in self.pack.infinitives:
            # Only in a frame: "se apresuró (hoy) a decir", "al considerar que".
            before = position - 1
            if before >= 0 and self.tokens[before].folded == "al":
                return lemma
            if before >= 1 and self.tokens[before].folded == "a":
                frame = self._frame_verb(before - 1)
                return lemma if frame is not None else None
            return None
        return lemma if self._finite(position) else None

    def _verb_of(self, position: int) -> int:
        """The finite verb a framed infinitive hangs on ("se apresuró a decir": apresuró;
        "al considerar": the sentence's main verb is not needed, its subject is)."""
        token = self.tokens[position]
        if token.folded not in self.pack.infinitives:
            return position
        before = self.tokens[position - 1].folded if position else ""
        if before == "a" and position >= 2:
            frame = self._frame_verb(position - 2)
            return frame if frame is not None else position
        return position

    def _frame_verb(self, index: int) -> int | None:
        """The frame verb ("apresuró") ending at `index`, past adverbs ("hoy")."""
        while index >= 0 and self.tokens[index].folded in self.pack.between:
            index -= 1
        if index >= 0 and self.tokens[index].folded in self.pack.infinitive_frames:
            return index
        return None

    def _finite(self, position: int) -> bool:
        """A finite verb, or a participle after "haber" or a passive "ser"."""
        folded = self.tokens[position].folded
        before = self.tokens[position - 1].folded if position else ""
        if folded.endswith(("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "cho")):
            return before in self.pack.auxiliaries or before in self.pack.passive
        if folded.endswith(("ando", "iendo", "yendo")):
            return False
        return not (before in self.pack.determiners and position > 0)

    def _reports(self, position: int, lemma: str) -> bool:
        """Evidence verbs need "que" or a quotation after them; impersonal "se" names
        no one."""
        before = self.tokens[position - 1].folded if position else ""
        if before == "se":
            return False
        if lemma in self.pack.evidence:
            return self._clause_follows(position)
        return True

    def _clause_follows(self, position: int) -> bool:
        """ "que" or a quotation after the verb, or a quotation just before it."""
        for token in self.tokens[position + 1 : position + 5]:
            if token.folded in ("que", "\x00", ":"):
                return True
        return any(token.text == "\x00" for token in self.tokens[max(0, position - 3) : position])

    def _subject_of(self, position: int) -> Found | None:
        folded_before = self.tokens[position - 1].folded if position else ""
        if folded_before == "al" and self.tokens[position].folded in self.pack.infinitives:
            return self._opening_subject()
        # A passive: "fue anunciado por X" takes its agent; without one, no one.
        if folded_before in self.pack.passive:
            agent = self._after(position + 1, skip_medium=False)
            if (
                agent is not None
                and agent[0] < len(self.tokens)
                and self.tokens[agent[0]].folded == "por"
            ):
                return self._phrase(agent[0] + 1)
            return None
        start = position - 1
        while start >= 0 and self.tokens[start].folded in self.pack.between | self.pack.auxiliaries:
            start -= 1
        if (
            start >= 0
            and self.tokens[start].text in (",", "\x00")
            and not self._clause_after(position)
        ):
            # ", aseguró el capitán", ", coinciden en apuntar hoy los analistas, ...": the
            # subject after a verb that reports no clause of its own.
            inverted = self._inverted(position)
            if inverted is not None:
                return inverted
        while start >= 1 and self.tokens[start].text == ",":
            # "Noboa, que fue vicepresidente ..., considera"; "Posse, por su parte, cree".
            skipped = self._before_parenthetical(start)
            if skipped is None:
                break
            start = skipped
        if start >= 0 and self.tokens[start].folded in ("y", "e", "pero"):
            # "Gutiérrez no se arrepiente ... y está seguro": the clause's subject.
            return self._clause_subject(start)
        if start >= 0 and self.tokens[start].folded in self.pack.relatives:
            # "Benegas, quien aseguró": the noun before the relative.
            if start >= 1 and self.tokens[start - 1].text == ",":
                return self._phrase_ending(start - 2)
            return self._phrase_ending(start - 1)
        if start >= 0 and self.tokens[start].text not in _CLAUSE_BREAKS | {".", "?", "!"}:
            found = self._phrase_ending(start)
            if found is not None:
                return found
        if start >= 1 and self.tokens[start].text == "\x00":
            begin = self._phrase_start(start - 1)
            if self._media_name(begin, start):
                return self._typed(begin, start + 1)
        if start >= 1 and self.tokens[start].text == "," and self.tokens[start - 1].text == ")":
            start -= 1  # "el New York Stock Exchange (NYSE), anunció"
        if start >= 0 and self.tokens[start].text == ")":
            start = self._before_parenthesis(start)
            if start >= 0 and self.tokens[start].text != ",":
                found = self._phrase_ending(start)
                if found is not None:
                    return found
        if start >= 0 and self.tokens[start].text == ",":
            found = self._behind_apposition(start)
            if found is not None:
                return found
        # Inverted: "..., dijo el ministro", "Dijo hoy Pascual".
        if (
            start < 0
            or self.tokens[start].text in _CLAUSE_BREAKS
            or self.tokens[start].folded in (self.pack.clause_openers)
        ):
            return self._inverted(position)
        return None

    def _inverted(self, position: int) -> Found | None:
        after = self._after(position + 1)
        if after is None:
            return None
        # After the verb an unknown plural is as likely its object ("rechazó las
        # críticas") as its subject: only known nouns and names are taken there.
        self._after_verb = True
        try:
            found = self._phrase(after[0])
        finally:
            self._after_verb = False
        return self._with_medium(found, after[1]) if found is not None else None

    def _clause_after(self, position: int) -> bool:
        """ "que" or a colon right after the verb (and its adverbs)."""
        for token in self.tokens[position + 1 : position + 4]:
            if token.folded in ("que", ":"):
                return True
            if token.folded not in self.pack.between:
                return False
        return False

    def _before_parenthetical(self, comma: int) -> int | None:
        """The token before ", <relative clause or aside>," that ends at `comma`, or None
        when what precedes the comma is not such an aside."""
        index = comma - 1
        while index >= 0 and self.tokens[index].text != ",":
            if self.tokens[index].text in (";", ":", "\x00", "(", ")"):
                return None
            index -= 1
        if index < 1:
            return None
        first = self.tokens[index + 1].folded
        aside = (
            first in self.pack.relatives
            or first in self.pack.asides
            or (first in ("en", "a") and index + 2 < comma)
        )
        return index - 1 if aside else None

    def _clause_subject(self, before: int) -> Found | None:
        """The subject at the start of the clause a coordinated verb continues."""
        start = before
        while start > 0 and self.tokens[start - 1].text not in (";", ":", "\x00"):
            start -= 1
        for position in range(start, before):
            if self.pack.forms.get(self.tokens[position].folded) or (
                self.tokens[position].folded in self.pack.between
            ):
                return self._phrase_ending(position - 1) if position > start else None
            if self.tokens[position].text == ",":
                break
        return self._phrase(start)

    def _before_parenthesis(self, close: int) -> int:
        """The token before the "(" that `close` ends ("el NYSE (NYSE)")."""
        index = close
        while index >= 0 and self.tokens[index].text != "(":
            index -= 1
        return index - 1

    def _opening_subject(self) -> Found | None:
        """The subject the sentence opens with: "El ministro egipcio del Interior,
        general Habib Al Adli, justificó ... al considerar que ...": the minister."""
        start = 0
        if self.tokens and (
            self.tokens[0].folded in self.pack.prepositions
            or self.tokens[0].folded in (self.pack.between)
        ):
            # An opening adverbial ("Con regocijo, el primer ministro ...").
            comma = next((i for i, t in enumerate(self.tokens[:12]) if t.text == ","), None)
            if comma is None:
                return None
            start = comma + 1
        return self._phrase(start)

    def _after(self, index: int, skip_medium: bool = True) -> tuple[int, Found | None] | None:
        """Where the phrase after a verb starts, past adverbs and "a EFE" (its medium)."""
        medium = None
        while index < len(self.tokens):
            folded = self.tokens[index].folded
            if folded in self.pack.between or self.tokens[index].text == ",":
                index += 1
            elif (
                folded == "en"
                and index + 1 < len(self.tokens)
                and self.tokens[index + 1].folded in self.pack.infinitives
            ):
                index += 2
            elif skip_medium and folded == "a" and index + 1 < len(self.tokens):
                end = self._phrase_end(index + 1)
                medium = self._phrase(index + 1)
                index = end
            else:
                return index, medium
        return None

    def _with_medium(self, found: Found, medium: Found | None) -> Found:
        if medium is None or medium.attribution.kind != "organization":
            return found
        attribution = dataclasses.replace(found.attribution, medium=medium.attribution)
        return dataclasses.replace(found, attribution=attribution)

    def _opens_clause(self, position: int) -> bool:
        """A verb with nothing before it in its clause: the start of a pro-drop sentence."""
        start = position - 1
        while start >= 0 and self.tokens[start].folded in self.pack.between | self.pack.auxiliaries:
            start -= 1
        return (
            start < 0
            or self.tokens[start].text in _CLAUSE_BREAKS
            or self.tokens[start].folded in self.pack.clause_openers
        )

    def _pro_drop(self, position: int) -> Found | None:
        """ "Afirmó que ...": the person who spoke last; the verb is their mention here."""
        entity = self.memory.recent_speaker(self.index, within=_SPEAKER_REACH)
        if entity is None:
            entity = next(
                (
                    e
                    for said_in, e in reversed(self.memory.speakers)
                    if said_in >= self.index - _SPEAKER_REACH
                ),
                None,
            )
        if entity is None:
            return None
        return Found(entity.attribution(), 0.7, entity=entity)

    def _according(self) -> Found | None:
        folded = [token.folded for token in self.tokens]
        for frame in self.pack.possessive:
            if _find(folded, frame) is not None:
                entity = self.memory.recent_speaker(self.index, within=_SPEAKER_REACH)
                if entity is not None:
                    return Found(entity.attribution(), 0.75, entity=entity)
        for frame in self.pack.according:
            at = _find(folded, frame)
            if at is None:
                continue
            after = at + len(frame)
            if after < len(self.tokens) and self.tokens[after].folded == "lo":
                after += 1  # "según lo aseguró el dirigente"
            # "Según informó hoy la Cadena Ser": the verb's subject after it.
            if after < len(self.tokens) and self.tokens[after].folded in self.pack.forms:
                place = self._after(after + 1)
                if place is not None:
                    found = self._phrase(place[0])
                    if found is not None:
                        return found
            found = self._phrase(after)
            if found is not None:
                return found
        # "Para el ministro, ...", "para Pascual el 'verdadero valor' es ...".
        for position, token in enumerate(self.tokens):
            if token.folded != "para" or not self._clause_start(position):
                continue
            end = self._phrase_end(position + 1)
            if (
                end < len(self.tokens)
                and end > position + 1
                and (
                    self.tokens[end].text in (",", "\x00")
                    or self.tokens[end].folded in self.pack.determiners
                )
            ):
                found = self._phrase(position + 1)
                if found is not None and found.attribution.kind != "document":
                    return found
        return None

    def _clause_start(self, position: int) -> bool:
        return (
            position == 0
            or self.tokens[position - 1].text in (",", ";", ":")
            or (position == 2 and self.tokens[1].text == ",")
        )

    def _colon(self) -> Found | None:
        for position, token in enumerate(self.tokens):
            if token.text == ":" and position + 1 < len(self.tokens):
                if self.tokens[position + 1].text == "\x00" and position > 0:
                    start = self._phrase_start(position - 1)
                    if start == 0:
                        return self._phrase(0)
        return None

    # --- noun phrases -------------------------------------------------------------

    def _phrase_end(self, start: int) -> int:
        """Where the noun phrase starting at `start` ends (exclusive)."""
        index = start
        seen_head = False
        while index < len(self.tokens):
            token = self.tokens[index]
            if token.text == "\x00" and self._media_name(start, index):
                return index + 1  # el diario conservador "Le Figaro"
            if (
                token.text in _CLAUSE_BREAKS
                or token.text in (".", "?", "!")
                or token.folded == "que"
            ):
                break
            if token.folded in self.pack.forms and seen_head and not token.text[:1].isupper():
                break
            if token.folded in self.pack.relatives:
                break
            if seen_head and token.folded in self.pack.prepositions:
                break  # "el primer ministro en su primera intervención"
            seen_head = True
            index += 1
            if index - start > 14:
                break
        return index

    def _media_name(self, start: int, quote: int) -> bool:
        """True when the quotation at `quote` is an outlet's short name after a media noun
        in the phrase from `start` ("el canal televisivo "LCI"")."""
        quoted = self.text[self.tokens[quote].start : self.tokens[quote].end].strip('"“”«» ')
        words = quoted.split()
        if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            return False
        return any(t.folded in self.pack.media_nouns for t in self.tokens[start:quote])

    def _phrase_start(self, end: int) -> int:
        index = end
        while index > 0:
            before = self.tokens[index - 1]
            if before.text in _CLAUSE_BREAKS or before.text in (".", "?", "!"):
                break
            if before.folded in self.pack.forms and not before.text[:1].isupper():
                break
            if before.folded in ("y", "e") and index >= 2 and self._capitalised(index):
                # "Raúl Tamudo y Martín Posse": one phrase, the first named leads.
                index -= 1
                continue
            if before.folded in self.pack.clause_openers or before.folded in self.pack.between:
                break
            if before.folded in self.pack.relatives or before.folded in self.pack.prepositions:
                break
            index -= 1
            if before.folded in self.pack.determiners and not (
                index >= 1 and self.tokens[index - 1].folded in ("de", "del")
            ):
                break  # a phrase has one determiner of its own: "los delanteros ..."
        return index

    def _phrase_ending(self, end: int) -> Found | None:
        """The source noun phrase whose last token is `end`."""
        if end < 0:
            return None
        start = self._phrase_start(end)
        return self._typed(start, end + 1)

    def _phrase(self, start: int) -> Found | None:
        """The source noun phrase starting at `start`; a role followed by a name in
        apposition is that name ("el dirigente de la Coordinadora, Napoleón Saltos")."""
        if start >= len(self.tokens):
            return None
        end = self._phrase_end(start)
        found = self._typed(start, end) if end > start else None
        if (
            found is not None
            and found.attribution.kind == "anonymous"
            and found.roles
            and not found.plural
            and end + 1 < len(self.tokens)
            and self.tokens[end].text == ","
        ):
            name_end = self._phrase_end(end + 1)
            named = self._typed(end + 1, name_end)
            if named is not None and named.attribution.kind == "named_person":
                return dataclasses.replace(named, roles=named.roles | found.roles)
        return found

    def _behind_apposition(self, comma: int) -> Found | None:
        """ "El presidente de Spanair, Gonzalo Pascual, dijo" -> the name; "Gonzalo
        Pascual, presidente de X, dijo" -> the name before the role."""
        inner_end = comma - 1
        inner_start = self._phrase_start(inner_end)
        if inner_start < 2 or self.tokens[inner_start - 1].text != ",":
            return None
        outer = self._typed(self._phrase_start(inner_start - 2), inner_start - 1)
        inner = self._typed(inner_start, inner_end + 1)
        for first, second in ((inner, outer), (outer, inner)):
            if first is not None and first.attribution.kind == "named_person":
                if second is not None and second.roles:
                    entity = first.entity
                    if entity is not None:
                        entity.roles.update(second.roles)
                    return dataclasses.replace(first, roles=first.roles | second.roles)
                return first
        if outer is not None and outer.attribution.kind != "document":
            return outer
        # "Una de ellas, la Sociedad X, indicó": the organisation in apposition.
        if inner is not None and inner.attribution.kind == "organization":
            return inner
        return None

    def _typed(self, start: int, end: int) -> Found | None:
        """What kind of source tokens[start:end] name, or None."""
        tokens = self.tokens[start:end]
        if len(tokens) >= 2 and tokens[-1].text == "\x00" and self._media_name(start, end - 1):
            return Found(self._attribution(tokens, "organization"), 0.8)
        while tokens and tokens[0].text in ("\x00", ",", "-", "—", "–", "(", ")"):
            tokens = tokens[1:]
        while tokens and tokens[-1].text in ("\x00", ",", "-", "—", "–", "(", ")", "."):
            tokens = tokens[:-1]
        if not tokens:
            return None
        first = tokens[0]
        if first.folded in self.pack.pronouns and len(tokens) == 1:
            return self._pronoun(first)
        if first.folded in self.pack.prepositions:
            return None  # "dijo en referencia a ...": no subject there
        if first.folded in self.pack.nouns and first.folded not in ("general",):
            return self._common(tokens)  # "Fuentes diplomáticas", "Reports"
        if first.folded in self.pack.determiners:
            rest = tokens[1:]
            if rest and rest[0].text[:1].isupper() and rest[0].folded not in self.pack.nouns:
                return self._named(rest)  # "el NYSE", "la Cadena Ser"
            return self._common(tokens)
        if not first.text[:1].isupper():
            return self._common(tokens)
        return self._named(tokens)

    def _attribution(self, tokens: list[Token], kind: str) -> Attribution:
        start, end = tokens[0].start, tokens[-1].end
        return Attribution(self.text[start:end], kind, start, end, method="rule")

    def _pronoun(self, token: Token) -> Found | None:
        entity = self.memory.pronoun(self.pack.pronouns[token.folded], self.index, set())
        if entity is None:
            return None
        return Found(entity.attribution(), 0.75, entity=entity)

    def _named(self, tokens: list[Token]) -> Found | None:
        roles = set()
        while tokens and tokens[0].folded in self.pack.titles:
            roles.add(tokens[0].folded)
            tokens = tokens[1:]
        # The name proper: capitalised words and their joiners, up to the first other word.
        name: list[Token] = []
        for token in tokens:
            if token.text[:1].isupper() or (token.text in self.pack.joiners and name):
                name.append(token)
            else:
                break
        while name and name[-1].text in self.pack.joiners:
            name.pop()
        if not name:
            return None
        words = [token.text for token in name]
        known = self.memory.known_person(words)
        organization = self.memory.known_organization(words)
        if organization is not None and known is None:
            return Found(self._attribution(name, "organization"), 0.85, entity=organization)
        if known is not None and not self._organization_words(words):
            return Found(
                self._attribution(name, "named_person"), 0.9, entity=known, roles=frozenset(roles)
            )
        if self._organization_words(words) or any(word in self.pack.places for word in words):
            return Found(self._attribution(name, "organization"), 0.8)
        confidence = 0.75 if len(words) > 1 or roles else 0.6
        return Found(
            self._attribution(name, "named_person"),
            confidence,
            roles=frozenset(roles),
            gender=self._gender(next(iter(roles), None)),
            name=self.text[name[0].start : name[-1].end],
        )

    def _organization_words(self, words: Sequence[str]) -> bool:
        return any(
            word in self.pack.organization_cues
            or (len(word) >= 2 and word.isupper() and word.isalpha())
            for word in words
        )

    def _common(self, tokens: list[Token]) -> Found | None:
        """ "El presidente de Spanair", "Fuentes diplomáticas", "el informe del NYSE"."""
        head_index = next(
            (i for i, token in enumerate(tokens[:4]) if token.folded in self.pack.nouns), None
        )
        if head_index is None:
            return self._unknown_plural(tokens)
        head = tokens[head_index]
        category, plural = self.pack.nouns[head.folded]
        determiner = tokens[0].folded if head_index > 0 else ""
        definite = determiner in ("el", "la", "los", "las", "este", "esta", "su", "sus")
        rest = tokens[head_index + 1 :]
        # "La mayoría de los jugadores": a group of whoever follows "de".
        if category == "group" and any(t.folded in ("de", "del") for t in rest[:1]):
            return Found(self._attribution(tokens, "anonymous"), 0.8, plural=True)
        if category == "document":
            owner = self._owner(rest)
            if owner is not None:
                return dataclasses.replace(
                    owner,
                    attribution=dataclasses.replace(
                        owner.attribution, medium=self._attribution(tokens, "document")
                    ),
                )
            if definite and not plural:
                known = self.memory.document_with_noun(head.folded)
                if known is not None and known.originator is not None:
                    origin = known.originator
                    return Found(origin.attribution(), 0.7, entity=origin)
            return Found(self._attribution(tokens, "document"), 0.8, roles=frozenset({head.folded}))
        if category == "group":
            return Found(self._attribution(tokens, "anonymous"), 0.8, plural=True)
        if category == "institution":
            if definite and not plural and not rest:
                known = self.memory.organization_with_word(head.folded)
                if known is not None:
                    return Found(known.attribution(), 0.75, entity=known)
            return Found(self._attribution(tokens, "organization"), 0.8)
        # A person noun: "el ministro" (back to a named one), "un portavoz", "fuentes".
        named = self._name_in(rest)
        if named is not None:
            return dataclasses.replace(named, roles=named.roles | {head.folded})
        if definite and not plural:
            known = self.memory.person_with_role(head.folded, self.index)
            if known is None:
                known = self.memory.recent_speaker(self.index, within=2)
            if known is not None:
                return Found(known.attribution(), 0.75, entity=known)
        return Found(
            self._attribution(tokens, "anonymous"),
            0.8,
            plural=plural,
            roles=frozenset({head.folded}),
        )

    def _unknown_plural(self, tokens: list[Token]) -> Found | None:
        """ "Los hidrólogos", "varios vecinos": people the lexicon has no noun for, as a
        plural subject of a verb of saying, named only by what they are; a guess, so
        shown as a suggestion."""
        if self._after_verb or len(tokens) < 2 or tokens[0].folded not in _PLURAL_DETERMINERS:
            return None
        noun = tokens[1]
        if not noun.text.isalpha() or not noun.text.islower() or not noun.folded.endswith("s"):
            return None
        if noun.folded in self.pack.forms or noun.folded in self.pack.prepositions:
            return None
        return Found(self._attribution(tokens, "anonymous"), 0.6, plural=True)

    def _owner(self, rest: list[Token]) -> Found | None:
        """ "del NYSE", "de la Comisión": a document's named originator."""
        if rest and rest[0].folded in ("del", "de") and len(rest) > 1:
            following = rest[1:]
            while following and following[0].folded in self.pack.determiners:
                following = following[1:]
            if following and following[0].text[:1].isupper():
                found = self._named(following)
                if found is not None and found.attribution.kind in ("organization", "named_person"):
                    return found
        return None

    def _name_in(self, rest: list[Token]) -> Found | None:
        """ "el delantero paraguayo Miguel Angel Benítez": a name after the role."""
        for index, token in enumerate(rest):
            if token.text[:1].isupper():
                run = rest[index:]
                found = self._named(run)
                if found is not None and found.attribution.kind == "named_person":
                    words = found.attribution.text.split()
                    if len(words) >= 2 or self.memory.known_person(words):
                        return found
                return None
        return None


# Determiners of a plural noun phrase, in Spanish and the languages that may follow.
_PLURAL_DETERMINERS = frozenset(
    "los las unos unas varios varias algunos algunas muchos muchas numerosos numerosas "
    "otros otras ambos ambas".split()
)


def _find(words: list[str], phrase: tuple[str, ...]) -> int | None:
    for index in range(len(words) - len(phrase) + 1):
        if tuple(words[index : index + len(phrase)]) == phrase:
            return index
    return None


def _remember(memory: Discourse, found: Found | None, index: int) -> Found | None:
    if found is None:
        return None
    attribution = found.attribution
    entity = found.entity
    if entity is None:
        entity = memory.remember(found, index)
    elif attribution.kind == "named_person":
        entity.roles.update(found.roles)
    memory.documented(found, index, entity)
    memory.spoke(index, entity)
    return dataclasses.replace(found, entity=entity)

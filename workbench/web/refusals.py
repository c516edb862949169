"""A refused request (400, 404…) that says why in a sentence the error page can put in the
reader's language: the sentence travels with the HTTP error, apart from its values, as
a domain error's does (workbench/errors.py). The API answers with its English text."""

from werkzeug.exceptions import HTTPException, default_exceptions


def refusal(code: int, sentence: BaseException) -> HTTPException:
    """The HTTP error `code`, described by `sentence` (in English as str(); the error page
    translates it): `raise refusal(400, Sentence("“%(name)s” is no number.", name=name))`."""
    error = default_exceptions[code](description=str(sentence))
    error.sentence = sentence  # type: ignore[attr-defined]
    return error


def sentence_of(error: HTTPException) -> BaseException | None:
    """The sentence a refusal carries, if it was made by refusal()."""
    return getattr(error, "sentence", None)

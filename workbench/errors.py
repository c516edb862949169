"""Every domain error in one place: what the web layer and the command line translate
into a status code or an exit message. str(error) is always a sentence for a person, in
English; `error.message` and `error.values` are that sentence before its values were put
in, so the web layer and the command line can say it in the reader's language."""

from typing import Any


class Sentence(Exception):
    """An error whose text is a message for a person, written once with named values:
    `raise InvalidInput("No claim %(id)s here.", id=5)`. The message itself (the first
    argument, a string literal) is what the catalogue holds."""

    def __init__(self, message: str = "", /, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


def say(error: BaseException, gettext: Any = None) -> str:
    """The error's sentence, translated by `gettext` when it is a Sentence (else as is)."""
    if gettext is None or not isinstance(error, Sentence) or not error.message:
        return str(error)
    translated = gettext(error.message)
    return translated % error.values if error.values else translated


class InvalidInput(Sentence, ValueError):
    """A value a reviewer sent cannot be used; str(error) says why."""


class ArticleRejected(InvalidInput):
    """The input cannot become an article; str(error) says why, for the reviewer."""


class ClaimHidden(InvalidInput):
    """The claim is hidden (merged into another, or "not a claim"): restore it first."""


class NeedsConfirmation(InvalidInput):
    """The change is allowed, but only when the reviewer confirms it; str(error) says why."""


class CannotUndo(InvalidInput):
    """The change cannot be undone now (undone already, or what came after stands in the
    way); str(error) says why. A conflict with what happened since, not a bad request."""


class TooManyJobs(InvalidInput):
    """The user has as many background jobs waiting or running as one may (fetches of
    evidence links, imports); str(error) says how many and what to do."""


class NotAllowed(Sentence, PermissionError):
    """The user may not change this record (it is someone else's); str(error) says why."""


class UnderBlindReview(NotAllowed):
    """The claim's article is under blind double review: statuses wait until every
    reviewer has decided. `claim` is its row (id, article_id, status, version...); its
    reviewers decide instead (workbench.desk.blind)."""

    def __init__(self, message: str, claim: dict[str, Any], **values: Any) -> None:
        super().__init__(message, **values)
        self.claim = claim


class RecordNotFound(LookupError):
    """No record has that id: the base of every *NotFound (on the web, a 404)."""


class ArticleNotFound(RecordNotFound):
    """No article has that id."""


class ClaimNotFound(RecordNotFound):
    """No claim has that id."""


class NoteNotFound(RecordNotFound):
    """No visible note has that id."""


class EvidenceNotFound(RecordNotFound):
    """No (visible) evidence record has that id."""


class JobNotFound(RecordNotFound):
    """No job has that id."""


class PreviewNotFound(RecordNotFound):
    """No import preview has that id (it was imported, discarded or never made)."""


class SnapshotNotFound(RecordNotFound):
    """The article has no snapshot (it was pasted, or imported before snapshots)."""


class VersionNotFound(RecordNotFound):
    """The article has no version of that number."""


class LinkSnapshotNotFound(RecordNotFound):
    """No kept copy of an evidence link has that id."""


class HistoryNotFound(RecordNotFound):
    """No history row has that id (or its article was deleted)."""


class FetchRefused(Sentence):
    """The page was not fetched; str(error) says why, for the person who asked."""


class JobFailed(Sentence):
    """A job cannot succeed; str(error) says why, for the person waiting. Not retried
    unless `retry` is set (a timeout may pass; a refused address will not)."""

    def __init__(self, message: str, retry: bool = False, **values: Any) -> None:
        super().__init__(message, **values)
        self.retry = retry


class VersionConflict(Exception):
    """The claim changed since the reviewer loaded it; `current` is how it is now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(f"claim {current['id']} is at version {current['version']}")
        self.current = current


class AccountError(Sentence, ValueError):
    """A user-facing problem with an account request; str(error) says what."""


class LoginThrottled(Exception):
    """Too many failed logins from this address (for this account, or for all) in the last
    hour; `retry_after` is the number of seconds until the next attempt is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


class TokenRateLimited(Exception):
    """An API token made more requests this minute than its limit; `retry_after` is the
    number of seconds until the next minute begins."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after

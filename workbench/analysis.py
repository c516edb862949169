"""Article text -> the rows to store for its claims: offsets, source, flags."""

from .claims import split_claims


def claim_rows(text):
    """One dict per claim, ready for the claims table (without article_id)."""
    return [
        {"position": span.index + 1, "start": span.start, "end": span.end, "text": span.text}
        for span in split_claims(text)
    ]

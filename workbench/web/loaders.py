"""What a URL names, loaded for a view: an article, a claim (with its article still
there), a claim filter. A missing record raises its domain error, which
web/error_answers.py answers with a 404; a malformed filter is a 400."""

import dataclasses
from typing import Any

from ..errors import InvalidInput
from ..review import articles, claims, search
from .database import get_db
from .refusals import refusal


def load_article(article_id: int, with_body: bool = True) -> dict[str, Any]:
    """The article; ArticleNotFound (so a 404) when it is not there or was deleted."""
    return articles.get_article(get_db(), article_id, with_body=with_body)


def load_claim(claim_id: int) -> dict[str, Any]:
    """The claim; ClaimNotFound or ArticleNotFound (a 404) also when its article was deleted."""
    claim = claims.get_claim(get_db(), claim_id)
    # Only that it is there: not its text, which may be a megabyte.
    articles.get_article(get_db(), claim["article_id"], with_body=False)
    return claim


def claim_filter_from(values: Any, **fixed: Any) -> search.ClaimFilter:
    """The claim filter in `values` (query string or form), with `fixed` fields; 400 if bad:
    a filter is chosen from the page's own controls, so a bad one is a malformed request."""
    try:
        claim_filter = search.parse_filter(values)
    except InvalidInput as error:
        raise refusal(400, error) from None
    return dataclasses.replace(claim_filter, **fixed)

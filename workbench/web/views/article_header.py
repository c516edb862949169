"""What every article page's header shows: the article, its progress, evidence counts and
snapshot, counted again only after the database changed."""

from ...intake import snapshots
from ...review import articles
from ...storage import read_cache
from ..database import get_db


def article_summary(article):
    """The header's context for `article` (a dict as articles.get_article returns it)."""
    db = get_db()
    article_id = article["id"]

    def count():
        return {
            "counts": articles.progress(db, [article_id]).get(article_id),
            "evidence_counts": articles.evidence_counts(db, article_id),
            "snapshot": snapshots.snapshot_info(db, article_id),
        }

    return {"article": article, **read_cache.remembered(db, ("article-summary", article_id), count)}

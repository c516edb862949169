"""Correcting the language an article is read in: its detected sources and its flags are
read again in the new language (a source a reviewer set or confirmed stays theirs)."""

from sqlite_utils import Database

from ..errors import ArticleNotFound, InvalidInput
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from ..team.accounts import User
from .articles import clean_language
from .corrections import reannotate
from .history import record_article_event


def change_language(db: Database, article_id: int, code: str | None, actor: User) -> bool:
    """Set the article's language; False when it already was that one (nothing changes).

    InvalidInput when the code is not a language code; ArticleNotFound when there is no
    such article.
    """
    language = clean_language(code)  # ArticleRejected (an InvalidInput) when it is none
    if language is None:
        raise InvalidInput("Choose the language the article is written in.")
    with write_transaction(db):
        row = db.execute(
            "select language from articles where id = ? and deleted_at is null", [article_id]
        ).fetchone()
        if row is None:
            raise ArticleNotFound(article_id)
        if row[0] == language:
            return False
        db.execute("update articles set language = ? where id = ?", [language, article_id])
        claim_ids = [
            claim_id
            for (claim_id,) in db.execute(
                "select id from claims where article_id = ? and is_claim = 1", [article_id]
            )
        ]
        reannotate(db, article_id, claim_ids)
        record_article_event(
            db, article_id, actor.username, "language", utc_now(), after=f"{row[0]} -> {language}"
        )
    return True

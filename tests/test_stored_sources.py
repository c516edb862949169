"""How each source was found, and the sentence's other candidates, stored with the claim."""

import json

from support import actor
from workbench.review import articles
from workbench.storage.migrations import MIGRATIONS
from workbench.text import analysis

TEXT = "Jane Doe met Tom Reyes on Monday. She said the deal was done. The river rose."


def stored(memory_db, text=TEXT):
    result = articles.import_article(memory_db, text, actor=actor("ana"))
    return list(
        memory_db.query(
            "select text, attribution_text, attribution_method, attribution_candidates "
            "from claims where article_id = ? order by position",
            [result.article_id],
        )
    )


def test_the_claims_table_has_the_two_columns(memory_db):
    columns = memory_db.table("claims").columns_dict
    assert columns["attribution_method"] is str and columns["attribution_candidates"] is str
    assert memory_db.execute("pragma user_version").fetchone()[0] == len(MIGRATIONS)


def test_import_stores_the_method_and_the_candidates(memory_db):
    first, second, third = stored(memory_db)
    assert (first["attribution_text"], first["attribution_method"]) == (None, None)
    assert [candidate["text"] for candidate in json.loads(first["attribution_candidates"])] == [
        "Jane Doe",
        "Tom Reyes",
    ]
    assert (second["attribution_text"], second["attribution_method"]) == (
        "Jane Doe",
        "back-reference",
    )
    assert third["attribution_candidates"] is None


def test_candidates_are_article_spans():
    fields = analysis.claim_rows(TEXT)[0]
    for candidate in json.loads(fields["attribution_candidates"]):
        assert TEXT[candidate["start"] : candidate["end"]] == candidate["text"]

"""Baselines that run outside any server, each in its own process.

    python -m bench.baselines export DB OUTPUT   CSV of every claim with its notes, straight
                                                 from SQLite with the csv module
    python -m bench.baselines segment FILE       pysbd alone on the text, paragraph by
                                                 paragraph as workbench.review.claims does (on the
                                                 whole text at once it is about 2x slower)

Each prints one JSON line: what it did and how long the work took.
"""

import csv
import json
import re
import sqlite3
import sys
import time

from workbench.exports.csv_rows import COLUMNS

# The workbench's CSV columns (workbench/exports/csv_rows.py), from one query; notes and evidence
# aggregated by SQLite.
RAW_EXPORT_SQL = """
select c.article_id, a.title, c.id, c.position, c.text, c.start, c."end", c.status,
       c.attribution_text, coalesce(c.attribution_kind, 'none'), c.flags,
       (select group_concat('[' || created_at || '] ' || author || ': ' || body, char(10))
          from notes where claim_id = c.id and deleted_at is null),
       (select group_concat(url, char(10)) from evidence
          where claim_id = c.id and deleted_at is null),
       (select group_concat(stance, char(10)) from evidence
          where claim_id = c.id and deleted_at is null),
       (select group_concat(coalesce(title, ''), char(10)) from evidence
          where claim_id = c.id and deleted_at is null),
       c.updated_by, c.updated_at
from claims c join articles a on a.id = c.article_id
where c.is_claim = 1 and a.deleted_at is null
order by c.article_id, c.position
"""
HEADER = COLUMNS  # the same header as the workbench writes


def export(db_path, output):
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    rows = 0
    with open(output, "w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in conn.execute(RAW_EXPORT_SQL):
            writer.writerow(row)
            rows += 1
    conn.close()
    return {"rows": rows, "seconds": time.perf_counter() - started}


def segment(path):
    import pysbd

    text = open(path, encoding="utf-8").read()
    started = time.perf_counter()
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    sentences = sum(
        len(segmenter.segment(paragraph.group()))
        for paragraph in re.finditer(r"[^\n]+", text)
        if paragraph.group().strip()
    )
    return {"sentences": sentences, "seconds": time.perf_counter() - started}


def bulk_raw(db_path):
    """The least a bulk status change can do: one INSERT ... SELECT of the history rows and
    one UPDATE, in one transaction, on every visible claim."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    started = time.perf_counter()
    conn.execute("begin immediate")
    conn.execute(
        "insert into history (claim_id, article_id, actor, action, before, after, at) "
        "select id, article_id, 'bench', 'status', status, 'disputed', '2026-01-01T00:00:00Z' "
        "from claims where is_claim = 1 and status != 'disputed'"
    )
    changed = conn.execute(
        "update claims set status = 'disputed', version = version + 1 "
        "where is_claim = 1 and status != 'disputed'"
    ).rowcount
    conn.execute("commit")
    conn.close()
    return {"claims": changed, "seconds": time.perf_counter() - started}


def bulk_app(db_path):
    """The workbench's bulk status change (claims.set_status_many) on every visible claim."""
    from workbench.review import claims, search
    from workbench.storage import db
    from workbench.team.accounts import User

    database = db.connect(db_path)
    started = time.perf_counter()
    changed = claims.set_status_many(
        database, search.ClaimFilter(), "disputed", User(0, "bench", "reviewer")
    ).count
    seconds = time.perf_counter() - started
    database.close()
    return {"claims": changed, "seconds": seconds}


COMMANDS = {"export": export, "segment": segment, "bulk-raw": bulk_raw, "bulk-app": bulk_app}

if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps(COMMANDS[command](*args)))

"""The article page in-process: a reread of an unchanged article against one just after a
write, and the baseline's trivial template on the same rows.

Run: .venv/bin/python -m bench.article_page [--quick]
Prints JSON: median milliseconds per page of each, and the ratios. The HTTP rows of
`make bench` reread an unchanged article, so they measure the kept claim column
(workbench/storage/read_cache.py); this says what a page costs when it has to be drawn afresh,
as it is after any write.
"""

import json
import os
import statistics
import sys
import tempfile
import time

from bench import data


def median_ms(action, before=None, runs=100):
    action()
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(quick=False):
    os.environ.setdefault("WORKBENCH_SPACY_MODEL", "off")
    folder = tempfile.mkdtemp(prefix="workbench-article-page-")
    path = os.path.join(folder, "page.db")
    os.environ["BENCH_DB"] = path
    from bench import baseline_app
    from workbench import create_app
    from workbench.storage import db as database
    from workbench.team import accounts

    app = create_app({"DATABASE": path, "SECRET_KEY": "bench", "TESTING": False})
    writer = database.connect(path)
    user = accounts.create_user(
        writer, "ana", "a bench password of length", "reviewer", "scrypt:1024:8:1"
    )
    token = accounts.start_session(writer, user)
    data.fill(path, [5000, 50, 50])
    article_id, first_claim = writer.execute(
        "select article_id, min(id) from claims group by article_id order by count(*) desc limit 1"
    ).fetchone()
    ours = app.test_client()
    ours.set_cookie("workbench_session", token)
    theirs = baseline_app.create_app().test_client()
    url = f"/articles/{article_id}"
    if ours.get(url).status_code != 200 or theirs.get(f"/baseline{url}").status_code != 200:
        raise RuntimeError("the article page did not answer 200")
    statuses = iter(["sourced", "disputed"] * 10_000)

    def write_elsewhere():
        # Another connection's commit, as another worker's status click would be.
        with writer.conn:
            writer.execute(
                "update claims set status = ?, version = version + 1 where id = ?",
                [next(statuses), first_claim],
            )

    runs = 30 if quick else 150
    result = {
        "claims": writer.execute(
            "select count(*) from claims where article_id = ?", [article_id]
        ).fetchone()[0],
        "unchanged_ms": median_ms(lambda: ours.get(url), runs=runs),
        "after_a_write_ms": median_ms(lambda: ours.get(url), before=write_elsewhere, runs=runs),
        "baseline_ms": median_ms(lambda: theirs.get(f"/baseline{url}"), runs=runs),
    }
    result["unchanged_ratio"] = result["baseline_ms"] / result["unchanged_ms"]
    result["after_a_write_ratio"] = result["baseline_ms"] / result["after_a_write_ms"]
    print(json.dumps(result))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])

"""Speed and memory of source detection with the model (against its targets), on demand.

Run: .venv/bin/python -m bench.source_detection [rules|model|spanish]
Prints JSON: words/s end to end (split + sources + flags) on a ~1 MB article, peak RSS
of this process, and the p50 of importing a ~1,000-word article into a warm database.
The texts are tests/data's written articles, repeated (nothing from outside the project);
`spanish` reads tests/data/es's through the Spanish pack.
"""

import json
import pathlib
import statistics
import sys
import time

from bench.peak import high_water_kib

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"


def written_text(folder=DATA):
    """All of a folder's written article texts, one after another."""
    return "\n".join(
        json.loads(path.read_text(encoding="utf-8"))["text"].strip()
        for path in sorted(folder.glob("*.json"))
    )


def main(mode="model"):
    import os

    if mode == "rules":
        os.environ["WORKBENCH_SPACY_MODEL"] = "off"
    import sqlite_utils

    from workbench.review import articles
    from workbench.storage import migrations
    from workbench.team.accounts import User
    from workbench.text import analysis, spacy_model

    language = "es" if mode == "spanish" else "en"
    base = written_text(DATA / "es" if language == "es" else DATA)
    big = (base + "\n") * (1_000_000 // len(base) + 1)
    started = time.perf_counter()
    spacy_model.model_available()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rows = analysis.claim_rows(big, language=language)
    big_seconds = time.perf_counter() - started
    words = len(big.split())
    store = sqlite_utils.Database(memory=True)
    migrations.migrate(store)
    article = " ".join(base.split()[:1000])
    bench_user = User(0, "bench", "admin")
    times = []
    for run in range(21):
        started = time.perf_counter()
        articles.import_article(
            store, f"{article}\nRun {run}.", actor=bench_user, language=language
        )
        times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "mode": mode,
                "model_in_use": spacy_model.model_loaded(),
                "model_load_s": round(load_seconds, 2),
                "one_mb": {
                    "bytes": len(big.encode()),
                    "words": words,
                    "claims": len(rows),
                    "seconds": round(big_seconds, 2),
                    "words_per_s": round(words / big_seconds),
                },
                "import_1000_words_p50_s": round(statistics.median(times[1:]), 3),
                # VmHWM, not ru_maxrss: the latter counts the bench process this one was
                # started from (bench/peak.py says why).
                "peak_rss_mb": round((high_water_kib() or 0) / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Rows 9: a new version re-anchored against importing the article, and
matching a new article's claims against 100,000 stored claims.

Run on its own: .venv/bin/python -m bench.memory [--quick] [--stored DB]
Prints JSON. Each figure is the median of several runs; every run uses a fresh copy of
its database, so no run warms the next one's pages.
"""

import argparse
import json
import pathlib
import random
import shutil
import statistics
import sys
import tempfile
import time

from workbench.memory import matching
from workbench.review import articles, versions
from workbench.storage import db as database
from workbench.storage import migrations
from workbench.team.accounts import User
from workbench.text.splitter import split_claims

from . import data

BENCH_USER = User(0, "bench", "admin")
DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"


def thousand_claim_article():
    """About 1,000 sentences of tests/data's written articles, repeated with a part number."""
    base = "\n".join(
        json.loads(path.read_text(encoding="utf-8"))["text"].strip()
        for path in sorted(DATA.glob("*.json"))
    )
    per_copy = len(split_claims(base)) + 1
    copies = -(-1000 // per_copy)
    return "\n".join(f"{base}\nPart {number} ends here." for number in range(copies))


def corrected(text, seed=1):
    """A new version as publishers make them: 3% of lines cut, 7% edited, 3% added."""
    rng = random.Random(seed)
    lines = []
    for line in text.split("\n"):
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.10:
            words = line.split(" ")
            words[rng.randrange(len(words))] = rng.choice(["several", "updated", "about 12"])
            line = " ".join(words)
        lines.append(line)
        if rng.random() < 0.03:
            lines.append("The editors added this sentence in a later version of the story.")
    return "\n".join(lines)


def reanchoring(runs, work):
    """Seconds to import the 1,000-claim article, and to import its corrected version."""
    text = thousand_claim_article()
    new_text = corrected(text)
    results = []
    for run in range(runs):
        db = migrations.open_migrated(work / f"reanchor-{run}.db")
        started = time.perf_counter()
        imported = articles.import_article(db, text, actor=BENCH_USER)
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        version = versions.import_new_version(db, imported.article_id, new_text, actor=BENCH_USER)
        version_seconds = time.perf_counter() - started
        db.close()
        results.append(
            {
                "claims": imported.claim_count,
                "import_s": import_seconds,
                "version_s": version_seconds,
                **version.summary(),
            }
        )
        print(
            f"  re-anchor run {run + 1}: import {import_seconds:.2f} s, new version "
            f"{version_seconds:.2f} s ({imported.claim_count} claims: {version.summary()})",
            file=sys.stderr,
        )
    return {
        "runs": results,
        "claims": results[0]["claims"],
        "import_s": statistics.median(r["import_s"] for r in results),
        "version_s": statistics.median(r["version_s"] for r in results),
    }


def stored_claims_database(work, stored):
    """A database of `stored` claims (bench/data.py's news-like sentences) and its index."""
    path = work / "stored.db"
    db = migrations.open_migrated(path)
    db.close()
    per_article = 100
    data.fill(path, [per_article] * (stored // per_article), seed=3)
    db = database.connect(path)
    started = time.perf_counter()
    ids = [row[0] for row in db.execute("select id from claims")]
    with database.write_transaction(db):
        # Their keys only: what a new article is matched against (finding the stored
        # claims' matches among themselves is not what is measured).
        matching.index_claims(db, ids, find_matches=False)
    indexed, seconds = len(ids), time.perf_counter() - started
    db.close()
    print(f"  indexed the keys of {indexed:,} stored claims in {seconds:.1f} s", file=sys.stderr)
    return path, {"indexed": indexed, "index_s": seconds}


def new_article(rng, stored_texts, claims):
    """A new article of `claims` sentences: a fifth of them the same claims as stored ones
    (as wire copy repeats), the rest new."""
    sentences = [
        rng.choice(stored_texts) if rng.random() < 0.2 else data.sentence(rng)
        for _ in range(claims)
    ]
    return " ".join(sentences)


def matching_runs(path, runs, work, claims):
    """Seconds to match a new article's claims against every stored claim (the work done
    at import: keys, candidates, scores, stored pairs), median of `runs` fresh copies."""
    source = database.connect(path)
    stored_texts = [row[0] for row in source.execute("select text from claims limit 20000")]
    stored = source.execute("select count(*) from claims").fetchone()[0]
    source.close()
    rng = random.Random(claims)
    results = []
    for run in range(runs):
        copy = work / f"matching-{claims}-{run}.db"
        shutil.copyfile(path, copy)
        db = database.connect(copy)
        text = new_article(rng, stored_texts, claims)
        imported = articles.import_article(db, text, actor=BENCH_USER)
        ids = [
            row[0]
            for row in db.execute(
                "select id from claims where article_id = ?", [imported.article_id]
            )
        ]
        started = time.perf_counter()
        with database.write_transaction(db):
            pairs = matching.index_claims(db, ids)
        seconds = time.perf_counter() - started
        db.close()
        copy.unlink()
        results.append({"claims": len(ids), "seconds": seconds, "pairs": pairs})
        print(
            f"  matching run {run + 1}: {len(ids)} new claims against {stored:,} stored: "
            f"{seconds * 1000:.0f} ms, {pairs} matches",
            file=sys.stderr,
        )
    return {
        "stored": stored,
        "claims": results[0]["claims"],
        "seconds": statistics.median(r["seconds"] for r in results),
        "runs": results,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer runs.")
    parser.add_argument("--stored", type=int, default=100_000, help="Claims stored.")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else 3
    work = pathlib.Path(tempfile.mkdtemp(prefix="workbench-bench-memory-"))
    try:
        result = {"reanchor": reanchoring(runs, work)}
        path, index = stored_claims_database(work, args.stored)
        result["index"] = index
        result["matching"] = {
            str(claims): matching_runs(path, runs, work, claims) for claims in (60, 1000)
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

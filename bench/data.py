"""Benchmark data: news-like text, and databases built by SQL inserts, not through HTTP.

Each database starts as `workbench init` made it (the app's own migrations and the sample
article), so the schema and indexes are exactly the app's; claims, notes and evidence are
then inserted with sqlite-utils in one transaction.
"""

import random
import shutil
import subprocess

import sqlite_utils

FIRST_NAMES = [
    "Maria",
    "James",
    "Amina",
    "Lars",
    "Chen",
    "Fatima",
    "Pedro",
    "Olga",
    "Kwame",
    "Sofia",
    "David",
    "Leila",
    "Tomas",
    "Yuki",
    "Ines",
    "Omar",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Alvarez",
    "Brennan",
    "Nakamura",
    "Petrov",
    "Osei",
    "Richter",
    "Santos",
    "Weber",
]
ROLES = [
    "the finance minister",
    "a spokeswoman for the ministry",
    "the port authority's chief",
    "the mayor",
    "a senior analyst at the central bank",
    "the union's president",
]
ORGS = [
    "the Ministry of Finance",
    "the World Bank",
    "the port authority",
    "Reuters",
    "the national statistics office",
    "the International Monetary Fund",
    "the city council",
]
THINGS = [
    "grain exports",
    "fuel prices",
    "container traffic",
    "public debt",
    "unemployment",
    "housing starts",
    "hospital admissions",
    "bus fares",
    "rainfall",
    "tourist arrivals",
]
VERBS = ["rose", "fell", "climbed", "dropped", "recovered", "stalled"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
CLAUSES = [
    "the reopening would take at least three more weeks",
    "inspectors had found no structural damage to the main quay",
    "the budget gap was wider than officials had admitted in public",
    "the new schedule would cut waiting times for most passengers",
    "talks with the shipping companies were continuing behind closed doors",
    "the figures did not include the northern districts",
]
QUOTES = [
    "We did everything we could with the equipment we had",
    "Nobody expected the numbers to move this fast",
    "This is the worst season we have seen in a decade",
    "We will publish the full audit before the end of the month",
]


def sentence(rng):
    """One news sentence of about 150 characters, in one of the shapes the splitter meets."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    thing, verb = rng.choice(THINGS), rng.choice(VERBS)
    number = f"{rng.randint(2, 95)}.{rng.randint(1, 9)}"
    month, year = rng.choice(MONTHS), rng.randint(1998, 2025)
    shapes = [
        f"{name}, {rng.choice(ROLES)}, said {thing} had {verb} by {number} percent "
        f"in {month} {year}, the sharpest change since records began in the region.",
        f"According to {rng.choice(ORGS)}, {thing} {verb} to {rng.randint(100, 9000):,} "
        f"units on {rng.choice(WEEKDAYS)}, well above the forecast published in {month}.",
        f"“{rng.choice(QUOTES)},” {name} told reporters on {rng.choice(WEEKDAYS)} "
        f"outside the ministry, before a meeting with {rng.choice(ORGS)}.",
        f"A senior official, who spoke on condition of anonymity because the talks were "
        f"private, said {rng.choice(CLAUSES)}.",
        f"The report by {rng.choice(ORGS)} found that {thing} had {verb} "
        f"for a {rng.choice(['second', 'third', 'fourth'])} straight quarter, despite the "
        f"measures announced in {month} {year}.",
        f"Mr. {rng.choice(LAST_NAMES)} said {rng.choice(CLAUSES)}, adding that the U.S. "
        f"embassy had been informed of the decision on {rng.choice(WEEKDAYS)}.",
        f"{thing.capitalize()} {verb} {number} percent last year, while the cost of "
        f"repairs reached ${rng.randint(2, 90)} million, more than twice the sum set aside "
        f"in the {year} budget.",
        f"Experts warned that {rng.choice(CLAUSES)}, and that {thing} would remain "
        f"volatile for the rest of {year}.",
    ]
    return rng.choice(shapes)


def article_text(rng, sentence_count, per_paragraph=5):
    """(text, [(start, end, sentence)]): paragraphs of sentences, offsets exact."""
    parts, spans, cursor = [], [], 0
    for index in range(sentence_count):
        if index:
            separator = "\n\n" if index % per_paragraph == 0 else " "
            parts.append(separator)
            cursor += len(separator)
        text = sentence(rng)
        parts.append(text)
        spans.append((cursor, cursor + len(text), text))
        cursor += len(text)
    return "".join(parts), spans


def big_article(target_bytes=1_000_000, seed=7):
    """A news-like article of about `target_bytes` UTF-8 bytes (about 6,500 sentences)."""
    rng = random.Random(seed)
    parts, size, count = [], 0, 0
    while size < target_bytes:
        count += 1
        text = sentence(rng)
        separator = "" if count == 1 else ("\n\n" if count % 5 == 1 else " ")
        parts.append(separator + text)
        size += len((separator + text).encode("utf-8"))
    return "Port traffic, prices and the budget: a year in numbers\n\n" + "".join(parts)


def init_database(workbench, path, env):
    """A database as `workbench init` makes it: the app's schema, the sample article."""
    subprocess.run(
        [workbench, "init"],
        env={**env, "WORKBENCH_DB": str(path)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def add_reviewers(workbench, path, env, names, password):
    """The first reviewer through `workbench add-user`, the rest share its hash (scrypt
    N=2^17 costs about 0.4 s per user; the hash is the same work whoever owns it)."""
    subprocess.run(
        [workbench, "add-user", names[0], "--role", "reviewer", "--password-stdin"],
        input=password + "\n",
        text=True,
        env={**env, "WORKBENCH_DB": str(path)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    db = sqlite_utils.Database(path)
    with db.conn:
        _copy_reviewer(db, names[0], names[1:])
    db.close()


def _copy_reviewer(db, like, names):
    """Reviewers named `names` with the password hash of `like` (no scrypt for each)."""
    first = next(db.query("select password_hash, created_at from users where username = ?", [like]))
    db.table("users").insert_all(
        {
            "username": name,
            "password_hash": first["password_hash"],
            "role": "reviewer",
            "created_at": first["created_at"],
        }
        for name in names
    )


def add_logged_in_users(path, like, names):
    """Reviewers named `names` with the password of `like`, each with a session begun now
    (as if they had logged in: the login form would cost a scrypt hash each); their
    session tokens, in order."""
    from workbench.storage.db import connect
    from workbench.team import accounts

    db = connect(path)
    try:
        with db.conn:
            _copy_reviewer(db, like, names)
            return [accounts.start_session(db, accounts.find_user(db, name)) for name in names]
    finally:
        db.close()


CLAIM_KINDS = ["named_person", "organization", "anonymous", "document", "none"]
FLAG_SETS = [
    "number date",
    "number",
    "date",
    "direct_quote",
    "",
    "number date",
    "unattributed number",
]


def fill(path, article_sizes, seed=1, notes_per_100=40, evidence_per_100=5):
    """Add one article per size in `article_sizes`, with claims, notes and evidence.

    About 40% of claims get a note (a few get two), 5% an evidence link. Returns
    {"claims": total claims in the database, "articles": [(article_id, first_claim_id)]}.
    """
    rng = random.Random(seed)
    db = sqlite_utils.Database(path)
    stamp = "2026-01-15T09:30:00Z"
    created = []
    with db.conn:
        for number, size in enumerate(article_sizes):
            body, spans = article_text(rng, size)
            article_id = (
                db.table("articles")
                .insert(
                    {
                        "title": f"Bench article {number + 1}: {spans[0][2][:60]}",
                        "publisher": "Bench Gazette",
                        "published_on": "2026-01-14",
                        "body": body,
                        "content_hash": f"bench-{seed}-{number}",
                        "source_format": "txt",
                        "imported_at": stamp,
                        "imported_by": "bench",
                    }
                )
                .last_pk
            )
            rows = []
            for position, (start, end, text) in enumerate(spans, start=1):
                kind = rng.choice(CLAIM_KINDS)
                rows.append(
                    {
                        "article_id": article_id,
                        "position": position,
                        "start": start,
                        "end": end,
                        "text": text,
                        "status": "unverified",
                        "version": 1,
                        "is_claim": 1,
                        "attribution_text": None if kind == "none" else text[:20],
                        "attribution_kind": kind,
                        "flags": rng.choice(FLAG_SETS),
                        "check_first": rng.randint(0, 2),
                    }
                )
            db.table("claims").insert_all(rows, batch_size=1000)
            first_claim = db.execute(
                "select min(id) from claims where article_id = ?", [article_id]
            ).fetchone()[0]
            created.append((article_id, first_claim))
            notes, evidence = [], []
            for claim_id in range(first_claim, first_claim + size):
                draw = rng.randrange(100)
                if draw < notes_per_100:
                    for _ in range(2 if draw < 5 else 1):
                        notes.append(
                            {
                                "claim_id": claim_id,
                                "author": "bench-reviewer-1",
                                "created_at": stamp,
                                "body": f"Checked against the {rng.choice(ORGS)} release; "
                                f'the figure matches, "see page {draw}".',
                            }
                        )
                if rng.randrange(100) < evidence_per_100:
                    evidence.append(
                        {
                            "claim_id": claim_id,
                            "stance": "supports",
                            "url": f"https://example.org/source/{claim_id}",
                            "title": "Official release",
                            "added_by": "bench-reviewer-1",
                            "added_at": stamp,
                        }
                    )
            if notes:
                db.table("notes").insert_all(notes, batch_size=1000)
            if evidence:
                db.table("evidence").insert_all(evidence, batch_size=1000)
    total = db.execute("select count(*) from claims").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"claims": total, "articles": created}


def sizes_for(claims, articles, big=None):
    """`articles` sizes adding up to `claims`; the first is `big` claims when given."""
    sizes = [big] if big else []
    remaining, count = claims - sum(sizes), articles - len(sizes)
    base, extra = divmod(remaining, count)
    return sizes + [base + 1] * extra + [base] * (count - extra)


def copy_database(source, target):
    shutil.copyfile(source, target)

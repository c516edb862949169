"""How heavy the article page is: bytes of HTML per claim, as sent and gzipped (the goal:
at most 1.5 KB of HTML a claim).

Run: .venv/bin/python -m bench.page_weight [FOLDER]
Imports every .txt article of FOLDER (default: tests/data's written articles) into a new
database through the import form, as an admin, and prints one line per article and the
whole: claims, bytes per claim as an admin and as a reviewer (who has no Desk or Delete
links), gzipped bytes per claim, and how much of the page is the claim rows, the article
text beside them and the rest (header, filters, bulk bar). The page is weighed as it is
read again, without the import's one-off message.
"""

import gzip
import json
import os
import pathlib
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
WRITTEN = REPO / "tests" / "data"


def articles(folder):
    """(name, text) of each article in the folder: .txt files, or tests/data's .json."""
    if folder is None:
        for path in sorted(WRITTEN.glob("*.json")):
            yield path.stem, json.loads(path.read_text(encoding="utf-8"))["text"]
        return
    for path in sorted(pathlib.Path(folder).glob("*.txt")):
        yield path.stem, path.read_text(encoding="utf-8")


def parts(page):
    """Bytes of the claim rows, of the text column, and of everything else."""
    rows_start = page.index(b'<ol class="claims"')
    rows = page[rows_start : page.index(b"</ol>", rows_start)]
    text_start = page.index(b'<section class="review__text"')
    text = page[text_start : page.index(b"</section>", text_start)]
    return len(rows), len(text), len(page) - len(rows) - len(text)


TARGET = 1536  # at most 1.5 KB of HTML a claim


def main(folder=None):
    os.environ.setdefault("WORKBENCH_SPACY_MODEL", "off")
    from workbench import create_app
    from workbench.storage import db as database
    from workbench.team import accounts

    path = os.path.join(tempfile.mkdtemp(prefix="workbench-page-weight-"), "weight.db")
    app = create_app({"DATABASE": path, "SECRET_KEY": "bench", "TESTING": False})
    store = database.connect(path)
    readers = {}
    for name, role in (("ada", "admin"), ("rita", "reviewer")):
        user = accounts.create_user(
            store, name, "a bench password of length", role, "scrypt:1024:8:1"
        )
        readers[role] = app.test_client()
        readers[role].set_cookie("workbench_session", accounts.start_session(store, user))
    admin = readers["admin"]
    total = {"claims": 0, "bytes": 0, "reviewer": 0, "gzip": 0, "rows": 0, "text": 0, "rest": 0}
    met = []
    for name, text in articles(folder):
        answer = admin.post("/articles", data={"text": text, "title": name})
        if answer.status_code != 303:
            raise RuntimeError(f"{name}: import answered {answer.status_code}")
        admin.get(answer.headers["Location"])  # shows, and so ends, "Imported … claims."
        page = admin.get(answer.headers["Location"]).get_data()
        as_reviewer = len(readers["reviewer"].get(answer.headers["Location"]).get_data())
        claims = page.count(b'<li class="claim ')
        rows, beside, rest = parts(page)
        squeezed = len(gzip.compress(page, 5))
        for key, value in zip(
            total, (claims, len(page), as_reviewer, squeezed, rows, beside, rest), strict=True
        ):
            total[key] += value
        met.append(len(page) / claims <= TARGET)
        print(
            f"{name[:40]:40} {claims:3} claims {len(page) / claims:6,.0f} B/claim "
            f"(reviewer {as_reviewer / claims:5,.0f}; gzip {squeezed / claims:4,.0f}; rows "
            f"{rows / claims:5,.0f}, text {beside / claims:4,.0f}, rest {rest:6,} B a page)"
        )
    claims, pages = total["claims"], len(met)
    print(
        f"{'all':40} {claims:3} claims {total['bytes'] / claims:6,.0f} B/claim "
        f"(reviewer {total['reviewer'] / claims:5,.0f}; gzip {total['gzip'] / claims:4,.0f}; "
        f"rows {total['rows'] / claims:5,.0f}, text {total['text'] / claims:4,.0f}, rest "
        f"{total['rest'] / pages:6,.0f} B a page)"
    )
    print(
        f"pages at most {TARGET:,} B a claim (as an admin): {sum(met)} of {pages}; "
        f"a claim adds its row and passage, {(total['rows'] + total['text']) / claims:,.0f} B, "
        f"and a page has {total['rest'] / pages:,.0f} B that do not grow with claims"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)

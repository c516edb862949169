"""How heavy the article page is: bytes of HTML per claim, as sent and gzipped (issue 13:
at most 1.5 KB of HTML a claim).

Run: .venv/bin/python -m bench.page_weight [FOLDER]
Imports every .txt article of FOLDER (default: tests/data's written articles) into a new
database through the import form, as an admin, and prints one line per article and the
whole: claims, bytes per claim, gzipped bytes per claim, and how much of the page is the
claim rows, the article text beside them and the rest (header, filters, bulk bar).
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


def main(folder=None):
    os.environ.setdefault("WORKBENCH_SPACY_MODEL", "off")
    from workbench import accounts, create_app
    from workbench import db as database

    path = os.path.join(tempfile.mkdtemp(prefix="workbench-page-weight-"), "weight.db")
    app = create_app({"DATABASE": path, "SECRET_KEY": "bench", "TESTING": False})
    store = database.connect(path)
    user = accounts.create_user(
        store, "ada", "a bench password of length", "admin", "scrypt:1024:8:1"
    )
    client = app.test_client()
    client.set_cookie("workbench_session", accounts.start_session(store, user))
    total = {"claims": 0, "bytes": 0, "gzip": 0, "rows": 0, "text": 0, "rest": 0}
    for name, text in articles(folder):
        answer = client.post("/articles", data={"text": text, "title": name})
        if answer.status_code != 303:
            raise RuntimeError(f"{name}: import answered {answer.status_code}")
        page = client.get(answer.headers["Location"]).get_data()
        claims = page.count(b'<li class="claim ')
        rows, beside, rest = parts(page)
        squeezed = len(gzip.compress(page, 5))
        for key, value in zip(
            total, (claims, len(page), squeezed, rows, beside, rest), strict=True
        ):
            total[key] += value
        print(
            f"{name[:44]:44} {claims:4} claims {len(page) / claims:6,.0f} B/claim "
            f"(gzip {squeezed / claims:4,.0f}; rows {rows / claims:5,.0f}, text "
            f"{beside / claims:4,.0f}, rest {rest:6,} B a page)"
        )
    claims = total["claims"]
    print(
        f"{'all':44} {claims:4} claims {total['bytes'] / claims:6,.0f} B/claim "
        f"(gzip {total['gzip'] / claims:4,.0f}; rows {total['rows'] / claims:5,.0f}, text "
        f"{total['text'] / claims:4,.0f})"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)

"""HTML import: body F1 on the regression pages, our extraction against
trafilatura alone on the same bytes, peak memory on a 10 MB page, and URL import through
the fetcher from a local server.

    python -m bench.pages            the whole report (about a minute)
    python -m bench.pages --quick    fewer repetitions
    python -m bench.pages --json     the same figures as one JSON object
    (`make bench` runs it with --json --skip-slow-baseline and adds rows 7 to its table)

Timings are medians, each run of ours followed by trafilatura's on the same bytes, so drift
on a shared machine hits both alike. Memory is a fresh process's peak resident size.
"""

import argparse
import http.server
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
PAGES = REPO / "tests" / "pages"
TEN_MB = 10_000_000


def regression_pages():
    return {
        folder.name: (folder / "page.html").read_bytes()
        for folder in sorted(PAGES.iterdir())
        if (folder / "page.html").exists()
    }


def body_scores(extract=None):
    """{page: BodyScore} of the full HTML import path (or `extract(data) -> text`) on each
    regression page."""
    from workbench.text.body_score import body_score
    from workbench.text.cleaning import document_from_upload

    scores = {}
    for name, data in regression_pages().items():
        text = extract(data) if extract else document_from_upload(f"{name}.html", data).text
        scores[name] = body_score(text, (PAGES / name / "body.txt").read_text(encoding="utf-8"))
    return scores


def trafilatura_text(data):
    document = trafilatura_alone(data)
    return document.text if document is not None and document.text else ""


def ours(data):
    """What an HTML upload costs us: decoding, extraction, the import checks."""
    from workbench.text.cleaning import document_from_upload

    return document_from_upload("page.html", data)


def trafilatura_alone(data):
    """trafilatura on the same bytes with the same options (it decodes them itself)."""
    import trafilatura

    return trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)


def big_page(size=TEN_MB, kind="article"):
    """A saved news page of about `size` bytes: article paragraphs, or scripts around one."""
    shell = (PAGES / "saved_news_page" / "page.html").read_text(encoding="utf-8")
    before, after = shell.split('<div class="story-body">', 1)
    article, rest = after.split("</div>", 1)
    if kind == "article":
        paragraphs = [
            line
            for folder in PAGES.iterdir()
            if (folder / "body.txt").exists()
            for line in (folder / "body.txt").read_text(encoding="utf-8").splitlines()
        ]
        filler, count = [], 0
        while count < size:
            paragraph = f"<p>{paragraphs[len(filler) % len(paragraphs)]}</p>\n"
            filler.append(paragraph)
            count += len(paragraph.encode("utf-8"))
        body = "".join(filler)
        return (before + '<div class="story-body">' + body + "</div>" + rest).encode("utf-8")
    blob = '{"k": "' + "v" * 1000 + '"},'
    script = "<script>window.__STATE__=[" + blob * (size // len(blob)) + "];</script>"
    return (
        before.replace("</head>", script + "</head>")
        + '<div class="story-body">'
        + article
        + "</div>"
        + rest
    ).encode("utf-8")


def timing(repeats):
    """Median seconds per page, ours and trafilatura's, interleaved."""
    pages = regression_pages()
    pages["large_scripts_1mb"] = big_page(1_000_000, "scripts")
    results = {}
    for name, data in pages.items():
        ours(data), trafilatura_alone(data)  # warm caches and lazy imports
        measured = {ours: [], trafilatura_alone: []}
        for run in range(repeats):
            # Alternate who goes first: the second of a pair ran measurably faster.
            for extract in (ours, trafilatura_alone)[:: 1 if run % 2 else -1]:
                started = time.perf_counter()
                extract(data)
                measured[extract].append(time.perf_counter() - started)
        mine, theirs = measured[ours], measured[trafilatura_alone]
        results[name] = {
            "ours_ms": statistics.median(mine) * 1000,
            "trafilatura_ms": statistics.median(theirs) * 1000,
        }
    return results


# (name, page size, kind): a realistic big page is scripts and inline data around one
# article; 10 MB of paragraphs is more text than an article may have (refused unextracted);
# 2 MB of paragraphs is about the largest article accepted (2,000,000 characters).
MEMORY_CASES = (
    ("10 MB, scripts + article", TEN_MB, "scripts"),
    ("10 MB of paragraphs", TEN_MB, "article"),
    ("2 MB of paragraphs", 2_000_000, "article"),
)


def memory(who, size, kind):
    """Peak RSS (MB) of a fresh process importing a generated page, after building it."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.pages", "--memory-child", who, str(size), kind],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def memory_child(who, size, kind):
    from workbench.errors import ArticleRejected

    data = big_page(int(size), kind)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        text = ours(data).text if who == "ours" else trafilatura_alone(data).text
    except ArticleRejected:
        text = None
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "page_bytes": len(data),
                "text_chars": None if text is None else len(text),
                "seconds": seconds,
                "peak_mb": peak,
                "before_extraction_mb": before,
            }
        )
    )


class _PageHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = b""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(self.body)


def url_import(repeats):
    """p50/p99 of URL import from a local server through our fetcher (fetch, and fetch +
    extraction), each request followed by the cheapest way to the same text: a plain
    urllib GET with no checks, then trafilatura alone on the bytes."""
    import urllib.request

    from workbench.intake.fetch import fetch_page
    from workbench.text.cleaning import document_from_fetched

    _PageHandler.body = regression_pages()["saved_news_page"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/story"
    allow = frozenset({("127.0.0.1", server.server_address[1])})
    seconds = {"fetch": [], "fetch_and_extract": [], "plain_get": [], "plain_get_and_extract": []}

    def ours():
        started = time.perf_counter()
        page = fetch_page(url, allow=allow)
        seconds["fetch"].append(time.perf_counter() - started)
        document_from_fetched(page)
        seconds["fetch_and_extract"].append(time.perf_counter() - started)

    def plain():
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=20) as response:
            data = response.read()
        seconds["plain_get"].append(time.perf_counter() - started)
        trafilatura_alone(data)
        seconds["plain_get_and_extract"].append(time.perf_counter() - started)

    try:
        ours(), plain()  # warm up
        for key in seconds:
            seconds[key].clear()
        for run in range(repeats):
            for request in (ours, plain)[:: 1 if run % 2 else -1]:
                request()
    finally:
        server.shutdown()
        server.server_close()
    return {**{key: percentiles(values) for key, values in seconds.items()}, "requests": repeats}


def percentiles(seconds):
    ordered = sorted(seconds)

    def pick(share):
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return {"p50_ms": pick(0.50), "p99_ms": pick(0.99)}


# trafilatura alone on 10 MB of paragraphs takes 15 to 25 s and 550 MB (we refuse that
# page before extracting): `make bench` leaves it out to keep its total time down.
SLOW_BASELINE = ("10 MB of paragraphs", "trafilatura")


def report(quick, skip_slow_baseline=False):
    scores = body_scores()
    alone = body_scores(trafilatura_text)
    times = timing(5 if quick else 21)
    mem = {
        f"{name}: {who}": memory(who, size, kind)
        for name, size, kind in MEMORY_CASES
        for who in ("ours", "trafilatura")
        if not (skip_slow_baseline and (name, who) == SLOW_BASELINE)
    }
    fetched = url_import(50 if quick else 300)
    return {
        "body": {name: vars(score) for name, score in scores.items()},
        "body_f1_mean": statistics.mean(score.f1 for score in scores.values()),
        "trafilatura_body_f1_mean": statistics.mean(score.f1 for score in alone.values()),
        "timing": times,
        "memory": mem,
        "url_import": fetched,
    }


def format_report(result):
    lines = [
        "Body F1 on tests/pages (token-level, full HTML import path)",
        f"{'page':22} {'precision':>9} {'recall':>7} {'F1':>6}",
    ]
    for name, score in result["body"].items():
        lines.append(
            f"{name:22} {score['precision']:9.3f} {score['recall']:7.3f} {score['f1']:6.3f}"
        )
    lines.append(f"{'mean':22} {'':9} {'':7} {result['body_f1_mean']:6.3f}")
    lines.append(f"{'trafilatura alone, mean':32} {result['trafilatura_body_f1_mean']:6.3f}")
    lines += [
        "",
        "Extraction time per page, median (ours: decode + extract + checks; "
        "trafilatura alone: bare_extraction on the same bytes, same options)",
        f"{'page':22} {'ours ms':>8} {'traf. ms':>8} {'ratio':>6}",
    ]
    total_ours = total_theirs = 0
    for name, row in result["timing"].items():
        total_ours += row["ours_ms"]
        total_theirs += row["trafilatura_ms"]
        lines.append(
            f"{name:22} {row['ours_ms']:8.2f} {row['trafilatura_ms']:8.2f} "
            f"{row['ours_ms'] / row['trafilatura_ms']:6.2f}"
        )
    lines.append(
        f"{'all pages':22} {total_ours:8.2f} {total_theirs:8.2f} "
        f"{total_ours / total_theirs:6.2f}   (target ≤ 1.3)"
    )
    lines += ["", "Big pages: peak resident memory of a fresh process (target < 200 MB for 10 MB)"]
    for key, value in result["memory"].items():
        got = (
            "refused"
            if value["text_chars"] is None
            else f"{value['text_chars']:,} characters of text"
        )
        lines.append(
            f"{key:40} {value['peak_mb']:5.0f} MB peak ({value['before_extraction_mb']:.0f}"
            f" MB before), {value['seconds']:6.2f} s, {got}"
        )
    fetched = result["url_import"]
    lines += ["", f"URL import from a local server ({fetched['requests']} requests, one at a time)"]
    for key in ("fetch", "fetch_and_extract", "plain_get", "plain_get_and_extract"):
        lines.append(
            f"{key:22} p50 {fetched[key]['p50_ms']:.2f} ms, p99 {fetched[key]['p99_ms']:.2f} ms"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer repetitions.")
    parser.add_argument("--json", action="store_true", help="Print JSON, not a table.")
    parser.add_argument(
        "--skip-slow-baseline",
        action="store_true",
        help="Leave out trafilatura alone on 10 MB of paragraphs (15-25 s).",
    )
    parser.add_argument(
        "--memory-child", nargs=3, metavar=("WHO", "SIZE", "KIND"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    result = report(args.quick, args.skip_slow_baseline)
    print(json.dumps(result, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()

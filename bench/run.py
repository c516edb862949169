"""The benchmark suite: data, servers, load, one table.

Every figure is the median of several runs, and each run of ours is interleaved with the
run of its baseline, so drift on this shared machine hits both alike.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

from . import baseline_app, data, live, report, servers, serving

REPO = pathlib.Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
BIN = pathlib.Path(sys.executable).parent
REVIEWERS = [f"reviewer-{number:02d}" for number in range(1, 13)]  # a dozen at once
# The desk of rows 11: a hundred people with ten live pages each.
DESK = [f"desk-{number:03d}" for number in range(100)]
PAGES_PER_PERSON = 10
# Claims of each watched article that only the prober changes, one per change in turn.
PROBES_PER_ARTICLE = 12
# People who log out with the article page open, per serving run (row 11d).
LEAVERS = 20
PASSWORD = "bench-password-not-secret"
TIME_BUDGET = 13 * 60  # `make bench` must finish within 14 minutes


class Settings:
    """Durations and repetitions; --quick shrinks them for a smoke test."""

    def __init__(self, quick):
        self.runs = 2 if quick else 3
        # Tagging swings most from run to run (see PERFORMANCE.md): more, shorter runs.
        self.tag_runs = 2 if quick else 5
        self.tag_seconds = 3 if quick else 5
        # Paced run: each of 64 connections pauses between clicks, as reviewers reading do
        # (about 130 requests/s offered in all, well under saturation).
        self.paced_delay_ms = 500
        self.read_seconds = 2 if quick else 4
        # Reading swings like tagging at 16 connections (which worker accepts wrk's 8
        # connections decides it; docs/performance.md): five runs, so the median holds.
        self.read_runs = 2 if quick else 5
        self.read_connections = 8
        self.tag_connections = (16, 64)
        # Live updates: open streams, and status changes timed to their events.
        self.streams = 50
        self.live_runs = 2 if quick else 3
        self.live_seconds = 3 if quick else 4  # shorter than tagging's: the suite has 10 minutes
        self.live_writes = 10 if quick else 20
        # Rows 11: the reviewer's page loads per phase, unfinished requests held at once,
        # and how often a change is made for the open pages to hear.
        self.serving_runs = 1 if quick else 3
        self.page_loads = 100 if quick else 300
        self.unfinished = 1000
        self.probe_interval = 0.1


STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.settings = Settings(args.quick)
        self.started = time.monotonic()
        self.wrk = shutil.which("wrk")
        if self.wrk is None:
            raise SystemExit("wrk is not installed: run `make bench` (it installs Debian's wrk).")
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="workbench-bench-"))
        self.env = {**servers.environment(), "WORKBENCH_INSTANCE": str(self.work / "instance")}
        self.runs = {}  # every raw measurement, for results.json
        self.leavers = 0  # accounts made to log out so far (row 11d)

    # --- data ------------------------------------------------------------------------

    def prepare(self):
        log(f"Generating data in {self.work}")
        started = time.monotonic()
        workbench = str(BIN / "workbench")
        template = self.work / "template.db"
        data.init_database(workbench, template, self.env)
        data.add_reviewers(workbench, template, self.env, REVIEWERS, PASSWORD)
        sample_claims = self.count(template, "select count(*) from claims")
        self.db = {}
        self.info = {}
        for name, claims, articles, big in (
            ("1k", 1_000, 11, None),
            ("10k", 10_000, 101, None),
            ("100k", 100_000, 1_000, 5_000),
        ):
            path = self.work / f"claims{name}.db"
            data.copy_database(template, path)
            # The sample article from `workbench init` is one of the articles.
            filled = data.fill(path, data.sizes_for(claims - sample_claims, articles - 1, big))
            self.db[name] = path
            self.info[name] = filled
        self.big_article_id = self.info["100k"]["articles"][0][0]
        self.article_file = self.work / "article-1mb.txt"
        self.article_file.write_text(data.big_article(), encoding="utf-8")
        # The same text on one line (each line break a space, so the same offsets): its
        # import must take about as long (it grew with the square of the line).
        self.one_line_file = self.work / "article-1mb-one-line.txt"
        self.one_line_file.write_text(
            data.big_article().replace("\n", " ").strip(), encoding="utf-8"
        )
        self.template = template
        for name in ("1k", "100k"):
            self.write_targets(name)
        log(
            f"  data ready in {time.monotonic() - started:.1f} s: "
            + ", ".join(
                f"{name}: {self.count(path, 'select count(*) from claims'):,} claims"
                for name, path in self.db.items()
            )
        )

    def write_targets(self, name):
        """The claims tagged under load: ordinary articles only (not the 5,000-claim one)."""
        skip = self.big_article_id if name == "100k" else -1
        rows = self.query(
            self.db[name],
            "select id, article_id from claims where article_id "
            "!= ? and article_id > 1 order by id limit 4000",
            [skip],
        )
        path = self.work / f"targets-{name}.txt"
        path.write_text("".join(f"{claim} {article}\n" for claim, article in rows))
        setattr(self, f"targets_{name}", (path, [claim for claim, _ in rows]))

    @staticmethod
    def query(path, sql, params=()):
        conn = sqlite3.connect(path, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def count(self, path, sql, params=()):
        return self.query(path, sql, params)[0][0]

    # --- helpers ---------------------------------------------------------------------

    def check_time(self, what):
        elapsed = time.monotonic() - self.started
        if elapsed > TIME_BUDGET:
            raise SystemExit(f"Out of time before {what} ({elapsed:.0f} s used); stopping.")

    def log_path(self, name):
        return self.work / f"{name}.log"

    def log_in(self, server, names):
        """A session token per reviewer, through the real login form (once each)."""

        def one(name):
            status, headers, _ = servers.post_form(
                server.port,
                "/login",
                urllib.parse.urlencode({"username": name, "password": PASSWORD, "next": "/"}),
            )
            cookie = headers.get("Set-Cookie", "")
            match = re.search(r"workbench_session=([^;]+)", cookie)
            if status != 303 or match is None:
                raise RuntimeError(f"login as {name} failed: {status}")
            return match.group(1)

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            tokens = list(pool.map(one, names))
        path = self.work / f"cookies-{server.port}.txt"
        path.write_text("\n".join(tokens) + "\n")
        return path, tokens

    def run_wrk(self, url, connections, seconds, env):
        """One wrk run; the parsed BENCH_RESULT line."""
        threads = 2 if connections > 16 else 1
        result = subprocess.run(
            [
                self.wrk,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(BENCH / "wrk.lua"),
                url,
            ],
            env={
                **self.env,
                **env,
                "BENCH_THREADS": str(threads),
                "BENCH_CONNECTIONS": str(connections),
            },
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
        for line in result.stdout.splitlines():
            if line.startswith("BENCH_RESULT "):
                parsed = json.loads(line[len("BENCH_RESULT ") :])
                parsed["rps"] = parsed["requests"] / (parsed["duration_us"] / 1e6)
                parsed["error_count"] = sum(parsed["errors"].values())
                return parsed
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")

    # --- 1 and 5: tagging ------------------------------------------------------------

    def tag_run(
        self,
        server,
        cookies,
        db_name,
        connections,
        write_path,
        check_history,
        delay_ms=0,
        seconds=None,
    ):
        targets_file, target_ids = getattr(self, f"targets_{db_name}")
        path = self.db[db_name]
        conn = sqlite3.connect(path, timeout=30)
        placeholders = ",".join("?" * len(target_ids))
        with conn:
            conn.execute(
                f"update claims set status = 'unverified' where id in ({placeholders})", target_ids
            )
        versions = dict(
            conn.execute(f"select id, version from claims where id in ({placeholders})", target_ids)
        )
        history_before = conn.execute("select coalesce(max(id), 0) from history").fetchone()[0]
        conn.close()
        result = self.run_wrk(
            server.origin + "/",
            connections,
            seconds or self.settings.tag_seconds,
            {
                "BENCH_MODE": "tag",
                "BENCH_COOKIES": str(cookies),
                "BENCH_TARGETS": str(targets_file),
                "BENCH_WRITE_PATH": write_path,
                "BENCH_ORIGIN": server.origin,
                "BENCH_DELAY_MS": str(delay_ms),
                "BENCH_FIRST_PATH": server.static_path,
            },
        )
        seen = [item.split(":") for item in result.pop("seen").split(",") if item]
        result["ok"] = len(seen)
        self.wait_until_settled(path, target_ids)
        if check_history:
            result.update(self.match_history(path, seen, versions, history_before))
        return result

    def wait_until_settled(self, path, target_ids, quiet=0.5, limit=20):
        """Wait for the requests wrk abandoned at its deadline to finish on the server."""
        sql = f"select sum(version) from claims where id in ({','.join('?' * len(target_ids))})"
        last, stable_since, deadline = None, time.monotonic(), time.monotonic() + limit
        while time.monotonic() < deadline:
            current = self.count(path, sql, target_ids)
            if current != last:
                last, stable_since = current, time.monotonic()
            elif time.monotonic() - stable_since >= quiet:
                return
            time.sleep(0.1)

    def match_history(self, path, seen, versions, history_before):
        """Every 200 answer must match a history row (and version bump) of its own.

        A claim at version v0 before the run that got n status rows in history went through
        versions v0+1 .. v0+n. An answer shows the claim as it is once the change is saved,
        so "claim c is at version v" is matched to the lowest version in v0+1 .. v that no
        other answer took (two changes of one claim may both answer with the later one).
        """
        conn = sqlite3.connect(path, timeout=30)
        rows = dict(
            conn.execute(
                "select claim_id, count(*) from history where id > ? and action = 'status' "
                "group by claim_id",
                [history_before],
            )
        )
        new_history = sum(rows.values())
        after = dict(
            conn.execute(
                f"select id, version from claims where id in ({','.join('?' * len(versions))})",
                list(versions),
            )
        )
        conn.close()
        bumps = sum(after[claim] - versions[claim] for claim in versions)
        reported, unmatched = {}, []
        for claim, version in seen:
            if claim.isdigit() and version.isdigit() and int(claim) in versions:
                reported.setdefault(int(claim), []).append(int(version))
            else:
                unmatched.append(f"{claim}:{version}")
        matched = 0
        for claim, answers in reported.items():
            next_free, last = versions[claim] + 1, versions[claim] + rows.get(claim, 0)
            for version in sorted(answers):
                if next_free <= version and next_free <= last:
                    matched += 1
                    next_free += 1
                else:
                    unmatched.append(
                        f"{claim}:{version} (was {versions[claim]}, +{rows.get(claim, 0)})"
                    )
        return {
            "history_rows": new_history,
            "version_bumps": bumps,
            "matched": matched,
            "lost": len(seen) - matched,
            "unanswered": new_history - matched,
            "unmatched_examples": unmatched[:10],
        }

    def tagging(self, app_big, app_small, baseline, cookies_big, cookies_small):
        s = self.settings
        runs = self.runs.setdefault("tagging", {})
        for run in range(s.tag_runs):
            self.check_time("tagging")
            for connections in s.tag_connections:
                runs.setdefault(f"app_{connections}", []).append(
                    self.tag_run(
                        app_big, cookies_big, "100k", connections, "/claims/%d/status", True
                    )
                )
                runs.setdefault(f"baseline_{connections}", []).append(
                    self.tag_run(
                        baseline,
                        cookies_big,
                        "100k",
                        connections,
                        "/baseline/claims/%d/status",
                        False,
                    )
                )
            runs.setdefault("app_1k_paced", []).append(
                self.tag_run(
                    app_small, cookies_small, "1k", 64, "/claims/%d/status", True, s.paced_delay_ms
                )
            )
            runs.setdefault("app_64_paced", []).append(
                self.tag_run(
                    app_big, cookies_big, "100k", 64, "/claims/%d/status", True, s.paced_delay_ms
                )
            )
            runs.setdefault("baseline_64_paced", []).append(
                self.tag_run(
                    baseline,
                    cookies_big,
                    "100k",
                    64,
                    "/baseline/claims/%d/status",
                    False,
                    s.paced_delay_ms,
                )
            )
            log(
                f"  tagging run {run + 1}/{s.tag_runs}: "
                + ", ".join(
                    f"{name} {values[-1]['rps']:.0f}/s "
                    f"p99 {values[-1]['latency_us']['p99'] / 1000:.0f} ms"
                    for name, values in runs.items()
                )
            )

    # --- 2: reading ------------------------------------------------------------------

    def reading(self, app, baseline, cookies, token):
        pages = {
            "article_page": (
                f"/articles/{self.big_article_id}",
                f"/baseline/articles/{self.big_article_id}",
            ),
            "article_list": ("/", "/baseline/articles"),
        }
        # Check the pages are the real ones before timing them.
        status, _, body = servers.get(
            app.port, pages["article_page"][0], {"Cookie": f"workbench_session={token}"}
        )
        rows = body.count(b'<li class="claim claim--')
        if status != 200 or rows != baseline_app.CLAIMS_PAGE:
            raise RuntimeError(
                f"article page: status {status}, {rows} claim rows "
                f"(want {baseline_app.CLAIMS_PAGE})"
            )
        status, _, body = servers.get(app.port, "/", {"Cookie": f"workbench_session={token}"})
        cards = body.count(b'class="article-card"')
        want = baseline_app.ARTICLES_PAGE or 1000
        if status != 200 or cards != want:
            raise RuntimeError(f"article list: status {status}, {cards} articles (want {want})")
        runs = self.runs.setdefault("reading", {})
        env = {"BENCH_MODE": "read", "BENCH_COOKIES": str(cookies), "BENCH_ORIGIN": app.origin}
        for run in range(self.settings.read_runs):
            self.check_time("reading")
            for name, (ours, theirs) in pages.items():
                for who, server, path in (("app", app, ours), ("baseline", baseline, theirs)):
                    runs.setdefault(f"{who}_{name}", []).append(
                        self.run_wrk(
                            server.origin + path,
                            self.settings.read_connections,
                            self.settings.read_seconds,
                            env,
                        )
                    )
            log(
                f"  reading run {run + 1}: "
                + ", ".join(f"{name} {values[-1]['rps']:.0f}/s" for name, values in runs.items())
            )
        # The rows above reread an unchanged article; this says what a page drawn afresh
        # (after any write) costs, in-process.
        self.check_time("reading")
        runs["in_process"] = self.bench_module(
            "article_page", *(["--quick"] if self.args.quick else [])
        )
        log(
            "  article page in-process: "
            f"unchanged {runs['in_process']['unchanged_ms']:.1f} ms, "
            f"after a write {runs['in_process']['after_a_write_ms']:.1f} ms, "
            f"baseline {runs['in_process']['baseline_ms']:.1f} ms"
        )

    # --- 3 and 5: export -------------------------------------------------------------

    def curl(self, url, token=None, output=None):
        command = [
            "curl",
            "-s",
            "-o",
            str(output or os.devnull),
            "-w",
            "%{http_code} %{size_download} %{time_total}",
            "--max-time",
            "120",
            url,
        ]
        if token:
            command[1:1] = ["-H", f"Cookie: workbench_session={token}"]
        status, size, seconds = subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout.split()
        if status != "200":
            raise RuntimeError(f"{url} answered {status}")
        return {"bytes": int(size), "seconds": float(seconds)}

    def csv_rows(self, path):
        with open(path, newline="", encoding="utf-8") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1

    def export(self, apps, tokens, datasette):
        """apps: {db name: server}, fresh; each exports every run; memory read after."""
        runs = self.runs.setdefault("export", {})
        claims = {
            name: self.count(self.db[name], "select count(*) from claims where is_claim = 1")
            for name in self.db
        }
        # Logging in (scrypt at N=2^17 needs 128 MiB) raises a worker's peak; count afresh.
        before_reset = {name: server.worker_peak_mb() for name, server in apps.items()}
        reset = all([server.reset_peak() for server in [*apps.values(), datasette]])
        idle = {name: server.worker_peak_mb() for name, server in apps.items()}
        output = self.work / "export.csv"
        # Small exports take milliseconds: several per run, so one hiccup does not decide.
        repeats = {"100k": 1, "10k": 2, "1k": 5}
        for run in range(self.settings.runs):
            self.check_time("export")
            for name, server in apps.items():
                for _ in range(repeats.get(name, 1)):
                    measured = self.curl(server.origin + "/export.csv", tokens[name], output)
                    if run == 0 and self.csv_rows(output) != claims[name]:
                        raise RuntimeError(f"export of {name}: wrong number of rows")
                    measured["rate"] = claims[name] / measured["seconds"]
                    runs.setdefault(f"app_{name}", []).append(measured)
            measured = self.bench_module("baselines", "export", self.db["100k"], output)
            if measured["rows"] != claims["100k"]:
                raise RuntimeError("raw export: wrong number of rows")
            measured["rate"] = measured["rows"] / measured["seconds"]
            runs.setdefault("raw_100k", []).append(measured)
            measured = self.curl(
                datasette.origin + "/claims100k/claims.csv?_stream=on&_size=max", output=output
            )
            if run == 0 and self.csv_rows(output) != claims["100k"]:
                raise RuntimeError("datasette export: wrong number of rows")
            measured["rate"] = claims["100k"] / measured["seconds"]
            runs.setdefault("datasette_100k", []).append(measured)
            log(
                f"  export run {run + 1}: "
                + ", ".join(
                    f"{name} {values[-1]['rate']:,.0f} claims/s" for name, values in runs.items()
                )
            )
        self.runs["export_memory_mb"] = {
            name: {
                "peak_before_reset": before_reset[name],
                "idle_peak": idle[name],
                "peak": server.worker_peak_mb(),
                "server_rss_total": server.total_rss_mb(),
                "peak_was_reset": reset,
            }
            for name, server in apps.items()
        }
        self.runs["export_memory_mb"]["datasette_100k"] = {
            "peak": datasette.worker_peak_mb(),
            "server_rss_total": datasette.total_rss_mb(),
        }
        self.json_export({name: apps[name] for name in ("100k", "1k")}, tokens)

    def json_export(self, apps, tokens):
        """Every claim as JSON from each server, then its worker's peak memory (the JSON
        export once held an article's claims in memory; 990,000 took 2.84 GB). One run:
        the peak is what is measured, and the suite must finish within its budget."""
        runs = self.runs.setdefault("json_export", {})
        reset = all([server.reset_peak() for server in apps.values()])
        output = self.work / "export.json"
        for run in range(1):
            self.check_time("JSON export")
            for name, server in apps.items():
                measured = self.curl(server.origin + "/export.json", tokens[name], output)
                if run == 0:
                    with open(output, encoding="utf-8") as handle:
                        exported = sum(len(a["claims"]) for a in json.load(handle)["articles"])
                    stored = self.count(
                        self.db[name],
                        "select count(*) from claims c join articles a on a.id = c.article_id "
                        "where a.deleted_at is null",
                    )
                    if exported != stored:
                        raise RuntimeError(f"JSON export of {name}: {exported} of {stored} claims")
                    measured["claims"] = exported
                runs.setdefault(f"app_{name}", []).append(measured)
            log(
                f"  JSON export run {run + 1}: "
                + ", ".join(
                    f"{name} {values[-1]['seconds']:.1f} s" for name, values in runs.items()
                )
            )
        self.runs["json_export_memory_mb"] = {
            name: {"peak": server.worker_peak_mb(), "peak_was_reset": reset}
            for name, server in apps.items()
        }

    # --- 4: import -------------------------------------------------------------------

    def timed_process(self, command, env):
        """(wall seconds, peak RSS MB, stdout) of a command run to completion; the peak is
        the command's own, measured by bench/peak.py (wait4 here would count this
        process's memory too)."""
        report = self.work / "peak.kib"
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", "bench.peak", str(report), *command],
            env=env,
            cwd=REPO,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError(f"{command[:3]} failed: {process.stderr.decode()[-2000:]}")
        return seconds, int(report.read_text()) / 1024, process.stdout.decode()

    def bench_module(self, module, *args, timeout=600):
        """What `python -m bench.<module> ARGS` prints as JSON (run from the repository,
        with the bench's environment; quick runs pass --quick themselves)."""
        raw = subprocess.run(
            [sys.executable, "-m", f"bench.{module}", *map(str, args)],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
        )
        return json.loads(raw.stdout)

    def importing(self):
        runs = self.runs.setdefault("import", {})
        sentences = None
        # Two runs: each is three whole processes on a 1 MB article (about 35 s).
        for run in range(min(self.settings.runs, 2)):
            self.check_time("import")
            target = self.work / f"import-{run}.db"
            data.copy_database(self.template, target)
            seconds, peak, out = self.timed_process(
                [
                    str(BIN / "workbench"),
                    "import",
                    str(self.article_file),
                    "--title",
                    "One megabyte",
                    "--by",
                    "bench",
                ],
                {**self.env, "WORKBENCH_DB": str(target)},
            )
            article_id = int(out.split()[-1])
            claims = self.count(
                target, "select count(*) from claims where article_id = ?", [article_id]
            )
            runs.setdefault("app", []).append(
                {"seconds": seconds, "peak_mb": peak, "claims": claims}
            )
            seconds, peak, out = self.timed_process(
                [sys.executable, "-m", "bench.baselines", "segment", str(self.article_file)],
                self.env,
            )
            sentences = json.loads(out)["sentences"]
            runs.setdefault("segmenter", []).append(
                {"seconds": seconds, "peak_mb": peak, "sentences": sentences}
            )
            target.unlink()
            data.copy_database(self.template, target)
            seconds, peak, out = self.timed_process(
                [str(BIN / "workbench"), "import", str(self.one_line_file), "--by", "bench"],
                {**self.env, "WORKBENCH_DB": str(target)},
            )
            runs.setdefault("app_one_line", []).append({"seconds": seconds, "peak_mb": peak})
            target.unlink()
            log(
                f"  import run {run + 1}: workbench import {runs['app'][-1]['seconds']:.1f} s "
                f"({claims} claims, {runs['app'][-1]['peak_mb']:.0f} MB), pysbd alone "
                f"{runs['segmenter'][-1]['seconds']:.1f} s ({sentences} sentences), "
                f"on one line {runs['app_one_line'][-1]['seconds']:.1f} s"
            )

    # --- 6: bulk status ----------------------------------------------------------------

    def bulk_status(self):
        """Set every claim of the 10,000-claim database to disputed at once, ours against
        the raw two statements, each on a fresh copy, interleaved."""
        runs = self.runs.setdefault("bulk", {})
        for run in range(self.settings.runs):
            self.check_time("bulk status")
            for name, command in (("app", "bulk-app"), ("raw", "bulk-raw")):
                target = self.work / f"bulk-{name}-{run}.db"
                data.copy_database(self.db["10k"], target)
                runs.setdefault(name, []).append(self.bench_module("baselines", command, target))
                target.unlink()
            if runs["app"][-1]["claims"] != runs["raw"][-1]["claims"]:
                raise RuntimeError("bulk status: ours and the raw SQL changed different counts")
            log(
                f"  bulk run {run + 1}: {runs['app'][-1]['claims']:,} claims, workbench "
                f"{runs['app'][-1]['seconds']:.3f} s, raw SQL {runs['raw'][-1]['seconds']:.3f} s"
            )

    # --- 7: web pages -------------------------------------------------------

    def pages(self):
        """bench/pages.py in its own process: it runs its own medians, interleaved."""
        self.check_time("web pages")
        quick = ["--quick"] if self.args.quick else []
        result = self.runs["pages"] = self.bench_module(
            "pages", "--json", "--skip-slow-baseline", *quick
        )
        timing = result["timing"]
        ours = sum(row["ours_ms"] for row in timing.values())
        theirs = sum(row["trafilatura_ms"] for row in timing.values())
        fetched = result["url_import"]["fetch_and_extract"]
        log(
            f"  HTML import {ours:.1f} ms for {len(timing)} pages, trafilatura alone "
            f"{theirs:.1f} ms; URL import p50 {fetched['p50_ms']:.1f} ms, "
            f"p99 {fetched['p99_ms']:.1f} ms"
        )

    # --- 9: the desk's memory -----------------------------------------------

    def memory(self):
        """bench/memory.py in its own process: re-anchoring, and matching 100,000 claims."""
        self.check_time("memory")
        quick = ["--quick"] if self.args.quick else []
        result = self.runs["memory"] = self.bench_module("memory", *quick, timeout=900)
        reanchor = result["reanchor"]
        log(
            f"  new version of {reanchor['claims']} claims {reanchor['version_s']:.2f} s, "
            f"import {reanchor['import_s']:.2f} s; "
            + ", ".join(
                f"matching {claims} claims {found['seconds'] * 1000:.0f} ms"
                for claims, found in result["matching"].items()
            )
        )

    # --- 8: source detection ------------------------------------------------

    def sources(self):
        """bench/source_detection.py with the model and with the rules alone, each in a
        process of its own (so each peak memory is its own), alternating."""
        runs: dict[str, list] = {"model": [], "rules": [], "spanish": []}
        # One run each: the 1 MB article alone takes a few seconds of the suite's ten minutes.
        for _ in range(1):
            for mode in ("model", "rules", "spanish"):
                self.check_time("source detection")
                runs[mode].append(self.bench_module("source_detection", mode))
        # Each figure: the faster of the runs (the slower one met the shared machine's load).
        self.runs["sources"] = {
            mode: max(results, key=lambda result: result["one_mb"]["words_per_s"])
            for mode, results in runs.items()
        }
        model = self.runs["sources"]["model"]
        log(
            f"  with the model: {model['one_mb']['words_per_s']:,} words/s on 1 MB, "
            f"1,000-word import p50 {model['import_1000_words_p50_s']} s, "
            f"peak {model['peak_rss_mb']} MB"
        )

    # --- 10: live updates ------------------------------------------------------

    def live_updates(self):
        """Tagging with 50 event streams open against none, on one server with `workbench
        serve`'s own thread settings, interleaved; then the time from a status change to
        its event at 50 listeners."""
        s = self.settings
        runs = self.runs.setdefault("live", {})
        targets_file, target_ids = self.targets_100k
        articles = [
            row[0]
            for row in self.query(
                self.db["100k"],
                "select article_id from claims where id in (select value from json_each(?)) "
                "group by article_id order by count(*) desc limit 10",
                [json.dumps(target_ids)],
            )
        ]
        with servers.workbench_server(
            BIN, self.db["100k"], self.env, self.log_path("live"), threads=None
        ) as app:
            cookies, tokens = self.log_in(app, REVIEWERS)
            for run in range(s.live_runs):
                self.check_time("live updates")
                runs.setdefault("tag_no_streams", []).append(
                    self.tag_run(
                        app, cookies, "100k", 16, "/claims/%d/status", True, seconds=s.live_seconds
                    )
                )
                with live.Streams(app.port, tokens, articles, s.streams) as streams:
                    result = self.tag_run(
                        app, cookies, "100k", 16, "/claims/%d/status", True, seconds=s.live_seconds
                    )
                    result["busy_answers"] = streams.busy_answers
                runs.setdefault("tag_50_streams", []).append(result)
                log(
                    f"  live run {run + 1}: tagging {runs['tag_no_streams'][-1]['rps']:.0f}/s "
                    f"without streams, {result['rps']:.0f}/s with {s.streams} open"
                )
            article_id = self.big_article_id
            claim_ids = [
                row[0]
                for row in self.query(
                    self.db["100k"],
                    "select id from claims where article_id = ? order by position limit ?",
                    [article_id, s.live_writes],
                )
            ]
            runs["latency"] = live.write_to_event(
                app.port, tokens[0], tokens[1:], article_id, claim_ids, s.streams
            )
            log(
                f"  write to event at {s.streams} listeners: p50 "
                f"{runs['latency']['p50']:.0f} ms, p99 {runs['latency']['p99']:.0f} ms"
            )

    # --- 11: how the server holds connections ----------------------------------------

    def serving(self):
        """(a) A reviewer's article page with and without 1,000 unfinished requests from
        one address; (b) tagging with 1,000 event streams of 100 people open against none,
        and every open page's delay to hear of a change; (c) the whole server's memory
        with those streams open against none. One server with `workbench serve`'s own
        settings; each load interleaved with the same run without it."""
        s = self.settings
        runs = self.runs.setdefault("serving", {})
        desk_tokens = data.add_logged_in_users(self.db["100k"], REVIEWERS[0], DESK)
        targets, probes = self.live_targets()
        watched = list(dict.fromkeys(article for _, article in probes))
        # Ten pages of each person, spread over the articles being tagged.
        pages = [
            (desk_tokens[n // PAGES_PER_PERSON], watched[n % len(watched)])
            for n in range(len(DESK) * PAGES_PER_PERSON)
        ]
        by_article = {}
        for index, (_, article) in enumerate(pages):
            by_article.setdefault(article, []).append(index)
        probe_plan = [(claim, article, by_article[article]) for claim, article in probes]
        page = f"/articles/{self.big_article_id}"
        with servers.workbench_server(
            BIN, self.db["100k"], self.env, self.log_path("serving"), threads=None
        ) as app:
            cookies, tokens = self.log_in(app, REVIEWERS)
            reviewer, prober_token = tokens[0], tokens[-1]
            serving.page_loads(app.port, page, reviewer, 20)  # drawn once, as before a run
            for run in range(s.serving_runs):
                self.check_time("serving: unfinished requests")
                quiet, quiet_errors = serving.page_loads(app.port, page, reviewer, s.page_loads)
                crowd = serving.UnfinishedRequests(app.port, s.unfinished)
                crowd.start()
                crowd.ready.wait(60)
                loaded, loaded_errors = serving.page_loads(app.port, page, reviewer, s.page_loads)
                crowd.stop()
                runs.setdefault("page_quiet", []).append(
                    {**live.percentiles(quiet), "errors": quiet_errors}
                )
                runs.setdefault("page_unfinished", []).append(
                    {
                        **live.percentiles(loaded),
                        "errors": loaded_errors,
                        "connections_opened": crowd.opened,
                        "connects_refused": crowd.refused,
                    }
                )
                alone, beside = runs["page_quiet"][-1]["p99"], runs["page_unfinished"][-1]["p99"]
                log(
                    f"  serving run {run + 1}: article page p99 {alone:.0f} "
                    f"ms alone, {beside:.0f} ms beside "
                    f"{s.unfinished:,} unfinished requests ({crowd.opened:,} connections "
                    f"opened, {loaded_errors} errors)"
                )
            for run in range(s.serving_runs):
                self.check_time("serving: streams")
                quiet = self.tag_run(
                    app, cookies, "live", 16, "/claims/%d/status", True, seconds=s.live_seconds
                )
                quiet["rss_mb"], quiet["pss_mb"] = app.total_rss_mb(), app.total_pss_mb()
                runs.setdefault("tag_no_streams", []).append(quiet)
                newest = self.count(self.db["100k"], "select coalesce(max(id), 0) from history")
                with serving.StreamCrowd(
                    app.port,
                    [token for token, _ in pages],
                    [article for _, article in pages],
                    newest,
                ) as crowd:
                    opened_mb = (app.total_rss_mb(), app.total_pss_mb())
                    statuses = self.query(
                        self.db["100k"],
                        "select id, status from claims "
                        "where id in (select value from json_each(?))",
                        [json.dumps([claim for claim, _ in probes])],
                    )
                    time.sleep(2)  # the pages' first drawing (who else is here) is done
                    prober = serving.Prober(
                        app.port, prober_token, crowd, probe_plan, s.probe_interval, statuses
                    )
                    prober.start()
                    result = self.tag_run(
                        app, cookies, "live", 16, "/claims/%d/status", True, seconds=s.live_seconds
                    )
                    prober.stop()
                    delays = prober.delays_ms()
                    result.update(
                        {
                            "rss_mb": max(opened_mb[0], app.total_rss_mb()),
                            "pss_mb": max(opened_mb[1], app.total_pss_mb()),
                            "streams_open": crowd.opened,
                            "streams_busy": crowd.busy,
                            "streams_failed": crowd.failed,
                            "event_bytes": crowd.bytes,
                            "reload_notices": crowd.notices,
                            "changes_heard": len(prober.sent),
                            "delays": {**live.percentiles(delays), "samples": len(delays)},
                        }
                    )
                runs.setdefault("tag_1000_streams", []).append(result)
                self.session_ends(app, watched[0], runs)
                log(
                    f"  serving run {run + 1}: tagging {quiet['rps']:.0f}/s without streams, "
                    f"{result['rps']:.0f}/s with {crowd.opened:,} open ({crowd.busy} busy, "
                    f"{crowd.failed} failed); delivery p99 {result['delays']['p99']:.0f} ms over "
                    f"{len(delays):,} ({crowd.notices:,} pages told to reload); "
                    f"server {quiet['pss_mb']:.0f} MB without streams, "
                    f"{result['pss_mb']:.0f} MB with (RSS summed: {quiet['rss_mb']:.0f}, "
                    f"{result['rss_mb']:.0f})"
                )

    def session_ends(self, app, article_id, runs):
        """Row 11d: people with the article page open log out, one after another; each
        page's stream must end within a second (it reads its session every 0.5 s)."""
        names = [f"leaver-{self.leavers + n:03d}" for n in range(LEAVERS)]
        self.leavers += LEAVERS
        tokens = data.add_logged_in_users(self.db["100k"], REVIEWERS[0], names)
        newest = self.count(self.db["100k"], "select coalesce(max(id), 0) from history")
        delays = serving.session_end_delays(app.port, tokens, article_id, newest)
        runs.setdefault("session_end", []).append({"delays_ms": delays, **live.percentiles(delays)})
        log(
            f"  session end: {LEAVERS} logouts, the stream closed after p50 "
            f"{runs['session_end'][-1]['p50']:.0f} ms, p99 {runs['session_end'][-1]['p99']:.0f} ms"
        )

    def live_targets(self):
        """Tagging targets for rows 11 less the probe claims, and the probes: [(claim id,
        article id)], PROBES_PER_ARTICLE of each article tagged, in turn by article (each
        change a claim of its own, so a late event is never taken for the next change's)."""
        rows = self.query(
            self.db["100k"],
            "select id, article_id from claims where id in (select value from json_each(?)) "
            "order by id",
            [json.dumps(self.targets_100k[1])],
        )
        by_article = {}
        for claim, article in rows:
            by_article.setdefault(article, []).append(claim)
        chosen = {article: claims[-PROBES_PER_ARTICLE:] for article, claims in by_article.items()}
        probe_ids = {claim for claims in chosen.values() for claim in claims}
        kept = [(claim, article) for claim, article in rows if claim not in probe_ids]
        path = self.work / "targets-live.txt"
        path.write_text("".join(f"{claim} {article}\n" for claim, article in kept))
        self.targets_live = (path, [claim for claim, _ in kept])
        self.db["live"] = self.db["100k"]
        probes = [
            (claims[turn], article)
            for turn in range(PROBES_PER_ARTICLE)
            for article, claims in chosen.items()
            if turn < len(claims)
        ]
        return kept, probes

    # --- profile ---------------------------------------------------------------------

    def profile(self, server, cookies, token):
        """py-spy on the workers during a tagging run and an export (--profile)."""
        from . import profile

        read = {"BENCH_MODE": "read", "BENCH_COOKIES": str(cookies), "BENCH_ORIGIN": server.origin}
        results = {}
        for name, action in (
            (
                "tagging_64",
                lambda: self.tag_run(server, cookies, "100k", 64, "/claims/%d/status", False),
            ),
            (
                "article_page",
                lambda: self.run_wrk(f"{server.origin}/articles/{self.big_article_id}", 8, 6, read),
            ),
            ("article_list", lambda: self.run_wrk(server.origin + "/", 8, 6, read)),
            (
                "export_100k",
                lambda: [self.curl(server.origin + "/export.csv", token) for _ in range(3)],
            ),
        ):
            log(f"  profiling {name}")
            results[name] = profile.record(server, action, self.work / f"profile-{name}")
        target = self.work / "import-profile.db"
        data.copy_database(self.template, target)
        log("  profiling import")
        results["import_1mb"] = profile.record_command(
            [str(BIN / "workbench"), "import", str(self.article_file), "--by", "bench"],
            {**self.env, "WORKBENCH_DB": str(target)},
            self.work / "profile-import",
        )
        return results

    # --- the whole suite -------------------------------------------------------------

    def run(self):
        self.prepare()
        try:
            self.run_scenarios()
        except BaseException:
            log(f"Failed; the logs and databases are kept in {self.work}")
            raise
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def run_scenarios(self):
        if self.args.only == "live":
            log("Live updates only (--only live)")
            self.live_updates()
            return
        if self.args.only == "serving":
            log("How the server holds connections only (--only serving)")
            self.serving()
            return
        log("Tagging and reading: the workbench (100k and 1k claims) and the baseline")
        with (
            servers.workbench_server(
                BIN, self.db["100k"], self.env, self.log_path("app-100k")
            ) as app_big,
            servers.workbench_server(
                BIN, self.db["1k"], self.env, self.log_path("app-1k")
            ) as app_small,
            servers.baseline_server(
                self.db["100k"], self.env, self.log_path("baseline"), REPO
            ) as baseline,
        ):
            cookies_big, tokens_big = self.log_in(app_big, REVIEWERS)
            cookies_small, tokens_small = self.log_in(app_small, REVIEWERS)
            if self.args.profile:
                self.profiles = self.profile(app_big, cookies_big, tokens_big[0])
                return
            if self.args.only == "reading":
                self.reading(app_big, baseline, cookies_big, tokens_big[0])
                return
            if self.args.only == "tagging":
                self.tagging(app_big, app_small, baseline, cookies_big, cookies_small)
                return
            self.tagging(app_big, app_small, baseline, cookies_big, cookies_small)
            self.reading(app_big, baseline, cookies_big, tokens_big[0])
        log("Export: fresh servers, so their peak memory is the export's")
        with (
            servers.workbench_server(
                BIN, self.db["100k"], self.env, self.log_path("export-100k")
            ) as big,
            servers.workbench_server(
                BIN, self.db["10k"], self.env, self.log_path("export-10k")
            ) as mid,
            servers.workbench_server(
                BIN, self.db["1k"], self.env, self.log_path("export-1k")
            ) as small,
            servers.datasette_server(
                BIN, self.db["100k"], self.env, self.log_path("datasette")
            ) as datasette,
        ):
            _, (token_mid,) = self.log_in(mid, REVIEWERS[:1])
            self.export(
                {"100k": big, "10k": mid, "1k": small},
                {"100k": tokens_big[0], "10k": token_mid, "1k": tokens_small[0]},
                datasette,
            )
        log("Import: a 1 MB article through `workbench import`, and pysbd alone")
        self.importing()
        log("Bulk status: 10,000 claims at once, and the raw SQL")
        self.bulk_status()
        log("Web pages: HTML import against trafilatura alone, URL import (bench/pages.py)")
        self.pages()
        log("Source detection: the model against the rules alone (bench/source_detection.py)")
        self.sources()
        log("The desk's memory: a new version re-anchored, claims matched (bench/memory.py)")
        self.memory()
        log("Live updates: tagging with 50 event streams open and none; write-to-event time")
        self.live_updates()
        log("Serving: unfinished requests, 1,000 open pages, the server's memory")
        self.serving()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Shorter runs, for a smoke test.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the generated databases and server logs."
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Only profile with py-spy (tagging, article page and list, "
        "export, import) and print where the time goes.",
    )
    parser.add_argument(
        "--only",
        choices=["live", "reading", "serving", "tagging"],
        help="Run one scenario alone (live: the live updates; reading: the article page and "
        "list; serving: unfinished requests and 1,000 open pages; tagging: rows 1).",
    )
    args = parser.parse_args(argv)
    bench = Bench(args)
    bench.run()
    if args.profile:
        from . import profile

        text = profile.format_report(bench.profiles)
        print(text)
        (BENCH / "results.profile.txt").write_text(text)
        return
    rows = report.build_rows(bench.runs, bench.info)
    print(report.format_table(rows))
    if args.only:
        # One scenario: its own file, so the full suite's results stay as they were.
        report.write_json(
            BENCH / f"results-{args.only}.json", rows, bench.runs, time.monotonic() - bench.started
        )
        return
    report.write_json(BENCH / "results.json", rows, bench.runs, time.monotonic() - bench.started)
    report.write_chart(BENCH / "results.png", rows)
    log(
        "Wrote bench/results.json and bench/results.png in "
        f"{time.monotonic() - bench.started:.0f} s"
    )
    if not all(row["pass"] for row in rows):
        log("Some targets do not hold; bench/PERFORMANCE.md says why.")

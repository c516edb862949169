"""The script in docs/api.md, run as written against the real server with a token made on
the security page: it exports, then tags the unattributed claims still unverified, and
the history names the token's owner."""

import os
import re
import subprocess
import sys

import pytest

from live_server import LiveServer, http_request

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def script_in_the_docs():
    page = open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8").read()
    section = page.split("## A script: export, then tag", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


def test_the_documented_script_exports_and_tags_with_a_token(tmp_path):
    server = LiveServer(tmp_path, lambda name: f"{name}-script-password")
    server.set_up({"rita": "reviewer"})
    server.start(workers=1, threads=4)
    try:
        rita = server.log_in("rita")
        made = rita.post("/account/tokens", {"name": "script", "scope": "write", "days": "7"})
        token = re.search(r'value="(wbt_[^"]+)"', made.body)[1]
        database = server.database()
        article = database.execute("select min(id) from articles").fetchone()[0]
        targets = [
            row[0]
            for row in database.execute(
                "select id from claims where article_id = ? and status = 'unverified' "
                "and is_claim = 1 and (' ' || flags || ' ') like '% unattributed %'",
                [article],
            )
        ]
        assert targets, "the sample article has unattributed claims to tag"
        total = database.execute(
            "select count(*) from claims where article_id = ? and is_claim = 1", [article]
        ).fetchone()[0]

        done = subprocess.run(
            [sys.executable, "-c", script_in_the_docs()],
            env={
                **os.environ,
                "BASE_URL": server.base_url,
                "ARTICLE": str(article),
                "WORKBENCH_TOKEN": token,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert done.returncode == 0, done.stderr
        assert f"{total} claims exported" in done.stdout
        statuses = dict(
            database.execute(
                f"select id, status from claims where id in ({','.join('?' * len(targets))})",
                targets,
            ).fetchall()
        )
        assert set(statuses.values()) == {"disputed"}
        actors = {
            row[0]
            for row in database.execute(
                "select actor from history where action = 'status' and claim_id in "
                f"({','.join('?' * len(targets))})",
                targets,
            )
        }
        assert actors == {"rita"}
        # The token opens no page: the same request with it alone is sent to log in.
        page = http_request(
            server.base_url, "GET", "/", headers={"Authorization": f"Bearer {token}"}
        )
        assert page.status == 302
        database.close()
    finally:
        server.stop()

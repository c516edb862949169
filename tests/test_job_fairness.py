"""One person's hanging links never hold another person's import for more than one job:
bench/job_fairness.py's scenario with real workers, real job handlers, a real database and
a real server on 127.0.0.1 that drips a byte a second. The seconds it takes are the
bench's to print (`python -m bench.job_fairness`); this test asserts the order."""

import pytest

from bench import job_fairness


@pytest.mark.slow
def test_an_import_runs_while_another_persons_hanging_links_still_wait(tmp_path):
    """Oldest first, the two workers fetched all six of the reviewer's links (each cut at
    the fetcher's cap) before the admin's import, queued after them, had its turn."""
    figures = job_fairness.measure(links=6, workers=2, folder=tmp_path)

    assert figures["outcome"] == "done"
    # Each worker finished at most one hanging link (cut at the fetcher's cap) before one
    # of them took the admin's import; the others were not even tried yet.
    assert figures["reviewer_links_not_yet_tried"] >= 6 - 4

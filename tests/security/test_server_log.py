"""What `workbench serve` tells whoever reads its log."""

import pytest


@pytest.mark.slow  # the real server
def test_the_log_says_where_the_server_listens(live_server):
    # With each worker on its own socket, gunicorn's arbiter had no socket to name and
    # logged "Listening at:  (pid)".
    lines = [line for line in live_server.log().splitlines() if "Listening at:" in line]
    assert lines, live_server.log()
    assert f"Listening at: {live_server.base_url} (" in lines[0]

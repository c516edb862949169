"""Where the server's time goes: py-spy samples the workers while a scenario runs.

`python -m bench --profile` (make bench-profile) prints, per scenario, the functions with
the most samples on the stack (inclusive) and at the top of it (own time).
"""

import collections
import pathlib
import signal
import subprocess
import sys
import time

PY_SPY = pathlib.Path(sys.executable).parent / "py-spy"
TOP = 18


def record(server, action, output_stem):
    """Run `action` while py-spy samples the server and its workers; the summary."""
    raw = output_stem.with_suffix(".txt")
    spy = subprocess.Popen(
        [
            str(PY_SPY),
            "record",
            "--pid",
            str(server.process.pid),
            "--subprocesses",
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)  # let py-spy attach to every worker
    action()
    spy.send_signal(signal.SIGINT)
    try:
        _, err = spy.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()
        _, err = spy.communicate()
    if not raw.exists():
        raise RuntimeError(f"py-spy wrote nothing: {err.decode()[-1000:]}")
    return summarise(raw.read_text())


def record_command(command, env, output_stem):
    """py-spy running `command` to its end; the summary."""
    raw = output_stem.with_suffix(".txt")
    subprocess.run(
        [
            str(PY_SPY),
            "record",
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--",
            *command,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return summarise(raw.read_text())


def summarise(collapsed):
    """{"samples", "inclusive": [(frame, share)], "own": [(frame, share)]} of raw stacks."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        raw_frames = [frame for frame in stack.split(";") if _short(frame)]
        if not raw_frames:
            continue
        total += count
        for frame in {_short(frame) for frame in raw_frames}:
            inclusive[frame] += count
        # Own time by line for the app's code: BEGIN IMMEDIATE and COMMIT are two lines
        # of one function.
        own[_short(raw_frames[-1], keep_line="workbench/" in raw_frames[-1])] += count

    def share(counter):
        return [(frame, count / total) for frame, count in counter.most_common(TOP)]

    return {"samples": total, "inclusive": share(inclusive), "own": share(own)}


def _short(frame, keep_line=False):
    """'set_status (workbench/review/claims.py)' with site-packages paths cut to the package."""
    if frame.startswith("process ") or frame.startswith("thread "):
        return None
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
    if "/work/" in where or where.startswith("/"):
        where = where.rsplit("/", 2)[-2] + "/" + where.rsplit("/", 1)[-1] if "/" in where else where
    return f"{name} ({where if keep_line else where.rsplit(':', 1)[0]})"


def format_report(profiles):
    out = []
    for name, summary in profiles.items():
        out.append(f"== {name}: {summary['samples']} samples (busy threads only, 200 Hz)")
        out.append("  inclusive (on the stack):")
        out += [f"    {share:6.1%}  {frame}" for frame, share in summary["inclusive"]]
        out.append("  own (top of the stack):")
        out += [f"    {share:6.1%}  {frame}" for frame, share in summary["own"]]
    return "\n".join(out)

"""Start and stop the servers under test on 127.0.0.1, and read their memory from /proc."""

import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import time

# The same gunicorn settings `workbench serve` uses (workbench/cli/server.py), for the baseline.
WORKERS, THREADS = 2, 8
GUNICORN_SETTINGS = [
    "--workers",
    str(WORKERS),
    "--threads",
    str(THREADS),
    "--worker-class",
    "gthread",
    "--access-logfile",
    "-",
    "--no-control-socket",
    "--reuse-port",  # as `workbench serve` does: each worker its own listening socket
]
START_TIMEOUT = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent():
    """Ask Linux to stop the server if the benchmark dies (prctl PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)


class Server:
    """One server process (and its workers) listening on 127.0.0.1:port."""

    def __init__(
        self,
        name,
        command,
        env,
        log_path,
        ready_path="/login",
        port=None,
        static_path="/static/app.css",
    ):
        self.name = name
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.command = [part.replace("{port}", str(self.port)) for part in command]
        self.env = env
        self.log_path = log_path
        self.ready_path = ready_path
        self.static_path = static_path  # something cheap to ask for
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
            try:
                if get(self.port, self.ready_path)[0] < 500:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT} s")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def pids(self):
        """The server process and its children (gunicorn's workers)."""
        found = [self.process.pid]
        for pid in found:
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as children:
                    found.extend(int(child) for child in children.read().split())
            except OSError:
                pass
        return found

    def worker_peak_mb(self):
        """The highest peak resident memory (VmHWM) of any process of the server, in MB."""
        return max(_status_kb(pid, "VmHWM") for pid in self.pids()) / 1024

    def reset_peak(self):
        """Start the peak memory count afresh (writing 5 to /proc/PID/clear_refs resets
        VmHWM; see proc(5)); False where the kernel does not allow it."""
        try:
            for pid in self.pids():
                with open(f"/proc/{pid}/clear_refs", "w") as clear:
                    clear.write("5")
        except OSError:
            return False
        return True

    def total_rss_mb(self):
        return sum(_status_kb(pid, "VmRSS") for pid in self.pids()) / 1024

    def total_pss_mb(self):
        """The memory of the whole server, each page shared between its processes (the
        workers' copy-on-write pages of their parent) counted once: the sum of the
        processes' proportional set sizes (smaps_rollup's Pss, proc(5))."""
        return sum(_rollup_kb(pid, "Pss") for pid in self.pids()) / 1024


def _status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rollup_kb(pid, field):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def get(port, path, headers=None, timeout=30):
    """(status, headers, body) of a GET on 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def post_form(port, path, body, headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def workbench_server(bin_dir, db_path, env, log_path, threads=THREADS):
    """`workbench serve`; threads=None keeps its own default (the live-updates setting)."""
    return Server(
        "workbench",
        [
            str(bin_dir / "workbench"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--workers",
            str(WORKERS),
            *(["--threads", str(threads)] if threads else []),
        ],
        {**env, "WORKBENCH_DB": str(db_path)},
        log_path,
    )


def baseline_server(db_path, env, log_path, repo):
    return Server(
        "baseline",
        [
            sys.executable,
            "-m",
            "gunicorn",
            *GUNICORN_SETTINGS,
            "--chdir",
            str(repo),
            "--bind",
            "127.0.0.1:{port}",
            "bench.baseline_app:create_app()",
        ],
        {**env, "BENCH_DB": str(db_path)},
        log_path,
        ready_path="/baseline/ping",
        static_path="/baseline/ping",
    )


def datasette_server(bin_dir, db_path, env, log_path):
    return Server(
        "datasette",
        [
            str(bin_dir / "datasette"),
            "serve",
            str(db_path),
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ],
        env,
        log_path,
        ready_path="/-/versions.json",
    )


def environment():
    """The environment for servers and tools: ours, less anything that would redirect them."""
    env = dict(os.environ)
    for name in ("WORKBENCH_DB", "WORKBENCH_BEHIND_PROXY", "WORKBENCH_SECURE_COOKIES"):
        env.pop(name, None)
    return env

"""A real HTTP server on 127.0.0.1 for the fetcher's tests: pages and every kind of trouble."""

import contextlib
import functools
import gzip
import http.server
import pathlib
import ssl
import threading
import time
import urllib.parse
import zlib

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Port reopens after storm</title>"
    "</head><body><article><h1>Port reopens after storm</h1>"
    + "".join(
        f"<p>Paragraph {n}: the harbour master said the port reopened on Monday.</p>"
        for n in range(5)
    )
    + "</article></body></html>"
).encode("utf-8")
# The regression pages (tests/pages/NAME/page.html), served as a news site would.
PAGES = pathlib.Path(__file__).resolve().parent / "pages"
# 50 MB of zeros squeezed into about 50 KB: a compression bomb.
BOMB_SIZE = 50_000_000


@functools.cache
def gzip_bomb():
    """50 MB of zeros gzipped (made when first asked for: compressing takes 0.15 s, and
    every test process imports this module)."""
    return gzip.compress(b"\0" * BOMB_SIZE, compresslevel=9)


@functools.cache
def deflate_bomb():
    return zlib.compress(b"\0" * BOMB_SIZE, 9)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # keep test output clean

    def do_GET(self):
        self.server.seen.append(
            {
                "path": self.path,
                "host": self.headers.get("Host"),
                "accept_encoding": self.headers.get("Accept-Encoding"),
            }
        )
        route, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        if route in self.server.pages:
            # A page a test set, and may change between fetches: (status, type, body, headers).
            self.send_body(*self.server.pages[route])
            return
        handler = getattr(
            self, "route_" + route.strip("/").replace("-", "_").replace("/", "_"), None
        )
        try:
            if handler is None:
                self.send_body(404, "text/plain", b"not found")
            else:
                handler(params)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up, as it should

    def send_body(self, status, content_type, body, headers=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def route_page(self, params):
        self.send_body(200, "text/html; charset=utf-8", PAGE)

    def route_article(self, params):
        """/article?name=saved_news_page: a regression page, bytes as saved; with held=1
        only once the test opens server.gate (a fetch still in progress until then)."""
        name = params.get("name", "")
        page = PAGES / name / "page.html"
        if not name.isidentifier() or not page.is_file():
            self.send_body(404, "text/plain", b"no such page")
            return
        if params.get("held") == "1":
            self.server.gate.wait(timeout=60)
        self.send_body(200, "text/html", page.read_bytes())

    def route_text(self, params):
        self.send_body(200, "text/plain", "Plain words, in Latin-1: café.".encode("latin-1"))

    def route_latin1(self, params):
        self.send_body(
            200,
            "text/html; charset=ISO-8859-1",
            PAGE.decode("utf-8").replace("harbour", "café").encode("latin-1"),
        )

    def route_redirect(self, params):
        self.send_body(
            int(params.get("status", 302)), "text/html", b"moved", [("Location", params["to"])]
        )

    def route_hop(self, params):
        hop = int(params.get("n", 0))
        target = (
            "/page" if hop >= int(params["last"]) else f"/hop?n={hop + 1}&last={params['last']}"
        )
        self.send_body(302, "text/html", b"moved", [("Location", target)])

    def route_loop(self, params):
        self.send_body(302, "text/html", b"moved", [("Location", "/loop")])

    def route_png(self, params):
        self.send_body(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)

    def route_pdf(self, params):
        self.send_body(200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def route_untyped(self, params):
        self.send_body(200, None, PAGE)

    def route_missing(self, params):
        self.send_body(404, "text/html", b"<p>No such page</p>")

    def route_big_declared(self, params):
        """Says how big it is, and it is too big: refused before the body is read."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", params["size"])
        self.end_headers()
        self.stream_bytes(int(params["size"]))

    def route_big_undeclared(self, params):
        """No Content-Length: the body ends when the connection closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.stream_bytes(int(params["size"]))

    def route_big_chunked(self, params):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        sent, size = 0, int(params["size"])
        while sent < size:
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        self.wfile.write(b"0\r\n\r\n")

    def stream_bytes(self, size):
        block = b"<p>" + b"y" * 65_529 + b"</p>"
        while size > 0:
            self.wfile.write(block[:size])
            size -= len(block)

    def route_drip(self, params):
        """The headers at once, then one byte every 50 ms for as long as the client listens."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(100_000):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.05)

    def route_drip_headers(self, params):
        """The status line, then one header byte every 50 ms."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100_000):
            self.wfile.write(b"X")
            self.wfile.flush()
            time.sleep(0.05)

    def route_drip_slowly(self, params):
        """The headers at once, then one body byte a second (?every= seconds) for a minute.

        ?framing= says how the body's end is told: "close" (Connection: close and a
        Content-Length, the attack run's server), "http10" (an HTTP/1.0 answer, which
        ends with the connection), "none" (no length: the body ends when the connection
        closes) or "chunked" (a one-byte chunk at a time). In every case http.client hands
        the socket from the connection to the response."""
        every, framing = float(params.get("every", 1)), params.get("framing", "close")
        seconds = 60
        count = int(seconds / every)
        head = {
            "close": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
            + f"Content-Length: {count}\r\n".encode(),
            "http10": b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n",
            "none": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n",
            "chunked": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n",
        }[framing]
        self.close_connection = True
        self.wfile.write(head + b"\r\n")
        self.wfile.flush()
        for _ in range(count):
            self.wfile.write(b"1\r\nx\r\n" if framing == "chunked" else b"x")
            self.wfile.flush()
            time.sleep(every)

    def route_not_http(self, params):
        """An answer that is not HTTP at all (an SSH server on the port)."""
        self.close_connection = True
        self.wfile.write(b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n")

    def route_many_headers(self, params):
        """A status line, then more headers than http.client reads (100)."""
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        self.wfile.write(b"".join(b"X-Filler-%d: x\r\n" % n for n in range(150)))
        self.wfile.write(b"Content-Length: 2\r\n\r\nok")

    def route_long_header(self, params):
        """A header line over 64 KB."""
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        self.wfile.write(b"X-Long: " + b"y" * 70_000 + b"\r\nContent-Length: 2\r\n\r\nok")

    def route_long_status(self, params):
        """A status line over 64 KB."""
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 200 " + b"O" * 70_000 + b"\r\n\r\n")

    def route_silent(self, params):
        time.sleep(float(params.get("seconds", 30)))

    def route_gate(self, params):
        """Holds the answer until the test opens server.gate: a fetch still in progress."""
        self.server.gate.wait(timeout=60)
        self.send_body(200, "text/html; charset=utf-8", PAGE)

    def route_gzip_page(self, params):
        self.send_body(
            200, "text/html; charset=utf-8", gzip.compress(PAGE), [("Content-Encoding", "gzip")]
        )

    def route_deflate_page(self, params):
        """zlib-wrapped deflate, or with ?form=raw the bare deflate some servers send."""
        body = zlib.compress(PAGE)
        if params.get("form") == "raw":
            compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            body = compressor.compress(PAGE) + compressor.flush()
        self.send_body(200, "text/html; charset=utf-8", body, [("Content-Encoding", "deflate")])

    def route_gzip_bomb(self, params):
        self.send_body(200, "text/html", gzip_bomb(), [("Content-Encoding", "gzip")])

    def route_deflate_bomb(self, params):
        self.send_body(200, "text/html", deflate_bomb(), [("Content-Encoding", "deflate")])

    def route_brotli(self, params):
        self.send_body(
            200, "text/html", b"\x1b\x03\x00\xf8\xa5\x40\x40", [("Content-Encoding", "br")]
        )

    def route_damaged_gzip(self, params):
        self.send_body(
            200, "text/html", b"\x1f\x8b\x08\x00garbage-not-deflate", [("Content-Encoding", "gzip")]
        )


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, tls_context=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen = []
        self.pages = {}  # path -> (status, content type, body, headers), set by a test
        self.gate = threading.Event()
        if tls_context is not None:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True)

    @property
    def port(self):
        return self.server_address[1]


@contextlib.contextmanager
def running(cert_file=None, key_file=None):
    """A server in a thread for the duration of the block; https when given a certificate."""
    context = None
    if cert_file:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
    server = Server(context)
    # A short poll interval: shutdown() waits up to one interval, and many tests stop a server.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

"""Fetch a web page for import without letting a URL reach inside our network.

The OWASP SSRF cheat sheet's rules, each a line of the "Fetching" section of SECURITY.md:
http and https only; the name resolved once, every address checked, and the connection
made to a checked address (no second DNS answer); every redirect checked the same way, at
most five; a connect and a total time cap, held however slowly the server sends; a size
cap counted while streaming, after decompression too; HTML and plain text only; an answer
that is not valid HTTP is a refusal like any other. Internal hosts only when named in an
allow-list setting: WORKBENCH_FETCH_ALLOW for imports, WORKBENCH_EVIDENCE_FETCH_ALLOW for
evidence links (any reviewer adds those; imports are for admins). A refusal never says
what address a name resolved to. trafilatura's own fetch_url is not used: it followed
redirects to internal addresses (adbar/trafilatura#910, #921).

The HTTP client is urllib3, not httpx: trafilatura already depends on it (no new package),
and its HTTPConnection/HTTPSConnection take the address to connect to and, separately, the
name for SNI and certificate checks (`server_hostname`), which is exactly "connect to the
address checked"; httpx needs a custom transport for the same.
"""

import concurrent.futures
import dataclasses
import hashlib
import http.client
import ipaddress
import os
import socket
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

from ..errors import FetchRefused
from ..storage.clock import utc_now

DEFAULT_MAX_BYTES = 10_000_000
ACCEPTED_TYPES = {"text/html": "HTML", "application/xhtml+xml": "HTML", "text/plain": "plain text"}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "ClaimWorkbench/0.1 (article import; +fetches one page on a reviewer's request)"
ALLOW_SETTING = "WORKBENCH_FETCH_ALLOW"
EVIDENCE_ALLOW_SETTING = "WORKBENCH_EVIDENCE_FETCH_ALLOW"
_CLOUD_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# Ranges Python 3.11's ipaddress counts as global that are not: deprecated site-local
# (RFC 3879), the IPv6 documentation range added in 2024 (RFC 9637), the deprecated 6to4
# relay anycast (RFC 7526), and the IETF protocol block of which Python knows only parts
# (192.0.0.8, the IPv4 dummy address of RFC 7600, is outside them). No web page is served
# from any of them.
_NOT_PUBLIC = (
    (ipaddress.ip_network("fec0::/10"), "a site-local address"),
    (ipaddress.ip_network("3fff::/20"), "a documentation address"),
    (ipaddress.ip_network("192.88.99.0/24"), "a reserved address"),
    (ipaddress.ip_network("192.0.0.0/24"), "a reserved address"),
)
# 6to4 and NAT64 addresses carry an IPv4 address inside; a relay would deliver to it.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_READ_SIZE = 64 * 1024
# Name lookups run here so a slow resolver cannot hold the caller past the time cap
# (socket.getaddrinfo has no timeout of its own).
_RESOLVERS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")
# (host, port) -> the host's addresses, as text.
Resolver = Callable[[str, int], list[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class FetchLimits:
    """How far a fetch may go: bytes (after decompression), seconds, redirects."""

    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = 5.0
    total_timeout: float = 20.0
    max_redirects: int = 5


@dataclasses.dataclass(frozen=True)
class FetchedPage:
    """A fetched document, as received (decompressed, not decoded), with where it came from."""

    final_url: str
    status: int
    content_type: str  # the media type alone, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if it names one
    body: bytes
    sha256: str
    fetched_at: str  # UTC, ISO 8601 with a Z
    redirects: tuple[str, ...]  # every address before final_url, in order


def fetch_page(
    url: str,
    *,
    allow: frozenset | None = None,
    resolver: Resolver | None = None,
    limits: FetchLimits = FetchLimits(),
    ca_certs: str | None = None,
    allow_setting: str = ALLOW_SETTING,
) -> FetchedPage:
    """Fetch `url` (following at most `limits.max_redirects` redirects), or raise FetchRefused.

    `allow` is the internal hosts that may be fetched (by default what `allow_setting`
    names in the environment); a refusal names `allow_setting` to the administrator.
    """
    allow = allow_list_from_environment(allow_setting) if allow is None else allow
    resolver = resolver or resolve_host
    deadline = time.monotonic() + limits.total_timeout
    visited = []
    while True:
        target = _Target.parse(url)
        addresses = _checked_addresses(target, allow, resolver, deadline, limits, allow_setting)
        response = _Exchange(target, addresses, deadline, limits, ca_certs)
        try:
            if response.status in REDIRECT_STATUSES and response.location:
                visited.append(url)
                if len(visited) > limits.max_redirects:
                    raise FetchRefused(
                        "%(url)s redirects more than %(limit)s times; it was not followed further.",
                        url=_short(visited[0]),
                        limit=limits.max_redirects,
                    )
                url = urllib.parse.urljoin(url, response.location)
                continue
            body = response.checked_body()
        finally:
            response.close()
        return FetchedPage(
            final_url=url,
            status=response.status,
            content_type=response.media_type,
            charset=response.charset,
            body=body,
            sha256=hashlib.sha256(body).hexdigest(),
            fetched_at=utc_now(),
            redirects=tuple(visited),
        )


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6)."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in answers))


def parse_allow_list(setting: str | None, name: str = ALLOW_SETTING) -> frozenset:
    """Parse "host:port, [v6]:port, ..." into {(host or address, port)}; ValueError (naming
    the setting `name`) if malformed."""
    allowed = set()
    for entry in (setting or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        host, _, port = entry.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{name}: “{entry}” is not host:port (e.g. 127.0.0.1:8123).")
        allowed.add((_normalised_host(host.strip("[]")), int(port)))
    return frozenset(allowed)


def allow_list_from_environment(name: str = ALLOW_SETTING) -> frozenset:
    """The internal hosts the setting `name` names (none when it is unset):
    WORKBENCH_FETCH_ALLOW for imports, WORKBENCH_EVIDENCE_FETCH_ALLOW for evidence links."""
    return parse_allow_list(os.environ.get(name), name)


def refusal_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address may not be fetched from (None for a public address)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = (
            address.ipv4_mapped
            or address.sixtofour
            or (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None)
        )
        if inner is not None and refusal_reason(inner):
            return f"{refusal_reason(inner)} inside an IPv6 address"
    if address in _CLOUD_METADATA:
        return "the cloud metadata service"
    for network, reason in _NOT_PUBLIC:
        if address in network:
            return reason
    # Most specific first: Python counts 240.0.0.0/4 and ::1 as private as well.
    for test, reason in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(address, test):
            return reason
    return None if address.is_global else "not a public address"


def _normalised_host(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


@dataclasses.dataclass(frozen=True)
class _Target:
    """One request: where it goes and what the server is told."""

    url: str
    scheme: str
    host: str  # a lower-case ASCII name, or an address
    port: int
    path: str
    host_header: str

    @classmethod
    def parse(cls, url: str) -> "_Target":
        try:
            parts = urllib.parse.urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise FetchRefused("“%(url)s” is not a valid web address.", url=_short(url)) from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchRefused(
                "Only http and https addresses can be fetched; “%(url)s” is not one.",
                url=_short(url),
            )
        if parts.username is not None or parts.password is not None:
            raise FetchRefused("Addresses with a user name or password in them are not fetched.")
        if not parts.hostname:
            raise FetchRefused("“%(url)s” names no host.", url=_short(url))
        try:
            host = _normalised_host(parts.hostname.encode("idna").decode("ascii"))
        except UnicodeError:
            raise FetchRefused(
                "“%(host)s” is not a valid host name.", host=parts.hostname
            ) from None
        default_port = 443 if scheme == "https" else 80
        port = port or default_port
        shown = f"[{host}]" if ":" in host else host
        return cls(
            url=url,
            scheme=scheme,
            host=host,
            port=port,
            path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            host_header=shown if port == default_port else f"{shown}:{port}",
        )


def _checked_addresses(
    target: _Target,
    allow: frozenset,
    resolver: Resolver,
    deadline: float,
    limits: FetchLimits,
    allow_setting: str,
) -> list[Address]:
    """The target's addresses, each one allowed; the name is resolved exactly once."""
    try:
        addresses = [ipaddress.ip_address(target.host)]
        named = False
    except ValueError:
        addresses = [
            ipaddress.ip_address(address)
            for address in _resolve(target, resolver, deadline, limits)
        ]
        named = True
    if not addresses:
        raise FetchRefused("The name “%(host)s” has no address.", host=target.host)
    if (target.host, target.port) in allow:
        return addresses
    for address in addresses:
        reason = refusal_reason(address)
        if reason and (str(address), target.port) not in allow:
            # What a name resolved to is the server's business, not the asker's: a reviewer
            # must not map the internal network through refusals.
            if named:
                raise FetchRefused(
                    "“%(host)s” leads to an internal address; only public addresses are "
                    "fetched. An administrator can allow an internal host with "
                    "%(setting)s=host:port.",
                    host=target.host,
                    setting=allow_setting,
                )
            raise FetchRefused(
                "%(host)s is %(reason)s; only public addresses are fetched. An administrator "
                "can allow an internal host with %(setting)s=host:port.",
                host=target.host,
                reason=reason,
                setting=allow_setting,
            )
    return addresses


def _resolve(
    target: _Target, resolver: Resolver, deadline: float, limits: FetchLimits
) -> list[str]:
    lookup = _RESOLVERS.submit(resolver, target.host, target.port)
    try:
        return lookup.result(timeout=max(0.0, deadline - time.monotonic()))
    except concurrent.futures.TimeoutError:
        raise FetchRefused(
            "Looking up “%(host)s” took longer than %(seconds)s seconds.",
            host=target.host,
            seconds=format(limits.total_timeout, "g"),
        ) from None
    except OSError:
        raise FetchRefused("The name “%(host)s” could not be found.", host=target.host) from None


class _Exchange:
    """One request and its response, on a connection to a checked address.

    The total time cap holds however the server sends: every read waits at most until the
    deadline, the body is read a chunk at a time with the deadline checked between chunks
    (a server dripping one byte a second gets no more reads once it has passed), and at
    the deadline a watchdog shuts the socket, which ends any read blocked on it. The
    watchdog keeps its own reference to the socket: with "Connection: close" http.client
    hands the socket to the response and sets `connection.sock` to None, and a watchdog
    that looked there found nothing to cut while the drip went on.
    """

    def __init__(
        self,
        target: _Target,
        addresses: list[Address],
        deadline: float,
        limits: FetchLimits,
        ca_certs: str | None,
    ) -> None:
        self.target, self.deadline, self.limits = target, deadline, limits
        self.timed_out = threading.Event()
        self.response: urllib3.response.BaseHTTPResponse | None = None
        self.connection, self.sock = self._connect(addresses, ca_certs)
        self.watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self.watchdog.daemon = True
        self.watchdog.start()
        try:
            self.connection.request(
                "GET",
                target.path,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9",
                    "Accept-Encoding": "gzip, deflate",
                    "Connection": "close",
                },
                preload_content=False,
                decode_content=False,
            )
            self._wait_at_most_until_the_deadline()
            self.response = self.connection.getresponse()
            if self.timed_out.is_set():  # headers cut off at the deadline parse as something
                raise TimeoutError()
        except BaseException as error:
            self.close()
            if isinstance(error, _READ_ERRORS):
                raise self._failure(error) from None
            raise
        content_type = self.response.headers.get("Content-Type", "")
        self.media_type = content_type.split(";")[0].strip().lower()
        self.charset = _charset(content_type)
        self.status = self.response.status
        self.location = self.response.headers.get("Location")

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(
                "Fetching took longer than %(seconds)s seconds.",
                seconds=format(self.limits.total_timeout, "g"),
            )
        return remaining

    def _wait_at_most_until_the_deadline(self) -> None:
        """The next read waits no longer than the time left in all (TimeoutError past it)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self.timed_out.is_set():
            raise TimeoutError()
        if self.sock.fileno() >= 0:  # not yet closed by a response read to its end
            self.sock.settimeout(remaining)

    def _connect(
        self, addresses: list[Address], ca_certs: str | None
    ) -> tuple[HTTPConnection, socket.socket]:
        last_error = None
        for address in addresses:
            timeout = min(self.limits.connect_timeout, self._remaining())
            connection: HTTPConnection
            if self.target.scheme == "https":
                connection = HTTPSConnection(
                    str(address),
                    self.target.port,
                    timeout=timeout,
                    server_hostname=self.target.host,
                    cert_reqs="CERT_REQUIRED",
                    ca_certs=ca_certs or certifi.where(),
                )
            else:
                connection = HTTPConnection(str(address), self.target.port, timeout=timeout)
            try:
                connection.connect()
            except (OSError, urllib3.exceptions.HTTPError) as error:
                connection.close()
                last_error = error
                continue
            sock = connection.sock
            assert sock is not None  # connected
            return connection, sock
        raise self._failure(last_error)

    def _failure(self, error: BaseException | None) -> FetchRefused:
        # urllib3 2 makes a refused connection a subclass of its connect timeout.
        refused = isinstance(error, urllib3.exceptions.NewConnectionError)
        if (
            self.timed_out.is_set()
            or not refused
            and isinstance(error, (TimeoutError, urllib3.exceptions.TimeoutError))
        ):
            return FetchRefused(
                "%(host)s did not answer within the time limit (%(connect)s s to connect, "
                "%(total)s s in all).",
                host=self.target.host,
                connect=format(self.limits.connect_timeout, "g"),
                total=format(self.limits.total_timeout, "g"),
            )
        if "CERTIFICATE" in str(error).upper() or "SSL" in type(error).__name__.upper():
            return FetchRefused(
                "Could not make a secure connection to %(host)s: its certificate was not "
                "accepted (%(error)s).",
                host=self.target.host,
                error=error,
            )
        if isinstance(
            error, (http.client.HTTPException, urllib3.exceptions.ProtocolError, ValueError)
        ):
            malformed = _malformed_answer(error)
            if malformed:
                return FetchRefused(
                    "%(host)s answered with something that is not a valid web page "
                    "(%(problem)s); nothing was kept.",
                    host=self.target.host,
                    problem=malformed,
                )
        return FetchRefused(
            "Could not connect to %(host)s: %(error)s.", host=self.target.host, error=error
        )

    def _cut(self) -> None:
        self.timed_out.set()
        try:
            # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would drop its
            # SSL object while the reading thread is still using it.
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def checked_body(self) -> bytes:
        """The decompressed body, after every check on status, type, size and time."""
        assert self.response is not None
        if not 200 <= self.status < 300:
            raise FetchRefused(
                "The server answered %(status)s %(reason)s.",
                status=self.status,
                reason=self.response.reason,
            )
        if self.media_type not in ACCEPTED_TYPES:
            if not self.media_type:
                raise FetchRefused(
                    "The address serves a document of no stated type, not a web page: only "
                    "HTML and plain text can be imported."
                )
            raise FetchRefused(
                "The address serves %(type)s, not a web page: only HTML and plain text can "
                "be imported.",
                type=self.media_type,
            )
        declared = self.response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise FetchRefused(
                "The page is %(size)s bytes; the limit is %(limit)s.",
                size=format(int(declared), ","),
                limit=format(self.limits.max_bytes, ","),
            )
        inflater = _Inflater(
            self.response.headers.get("Content-Encoding", ""), self.limits.max_bytes
        )
        parts, received = [], 0
        try:
            while True:
                self._wait_at_most_until_the_deadline()
                chunk = self.response.read1(_READ_SIZE, decode_content=False)
                if not chunk:
                    break
                received += len(chunk)
                if received > self.limits.max_bytes:
                    raise FetchRefused(
                        "The page is larger than the limit of %(limit)s bytes.",
                        limit=format(self.limits.max_bytes, ","),
                    )
                parts.append(inflater.feed(chunk))
            parts.append(inflater.finish())
        except _READ_ERRORS as error:
            raise self._failure(error) from None
        if self.timed_out.is_set():
            raise self._failure(TimeoutError())
        return b"".join(parts)

    def close(self) -> None:
        """Stop the watchdog and let the socket go (the response may hold it by now)."""
        self.watchdog.cancel()
        if self.response is not None:
            self.response.close()
        self.connection.close()
        self.sock.close()


# What reading an answer may raise besides FetchRefused: the network's errors, urllib3's,
# and http.client's for an answer that is not HTTP (a status line such as "SSH-2.0-…",
# more than 100 headers, a header line over 64 KB, a damaged chunk).
_READ_ERRORS = (OSError, urllib3.exceptions.HTTPError, http.client.HTTPException, ValueError)


def _malformed_answer(error: BaseException) -> str | None:
    """What was wrong with an answer that is not HTTP, in a few words; None for a network
    error (the connection reset or closed early)."""
    while isinstance(error, urllib3.exceptions.ProtocolError) and error.args:
        inner = error.args[-1]
        if not isinstance(inner, BaseException):
            break
        error = inner
    if isinstance(error, (http.client.RemoteDisconnected, ConnectionError)):
        return None
    if isinstance(error, http.client.LineTooLong):
        return "a line of its answer is longer than 64 KB"
    if isinstance(error, http.client.BadStatusLine):
        return "its answer does not begin like an HTTP answer"
    if "more than" in str(error) and "headers" in str(error):
        return "it sent more than 100 headers"
    if isinstance(error, http.client.IncompleteRead):
        return "its answer ended before the length it announced"
    if isinstance(error, (http.client.HTTPException, ValueError)):
        return "its answer is not valid HTTP"
    return None


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


class _Inflater:
    """Content-Encoding undone within the size cap: a bomb is refused, never inflated."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.decompressor = None
        elif encoding in ("gzip", "x-gzip"):
            self.decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.decompressor = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchRefused(
                "The page is sent compressed with “%(encoding)s”, which the fetcher does not "
                "accept (only gzip and deflate).",
                encoding=encoding,
            )
        self.encoding, self.limit, self.produced = encoding, limit, 0

    def feed(self, data: bytes) -> bytes:
        if self.decompressor is None:
            return data
        pieces: list[bytes] = []
        while data:
            try:
                piece = self.decompressor.decompress(data, self.limit - self.produced + 1)
            except zlib.error:
                if self.encoding == "deflate" and self.produced == 0 and not pieces:
                    # Servers send "deflate" as raw deflate as often as zlib (RFC 9110 8.4.1.2).
                    self.encoding, self.decompressor = "raw", zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchRefused("The page's compressed data is damaged.") from None
            pieces.append(self._count(piece))
            data = self.decompressor.unconsumed_tail
        return b"".join(pieces)

    def finish(self) -> bytes:
        return self._count(self.decompressor.flush()) if self.decompressor else b""

    def _count(self, piece: bytes) -> bytes:
        self.produced += len(piece)
        if self.produced > self.limit:
            raise FetchRefused(
                "The page decompresses to more than the limit of %(limit)s bytes (a "
                "compression bomb?); it was not inflated further.",
                limit=format(self.limit, ","),
            )
        return piece

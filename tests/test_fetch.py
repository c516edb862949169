"""The fetcher against a real HTTP server on 127.0.0.1: a page, and each refusal of the
"Fetching" section of SECURITY.md, one by one."""

import contextlib
import hashlib
import ipaddress
import socket
import subprocess
import threading
import time

import fetch_server
import pytest

from workbench.intake.fetch import (
    DEFAULT_MAX_BYTES,
    FetchLimits,
    FetchRefused,
    fetch_page,
    parse_allow_list,
    refusal_reason,
    resolve_host,
)

# Names the tests resolve themselves (the resolver is injected), as DNS would answer them.
NAMES = {
    "news.test": ["127.0.0.1"],
    "internal.test": ["10.1.2.3"],
    "metadata.test": ["169.254.169.254"],
    "mixed.test": ["127.0.0.1", "10.0.0.7"],
    "mapped.test": ["::ffff:127.0.0.1"],
}


def resolver(host, port):
    if host not in NAMES:
        raise OSError(f"unknown name {host}")
    return NAMES[host]


@pytest.fixture(scope="module")
def server():
    with fetch_server.running() as running:
        yield running


@pytest.fixture
def fetch(server):
    """fetch_page with the test server (and only it) allowed, through the test resolver."""
    allow = frozenset({("127.0.0.1", server.port)})

    def fetch(path_or_url, **options):
        is_path = path_or_url.startswith("/")
        url = f"http://news.test:{server.port}{path_or_url}" if is_path else path_or_url
        options.setdefault("allow", allow)
        options.setdefault("resolver", resolver)
        return fetch_page(url, **options)

    return fetch


def refused(fetch, target, **options):
    with pytest.raises(FetchRefused) as error:
        fetch(target, **options)
    return str(error.value)


# --- what is fetched -------------------------------------------------------------------


def test_page_is_fetched_with_its_metadata(fetch, server):
    page = fetch("/page")
    assert page.final_url == f"http://news.test:{server.port}/page"
    assert (page.status, page.content_type, page.charset) == (200, "text/html", "utf-8")
    assert page.body == fetch_server.PAGE
    assert page.sha256 == hashlib.sha256(fetch_server.PAGE).hexdigest()
    assert page.redirects == ()
    assert page.fetched_at.endswith("Z") and page.fetched_at[:4].isdigit()


def test_request_goes_to_the_checked_address_with_the_name_as_host(fetch, server):
    server.seen.clear()
    fetch("/page")
    assert server.seen[-1]["host"] == f"news.test:{server.port}"


def test_name_is_resolved_once_per_address_so_a_second_answer_cannot_redirect_it(server):
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding DNS server: public, then private
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers)

    page = fetch_page(
        f"http://rebind.test:{server.port}/page",
        resolver=rebinding,
        allow=frozenset({("127.0.0.1", server.port)}),
    )
    assert page.body == fetch_server.PAGE and calls == ["rebind.test"]


def test_plain_text_is_accepted_with_no_charset(fetch):
    page = fetch("/text")
    assert (page.content_type, page.charset) == ("text/plain", None)
    assert page.body == "Plain words, in Latin-1: café.".encode("latin-1")


def test_header_charset_is_reported(fetch):
    assert fetch("/latin1").charset == "ISO-8859-1"


def test_redirects_are_followed_and_listed(fetch, server):
    page = fetch("/hop?n=1&last=3")
    base = f"http://news.test:{server.port}"
    assert page.final_url == f"{base}/page"
    assert page.redirects == (
        f"{base}/hop?n=1&last=3",
        f"{base}/hop?n=2&last=3",
        f"{base}/hop?n=3&last=3",
    )


def test_five_redirects_are_allowed(fetch):
    assert len(fetch("/hop?n=1&last=5").redirects) == 5


@pytest.mark.parametrize("path", ["/gzip-page", "/deflate-page", "/deflate-page?form=raw"])
def test_compressed_pages_are_decompressed(fetch, server, path):
    server.seen.clear()
    assert fetch(path).body == fetch_server.PAGE
    assert server.seen[-1]["accept_encoding"] == "gzip, deflate"


def test_real_resolver_reaches_localhost_when_it_is_allowed(server):
    page = fetch_page(
        f"http://localhost:{server.port}/page", allow=frozenset({("localhost", server.port)})
    )
    assert page.body == fetch_server.PAGE


def test_real_resolver_answers_for_localhost():
    assert "127.0.0.1" in resolve_host("localhost", 80)


# --- refused: where it points ----------------------------------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "Only http and https"),
        ("ftp://news.test/file.txt", "Only http and https"),
        ("gopher://news.test:70/", "Only http and https"),
        ("javascript:alert(1)", "Only http and https"),
        ("http://user:secret@news.test/", "user name or password"),
        ("http:///no-host", "names no host"),
        ("http://news.test:99999/", "not a valid web address"),
        ("http://nowhere.test/", "could not be found"),
    ],
)
def test_addresses_that_are_not_web_pages_are_refused(fetch, url, reason):
    assert reason in refused(fetch, url)


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1:{other}/", "a loopback address"),
        ("http://127.9.9.9/", "a loopback address"),
        ("http://10.0.0.1/", "a private address"),
        ("http://192.168.1.1/", "a private address"),
        ("http://172.16.0.1/", "a private address"),
        ("http://100.64.0.1/", "not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "the cloud metadata service"),
        ("http://169.254.1.1/", "a link-local address"),
        ("http://0.0.0.0:{port}/page", "an unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://[::1]:{port}/page", "a loopback address"),
        ("http://[::]/", "an unspecified address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://[fd00::1]/", "a private address"),
        ("http://[ff02::1]/", "a multicast address"),
        ("http://[::ffff:127.0.0.1]:{port}/page", "a loopback address inside an IPv6 address"),
        ("http://[::ffff:10.0.0.1]/", "a private address inside an IPv6 address"),
        ("http://[2002:7f00:1::]/", "a loopback address inside an IPv6 address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "the cloud metadata service inside an IPv6 address"),
        # A name's addresses are never told: only that it leads inside.
        ("http://internal.test/", "“internal.test” leads to an internal address"),
        ("http://metadata.test/", "“metadata.test” leads to an internal address"),
        ("http://mixed.test:{port}/page", "“mixed.test” leads to an internal address"),
        ("http://mapped.test:{port}/page", "“mapped.test” leads to an internal address"),
    ],
)
def test_internal_addresses_are_refused(fetch, server, url, reason):
    message = refused(fetch, url.format(port=server.port, other=server.port + 1))
    assert reason in message
    assert "WORKBENCH_FETCH_ALLOW" in message


@pytest.mark.parametrize("name", ["internal.test", "metadata.test", "mixed.test", "mapped.test"])
def test_a_refusal_never_tells_what_a_name_resolved_to(fetch, server, name):
    message = refused(fetch, f"http://{name}:{server.port}/page")
    for address in NAMES[name]:
        assert address not in message
    for kind in ("loopback", "private", "cloud metadata", "link-local"):
        assert kind not in message


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{other}/page",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://0.0.0.0:{port}/page",
        "http://internal.test/",
        "file:///etc/passwd",
    ],
)
def test_redirects_to_internal_addresses_are_refused(fetch, server, target):
    server.seen.clear()
    location = target.format(port=server.port, other=server.port + 1)
    message = refused(fetch, f"/redirect?to={location}")
    assert "WORKBENCH_FETCH_ALLOW" in message or "Only http and https" in message
    assert [seen["path"] for seen in server.seen] == [f"/redirect?to={location}"]


@pytest.mark.parametrize("status", [301, 303, 307, 308])
def test_every_kind_of_redirect_is_checked(fetch, status):
    assert "the cloud metadata service" in refused(
        fetch, f"/redirect?status={status}&to=http://169.254.169.254/"
    )


def test_redirect_loop_is_refused_after_five(fetch, server):
    server.seen.clear()
    assert "redirects more than 5 times" in refused(fetch, "/loop")
    assert len(server.seen) == 6


def test_sixth_redirect_is_refused(fetch):
    assert "redirects more than 5 times" in refused(fetch, "/hop?n=1&last=6")


def test_loopback_by_decimal_address_is_refused_with_the_real_resolver(server):
    message = refused(fetch_page, f"http://2130706433:{server.port}/page", allow=frozenset())
    assert "“2130706433” leads to an internal address" in message
    assert "127.0.0.1" not in message


def test_localhost_is_refused_when_not_allowed(server):
    message = refused(fetch_page, f"http://localhost:{server.port}/page", allow=frozenset())
    assert "“localhost” leads to an internal address" in message
    assert "127.0.0.1" not in message and "loopback" not in message


def test_allowing_one_port_does_not_allow_another(fetch, server):
    message = refused(fetch, f"http://news.test:{server.port + 1}/page")
    assert "leads to an internal address" in message


# --- refused: what comes back ----------------------------------------------------------


@pytest.mark.parametrize(
    "path, served",
    [
        ("/png", "image/png"),
        ("/pdf", "application/pdf"),
        ("/untyped", "a document of no stated type"),
    ],
)
def test_wrong_content_types_are_refused(fetch, path, served):
    message = refused(fetch, path)
    assert f"serves {served}, not a web page: only HTML and plain text" in message


def test_error_status_is_refused(fetch):
    assert "answered 404 Not Found" in refused(fetch, "/missing")


def test_oversized_body_with_content_length_is_refused_before_reading(fetch):
    message = refused(fetch, "/big-declared?size=20000000")
    assert f"The page is 20,000,000 bytes; the limit is {DEFAULT_MAX_BYTES:,}" in message


@pytest.mark.parametrize("path", ["/big-undeclared", "/big-chunked"])
def test_oversized_body_without_content_length_is_cut_at_the_cap(fetch, path):
    message = refused(fetch, f"{path}?size=11000000")
    assert f"larger than the limit of {DEFAULT_MAX_BYTES:,} bytes" in message


def test_size_cap_is_a_setting(fetch):
    limits = FetchLimits(max_bytes=100_000)
    assert "larger than the limit of 100,000 bytes" in refused(
        fetch, "/big-undeclared?size=200000", limits=limits
    )
    assert len(fetch("/big-undeclared?size=90000", limits=limits).body) == 90_000


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb"])
def test_compression_bomb_is_refused_not_inflated(fetch, path):
    assert len(getattr(fetch_server, path.strip("/").replace("-", "_"))()) < 100_000
    message = refused(fetch, path)
    assert f"decompresses to more than the limit of {DEFAULT_MAX_BYTES:,} bytes" in message


def test_unsupported_compression_is_refused(fetch):
    assert "compressed with “br”" in refused(fetch, "/brotli")


def test_damaged_compression_is_refused(fetch):
    assert "compressed data is damaged" in refused(fetch, "/damaged-gzip")


@pytest.mark.slow
def test_slow_drip_body_is_cut_at_the_total_time_cap(fetch):
    message = refused(fetch, "/drip", limits=FetchLimits(total_timeout=1.0))
    assert "did not answer within the time limit" in message and "1 s in all" in message


@pytest.mark.slow
def test_slow_drip_headers_are_cut_at_the_total_time_cap(fetch):
    message = refused(fetch, "/drip-headers", limits=FetchLimits(total_timeout=1.0))
    assert "did not answer within the time limit" in message


@pytest.mark.slow
def test_silent_server_is_cut_at_the_total_time_cap(fetch):
    message = refused(fetch, "/silent?seconds=5", limits=FetchLimits(total_timeout=0.5))
    assert "did not answer within the time limit" in message


@pytest.mark.slow
@pytest.mark.parametrize("framing", ["close", "http10", "none", "chunked"])
def test_a_server_dripping_a_byte_a_second_is_cut_at_the_total_time_cap(fetch, framing):
    """The attack run's server: headers at once, then one byte a second for a minute. With
    the socket handed to the response, the old watchdog found nothing to cut and every
    byte reset the read timeout, so a 5 s cap held the fetch for the whole drip."""
    started = time.monotonic()
    message = refused(
        fetch, f"/drip-slowly?framing={framing}", limits=FetchLimits(total_timeout=3.0)
    )
    assert "did not answer within the time limit" in message and "3 s in all" in message
    # The drip lasts 60 s: a fetch that waited for it did not hold its cap. 30 s leaves a
    # loaded machine ten times the cap.
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/not-http", "its answer does not begin like an HTTP answer"),
        ("/many-headers", "it sent more than 100 headers"),
        ("/long-header", "a line of its answer is longer than 64 KB"),
        ("/long-status", "a line of its answer is longer than 64 KB"),
    ],
)
def test_an_answer_that_is_not_http_is_a_refusal_with_a_reason(fetch, path, reason):
    message = refused(fetch, path)
    assert "answered with something that is not a valid web page" in message
    assert reason in message


def test_a_malformed_answer_leaves_no_watchdog_behind(fetch):
    def watchdogs():
        return [t for t in threading.enumerate() if isinstance(t, threading.Timer)]

    before = set(watchdogs())
    for path in ("/not-http", "/many-headers", "/long-header", "/page"):
        with contextlib.suppress(FetchRefused):
            fetch(path)
    left = [timer for timer in watchdogs() if timer not in before]
    for timer in left:
        timer.join(timeout=5)  # a cancelled timer ends at once; a live one waits for its cap
    assert [timer for timer in left if timer.is_alive()] == []


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_unreachable_port_is_a_refusal_not_a_crash(fetch):
    closed = closed_port()
    allow = frozenset({("127.0.0.1", closed)})
    assert "Could not connect to news.test" in refused(
        fetch, f"http://news.test:{closed}/", allow=allow
    )


# --- https: the certificate is checked against the name, on the checked address --------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    with fetch_server.running(str(cert), str(key)) as running:
        running.cert = str(cert)
        yield running


def test_https_uses_the_name_for_sni_and_the_certificate(tls_server):
    page = fetch_page(
        f"https://news.test:{tls_server.port}/page",
        resolver=resolver,
        allow=frozenset({("127.0.0.1", tls_server.port)}),
        ca_certs=tls_server.cert,
    )
    assert page.body == fetch_server.PAGE


def test_https_certificate_for_another_name_is_refused(tls_server):
    NAMES_WITH_OTHER = {**NAMES, "other.test": ["127.0.0.1"]}
    message = refused(
        fetch_page,
        f"https://other.test:{tls_server.port}/page",
        resolver=lambda host, port: NAMES_WITH_OTHER[host],
        allow=frozenset({("127.0.0.1", tls_server.port)}),
        ca_certs=tls_server.cert,
    )
    assert "Could not make a secure connection to other.test" in message


def test_https_with_an_unknown_authority_is_refused(tls_server):
    message = refused(
        fetch_page,
        f"https://news.test:{tls_server.port}/page",
        resolver=resolver,
        allow=frozenset({("127.0.0.1", tls_server.port)}),
    )
    assert "certificate was not accepted" in message


# --- the allow list and the address rules ----------------------------------------------


def test_allow_list_setting_is_parsed():
    assert parse_allow_list(" 127.0.0.1:8123, Intranet.Example.:80,[::1]:9000,,") == {
        ("127.0.0.1", 8123),
        ("intranet.example", 80),
        ("::1", 9000),
    }


@pytest.mark.parametrize("setting", ["127.0.0.1", "host:", "host:http", ":80", "host:70000"])
def test_malformed_allow_list_is_an_error(setting):
    with pytest.raises(ValueError, match="WORKBENCH_FETCH_ALLOW"):
        parse_allow_list(setting)


def test_allow_list_is_read_from_the_environment(monkeypatch, server):
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", f"127.0.0.1:{server.port}")
    fetched = fetch_page(f"http://news.test:{server.port}/page", resolver=resolver)
    assert fetched.status == 200 and fetched.body
    monkeypatch.delenv("WORKBENCH_FETCH_ALLOW")
    with pytest.raises(FetchRefused, match="leads to an internal address"):
        fetch_page(f"http://news.test:{server.port}/page", resolver=resolver)


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1", "2001:4860:4860::8888"],
)
def test_public_addresses_are_not_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


# Every block of IANA's special-purpose address registries that is not globally reachable
# (https://www.iana.org/assignments/iana-ipv4-special-registry and -ipv6-), plus multicast
# and the deprecated site-local range: one address from each, none of them fetched.
NOT_PUBLIC = [
    "0.1.2.3",  # this network
    "10.20.30.40",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "127.1.2.3",
    "169.254.10.10",
    "172.16.5.5",
    "192.0.0.8",  # IPv4 dummy address
    "192.0.0.170",  # NAT64/DNS64 discovery
    "192.0.2.1",  # documentation
    "192.88.99.1",  # deprecated 6to4 relay anycast
    "192.168.1.1",
    "198.18.0.1",  # benchmarking
    "198.51.100.7",  # documentation
    "203.0.113.9",  # documentation
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:8.8.8.8",  # IPv4-mapped
    "64:ff9b:1::1",  # local-use NAT64
    "100::1",  # discard-only
    "100:0:0:1::1",  # dummy IPv6 prefix
    "2001::1",  # Teredo and the IETF protocol block
    "2001:2::1",  # benchmarking
    "2001:10::1",  # ORCHID (deprecated)
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (2024)
    "3fff:fff:ffff::1",
    "5f00::1",  # segment routing (SRv6) SIDs
    "fc00::1",  # unique local
    "fd12:3456::1",
    "fe80::1",  # link-local
    "fec0::1",  # site-local (deprecated)
    "feff:ffff::1",
    "ff02::1",  # multicast
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_every_special_purpose_range_is_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://[fec0::1]/", "a site-local address"),
        ("http://[3fff::1]/", "a documentation address"),
        ("http://[3fff:fff::1]/", "a documentation address"),
    ],
)
def test_site_local_and_the_new_documentation_range_are_refused(fetch, url, reason):
    assert reason in refused(fetch, url)

"""Bytes in any encoding to text: the BOM, the HTTP header, the page's <meta>, detection."""

import codecs

import pytest

from workbench.errors import ArticleRejected
from workbench.text.decoding import decode_document, normalise_label

FRENCH = (
    "Le maire a déclaré mercredi que la rénovation du théâtre coûterait près de 4 millions d’euros."
)
ENGLISH = (
    "The mayor said the theatre’s renovation would cost “nearly €4m” — a sum the opposition "
    "called excessive."
)
GERMAN = (
    "Der Bürgermeister sagte, die Sanierung koste „fast vier Millionen Euro“ – die Opposition "
    "hält das für überzogen."
)
RUSSIAN = (
    "Мэр города заявил в среду, что ремонт театра обойдётся почти в четыре миллиона рублей, "
    "и оппозиция назвала эту сумму чрезмерной. Работы начнутся летом."
)
POLISH = (
    "Burmistrz powiedział w środę, że remont teatru może kosztować prawie cztery miliony złotych, "
    "a opozycja uznała tę kwotę za przesadną. Władze miasta odpowiedziały, że żadna inna oferta "
    "nie była tańsza."
)


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("café", "latin-1"),
        (FRENCH.replace("’", "'"), "latin-1"),
        (FRENCH, "cp1252"),
        (ENGLISH, "cp1252"),
        (GERMAN, "cp1252"),
        (RUSSIAN, "koi8-r"),
        (RUSSIAN, "cp1251"),
        (POLISH, "cp1250"),
        (ENGLISH, "utf-8"),
    ],
)
def test_undeclared_text_is_detected(text, encoding):
    assert decode_document(text.encode(encoding), None, "text/plain") == text


@pytest.mark.parametrize("bom_encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_mark_decides_and_is_dropped(bom_encoding):
    data = ENGLISH.encode(bom_encoding)
    assert data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE))
    assert decode_document(data, None, "text/plain") == ENGLISH


def test_byte_order_mark_wins_over_the_header_and_the_meta():
    data = codecs.BOM_UTF8 + '<meta charset="windows-1252"><p>Zoë</p>'.encode()
    assert (
        decode_document(data, "iso-8859-1", "text/html")
        == '<meta charset="windows-1252"><p>Zoë</p>'
    )


def test_http_header_charset_wins_over_the_meta():
    data = '<meta charset="utf-8"><p>5 €</p>'.encode("iso-8859-15")
    assert decode_document(data, "iso-8859-15", "text/html") == '<meta charset="utf-8"><p>5 €</p>'


def test_charset_parameter_of_the_content_type_is_the_header():
    data = "<p>5 €</p>".encode("iso-8859-15")
    assert decode_document(data, None, "text/html; charset=ISO-8859-15") == "<p>5 €</p>"


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="iso-8859-15">',
        "<meta charset=iso-8859-15>",
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">',
        '<?xml version="1.0" encoding="iso-8859-15"?>',
    ],
)
def test_page_declaration_is_read(declaration):
    markup = f"{declaration}<p>Cœur: 5 €</p>"
    assert decode_document(markup.encode("iso-8859-15"), None, "text/html") == markup


def test_meta_is_not_read_in_plain_text():
    # In text/plain a <meta> is just words; the bytes are Windows-1252, not ISO-8859-15.
    text = '<meta charset="iso-8859-15"> costs 5 € ' + ENGLISH
    assert decode_document(text.encode("cp1252"), None, "text/plain") == text


def test_latin1_label_reads_windows_1252_smart_quotes():
    # The Encoding Standard: "iso-8859-1" is decoded as windows-1252.
    assert decode_document("“Yes”".encode("cp1252"), "iso-8859-1", "text/plain") == "“Yes”"


@pytest.mark.parametrize(
    "label, codec",
    [
        ("UTF-8", "utf-8"),
        ("latin1", "cp1252"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("windows-1252", "cp1252"),
        ("gb2312", "gb18030"),
        ("no-such-charset", None),
        (None, None),
    ],
)
def test_labels_are_normalised(label, codec):
    assert normalise_label(label) == codec


def test_unknown_declared_charset_is_ignored():
    assert decode_document(FRENCH.encode("utf-8"), "x-made-up", "text/plain") == FRENCH


@pytest.mark.parametrize(
    "data, declared, message",
    [
        (
            "é".encode("latin-1") + b" and more",
            "utf-8",
            r"says it is UTF-8 \(the HTTP header\), but the byte 0xE9 at position 0 is not "
            "valid UTF-8",
        ),
        (
            '<meta charset="utf-8"><p>caf\xe9</p>'.encode("latin-1"),
            None,
            r"says it is UTF-8 \(the page's <meta> tag\), but the byte 0xE9 at position 28",
        ),
        (
            "naïve café ".encode() + b"\xff",
            None,
            r"not valid UTF-8 text \(bad byte 0xFF at position 13\), though most of it is UTF-8",
        ),
        (b"Cut off \xe2\x82", None, r"not valid UTF-8 text \(bad byte 0xE2 at position 8\)"),
        (
            b"Overlong \xc0\xaf slash.",
            None,
            r"not valid UTF-8 text \(bad byte 0xC0 at position 9\)",
        ),
        (b"abc\x00def", None, "binary"),
        (bytes(range(1, 256)) * 3, None, "its encoding could not be recognised"),
    ],
)
def test_undecodable_bytes_are_refused_naming_the_problem(data, declared, message):
    with pytest.raises(ArticleRejected, match=message):
        decode_document(data, declared, "text/html")


def test_nul_characters_from_a_declared_encoding_are_refused():
    with pytest.raises(ArticleRejected, match="binary"):
        decode_document("a\x00b".encode("utf-16"), None, "text/plain")

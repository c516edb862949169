"""Bytes of an uploaded or fetched document to text, in whatever encoding it was written.

The order is the HTML standard's (https://html.spec.whatwg.org/#determining-the-character-encoding):
a byte-order mark, then the charset the HTTP header declares, then the page's own <meta>
(HTML only), then detection. A refusal is an `ArticleRejected` naming the problem.
"""

import codecs
import re

import charset_normalizer

from ..errors import ArticleRejected

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The Encoding Standard decodes these labels as their Windows superset: pages labelled
# ISO-8859-1 routinely contain Windows-1252 smart quotes (https://encoding.spec.whatwg.org/#names-and-labels).
_WINDOWS_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
# The standard prescans 1,024 bytes; saved pages often put a comment, a long <title> or
# scripts first, so look a little further. A match needs the literal `charset=` in a tag.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Shaped like UTF-8 (a lead byte and its continuation bytes), overlong forms and surrogates
# included, or a sequence cut off by the end of the file.
_UTF8_SHAPED = re.compile(
    rb"[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
    rb"[\xf0-\xf7][\x80-\xbf]{3}|[\xe0-\xf7][\x80-\xbf]{1,2}\Z"
)
# Without a byte-order mark UTF-16/32 text of any Latin script is full of NUL bytes, which
# we refuse as binary; charset-normalizer offers UTF-16 for a short Latin-1 "café", and
# the mainframe EBCDIC code pages (cp037 for a lone "é") that no web page uses.
_NEVER_DETECTED = [
    "utf_16",
    "utf_16_be",
    "utf_16_le",
    "utf_32",
    "utf_32_be",
    "utf_32_le",
    "cp037",
    "cp273",
    "cp424",
    "cp500",
    "cp875",
    "cp1026",
    "cp1140",
]
# Below this many letters the share of accented ones says nothing ("é" alone is 100%).
_FEW_LETTERS = 20
# Windows-1252 symbols that other code pages use for letters: "mo¿e" is Polish "może" in
# Windows-1250, "w³adze" is "władze". Between two letters they give the code page away.
_SYMBOL_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[¢£¤¥¦§¨¯±²³µ¶¹¼½¾¿](?=[^\W\d_])")


def decode_document(data: bytes, declared_charset: str | None, content_type: str | None) -> str:
    """The document's text; refuse bytes that are binary or not valid in their encoding."""
    encoding, source = _bom_encoding(data)
    if encoding:
        text = _decode(data[len(_bom_for(encoding)) :], encoding, source)
    else:
        encoding, source = _declared_encoding(data, declared_charset, content_type)
        text = _decode(data, encoding, source) if encoding else _decode_undeclared(data)
    if "\x00" in text:
        raise ArticleRejected("The file looks binary (it contains NUL bytes), not text.")
    return text


def normalise_label(label: str | None) -> str | None:
    """A charset label as a Python codec name (Windows supersets as the standard says), or None."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WINDOWS_SUPERSETS.get(name, name)


def _bom_encoding(data: bytes) -> tuple[str | None, str | None]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, "its byte-order mark"
    return None, None


def _bom_for(encoding: str) -> bytes:
    return next(bom for bom, name in _BOMS if name == encoding)


def _declared_encoding(
    data: bytes, declared_charset: str | None, content_type: str | None
) -> tuple[str | None, str | None]:
    """(codec, where it was declared) from the HTTP header or the page; (None, None) if nowhere."""
    header = normalise_label(declared_charset) or normalise_label(_charset_parameter(content_type))
    if header:
        return header, "the HTTP header"
    if _is_html(content_type):
        head = data[:_PRESCAN_BYTES]
        match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
        page = normalise_label(match.group(1).decode("ascii")) if match else None
        # A <meta> readable as ASCII cannot be UTF-16: the standard reads it as UTF-8.
        if page and page.startswith(("utf-16", "utf-32")):
            page = "utf-8"
        if page:
            return page, "the page's <meta> tag"
    return None, None


def _charset_parameter(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return match.group(1) if match else None


def _is_html(content_type: str | None) -> bool:
    return content_type is None or "html" in content_type.lower() or "xml" in content_type.lower()


def _decode(data: bytes, encoding: str, source: str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ArticleRejected(
            "The file says it is %(encoding)s (%(source)s), but the byte %(byte)s at position "
            "%(position)s is not valid %(encoding)s. Save it again as UTF-8, or with the "
            "encoding it really uses.",
            encoding=_display(encoding),
            source=source,
            byte="0x" + format(data[error.start], "02X"),
            position=format(error.start, ","),
        ) from None


def _decode_undeclared(data: bytes) -> str:
    """No declaration: UTF-8 if valid, else Windows-1252 for Western text, else detection."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _mostly_utf8(data):
            raise ArticleRejected(
                "The file is not valid UTF-8 text (bad byte %(byte)s at position "
                "%(position)s), though most of it is UTF-8. Save it as UTF-8 and upload it "
                "again.",
                byte="0x" + format(data[error.start], "02X"),
                position=format(error.start, ","),
            ) from None
    if b"\x00" in data:
        raise ArticleRejected("The file looks binary (it contains NUL bytes), not text.")
    western = _as_western(data)
    if western is not None:
        return western
    best = charset_normalizer.from_bytes(data, cp_exclusion=_NEVER_DETECTED).best()
    if best is None:
        raise ArticleRejected(
            "The file is not UTF-8 and its encoding could not be recognised (it does not read "
            "as text in any known encoding). Save it as UTF-8 and upload it again."
        )
    return str(best)


def _mostly_utf8(data: bytes) -> bool:
    """Most non-ASCII bytes are shaped like UTF-8: meant as UTF-8, and damaged.

    One such pair proves nothing: "дё" in KOI8-R is the bytes C4 A3, a valid UTF-8 "ģ".
    """
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(match) for match in _UTF8_SHAPED.findall(data))
    return in_sequences > high / 2


def _as_western(data: bytes) -> str | None:
    """The text as Windows-1252 if it reads as Western European text, else None.

    charset-normalizer 3.5.3 calls a Windows-1252 paragraph of English with curly quotes
    cp852 and one of German cp775 (“theatreĺs”, “B³rgermeister”); browsers fall back to
    Windows-1252 for Western pages, so we try it first and keep detection for the rest.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [char for char in text if char.isalpha()]
    accented = sum(1 for char in letters if ord(char) > 0x7F)
    # Western languages accent a few letters in a hundred (French about 4, Icelandic under
    # 20); Cyrillic or Greek read as Windows-1252 accents nearly all of them.
    if len(letters) >= _FEW_LETTERS and accented > 0.3 * len(letters):
        return None
    if _SYMBOL_INSIDE_WORD.search(text):
        return None
    return text


def _display(encoding: str) -> str:
    return {"cp1252": "Windows-1252", "utf-8": "UTF-8"}.get(encoding, encoding)

"""Bytes to text in whatever common encoding they are in, or a named refusal.

Order of evidence: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then
content that is binary (NUL bytes, or mostly control characters) is refused;
then strict UTF-8; then charset-normalizer's detection. Nothing is decoded as
Latin-1 by default: bytes that no encoding explains are refused.

charset-normalizer ranks single-byte code pages by a language model that,
on short Western European text, often prefers a rare code page (cp775,
cp1250) whose output is identical to or worse than Windows-1252's. So among
the candidates it finds equally clean, the common ones (PREFERRED) win.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# (mark, Python codec, the name recorded in the ledger); UTF-32 before UTF-16
# because the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8 (BOM)"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16 (BOM)"),
)
# Python codec names charset-normalizer uses, most common first, and the name recorded.
PREFERRED = {
    "cp1252": "windows-1252",
    "latin_1": "iso-8859-1",
    "iso8859_15": "iso-8859-15",
    "cp1250": "windows-1250",
    "cp1251": "windows-1251",
    "iso8859_2": "iso-8859-2",
    "cp1253": "windows-1253",
    "cp1254": "windows-1254",
    "koi8_r": "koi8-r",
    "cp932": "shift_jis",
    "shift_jis": "shift_jis",
    "euc_jp": "euc-jp",
    "gb18030": "gb18030",
    "big5": "big5",
    "euc_kr": "euc-kr",
}
# Bytes that Windows-1252 maps to punctuation (curly quotes, dashes, euro) and
# ISO-8859-1 to invisible C1 controls: without any, the two decode alike.
_WINDOWS_1252_ONLY = re.compile(rb"[\x80-\x9f]")
# Share of control characters (other than tab, newlines, form feed) above
# which content is binary, not text; measured on the first SAMPLE bytes.
MAX_CONTROL_SHARE = 0.05
SAMPLE = 64 * 1024
_TEXT_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}


@dataclass
class Decoded:
    text: str
    encoding: str  # as recorded in the ledger: "utf-8", "windows-1252", ...


class NotText(ValueError):
    """Bytes that are not text in any common encoding; the message says why."""


def decode_text(data: bytes) -> Decoded:
    """`data` as text, with the encoding it was found to be in; NotText otherwise."""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise NotText(
                    f"starts with a {name.split()[0]} byte-order mark but is not {name.split()[0]}: {exc.reason}"
                ) from None
            _refuse_control_heavy(text)
            return Decoded(text, name)
    nul = data.find(b"\0")
    if nul >= 0:
        raise NotText(f"binary content, not text (NUL byte at offset {nul})")
    # Latin-1 maps each byte to the code point of the same number: only for counting.
    _refuse_control_heavy(data[:SAMPLE].decode("latin-1"))
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _detected(data)


def _refuse_control_heavy(text: str) -> None:
    sample = text[:SAMPLE]
    if not sample:
        return
    controls = sum(1 for ch in sample if (ord(ch) < 0x20 and ord(ch) not in _TEXT_CONTROLS) or ord(ch) == 0x7F)
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise NotText(f"binary content, not text ({controls} control characters in the first {len(sample)})")


def _detected(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise NotText("not text in any common encoding (charset-normalizer found none that decodes it cleanly)")
    cleanest = min(match.chaos for match in matches)
    candidates = [match for match in matches if match.chaos <= cleanest]
    for codec, name in PREFERRED.items():
        if any(codec in match.could_be_from_charset for match in candidates):
            if codec == "cp1252" and not _WINDOWS_1252_ONLY.search(data):
                name = "iso-8859-1"  # decodes alike; the simpler claim is the true one
            return Decoded(data.decode(codec), name)
    best = candidates[0]
    return Decoded(str(best), best.encoding)

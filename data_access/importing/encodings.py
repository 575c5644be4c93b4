"""The text of a CSV file as its sender wrote it, or a refusal naming the lines that would be stored garbled.

Excel in Chinese saves "CSV" as GBK; other tools save UTF-8. A file pasted together from both is valid in
neither as a whole, and read as GB18030 (which decodes nearly any bytes) its UTF-8 rows become mojibake
(王芳 as 鐜嬭姵) that would load silently. So a file that is not UTF-8 throughout is read line by line: lines
that are valid UTF-8 Chinese beside lines that are not mean two encodings, and the file is refused.
"""

from __future__ import annotations

import re

from data_access.importing.base import FileProblem

BOM_UTF8 = b"\xef\xbb\xbf"
SHOWN_LINES = 10  # line numbers named in a message; the count is always given
# What a UTF-8 line of a Chinese register holds beyond ASCII: ideographs, CJK and full-width punctuation.
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_NOT_CHINESE_TEXT = re.compile(r"[^\x00-\x7f\u00b7\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Left in a file by an earlier wrong decoding: the replacement character, and its GBK reading 锟斤拷.
_GARBLED = ("\ufffd", "锟斤拷")


def decode(content: bytes) -> tuple[str, str]:
    """(text, the encoding's name as the operator knows it)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(content, "utf-16", "UTF-16"), "UTF-16"
    body, bom = (content[3:], True) if content.startswith(BOM_UTF8) else (content, False)
    try:
        text, name = body.decode("utf-8"), ("UTF-8 (BOM)" if bom else "UTF-8")
    except UnicodeDecodeError:
        _refuse_mixed(body)
        text, name = _strict(body, "gb18030", "GBK/GB18030"), "GBK/GB18030"
    _refuse_garbled(text)
    return text, name


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(codec, errors="replace").count("\n") + 1
        raise FileProblem("import.file.encoding", encoding=name, line=line) from exc


def _refuse_mixed(body: bytes) -> None:
    """Some lines valid UTF-8 Chinese and others not UTF-8 at all: refuse, naming the fewer."""
    lines = body.decode("utf-8", errors="replace").split("\n")
    utf8 = [n for n, line in enumerate(lines, start=1)
            if not line.isascii() and "\ufffd" not in line and _CHINESE.search(line)
            and not _NOT_CHINESE_TEXT.search(line)]
    if not utf8:
        return
    broken = [n for n, line in enumerate(lines, start=1) if "\ufffd" in line]
    few, other = ("UTF-8", "GBK") if len(utf8) <= len(broken) else ("GBK", "UTF-8")
    named = utf8 if few == "UTF-8" else broken
    raise FileProblem("import.file.mixed_encoding", lines=_lines(named), count=len(named), few=few, other=other)


def _refuse_garbled(text: str) -> None:
    if not any(mark in text for mark in _GARBLED):
        return
    named = [n for n, line in enumerate(text.split("\n"), start=1) if any(mark in line for mark in _GARBLED)]
    raise FileProblem("import.file.garbled", lines=_lines(named), count=len(named))


def _lines(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:SHOWN_LINES])
    return shown + ("…" if len(numbers) > SHOWN_LINES else "")

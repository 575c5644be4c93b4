"""The text of a CSV file as its sender wrote it, or a refusal naming the lines that would be stored garbled.

Excel in Chinese saves "CSV" as GBK; other tools save UTF-8. A file pasted together from both is valid in
neither as a whole, and read as GB18030 (which decodes nearly any bytes) its UTF-8 rows become mojibake
(王芳 as 鐜嬭姵) that would load silently. So a file that is not UTF-8 throughout is read line by line: lines
that are valid UTF-8 Chinese beside lines that are not mean two encodings, and the file is refused.

The whole file is scanned (scan) before any row is read, a block at a time, so a second encoding on the
last line of a million is found as surely as on the first, and memory does not grow with the file: a block
ends at a line end, where neither UTF-8 nor GB18030 can be inside a character.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from data_access.importing.base import FileProblem

BOM_UTF8 = b"\xef\xbb\xbf"
SHOWN_LINES = 10  # line numbers named in a message; the count is always given
BLOCK = 1 << 20  # bytes scanned at a time
# What a UTF-8 line of a Chinese register holds beyond ASCII: ideographs, CJK and full-width punctuation.
_CHINESE = r"[\u4e00-\u9fff]"
_CHINESE_TEXT = r"[\x00-\x09\x0b-\x7f\u00b7\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
# A line of Chinese text and nothing else (so no replacement character): written in UTF-8.
_UTF8_LINE = re.compile(f"^(?={_CHINESE_TEXT}*$)(?=[^\\n]*{_CHINESE})", re.MULTILINE)
_BROKEN_LINE = re.compile("^(?=[^\\n]*\ufffd)", re.MULTILINE)  # not UTF-8: a replacement character
# Left in a file by an earlier wrong decoding: the replacement character, and its GBK reading 锟斤拷.
_GARBLED = ("\ufffd", "锟斤拷")
_GARBLED_LINE = re.compile("^(?=[^\\n]*(?:\ufffd|锟斤拷))", re.MULTILINE)


@dataclass(frozen=True)
class Encoding:
    codec: str  # Python's codec for the text after the byte-order mark
    name: str  # as the operator knows it
    skip: int = 0  # bytes of the byte-order mark

    def text(self, stream: BinaryIO) -> io.TextIOWrapper:
        """The stream's text from its start, lines as written (csv reads them); detach it when done."""
        stream.seek(self.skip)
        return io.TextIOWrapper(stream, encoding=self.codec, newline="")


def decode(content: bytes) -> tuple[str, str]:
    """(text, the encoding's name as the operator knows it) of a whole file held in memory."""
    found = scan(io.BytesIO(content))
    return content[found.skip:].decode(found.codec), found.name


def scan(stream: BinaryIO) -> Encoding:
    """The encoding of the whole stream (read from its start, a block at a time), or a refusal."""
    stream.seek(0)
    start = stream.read(3)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(stream, "utf-16-le" if start.startswith(b"\xff\xfe") else "utf-16-be")
    skip = 3 if start == BOM_UTF8 else 0
    garbled = _Lines()
    lines = 0
    for block in _blocks(stream, skip):
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            return _not_utf8(stream, skip)
        if any(mark in text for mark in _GARBLED):
            garbled.add(_GARBLED_LINE, text, lines)
        lines += block.count(b"\n")
    garbled.refuse("import.file.garbled")
    return Encoding("utf-8", "UTF-8 (BOM)" if skip else "UTF-8", skip)


def _not_utf8(stream: BinaryIO, skip: int) -> Encoding:
    """A file that is not UTF-8 throughout: GBK/GB18030, unless some of its lines are UTF-8 Chinese."""
    utf8, broken, garbled = _Lines(), _Lines(), _Lines()
    bad_line = 0  # the first line GB18030 cannot decode
    lines = 0
    for block in _blocks(stream, skip):
        if not block.isascii():
            text = block.decode("utf-8", errors="replace")
            utf8.add(_UTF8_LINE, text, lines)
            if "\ufffd" in text:
                broken.add(_BROKEN_LINE, text, lines)
            if not bad_line:
                try:
                    chinese = block.decode("gb18030")
                except UnicodeDecodeError as exc:
                    bad_line = lines + block[:exc.start].count(b"\n") + 1
                else:
                    if any(mark in chinese for mark in _GARBLED):
                        garbled.add(_GARBLED_LINE, chinese, lines)
        lines += block.count(b"\n")
    if utf8.count:  # some lines valid UTF-8 Chinese and others not UTF-8 at all: refuse, naming the fewer
        few, other, named = ("UTF-8", "GBK", utf8) if utf8.count <= broken.count else ("GBK", "UTF-8", broken)
        raise FileProblem("import.file.mixed_encoding", lines=named.shown(), count=named.count, few=few,
                          other=other)
    if bad_line:
        raise FileProblem("import.file.encoding", encoding="GBK/GB18030", line=bad_line)
    garbled.refuse("import.file.garbled")
    return Encoding("gb18030", "GBK/GB18030", skip)


def _utf16(stream: BinaryIO, codec: str) -> Encoding:
    decoder = codecs.getincrementaldecoder(codec)()
    garbled = _Lines()
    lines = 0
    stream.seek(2)
    while True:
        data = stream.read(BLOCK)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            line = lines + exc.object[:exc.start].decode(codec, errors="replace").count("\n") + 1
            raise FileProblem("import.file.encoding", encoding="UTF-16", line=line) from exc
        if any(mark in text for mark in _GARBLED):
            garbled.add(_GARBLED_LINE, text, lines)
        lines += text.count("\n")
        if not data:
            break
    garbled.refuse("import.file.garbled")
    return Encoding(codec, "UTF-16", 2)


def _blocks(stream: BinaryIO, skip: int):
    """The stream after skip bytes, in blocks that end at a line end (the last at the end of the file)."""
    stream.seek(skip)
    carry = b""
    while data := stream.read(BLOCK):
        data = carry + data
        end = data.rfind(b"\n") + 1
        if end:
            carry = data[end:]
            yield data[:end]
        else:
            carry = data
    if carry:
        yield carry


@dataclass
class _Lines:
    """Lines found (the first SHOWN_LINES numbers, and how many), block by block."""

    numbers: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, pattern: re.Pattern, text: str, lines_before: int) -> None:
        found = pattern.findall(text)
        if not found:
            return
        self.count += len(found)
        if len(self.numbers) < SHOWN_LINES + 1:
            for match in pattern.finditer(text):
                self.numbers.append(lines_before + text.count("\n", 0, match.start()) + 1)
                if len(self.numbers) > SHOWN_LINES:
                    break

    def shown(self) -> str:
        shown = "、".join(str(n) for n in self.numbers[:SHOWN_LINES])
        return shown + ("…" if self.count > SHOWN_LINES else "")

    def refuse(self, key: str) -> None:
        if self.count:
            raise FileProblem(key, lines=self.shown(), count=self.count)

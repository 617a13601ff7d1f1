"""The streaming scan for over-long lines and quoted values agrees with a plain byte-by-byte
reading, on random files of short lines, quotes, commas and every kind of line break.

The scan is run with tiny blocks (8 bytes) and a tiny limit (10 bytes), so that every case of a
line or quoted value crossing the ends of blocks, or a CRLF split between two, comes up often.
"""

import random
import re

import pytest

from oversight.ingest.sources import Source, _scan_csv

LIMIT, BLOCK = 10, 8
VALUE_START = (b",", b"\n", b"\r", b" ")


def byte_by_byte(data: bytes) -> dict[int, int]:
    """line -> length of what is too long there (a quoted value before a line, as the scan
    prefers), read one byte at a time with the quote state carried along."""
    found: list[tuple[bool, int, int]] = []  # (is a line, line, length)
    line, line_start, line_start_number = 1, 0, 1
    inside, open_at, open_line, index = False, 0, 1, 0
    while index < len(data):
        byte = data[index : index + 1]
        if byte == b'"':
            if inside and _value_start(data, open_at) and index - open_at - 1 > LIMIT:
                found.append((False, open_line, index - open_at - 1))
            inside, open_at, open_line = not inside, index, line
        elif byte in (b"\n", b"\r"):
            if index - line_start > LIMIT:
                found.append((True, line_start_number, index - line_start))
            if data[index : index + 2] == b"\r\n":
                index += 1
            line += 1
            line_start, line_start_number = index + 1, line
        index += 1
    if len(data) - line_start > LIMIT:
        found.append((True, line_start_number, len(data) - line_start))
    if inside and _value_start(data, open_at) and len(data) - open_at - 1 > LIMIT:
        found.append((False, open_line, len(data) - open_at - 1))
    result: dict[int, int] = {}
    for _, at_line, length in sorted(found, key=lambda f: f[0]):
        result.setdefault(at_line, length)
    return result


def _value_start(data: bytes, at: int) -> bool:
    return at == 0 or data[at - 1 : at] in VALUE_START


def random_csv(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randint(1, 12)):
        if rng.random() < 0.25:
            inner = bytes(rng.choice(b'ab\n\r,"') for _ in range(rng.randint(0, 25)))
            parts.append(b'"' + inner + b'"')
        else:
            parts.append(bytes(rng.choice(b"abc,") for _ in range(rng.randint(0, 15))))
        parts.append(rng.choice([b",", b"\n", b"\r\n", b"\r", b""]))
    return b"".join(parts)


def length_in(expected: str) -> int:
    """The length a problem gives: "... is 12 bytes long" or "... the file, 12 bytes, ..."."""
    return int(re.search(r"(?:is|file,) ([\d,]+) bytes", expected).group(1).replace(",", ""))


@pytest.mark.parametrize("seed", range(4))
def test_scan_agrees_with_a_byte_by_byte_reading(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "reports.csv"
    for _ in range(300):
        data = random_csv(rng)
        path.write_bytes(data)
        scan = _scan_csv(path, block_bytes=BLOCK, limit=LIMIT)
        found = {p.line: length_in(p.expected) for p in scan.problems(Source("reports", path))}
        assert found == byte_by_byte(data), data

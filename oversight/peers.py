"""Most similar forces: each force's peer group, read from data/reference/peer_groups.csv
(built by scripts/build_peer_groups.py, or HMICFRS's most similar groups put in its place in the
same columns; data/SOURCES.md says how)."""

import csv
import functools
import io
from pathlib import Path

from oversight.settings import FORCES_CSV, PEER_GROUPS_CSV

COLUMNS = ("force_code", "peer_code", "rank", "distance")


class PeerGroupError(ValueError):
    """The peer-group file cannot be used; the message lists every problem (line, column,
    value)."""


def _force_codes(path: Path = FORCES_CSV) -> set[str]:
    with open(path, encoding="utf-8") as handle:
        return {row["force_code"] for row in csv.DictReader(handle)}


def parse_peer_groups(
    text: str, forces: set[str], name: str = "peer_groups.csv"
) -> dict[str, tuple[str, ...]]:
    """Each force's peers in rank order, from the file's text; PeerGroupError lists every
    problem. Rules: the four columns; force_code and peer_code are codes of data/forces.csv; no
    force is its own peer or names a peer twice; each force's ranks run 1, 2, 3 ... with no gap;
    distance is empty (a published list may give none) or a number of at least 0."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise PeerGroupError(
            f"{name}, line 1: expected the columns {', '.join(COLUMNS)}; "
            f"found {', '.join(reader.fieldnames or ()) or 'none'}"
        )
    problems: list[str] = []
    ranked: dict[str, list[tuple[int, str, int]]] = {}
    for line, row in enumerate(reader, start=2):
        where = f"{name}, line {line}"
        if None in row or any(row[c] is None for c in COLUMNS):
            problems.append(f"{where}: expected {len(COLUMNS)} values, as the header has")
            continue
        force, peer = row["force_code"].strip(), row["peer_code"].strip()
        rank, distance = row["rank"].strip(), row["distance"].strip()
        found = len(problems)
        for column, value in (("force_code", force), ("peer_code", peer)):
            if value not in forces:
                problems.append(
                    f"{where}, column {column}: found {value!r}; "
                    "expected a force_code of data/forces.csv"
                )
        if force == peer and force:
            problems.append(
                f"{where}, column peer_code: found {peer!r}; a force is not its own peer"
            )
        if not rank.isdigit() or int(rank) < 1:
            problems.append(f"{where}, column rank: found {rank!r}; expected a whole number from 1")
        if distance and not _non_negative_number(distance):
            problems.append(
                f"{where}, column distance: found {distance!r}; expected empty or a number of "
                "at least 0"
            )
        if len(problems) == found:
            ranked.setdefault(force, []).append((int(rank), peer, line))
    groups: dict[str, tuple[str, ...]] = {}
    for force, given in ranked.items():
        given.sort()
        ranks = [rank for rank, _, _ in given]
        if ranks != list(range(1, len(given) + 1)):
            lines = ", ".join(str(line) for _, _, line in given)
            problems.append(
                f"{name}, lines {lines}, column rank: found {', '.join(map(str, ranks))} for "
                f"{force!r}; expected 1 to {len(given)}, each once"
            )
        seen: set[str] = set()
        for _, peer, line in given:
            if peer in seen:
                problems.append(
                    f"{name}, line {line}, column peer_code: found {peer!r} again for {force!r}"
                )
            seen.add(peer)
        groups[force] = tuple(peer for _, peer, _ in given)
    if problems:
        raise PeerGroupError(
            f"{name} cannot be used: {len(problems)} problem(s) found.\n"
            + "\n".join(f"- {p}" for p in problems)
        )
    return groups


def _non_negative_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value >= 0 and value == value  # NaN is not a distance


@functools.lru_cache(maxsize=4)
def peer_groups(path: Path = PEER_GROUPS_CSV) -> dict[str, tuple[str, ...]]:
    """Every force's peers in rank order, from the peer-group file (checked)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PeerGroupError(f"the peer-group file {path} cannot be read: {error}") from error
    return parse_peer_groups(text, _force_codes(), Path(path).name)


def peers_of(force_code: str, path: Path = PEER_GROUPS_CSV) -> tuple[str, ...]:
    """The force's most similar forces, most similar first; () for a force with no group
    (Police Scotland, PSNI and the national forces have none). ValueError for a code that is
    not a force of data/forces.csv."""
    groups = peer_groups(path)
    if force_code not in groups and force_code not in _force_codes():
        raise ValueError(f"{force_code!r} is not a force_code of data/forces.csv")
    return groups.get(force_code, ())

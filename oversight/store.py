"""Replacing the database file atomically, so readers see the old or the new, never a mix.

Every write builds a complete new database file beside the live one, under an exclusive lock
that serialises writers, then renames it over the live file. A rename within one directory is
atomic on POSIX: a reader that opens the path gets one whole version, and a reader that already
has the old file open keeps reading it until it reconnects. A writer killed at any moment leaves
only a stray building file, which the next writer removes.
"""

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

BUILDING_SUFFIX = ".building"


def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


@contextlib.contextmanager
def write_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's writer lock (blocks while another import runs)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(db_path), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def building_path(db_path: Path) -> Path:
    """Where the next version of the database is built (one at a time, under the lock)."""
    return db_path.with_name(db_path.name + BUILDING_SUFFIX)


def spill_path(db_path: Path) -> Path:
    """Where an import may spill to disk when it runs out of memory."""
    return db_path.with_name(db_path.name + BUILDING_SUFFIX + ".tmp")


def remove_leftovers(db_path: Path) -> None:
    """Delete what a killed writer left behind: a partly built file, its WAL, its spill folder."""
    building = building_path(db_path)
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(spill_path(db_path), ignore_errors=True)


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_in(db_path: Path) -> None:
    """Make the finished building file the live database, durably and atomically."""
    building = building_path(db_path)
    wal = building.with_name(building.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal} still exists: the new database was not checkpointed")
    _fsync_path(building)
    os.replace(building, db_path)
    _fsync_path(db_path.parent, directory=True)


def version_of(db_path: Path) -> tuple[int, int, int] | None:
    """A token that changes whenever a new version is swapped in (None if there is no file)."""
    try:
        stat = db_path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

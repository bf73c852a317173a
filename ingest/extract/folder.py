"""Atomic extract folders: write into a hidden temp folder beside the destination, swap in.

`dest_root/.2025Q1.<random>.partial/` is filled and fsynced, then renamed to
`dest_root/2025Q1/` (an earlier extract is first renamed aside and deleted after the swap).
A failure at any point removes the temp folder, so `2025Q1/` is either the previous
complete extract or the new complete one, never a half-written one. Extracts into the same
root are serialised with an flock on the root folder, and leftovers of a killed run
(`.2025Q1.*.partial` / `.old`) are removed by the next one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


class ExtractError(RuntimeError):
    """The extract could not be written (the message says why and what to do)."""


def os_error(exc: OSError, where: Path) -> ExtractError:
    if exc.errno in DISK_FULL:
        return ExtractError(
            f"disk full while writing the extract under {where} ({errno.errorcode[exc.errno]}):"
            " nothing was left under the final name; free some space and rerun"
        )
    return ExtractError(f"cannot write the extract under {where}: {exc}")


@contextmanager
def staged_folder(dest_root: Path, name: str) -> Iterator[Path]:
    """Yield an empty temp folder; on clean exit it becomes `dest_root/name` atomically."""
    dest_root = Path(dest_root)
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise ExtractError(f"destination {dest_root} exists and is not a folder") from exc
    except OSError as exc:
        raise os_error(exc, dest_root) from exc
    if not dest_root.is_dir():
        raise ExtractError(f"destination {dest_root} exists and is not a folder")
    if not os.access(dest_root, os.W_OK | os.X_OK):
        raise ExtractError(f"destination {dest_root} is not writable")
    try:
        lock = os.open(dest_root, os.O_RDONLY)
    except OSError as exc:
        raise os_error(exc, dest_root) from exc
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in [*dest_root.glob(f".{name}.*.partial"), *dest_root.glob(f".{name}.*.old")]:
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            tmp = dest_root / f".{name}.{secrets.token_hex(6)}.partial"
            tmp.mkdir()  # mode from the umask, like any folder the user makes
        except OSError as exc:
            raise os_error(exc, dest_root) from exc
        try:
            yield tmp
            _swap_in(tmp, dest_root / name)
        except OSError as exc:
            raise os_error(exc, dest_root) from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        os.close(lock)


def _swap_in(tmp: Path, final: Path) -> None:
    for path in sorted(tmp.iterdir()):
        _fsync(path)
    _fsync(tmp)
    old = None
    if final.exists() or final.is_symlink():
        old = final.with_name(f".{final.name}.{tmp.name.split('.')[-2]}.old")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None:
            os.rename(old, final)  # put the previous extract back
        raise
    _fsync(final.parent)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

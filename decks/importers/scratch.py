"""Temporary folders for unpacking imports, and the sweeping up of those a crash left behind.

A folder is removed when its block ends, whatever happens inside; a process killed inside
the block (the OOM killer, a deploy) cannot remove it, so `scratch_sweep` does it later,
at the start of every import and from `import_jobs_fail_stale`. A live folder holds an
exclusive `flock` on its lock file for as long as it exists; the kernel drops the lock
when its process dies, which is how the sweep tells leftovers from folders in use, in any
worker process on the machine.
"""

import contextlib
import fcntl
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SCRATCH_PREFIX = "cerego-scratch-"
LOCK_FILE = ".in-use"
# A folder is created a moment before its lock: a sweep leaves younger ones alone.
GRACE_SECONDS = 60


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new private folder, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    try:
        with (folder / LOCK_FILE).open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def scratch_sweep(*, root: Path | None = None) -> int:
    """Remove the scratch folders of processes that died; returns how many were removed."""
    removed = 0
    now = time.time()
    for folder in Path(root or tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        try:
            if now - folder.stat().st_mtime < GRACE_SECONDS or _in_use(folder):
                continue
        except OSError:  # removed meanwhile by its owner or another sweep
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def _in_use(folder: Path) -> bool:
    lock_path = folder / LOCK_FILE
    if not lock_path.exists():
        return False
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False

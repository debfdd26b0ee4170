"""The file store behind file sessions: cachelib's FileSystemCache, made strict.

cachelib's store suits a cache, where a lost write costs a recomputation. For
sessions, a lost write is a login that silently did not happen, so this store:

* never evicts live sessions, only expired ones (cachelib's default
  ``threshold=500`` deletes the soonest-expiring *valid* ones past 500 files);
* raises the OSError when the disk refuses a write (full, quota, no inodes)
  instead of logging it and returning False, and removes the temporary file
  that cachelib would leave behind, so a full disk is never made fuller;
* writes under one lock that deleting a session takes too (session_stores.py).
"""

import os
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from cachelib.file import FileSystemCache

try:
    import fcntl
except ImportError:  # Windows: SessionFileStore.lock() falls back to a thread lock
    fcntl = None

# The key /health writes and deletes to check that sessions can be stored.
PROBE_KEY = "health-check-probe"


class SessionFileStore(FileSystemCache):
    """A file store that never evicts live sessions and never hides a failed write."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory, threshold=0, mode=0o600)
        os.chmod(directory, 0o700)
        self.directory = directory
        # Beside the folder, not in it: cachelib treats every file in the
        # folder as a session.
        self.lock_path = os.path.normpath(directory) + ".lock"
        self._thread_lock = threading.Lock()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock, against every thread and process.

        One lock for all sessions: a session is written at login, logout and
        once per refresh interval, and each write takes microseconds, so
        queueing them costs nothing and leaves no lock files to clean up.
        """
        if fcntl is None:
            with self._thread_lock:
                yield
            return
        # flock() locks an open file, not a process: each holder opens its own,
        # so threads of one process exclude each other too.
        lock_file = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock_file)  # closing releases the lock

    def set(
        self,
        key: str,
        value: Any,
        timeout: int | None = None,
        mgmt_element: bool = False,
    ) -> bool:
        """Store ``value`` under ``key``; raise OSError if the disk refuses it."""
        # cachelib's set() in its own file layout (expiry, then the pickle),
        # written to a temporary file and renamed into place, as it does; but
        # a failure raises, and the temporary file goes. With threshold 0 it
        # keeps no file count, so there is nothing else to update.
        expires = self._normalize_timeout(0 if mgmt_element else timeout)
        fd, temporary = tempfile.mkstemp(
            suffix=self._fs_transaction_suffix, dir=self._path
        )
        try:
            with os.fdopen(fd, "wb") as file:  # mkstemp made it 0600, our mode
                file.write(struct.pack("I", expires))
                self.serializer.dump(value, file)
            os.replace(temporary, self._get_filename(key))
        except BaseException:
            with suppress(FileNotFoundError):
                os.remove(temporary)
            raise
        return True

    def delete(self, key: str, mgmt_element: bool = False) -> bool:
        """Delete a session, never between a write-back's check and its write."""
        with self.lock():
            return super().delete(key, mgmt_element)

    def remove_expired(self) -> None:
        """Delete every session file whose lifetime has passed."""
        # cachelib sweeps only when over its threshold, which is off, and keeps
        # the sweep private: calling it buys "expired files do not pile up",
        # pinned by test_sessions.py::test_expired_session_files_are_swept.
        self._remove_expired(time.time())

    def check_writable(self) -> None:
        """Write and delete a small entry, as a login would; raise OSError if not."""
        self.set(PROBE_KEY, {"probe": True}, timeout=60)
        self.delete(PROBE_KEY)

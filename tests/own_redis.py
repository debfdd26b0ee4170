"""A redis-server of a test's own: started on a free port, stopped by its pid.

For tests that stop or pause Redis: never the suite's shared one.
"""

import socket
import subprocess
import time

import redis

# Longer than the app's one-second socket timeout.
PAUSE_MS = 5000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server only this test uses, started and stopped by its pid."""

    def __init__(self, directory) -> None:
        self.port = free_port()
        self.directory = directory
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--dir", str(self.directory), "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            assert self.process.poll() is None, "redis-server exited"
            try:
                if self.admin().ping():
                    return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: Redis writes its AOF and exits
        self.process.wait(timeout=10)

    def admin(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def pause_writes(self) -> None:
        # WRITE, not ALL: the reads already done stay done, and UNPAUSE works.
        self.admin().execute_command("CLIENT", "PAUSE", PAUSE_MS, "WRITE")

    def unpause(self) -> None:
        self.admin().execute_command("CLIENT", "UNPAUSE")

    def run_out_of_memory(self) -> None:
        # Every command that adds data is refused with OOM; DEL still works.
        self.admin().config_set("maxmemory", 1)

    def free_memory(self) -> None:
        self.admin().config_set("maxmemory", 0)

"""Print a TCP port on 127.0.0.1 that nothing listens on right now.

    python scripts/free_port.py            # prints e.g. 41234
    python scripts/free_port.py --check N  # exit status 0 if port N is free

Binding to port 0 lets the kernel choose a free port, so two test runs on one
machine never pick the same fixed port. Used by live_server.sh and services.sh.
"""

import socket
import sys


def bindable(port: int) -> bool:
    """Tell whether a server could listen on ``port`` now."""
    with socket.socket() as probe:
        # As servers do: a port whose old connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """Let the kernel choose a port that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"]:
        sys.exit(0 if bindable(int(sys.argv[2])) else 1)
    print(free_port())

"""The newcomer's path: `make run` on a taken port, and test scripts that share a machine."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class AlwaysHealthy(BaseHTTPRequestHandler):
    """Another program on the port, answering 200 to anything."""

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass  # keep the test output quiet


@pytest.fixture
def other_server():
    """Another program's HTTP server on a free port; yield the port."""
    server = HTTPServer(("127.0.0.1", 0), AlwaysHealthy)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


def still_answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return True


def test_python_app_names_port_when_its_port_is_taken(tmp_path, other_server):
    env = os.environ | {
        "PORT": str(other_server),
        "APP_ENV": "development",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test",
    }
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Port {other_server} is in use; run on another port with "
        f"PORT={other_server + 1} make run\n"
    )


def test_python_app_listens_on_the_host_setting(tmp_path):
    # 127.0.0.2 is this machine too, but not 127.0.0.1: answering there (and
    # only there) shows that HOST chose the address.
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "HOST": "127.0.0.2",
        "PORT": str(port),
        "APP_ENV": "development",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test",
    }
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.2", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
    assert f"Running on http://127.0.0.2:{port}" in errors


def test_live_server_script_stops_at_once_instead_of_testing_another_server(
    other_server,
):
    # Before: the health check found the other program's answer and the
    # contract test would have run against it.
    script = "source scripts/live_server.sh; start_live_server && echo STARTED"
    env = os.environ | {"LIVE_PORT": str(other_server)}
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "STARTED" not in result.stdout
    assert f"Port {other_server} is in use" in result.stderr
    assert still_answers(other_server)  # and nothing of the other's was stopped


def test_live_server_script_picks_a_free_port_and_cleans_up(tmp_path):
    script = (
        "source scripts/live_server.sh; start_live_server"
        ' && curl -sf "$LIVE_BASE_URL/health" && echo "$LIVE_WORK"'
    )
    env = {k: v for k, v in os.environ.items() if k != "LIVE_PORT"}
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    work = Path(result.stdout.strip().splitlines()[-1])
    assert work.is_absolute()
    assert not work.exists()  # its temporary directory is gone


def services(*args: str, state_dir: Path, **env: str):
    return subprocess.run(
        ["scripts/services.sh", *args],
        cwd=ROOT,
        env=os.environ | {"SERVICES_DIR": str(state_dir)} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_services_stop_never_deletes_a_directory_it_did_not_make(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    assert services("stop", state_dir=mine).returncode == 0
    assert (mine / "notes.txt").read_text() == "keep me"
    refused = services("start", state_dir=mine)
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert (mine / "notes.txt").read_text() == "keep me"


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_services_stop_leaves_another_redis_on_its_port_alone(tmp_path):
    port = socket.create_server(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    others = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(number), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        ping = ["redis-cli", "-p", str(number), "ping"]
        for _ in range(50):
            if subprocess.run(ping, capture_output=True).stdout == b"PONG\n":
                break
            time.sleep(0.1)
        # Before: stop shut down whatever Redis answered on REDIS_PORT.
        services("stop", state_dir=tmp_path / "none", REDIS_PORT=str(number))
        assert subprocess.run(ping, capture_output=True).stdout == b"PONG\n"
        assert others.poll() is None
    finally:
        others.terminate()
        others.wait(timeout=10)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_no_tool_cache_is_tracked_so_make_test_leaves_git_status_clean():
    # Schemathesis rewrote its tracked .schemathesis/ files on every run.
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)

    assert git("ls-files", ".schemathesis", ".pytest_cache", ".tools").stdout == ""
    for path in (".schemathesis/default/cache/manifest.json", ".tools/x"):
        assert git("check-ignore", "-q", path).returncode == 0, path

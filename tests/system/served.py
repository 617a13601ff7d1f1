"""A real `streamlit run app.py` server for the system tests, on a free port of 127.0.0.1 (which
also serves http://localhost:PORT, the name sign-in needs: see tests/system/signin.py)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from oversight.settings import PROJECT_ROOT


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(
    url: str, process: subprocess.Popen, name: str, timeout: float = 60, log: Path | None = None
) -> None:
    """Wait until url answers 200, failing if the process (name, for the message; its log, if
    given, quoted) exits first or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = f":\n{log.read_text()}" if log is not None else ""
            raise RuntimeError(f"{name} exited with {process.returncode}{said}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{name} did not answer at {url} within {timeout} s")


@contextlib.contextmanager
def serve(
    db_path: Path,
    log: Path,
    app: str | Path = "app.py",
    secrets: Path | None = None,
    port: int | None = None,
    **env_extra: str,
) -> Iterator[str]:
    """Serve `streamlit run app.py` on the database; yield its URL, stop it afterwards.

    Args:
        db_path: the database, as OVERSIGHT_DB.
        log: the file that receives the server's output.
        app: the script, relative to the project root (the server's working directory, so the
            project's .streamlit/config.toml applies) or absolute.
        secrets: a secrets.toml to read instead of ~/.streamlit and the project's .streamlit
            (for the `[auth]` section of sign-in).
        port: the port to listen on, when the caller must know it beforehand (sign-in's
            redirect_uri names it); else a free one.
        **env_extra: more environment variables for the server.
    """
    port = port or free_port()
    env = os.environ | {"OVERSIGHT_DB": str(db_path)} | env_extra
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
    ]
    if secrets is not None:
        command.append(f"--secrets.files={secrets}")
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{url}/_stcore/health", process, "streamlit")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)

"""The `edgecamp` console command, run as a user runs it: a real process on a fresh data
directory (its own SQLite file), talking HTTP where it serves."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from edgecamp import cli

EDGECAMP = str(Path(sys.executable).with_name("edgecamp"))


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EDGECAMP_DATA_DIR"] = str(data_dir)
    env.pop("EDGECAMP_SECRET_KEY", None)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_createadmin_prints_a_password_that_works(capsys):
    assert cli.main(["createadmin", "--username", "boss"]) == 0
    printed = capsys.readouterr().err
    password = re.search(r"password: (\S+)", printed).group(1)
    assert authenticate(username="boss", password=password) is not None

    assert cli.main(["createadmin", "--username", "boss"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_bad_arguments_are_refused_with_a_message():
    result = subprocess.run(
        [EDGECAMP, "generate", "--people", "-5"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "positive whole number" in result.stderr


def test_demo_sets_up_a_camp_and_a_working_login_then_serves(tmp_path):
    env = _env(tmp_path)
    setup = subprocess.run(
        [EDGECAMP, "demo", "--people", "400", "--seed", "7", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    password = re.search(r"password: (\S+)", setup.stderr).group(1)
    database = tmp_path / "edgecamp.sqlite3"
    with sqlite3.connect(database) as db:
        people = db.execute("select count(*) from registry_individual").fetchone()[0]
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert 380 <= people <= 460
    secret = tmp_path / "secret_key"
    assert secret.stat().st_mode & 0o077 == 0, "the generated secret key must be private"

    # A second run keeps the camp and leaves the accounts alone: no new password is printed
    # and the first one still works.
    again = subprocess.run(
        [EDGECAMP, "demo", "--no-serve"], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert "keeping it" in again.stderr
    assert "No account was created or changed" in again.stderr
    assert "password:" not in again.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from registry_individual").fetchone()[0] == people

    port = _free_port()
    server = subprocess.Popen(
        [EDGECAMP, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/accounts/login/")
        assert "csrfmiddlewaretoken" in page
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/sites", timeout=5)
        assert refused.value.code == 401
        refused.value.close()
        _log_in_and_see_dashboard(port, "admin", password)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out + err


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Refused while starting up, or slow to answer its first request on a busy machine.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _log_in_and_see_dashboard(port: int, username: str, password: str) -> None:
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    with opener.open(f"{base}/accounts/login/", timeout=5) as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request, timeout=10) as response:
        assert response.geturl() == f"{base}/"
        assert response.status == 200

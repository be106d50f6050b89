"""The audit against a real HTTP endpoint: moto in server mode on 127.0.0.1 (a free port), behind the fake AWS
proxy, seeded once per test session; the audit CLI runs as a subprocess against it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from audit_runner import AuditRun, run_audit_cli
from fake_aws import FakeAws
from seeded_account import FAKE_CREDENTIALS, SeededAccount, seed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/moto-api/", timeout=2)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def seeded(moto_url: str) -> Iterator[tuple[FakeAws, SeededAccount]]:
    fake = FakeAws(moto_url).start()
    saved = {key: os.environ.get(key) for key in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    try:
        account = seed(fake, moto_url)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    yield fake, account
    fake.stop()


@pytest.fixture
def fake_aws(seeded: tuple[FakeAws, SeededAccount]) -> Iterator[FakeAws]:
    """The seeded fake AWS, with no faults and an empty request log for this test."""
    fake, _ = seeded
    fake.reset()
    yield fake
    fake.reset()


@pytest.fixture
def account(seeded: tuple[FakeAws, SeededAccount]) -> SeededAccount:
    return seeded[1]


@pytest.fixture
def run_audit(fake_aws: FakeAws, tmp_path: Path):
    """`mlmarket audit` against the seeded fake AWS, in a directory without .mlmarket.yaml."""

    def run(*args: str, **options) -> AuditRun:
        return run_audit_cli(fake_aws.url, *args, cwd=tmp_path, **options)

    return run

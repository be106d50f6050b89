"""The audit against a real HTTP endpoint: moto in server mode on 127.0.0.1 (a free port), behind the fake AWS
proxy, seeded once per test session; the audit CLI runs as a subprocess against it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from audit_runner import AuditRun, run_audit_cli, run_organization_audit
from fake_aws import FakeAws
from seeded_account import FAKE_CREDENTIALS, SeededAccount, seed
from seeded_organization import SeededOrganization, seed_organization


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


@contextmanager
def fake_credentials() -> Iterator[None]:
    """The fake credentials in the environment while seeding (boto3 reads them there), and nothing left after."""
    saved = {key: os.environ.get(key) for key in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def seeded(moto_url: str) -> Iterator[tuple[FakeAws, SeededAccount]]:
    fake = FakeAws(moto_url).start()
    with fake_credentials():
        account = seed(fake, moto_url)
    yield fake, account
    fake.stop()


@pytest.fixture(scope="session")
def seeded_organization(moto_url: str) -> Iterator[tuple[FakeAws, SeededOrganization]]:
    """The organization, behind a fake AWS proxy of its own (its faults never reach the single-account tests)."""
    fake = FakeAws(moto_url).start()
    with fake_credentials():
        organization = seed_organization(fake)
    yield fake, organization
    fake.stop()


@pytest.fixture
def organization_aws(seeded_organization: tuple[FakeAws, SeededOrganization]) -> Iterator[FakeAws]:
    """The organization's fake AWS, with no faults and an empty request log for this test."""
    fake, _ = seeded_organization
    fake.reset()
    yield fake
    fake.reset()


@pytest.fixture
def organization(seeded_organization: tuple[FakeAws, SeededOrganization]) -> SeededOrganization:
    return seeded_organization[1]


@pytest.fixture(scope="session")
def organization_audit(seeded_organization, tmp_path_factory):
    """One JSON audit of the organization without faults, shared by the tests that only read it or compare with
    it: the run, the organization, the operations on the wire, and the AssumeRole requests."""
    fake, organization = seeded_organization
    fake.reset()
    run = run_organization_audit(fake, tmp_path_factory.mktemp("organization"))
    return run, organization, fake.operations(), list(fake.assume_role_requests)


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


NO_AWS_CONFIGURATION = {
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture
def no_aws(monkeypatch, tmp_path):
    """No AWS credentials, region or configuration anywhere, in an empty working directory."""
    monkeypatch.chdir(tmp_path)
    for key in (
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(key, raising=False)
    for key, value in NO_AWS_CONFIGURATION.items():
        monkeypatch.setenv(key, value)

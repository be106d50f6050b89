"""mlmarket.guard against a real HTTP endpoint: moto in server mode on 127.0.0.1, whose recorder lists every request
the server receives. A violating CreateModelPackage never reaches the server in block mode, a compliant one does;
warn mode sends it and logs; `resolve_account=True` asks STS once; and the audit of what the requests created
gives the verdicts the request files get."""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import boto3
import pytest
import requests

from mlmarket import guard
from mlmarket.audit import run_audit
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import REPO, SELLER

REQUESTS = REPO / "request_examples"
COMPLIANT = REQUESTS / "pass_certified_package.CreateModelPackage.json"
VIOLATING = REQUESTS / "fail_subscribed_algorithm_package.CreateModelPackage.json"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server, its account the seller's (so that the audit's account, the seller account, is the one the
    request files name), recording what it receives."""
    directory = tmp_path_factory.mktemp("moto")
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "MOTO_ACCOUNT_ID": SELLER,
        "MOTO_RECORDER_FILEPATH": str(directory / "recording.jsonl"),
    }
    with open(directory / "server.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=environment,
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
                    pytest.fail(f"moto server did not start: {(directory / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def server(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A fresh moto (no resources, an empty recording), fake credentials, and no .mlmarket.yaml around."""
    monkeypatch.chdir(tmp_path)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "MLMARKET_SELLER_ACCOUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    requests.post(f"{moto_url}/moto-api/recorder/reset-recording", timeout=10)
    requests.post(f"{moto_url}/moto-api/recorder/start-recording", timeout=10)
    yield moto_url
    requests.post(f"{moto_url}/moto-api/recorder/stop-recording", timeout=10)


def received(url: str) -> list[str]:
    """The operations the server received (X-Amz-Target for the JSON protocols, Action for the query ones)."""
    operations = []
    for line in requests.get(f"{url}/moto-api/recorder/download-recording", timeout=10).text.splitlines():
        entry = json.loads(line)
        target = {k.lower(): v for k, v in entry["headers"].items()}.get("x-amz-target")
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        action = parse_qs(body).get("Action", [None])[0]
        operations.append(target.split(".")[-1] if target else action or f"{entry['method']} {entry['url']}")
    return operations


def session() -> boto3.Session:
    return boto3.Session(region_name="us-east-1")


def create(client, path: Path, **changes: str) -> str:
    return client.create_model_package(**{**json.loads(path.read_text()), **changes})["ModelPackageArn"]


def test_block_mode_never_sends_a_violating_request_and_sends_a_compliant_one(server):
    boto = session()
    installed = guard.install(boto, seller_account=SELLER)
    client = boto.client("sagemaker", endpoint_url=server)
    with pytest.raises(guard.RequestBlocked):
        create(client, VIOLATING)
    assert received(server) == []
    arn = create(client, COMPLIANT)
    assert received(server) == ["CreateModelPackage"]
    assert client.describe_model_package(ModelPackageName=arn)["ModelPackageName"] == "my-product"
    installed.uninstall()


def test_warn_mode_sends_and_logs(server, caplog):
    boto = session()
    installed = guard.install(boto, mode="warn", seller_account=SELLER)
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        create(boto.client("sagemaker", endpoint_url=server), VIOLATING)
    assert received(server) == ["CreateModelPackage"]
    assert [r.getMessage().split(":")[1] for r in caplog.records] == [" FAILED CKV_MLM_005 CreateModelPackage",
                                                                       " FAILED CKV_MLM_014 CreateModelPackage"]
    installed.uninstall()


def test_uninstalled_guard_lets_a_violating_request_through(server):
    boto = session()
    guard.install(boto, seller_account=SELLER).uninstall()
    create(boto.client("sagemaker", endpoint_url=server), VIOLATING)
    assert received(server) == ["CreateModelPackage"]


@pytest.mark.parametrize("target", ["session", "client"])
def test_resolve_account_asks_sts_once_for_the_callers_account(server, monkeypatch, caplog, target):
    monkeypatch.setenv("AWS_ENDPOINT_URL", server)  # STS too, as botocore reads it
    boto = session()
    client = boto.client("sagemaker")
    installed = guard.install(boto if target == "session" else client, resolve_account=True)
    client = boto.client("sagemaker") if target == "session" else client
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        create(client, COMPLIANT)
        create(client, COMPLIANT, ModelPackageName="my-product-2")
    installed.uninstall()
    assert received(server) == ["GetCallerIdentity", "CreateModelPackage", "CreateModelPackage"]
    assert caplog.records == []  # 003 passed: the caller's account is the seller account of the images


def test_without_resolve_account_no_sts_call_is_made(server, caplog):
    boto = session()
    installed = guard.install(boto)
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        create(boto.client("sagemaker", endpoint_url=server), COMPLIANT)
    installed.uninstall()
    assert received(server) == ["CreateModelPackage"]
    assert [r.getMessage().split(":")[1] for r in caplog.records] == [" UNKNOWN CKV_MLM_003 CreateModelPackage"]


def test_the_audit_of_what_the_requests_created_gives_the_same_verdicts(server):
    boto = session()
    installed = guard.install(boto, mode="warn", seller_account=SELLER)
    client = boto.client("sagemaker", endpoint_url=server)
    created = {create(client, path): path for path in (COMPLIANT, VIOLATING)}
    installed.uninstall()
    outcome = run_audit(["us-east-1"], None, server, Settings(), max_attempts=1, max_workers=2)
    audited: dict[str, dict[str, str]] = {}
    for result in outcome.results:
        audited.setdefault(result.address, {})[result.rule_id] = result.verdict.value
    assert set(audited) == set(created)
    for arn, path in created.items():
        scanned = {r.rule_id: r.verdict.value for r in scan_path(str(path), Settings(seller_account=SELLER),
                                                                  region="us-east-1")}
        assert audited[arn] == scanned, path.name

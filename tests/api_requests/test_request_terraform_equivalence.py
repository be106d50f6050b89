"""A request and the Terraform resource describing the same thing (tests/api_requests/terraform_twins) get the same
verdicts from every rule, and the same messages once the Terraform message is said in the request's words."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mlmarket.readers.api_request import ApiWording
from mlmarket.readers.sagemaker_api import request_name
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import REPO, SELLER

REQUESTS = REPO / "request_examples"
TWINS = Path(__file__).parent / "terraform_twins"


@pytest.fixture(scope="module")
def terraform_results(tmp_path_factory):
    """address -> {rule: result} of the twins, scanned as a Terraform directory (with the request files its
    pipelines read their definitions from beside it)."""
    directory = tmp_path_factory.mktemp("twins")
    shutil.copy(TWINS / "main.tf", directory / "main.tf")
    for path in REQUESTS.glob("*.CreatePipeline.json"):
        shutil.copy(path, directory / path.name)
    by_address: dict[str, dict] = {}
    for result in scan_path(str(directory), Settings(seller_account=SELLER)):
        by_address.setdefault(result.address.split(".", 1)[1], {})[result.rule_id] = result
    return by_address


def twinned() -> list[Path]:
    names = set(re.findall(r'^resource "\w+" "(\w+)"', (TWINS / "main.tf").read_text(), flags=re.MULTILINE))
    return sorted(path for path in REQUESTS.glob("*.json") if path.name.split(".")[0] in names)


def test_every_request_example_has_a_twin():
    assert [p.name for p in twinned()] == sorted(p.name for p in REQUESTS.glob("*.json"))


@pytest.mark.parametrize("path", twinned(), ids=lambda p: p.name)
def test_same_verdicts_and_messages(path, terraform_results, monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    operation = path.name.split(".")[-2]
    request = {r.rule_id: r for r in scan_path(str(path), Settings(seller_account=SELLER), region="us-east-1")}
    twin = terraform_results[path.name.split(".")[0]]
    assert {rule: r.verdict for rule, r in request.items()} == {rule: r.verdict for rule, r in twin.items()}
    wording = ApiWording(operation, _created_name(path, operation))
    assert {rule: r.message for rule, r in request.items()} == {
        rule: wording.say(r.message) for rule, r in twin.items()
    }


def _created_name(path: Path, operation: str) -> str:
    return request_name(operation, json.loads(path.read_text())) or ""

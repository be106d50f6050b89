"""`mlmarket audit` against moto's server: every applicable rule fires on the seeded violations and passes on the
compliant resources, with ARNs as addresses (image URIs for ECR images), in the report formats of `scan`."""

from __future__ import annotations

import json

import jsonschema
import pytest

from audit_runner import run_audit_cli
from seeded_account import ACCOUNT, AFS1, BUCKET_USE1, BUCKET_USW2, REGIONS, USE1, USW2, arn
from support import REPO

REPORT_SCHEMA = json.loads((REPO / "policies/schemas/report.schema.json").read_text())

P, F, U = "PASSED", "FAILED", "UNKNOWN"
MODEL_RULES = ("001", "002", "003", "004", "005", "006", "007", "013")
ENDPOINT_CONFIG_RULES = ("006", "007", "008", "009", "015", "016")
PACKAGE_RULES = ("002", "003", "004", "005", "006", "007", "010", "013", "014", "015", "017")
ALGORITHM_RULES = ("002", "003", "004", "005", "006", "007", "010", "012", "013", "015", "017")
TRAINING_RULES = ("001", "002", "003", "004", "006", "007", "012", "013", "015")
# The image rules 003, 004 and 013 judge private ECR images only: none for a resource without one.
PRIVATE_IMAGE_RULES = ("003", "004", "013")


def verdicts(rules: tuple[str, ...], without: tuple[str, ...] = (), **verdict_by_rule: str) -> dict[str, str]:
    """Every rule PASSED unless `verdict_by_rule` says otherwise (`r001="FAILED"`); rules in `without` give none."""
    return {f"CKV_MLM_{n}": verdict_by_rule.get(f"r{n}", P) for n in rules if n not in without}


def model(name: str, region: str = USE1) -> str:
    return arn("sagemaker", "model", name, region)


EXPECTED_SAGEMAKER: dict[str, dict[str, str]] = {
    model("pass-model"): verdicts(MODEL_RULES),
    model("fail-no-isolation"): verdicts(MODEL_RULES, r001=F),
    model("fail-docker-hub"): verdicts(MODEL_RULES, without=PRIVATE_IMAGE_RULES, r002=F),
    model("fail-other-account"): verdicts(MODEL_RULES, r003=F),
    model("fail-image-other-region"): verdicts(MODEL_RULES, r004=F),
    model("fail-aws-dlc"): verdicts(MODEL_RULES, r003=F, r013=F),
    model("fail-artifacts-other-region"): verdicts(MODEL_RULES, r005=F),
    model("west-model", USW2): verdicts(MODEL_RULES, r006=F),
    model("cape-town-model", AFS1): verdicts(MODEL_RULES, r006=F, r007=F),
    arn("sagemaker", "endpoint-config", "pass-realtime"): verdicts(ENDPOINT_CONFIG_RULES),
    arn("sagemaker", "endpoint-config", "fail-serverless"): verdicts(ENDPOINT_CONFIG_RULES, r009=F),
    arn("sagemaker", "endpoint-config", "fail-async"): verdicts(ENDPOINT_CONFIG_RULES, r008=F),
    arn("sagemaker", "endpoint-config", "fail-volume-on-nvme"): verdicts(ENDPOINT_CONFIG_RULES, r016=F),
    arn("sagemaker", "endpoint", "pass-endpoint"): verdicts(("006", "007")),
    arn("sagemaker", "model-package", "pass-package"): verdicts(PACKAGE_RULES),
    arn("sagemaker", "model-package", "fail-batch-payload"): verdicts(PACKAGE_RULES, r010=F),
    arn("sagemaker", "model-package", "fail-not-validated"): verdicts(PACKAGE_RULES, r017=F),
    arn("sagemaker", "model-package", "fail-subscribed-algorithm"): verdicts(
        PACKAGE_RULES, without=("002", *PRIVATE_IMAGE_RULES), r014=F
    ),
    arn("sagemaker", "algorithm", "pass-algorithm"): verdicts(ALGORITHM_RULES),
    # Its inference image is the seller's own; its training image is on Docker Hub.
    arn("sagemaker", "algorithm", "fail-algorithm-docker-hub"): verdicts(ALGORITHM_RULES, r002=F),
    arn("sagemaker", "training-job", "pass-training"): verdicts(TRAINING_RULES),
    arn("sagemaker", "training-job", "fail-spot-wait"): verdicts(TRAINING_RULES, r012=F),
    arn("sagemaker", "training-job", "fail-training-instance"): verdicts(TRAINING_RULES, r015=F),
}
EXPECTED_REGIONAL = {
    arn("ecr", "repository", "pass-model"): {"CKV_MLM_006": P},
    arn("ecr", "repository", "vulnerable-model"): {"CKV_MLM_006": P},
    arn("ecr", "repository", "unscanned-model"): {"CKV_MLM_006": P},
    arn("ecr", "repository", "pass-model", USW2): {"CKV_MLM_006": F},
    f"arn:aws:s3:::{BUCKET_USE1}": {"CKV_MLM_006": P},
    f"arn:aws:s3:::{BUCKET_USW2}": {"CKV_MLM_006": F},
}
# (repository, tag) -> CKV_MLM_018, CKV_MLM_019
EXPECTED_IMAGES = {
    ("pass-model", "1.0"): (P, P),
    ("pass-model", "at-budget"): (P, P),  # exactly the 10 GiB default budget
    ("pass-model", "over-budget"): (F, P),  # one byte over it
    ("vulnerable-model", "1.0"): (P, F),
    ("unscanned-model", "1.0"): (P, U),
}


def expected_triples(account) -> set[tuple[str, str, str]]:
    triples = {
        (rule, address, verdict)
        for table in (EXPECTED_SAGEMAKER, EXPECTED_REGIONAL)
        for address, by_rule in table.items()
        for rule, verdict in by_rule.items()
    }
    for (repository, tag), (size_verdict, scan_verdict) in EXPECTED_IMAGES.items():
        address = account.images[(USE1, repository, tag)]
        triples |= {("CKV_MLM_018", address, size_verdict), ("CKV_MLM_019", address, scan_verdict)}
    return triples


@pytest.fixture(scope="module")
def full_audit(seeded, tmp_path_factory):
    """One audit of the three seeded regions, shared by the tests that only read its report."""
    fake, account = seeded
    fake.reset()
    run = run_audit_cli(fake.url, cwd=tmp_path_factory.mktemp("audit"), regions=REGIONS)
    return run, account, fake.operations()


def test_every_rule_fires_on_the_seeded_violations_and_passes_on_compliant_resources(full_audit):
    run, account, _ = full_audit
    assert run.stderr == ""
    assert run.code == 1
    document = run.document
    jsonschema.validate(document, REPORT_SCHEMA)
    actual = {(r["rule_id"], r["address"], r["verdict"]) for r in document["results"]}
    expected = expected_triples(account)
    assert actual - expected == set()
    assert expected - actual == set()


def test_results_carry_arns_and_exact_messages(full_audit):
    run, account, _ = full_audit
    by_key = {(r["rule_id"], r["address"]): r for r in run.document["results"]}
    assert by_key[("CKV_MLM_001", model("fail-no-isolation"))] == {
        "rule_id": "CKV_MLM_001",
        "title": "SageMaker containers run with network isolation enabled",
        "severity": "HIGH",
        "address": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/fail-no-isolation",
        "verdict": "FAILED",
        "message": "enable_network_isolation is false; Marketplace runs ML products network-isolated",
        "file": None,
        "line": None,
        "resource_type": "aws_sagemaker_model",
        # Every audit result says where it was read.
        "account": ACCOUNT,
        "region": "us-east-1",
    }
    over_budget = account.images[(USE1, "pass-model", "over-budget")]
    assert by_key[("CKV_MLM_018", over_budget)]["message"] == (
        "the image tagged over-budget is 10.00 GiB (10737418241 bytes compressed), over the 10 GiB image size "
        "budget (mlmarket's default; set image_size_budget_gib in .mlmarket.yaml)"
    )
    vulnerable = account.images[(USE1, "vulnerable-model", "1.0")]
    assert by_key[("CKV_MLM_019", vulnerable)]["message"] == (
        "the image scan (COMPLETE) found 1 Critical and 2 High findings; Marketplace refuses images with "
        "Critical or High vulnerabilities"
    )
    assert by_key[("CKV_MLM_003", model("fail-other-account"))]["message"] == (
        "primary_container[0].image is in account 444455556666, not the seller account 123456789012; "
        "Marketplace publishes only images from the seller's own ECR registry"
    )
    assert by_key[("CKV_MLM_005", model("fail-artifacts-other-region"))]["message"] == (
        f"primary_container.model_data_url is in bucket '{BUCKET_USW2}' in us-west-2 (from arn:aws:s3:::"
        f"{BUCKET_USW2}), not in us-east-1, the region of this resource"
    )


def test_environment_variables_and_hyperparameters_never_reach_the_report(full_audit):
    run, _, _ = full_audit
    for secret in ("never-reported", "API_TOKEN", "learning_rate"):
        assert secret not in run.stdout


def test_the_audit_sends_exactly_the_allowlisted_operations(full_audit):
    from mlmarket.audit.operations import iam_actions

    _, _, operations_on_the_wire = full_audit
    assert operations_on_the_wire == set(iam_actions())


def test_a_configured_image_size_budget_reaches_the_rule(run_audit, account, tmp_path):
    config = tmp_path / "audit.yaml"
    config.write_text("image_size_budget_gib: 20\npublishing_region: us-east-1\n")
    run = run_audit("--config", str(config))
    over_budget = account.images[(USE1, "pass-model", "over-budget")]
    results = {(r["rule_id"], r["address"]): r for r in run.document["results"]}
    assert results[("CKV_MLM_018", over_budget)]["verdict"] == P
    assert results[("CKV_MLM_018", over_budget)]["message"] == (
        "the image tagged over-budget is 10.00 GiB (10737418241 bytes compressed), within the 20 GiB image size "
        "budget (configured image_size_budget_gib)"
    )


def test_cli_format_and_files_of_other_formats(run_audit, tmp_path):
    sarif = tmp_path / "audit.sarif"
    run = run_audit("--format", "sarif", "--output-file", "-", "--output-file", str(sarif), output_format="cli")
    assert run.code == 1
    assert run.stdout.splitlines()[-1].startswith("mlmarket: ")
    assert "FAILED CKV_MLM_001 arn:aws:sagemaker:us-east-1:123456789012:model/fail-no-isolation  (-)" in run.stdout
    assert json.loads(sarif.read_text())["version"] == "2.1.0"

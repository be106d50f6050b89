"""Baselines and --new-since on the changes a pull request makes: a finding added, removed, moved to other lines
and another file, renamed (a new address is a new finding), and a module's findings duplicated into a second
calling stack. Exact suppressed, open, new, existing and fixed sets, and the exit codes that follow."""

from __future__ import annotations

import json

import pytest

from baseline_helpers import (
    ADDED,
    ASYNC,
    BEFORE,
    DEV,
    MODULE_MODEL,
    MODULE_SERVERLESS,
    PROD,
    RENAMED,
    checkout,
    create_baseline,
    marks,
    scan_json,
)

PROD_ASYNC = ("CKV_MLM_008", PROD, ASYNC, "FAILED")

# after tree -> (findings the baseline of `before` does not hold, baselined findings that are gone)
SCENARIOS = {
    "after_added": ({("CKV_MLM_009", DEV, ADDED, "FAILED")}, set()),
    "after_removed": (set(), {PROD_ASYNC}),
    "after_moved": (set(), set()),
    "after_renamed": ({("CKV_MLM_008", PROD, RENAMED, "FAILED")}, {PROD_ASYNC}),
    "after_duplicated": (
        {("CKV_MLM_009", DEV, MODULE_SERVERLESS, "FAILED"), ("CKV_MLM_003", DEV, MODULE_MODEL, "UNKNOWN")},
        set(),
    ),
}


@pytest.fixture
def baseline_of_before(tmp_path):
    destination = tmp_path / "accepted.json"
    create_baseline(checkout(tmp_path, "before"), destination)
    return destination


def test_the_baseline_of_before_holds_its_four_findings(baseline_of_before):
    document = json.loads(baseline_of_before.read_text())
    assert {(e["rule_id"], e["stack"], e["address"], e["verdict"]) for e in document["findings"]} == BEFORE


@pytest.mark.parametrize("after", SCENARIOS)
def test_baseline_suppresses_exactly_its_findings(tmp_path, baseline_of_before, after):
    added, fixed = SCENARIOS[after]
    head = checkout(tmp_path, after)
    code, report, _ = scan_json(".", "--baseline", str(baseline_of_before), cwd=head)
    found = marks(report)
    assert found["suppressed"] == BEFORE - fixed
    assert found["open"] == added
    assert found["fixed"] == fixed
    assert report["summary"]["suppressed"] == len(BEFORE - fixed)
    assert report["summary"]["fixed"] == len(fixed)
    assert report["summary"]["failed"] == sum(f[3] == "FAILED" for f in added)
    assert code == (1 if any(f[3] == "FAILED" for f in added) else 0)


@pytest.mark.parametrize("after", SCENARIOS)
def test_new_since_marks_new_and_existing_exactly(tmp_path, after):
    added, fixed = SCENARIOS[after]
    base, head = checkout(tmp_path, "before", "base"), checkout(tmp_path, after, "head")
    # The two-scan pattern: both scans from outside the checkouts, as a workflow runs them.
    _, base_report, _ = scan_json("base", cwd=tmp_path)
    (tmp_path / "base.json").write_text(json.dumps(base_report))
    code, report, _ = scan_json("head", "--new-since", "base.json", "--fail-on", "new", cwd=tmp_path)
    found = marks(report)
    assert found["new"] == added
    assert found["existing"] == BEFORE - fixed
    assert (report["summary"]["new"], report["summary"]["existing"]) == (len(added), len(BEFORE - fixed))
    assert code == (1 if any(f[3] == "FAILED" for f in added) else 0)
    assert base.is_dir() and head.is_dir()


def test_fail_on_any_still_fails_on_existing_findings(tmp_path):
    checkout(tmp_path, "before", "base")
    checkout(tmp_path, "after_moved", "head")
    _, base_report, _ = scan_json("base", cwd=tmp_path)
    (tmp_path / "base.json").write_text(json.dumps(base_report))
    code, report, _ = scan_json("head", "--new-since", "base.json", cwd=tmp_path)
    assert (code, report["summary"]["new"], report["summary"]["failed"]) == (1, 0, 3)


def test_a_suppressed_unknown_is_not_a_failure_even_with_strict(tmp_path, baseline_of_before):
    head = checkout(tmp_path, "after_moved")
    code, report, _ = scan_json(".", "--baseline", str(baseline_of_before), "--strict", cwd=head)
    assert ("CKV_MLM_003", PROD, MODULE_MODEL, "UNKNOWN") in marks(report)["suppressed"]
    assert code == 0
    code, _, _ = scan_json(".", "--strict", "--skip-check", "CKV_MLM_008,CKV_MLM_009", cwd=head)
    assert code == 1  # the same UNKNOWN, not baselined, fails under --strict


def test_strict_fails_on_a_new_unknown_with_fail_on_new(tmp_path):
    checkout(tmp_path, "before", "base")
    checkout(tmp_path, "after_duplicated", "head")
    only_003 = ("--skip-check", "CKV_MLM_008,CKV_MLM_009")
    _, base_report, _ = scan_json("base", *only_003, cwd=tmp_path)
    (tmp_path / "base.json").write_text(json.dumps(base_report))
    args = ("head", *only_003, "--new-since", "base.json", "--fail-on", "new")
    assert scan_json(*args, cwd=tmp_path)[0] == 0  # dev's new UNKNOWN is not a failure without --strict
    assert scan_json(*args, "--strict", cwd=tmp_path)[0] == 1


def test_prune_removes_exactly_the_fixed_findings(tmp_path, baseline_of_before):
    head = checkout(tmp_path, "after_renamed")
    _, report, stderr = scan_json(".", "--baseline", str(baseline_of_before), "--prune-baseline", cwd=head)
    assert marks(report)["fixed"] == {PROD_ASYNC}
    assert stderr == f"mlmarket: removed 1 fixed finding(s) from the baseline {baseline_of_before}\n"
    kept = json.loads(baseline_of_before.read_text())["findings"]
    assert {(e["rule_id"], e["stack"], e["address"], e["verdict"]) for e in kept} == BEFORE - {PROD_ASYNC}
    _, again, _ = scan_json(".", "--baseline", str(baseline_of_before), cwd=head)
    assert (marks(again)["fixed"], again["summary"]["fixed"]) == (set(), 0)


def test_a_narrower_scan_never_takes_findings_it_did_not_look_for_as_fixed(tmp_path, baseline_of_before):
    """Only CKV_MLM_009 runs, and only prod is scanned: the baseline's other findings are not fixed, and
    pruning keeps them."""
    head = checkout(tmp_path, "after_moved")
    before = baseline_of_before.read_bytes()
    only_009 = ("--skip-check", "CKV_MLM_003,CKV_MLM_008")
    args = ("stacks/prod", "--baseline", str(baseline_of_before), "--prune-baseline", *only_009)
    _, report, _ = scan_json(*args, cwd=head)
    assert marks(report)["suppressed"] == {("CKV_MLM_009", PROD, MODULE_SERVERLESS, "FAILED")}
    assert marks(report)["fixed"] == set()
    assert baseline_of_before.read_bytes() == before


def test_a_skip_comment_on_a_baselined_finding_makes_it_fixed(tmp_path, baseline_of_before):
    head = checkout(tmp_path, "after_moved")
    endpoints = head / "stacks/prod/endpoints.tf"
    endpoints.write_text(
        endpoints.read_text().replace(
            '"fail_async" {', '"fail_async" {\n  #checkov:skip=CKV_MLM_008:replaced next quarter'
        )
    )
    _, report, _ = scan_json(".", "--baseline", str(baseline_of_before), cwd=head)
    assert marks(report)["fixed"] == {PROD_ASYNC}
    skipped = [r for r in report["results"] if r["verdict"] == "SKIPPED"]
    assert [(r["rule_id"], r["message"]) for r in skipped] == [("CKV_MLM_008", "skipped: replaced next quarter")]


def test_create_baseline_applies_it_and_says_so(tmp_path):
    tree = checkout(tmp_path, "before")
    code, report, stderr = scan_json(".", "--create-baseline", cwd=tree)
    assert code == 0
    assert marks(report)["suppressed"] == BEFORE
    assert (report["summary"]["failed"], report["summary"]["unknown"], report["fixed"]) == (0, 0, [])
    assert stderr == "mlmarket: wrote 4 finding(s) to the baseline .mlmarket.baseline.json\n"
    assert (tree / ".mlmarket.baseline.json").is_file()


def test_baselines_of_the_same_tree_are_byte_identical_wherever_it_lies(tmp_path):
    """Sorted, no paths of the machine, no lines: committing it again after a rescan shows no diff."""
    first = checkout(tmp_path, "before", "one")
    moved = checkout(tmp_path / "elsewhere", "after_moved", "two")
    create_baseline(first, tmp_path / "one.json")
    create_baseline(moved, tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_the_configuration_names_the_baseline(tmp_path):
    tree = checkout(tmp_path, "after_added")
    (tree / ".mlmarket.yaml").write_text("baseline: ci/accepted.json\n")
    (tree / "ci").mkdir()
    create_baseline_tree = checkout(tmp_path, "before")
    (create_baseline_tree / ".mlmarket.yaml").write_text("baseline: ci/accepted.json\n")
    (create_baseline_tree / "ci").mkdir()
    code, _, stderr = scan_json(".", "--create-baseline", cwd=create_baseline_tree)
    assert (code, stderr) == (0, "mlmarket: wrote 4 finding(s) to the baseline ci/accepted.json\n")
    (tree / "ci" / "accepted.json").write_bytes((create_baseline_tree / "ci" / "accepted.json").read_bytes())
    code, report, _ = scan_json(".", cwd=tree)  # no option: the configuration's baseline applies
    assert marks(report)["suppressed"] == BEFORE
    assert marks(report)["open"] == {("CKV_MLM_009", DEV, ADDED, "FAILED")}
    assert code == 1


def test_without_a_configuration_create_baseline_writes_in_the_working_directory(tmp_path):
    tree = checkout(tmp_path, "before")
    code, _, _ = scan_json(str(tree), "--create-baseline", cwd=tmp_path)
    assert code == 0
    assert (tmp_path / ".mlmarket.baseline.json").is_file()
    assert not (tree / ".mlmarket.baseline.json").exists()


def test_inline_skips_keep_working_beside_a_baseline(tmp_path, baseline_of_before):
    head = checkout(tmp_path, "after_added")
    dev = head / "stacks/dev/main.tf"
    block = '"fail_added_serverless" {'
    dev.write_text(dev.read_text().replace(block, f"{block}\n  #checkov:skip=CKV_MLM_009:trial"))
    code, report, _ = scan_json(".", "--baseline", str(baseline_of_before), cwd=head)
    assert code == 0
    assert marks(report)["open"] == set()
    assert {r["address"] for r in report["results"] if r["verdict"] == "SKIPPED"} == {ADDED}


def test_create_baseline_writes_beside_the_configuration_file(tmp_path):
    tree = checkout(tmp_path, "before")
    (tree / ".mlmarket.yaml").write_text("publishing_region: us-east-1\n")
    code, _, stderr = scan_json("before", "--create-baseline", cwd=tmp_path)
    assert (code, stderr) == (0, "mlmarket: wrote 4 finding(s) to the baseline before/.mlmarket.baseline.json\n")
    assert (tree / ".mlmarket.baseline.json").is_file()

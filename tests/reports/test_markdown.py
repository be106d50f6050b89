"""Markdown for a pull-request comment: the summary, failures by rule with how to fix, the rest folded."""

from __future__ import annotations

import pytest

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import summary
from mlmarket.reports.markdown import render_markdown
from mlmarket.rules import get_rule
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, REPO
from support import made_result as made

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
    made("CKV_MLM_003", MODEL, Verdict.UNKNOWN, "the seller account is not known", file=None),
    made("CKV_MLM_001", MODEL, Verdict.PASSED, "enable_network_isolation is true", line=3),
    made("CKV_MLM_009", LEGACY, Verdict.SKIPPED, "skipped: retired in Q3", line=30, skip_reason="retired in Q3"),
    made("CKV_MLM_008", LEGACY, Verdict.SKIPPED, "skipped without a reason", line=30, skip_reason=""),
]


def how_to_fix(rule_id: str) -> str:
    return f"<details><summary>How to fix</summary>\n\n{get_rule(rule_id).metadata.remediation}\n\n</details>"


def heading(rule_id: str) -> str:
    meta = get_rule(rule_id).metadata
    return f"### {rule_id}: {meta.title}\n\nSeverity {meta.severity}. [Rule documentation]({meta.docs_url})"


def test_hand_built_comment():
    expected = f"""\
**mlmarket**: 2 failed, 1 unknown, 1 passed, 2 skipped: **failing**

{heading("CKV_MLM_002")}

| Location | Resource | Problem |
|---|---|---|
| `stacks/prod/main.tf:3` | `aws_sagemaker_model.model` | image is on docker.io |

{how_to_fix("CKV_MLM_002")}

{heading("CKV_MLM_009")}

| Location | Resource | Problem |
|---|---|---|
| `stacks/prod/main.tf:12` | `aws_sagemaker_endpoint_configuration.serverless` | uses serverless_config |

{how_to_fix("CKV_MLM_009")}

<details><summary>1 unknown</summary>

| Rule | Location | Resource | Why it cannot be judged |
|---|---|---|---|
| CKV_MLM_003 | - | `aws_sagemaker_model.model` | the seller account is not known |

</details>

<details><summary>2 skipped</summary>

| Rule | Location | Resource | Reason |
|---|---|---|---|
| CKV_MLM_008 | `stacks/prod/main.tf:30` | `aws_sagemaker_endpoint_configuration.legacy` | no reason given |
| CKV_MLM_009 | `stacks/prod/main.tf:30` | `aws_sagemaker_endpoint_configuration.legacy` | retired in Q3 |

</details>
"""
    assert render_markdown(HAND_BUILT) == expected


def test_remediation_keeps_its_hcl_block():
    assert "```hcl\n" in render_markdown(HAND_BUILT[:1])


def test_all_passed_is_one_line():
    passed = [r for r in HAND_BUILT if r.verdict is Verdict.PASSED] * 3
    assert render_markdown(passed) == "**mlmarket**: all 3 checks passed\n"


def test_no_results():
    assert render_markdown([]) == "**mlmarket**: no rule applied to the scanned resources\n"


def test_unknown_without_failure_is_incomplete_and_skips_alone_pass():
    unknown_only = [r for r in HAND_BUILT if r.verdict in (Verdict.UNKNOWN, Verdict.PASSED)]
    assert render_markdown(unknown_only).splitlines()[0] == (
        "**mlmarket**: 0 failed, 1 unknown, 1 passed, 0 skipped: **incomplete**"
    )
    assert "###" not in render_markdown(unknown_only)
    skipped_only = [r for r in HAND_BUILT if r.verdict in (Verdict.SKIPPED, Verdict.PASSED)]
    assert render_markdown(skipped_only).splitlines()[0] == (
        "**mlmarket**: 0 failed, 0 unknown, 1 passed, 2 skipped: **passing**"
    )


def test_table_cells_escape_pipes_newlines_and_html():
    tricky = made(
        "CKV_MLM_009",
        'aws_sagemaker_endpoint_configuration.multi["a|b"]',
        Verdict.FAILED,
        "variant 'x' | 'y'\nuses <serverless> & more",
        line=40,
    )
    (row,) = [line for line in render_markdown([tricky]).splitlines() if line.startswith("| `")]
    assert row == (
        '| `stacks/prod/main.tf:40` | `aws_sagemaker_endpoint_configuration.multi["a\\|b"]` '
        "| variant 'x' \\| 'y'<br>uses &lt;serverless&gt; &amp; more |"
    )


def test_failures_are_ordered_by_severity_then_rule():
    failures = [
        made("CKV_MLM_012", MODEL, Verdict.FAILED, "x"),
        made("CKV_MLM_009", MODEL, Verdict.FAILED, "x"),
        made("CKV_MLM_002", MODEL, Verdict.FAILED, "x"),
        made("CKV_MLM_001", MODEL, Verdict.FAILED, "x"),
    ]
    headings = [line.split(":")[0] for line in render_markdown(failures).splitlines() if line.startswith("### ")]
    assert headings == ["### CKV_MLM_002", "### CKV_MLM_001", "### CKV_MLM_009", "### CKV_MLM_012"]


@pytest.fixture
def example_results(monkeypatch) -> tuple[list[Result], set[str], str]:
    monkeypatch.chdir(REPO)
    for relative, failing in EXAMPLE_CHOICES:
        if (EXAMPLES / relative).is_file():
            path = f"terraform_examples/{relative}"
            return scan_path(path, Settings()), failing, path
    pytest.fail("neither serverless example plan exists")


def test_real_example(example_results):
    results, failing, path = example_results
    comment = render_markdown(results)
    counts = summary(results)
    assert comment.splitlines()[0] == (
        f"**mlmarket**: {counts['failed']} failed, {counts['unknown']} unknown, {counts['passed']} passed, "
        f"{counts['skipped']} skipped: **failing**"
    )
    assert heading("CKV_MLM_009") in comment
    assert how_to_fix("CKV_MLM_009") in comment
    for address in failing:
        assert f"| `{path}` | `{address}` | " in comment
    failed_rules = {r.rule_id for r in results if r.verdict is Verdict.FAILED}
    assert {line.split(":")[0][4:] for line in comment.splitlines() if line.startswith("### ")} == failed_rules

"""JUnit: one suite per rule, one case per (rule, resource); unknowns fail the gate, skips carry their reason."""

from __future__ import annotations

import pytest
from junitparser import Attr, IntAttr, JUnitXml, TestCase

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports.junit import render_junit
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


class LocatedCase(TestCase):
    file = Attr()
    line = IntAttr()




SERVERLESS = "aws_sagemaker_endpoint_configuration.serverless"
LEGACY = "aws_sagemaker_endpoint_configuration.legacy"
MODEL = "aws_sagemaker_model.model"
HAND_BUILT = [
    made("CKV_MLM_009", SERVERLESS, Verdict.FAILED, "uses serverless_config", line=12),
    made("CKV_MLM_002", MODEL, Verdict.FAILED, 'image "docker.io/a:b" is <public> & unpinned', line=3),
    made("CKV_MLM_003", MODEL, Verdict.UNKNOWN, "the seller account is not known"),
    made("CKV_MLM_001", MODEL, Verdict.PASSED, "enable_network_isolation is true", line=3),
    made("CKV_MLM_009", LEGACY, Verdict.SKIPPED, "skipped: retired in Q3", line=30, skip_reason="retired in Q3"),
    made("CKV_MLM_008", LEGACY, Verdict.SKIPPED, "skipped without a reason", line=30, skip_reason=""),
]


def outcome(case: TestCase) -> tuple[str, str | None, str | None]:
    if not case.result:
        return ("passed", None, None)
    (result,) = case.result
    return (type(result).__name__, result.type, result.message)


def parsed(results: list[Result]) -> JUnitXml:
    return JUnitXml.fromstring(render_junit(results))


def test_one_suite_per_rule_one_case_per_resource():
    xml = parsed(HAND_BUILT)
    cases = {(suite.name, case.classname, case.name): outcome(case) for suite in xml for case in suite}
    assert cases == {
        ("CKV_MLM_001", "CKV_MLM_001", MODEL): ("passed", None, None),
        ("CKV_MLM_002", "CKV_MLM_002", MODEL): (
            "Failure",
            "FAILED",
            'image "docker.io/a:b" is <public> & unpinned',
        ),
        ("CKV_MLM_003", "CKV_MLM_003", MODEL): ("Failure", "UNKNOWN", "the seller account is not known"),
        ("CKV_MLM_008", "CKV_MLM_008", LEGACY): ("Skipped", None, "skipped without a reason"),
        ("CKV_MLM_009", "CKV_MLM_009", LEGACY): ("Skipped", None, "retired in Q3"),
        ("CKV_MLM_009", "CKV_MLM_009", SERVERLESS): ("Failure", "FAILED", "uses serverless_config"),
    }
    assert [suite.name for suite in xml] == ["CKV_MLM_001", "CKV_MLM_002", "CKV_MLM_003", "CKV_MLM_008", "CKV_MLM_009"]


def test_counts_on_the_root_and_each_suite():
    xml = parsed(HAND_BUILT)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6, 3, 0, 2)
    counts = {suite.name: (suite.tests, suite.failures, suite.errors, suite.skipped) for suite in xml}
    assert counts == {
        "CKV_MLM_001": (1, 0, 0, 0),
        "CKV_MLM_002": (1, 1, 0, 0),
        "CKV_MLM_003": (1, 1, 0, 0),
        "CKV_MLM_008": (1, 0, 0, 1),
        "CKV_MLM_009": (2, 1, 0, 1),
    }


def test_failure_text_names_the_rule_and_its_guide():
    xml = parsed(HAND_BUILT[:1])
    (case,) = next(iter(xml))
    (failure,) = case.result
    meta = get_rule("CKV_MLM_009").metadata
    assert failure.text == f"{meta.title}\nuses serverless_config\nGuide: {meta.docs_url}"


def test_cases_carry_file_and_line_when_known():
    xml = parsed(HAND_BUILT)
    located = {
        (case.classname, case.name): (LocatedCase.fromelem(case).file, LocatedCase.fromelem(case).line)
        for suite in xml
        for case in suite
    }
    assert located[("CKV_MLM_009", SERVERLESS)] == ("stacks/prod/main.tf", 12)
    assert located[("CKV_MLM_003", MODEL)] == ("stacks/prod/main.tf", None)


def test_no_results_is_an_empty_run():
    xml = parsed([])
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (0, 0, 0, 0)
    assert list(xml) == []


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
    xml = parsed(results)
    (suite,) = [s for s in xml if s.name == "CKV_MLM_009"]
    failed = {case.name for case in suite if case.is_failure}
    assert failed == failing
    for case in suite:
        assert LocatedCase.fromelem(case).file == path
        assert case.classname == "CKV_MLM_009"
    assert xml.tests == len(results)
    assert xml.failures == sum(r.verdict in (Verdict.FAILED, Verdict.UNKNOWN) for r in results)
    assert {s.name for s in xml} == {r.rule_id for r in results}

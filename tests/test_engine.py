"""The engine: one result per (rule, resource), skips with reasons, and rules that raise fail closed."""

from __future__ import annotations

from mlmarket.engine import evaluate
from mlmarket.model import Verdict
from mlmarket.rules import get_rule
from mlmarket.rules.base import Rule, RuleMetadata

from support import resource, stack


class Broken(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_999",
        title="Broken rule for the test",
        severity="LOW",
        guide_section="test section",
        risk="none at all, it is a test",
        remediation="```hcl\n```",
        resource_types=("aws_sagemaker_model",),
    )

    def evaluate(self, resource, stack):
        raise ValueError("boom")


def test_a_rule_that_raises_is_a_failed_result_with_the_error():
    (result,) = evaluate(stack(resource("aws_sagemaker_model", "m")), [Broken()])
    assert result.verdict is Verdict.FAILED
    assert result.message.startswith("rule error (ValueError at test_engine.py:")
    assert result.message.endswith("): boom")


def test_inline_skip_with_and_without_reason():
    serverless = {"production_variants": [{"variant_name": "a", "serverless_config": [{"max_concurrency": 1}]}]}
    results = evaluate(
        stack(
            resource(
                "aws_sagemaker_endpoint_configuration",
                "with_reason",
                serverless,
                skips={"CKV_MLM_009": "legacy endpoint, retired in Q3"},
            ),
            resource("aws_sagemaker_endpoint_configuration", "without_reason", serverless, skips={"CKV_MLM_009": ""}),
        ),
        [get_rule("CKV_MLM_009")],
    )
    assert [(r.address, r.verdict, r.message, r.skip_reason) for r in results] == [
        (
            "aws_sagemaker_endpoint_configuration.with_reason",
            Verdict.SKIPPED,
            "skipped: legacy endpoint, retired in Q3",
            "legacy endpoint, retired in Q3",
        ),
        ("aws_sagemaker_endpoint_configuration.without_reason", Verdict.SKIPPED, "skipped without a reason", ""),
    ]


def test_configuration_skip_applies_to_every_resource():
    results = evaluate(
        stack(resource("aws_sagemaker_endpoint_configuration", "e", {})),
        [get_rule("CKV_MLM_009")],
        skips={"CKV_MLM_009": "not sold as real-time"},
    )
    assert [(r.verdict, r.message) for r in results] == [(Verdict.SKIPPED, "skipped: not sold as real-time")]

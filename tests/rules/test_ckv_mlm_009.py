"""CKV_MLM_009: no serverless inference."""

from __future__ import annotations

from mlmarket.model import Unknown, Verdict

from support import judge, resource, stack

RULE = "CKV_MLM_009"
TYPE = "aws_sagemaker_endpoint_configuration"


def variant(**extra):
    return {"variant_name": "primary", "model_name": "m", **extra}


def test_exact_verdicts_at_the_boundaries():
    results = judge(
        RULE,
        stack(
            resource(TYPE, "pass_instances", {"production_variants": [variant(instance_type="ml.m5.xlarge")]}),
            resource(TYPE, "pass_empty_serverless_block", {"production_variants": [variant(serverless_config=[])]}),
            resource(TYPE, "pass_no_variants", {}),
            resource(TYPE, "fail_serverless",
                     {"production_variants": [variant(serverless_config=[{"max_concurrency": 1}])]}),
            resource(TYPE, "fail_shadow_serverless", {
                "production_variants": [variant(instance_type="ml.m5.xlarge")],
                "shadow_production_variants": [variant(variant_name="shadow",
                                                       serverless_config={"memory_size_in_mb": 2048})],
            }),
            resource(TYPE, "unknown_variants", {"production_variants": Unknown("known only after apply")}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TYPE}.pass_instances": Verdict.PASSED,
        f"{TYPE}.pass_empty_serverless_block": Verdict.PASSED,
        f"{TYPE}.pass_no_variants": Verdict.PASSED,
        f"{TYPE}.fail_serverless": Verdict.FAILED,
        f"{TYPE}.fail_shadow_serverless": Verdict.FAILED,
        f"{TYPE}.unknown_variants": Verdict.UNKNOWN,
    }
    assert results[f"{TYPE}.fail_serverless"].message == (
        "production_variants[0] (variant 'primary') uses serverless_config; "
        "Marketplace supports only instance-based variants"
    )
    assert results[f"{TYPE}.fail_shadow_serverless"].message == (
        "shadow_production_variants[0] (variant 'shadow') uses serverless_config; "
        "Marketplace supports only instance-based variants"
    )
    assert results[f"{TYPE}.unknown_variants"].message == (
        "production_variants cannot be read before apply: known only after apply"
    )


def test_an_unknown_serverless_config_says_why():
    """Issue 16 item 6: the reason of an unknown serverless_config is in the message (it was left out)."""
    results = judge(
        RULE,
        stack(
            resource(TYPE, "unknown_serverless_config", {
                "production_variants": [variant(serverless_config=Unknown("var.serverless has no value"))],
            }),
        ),
    )
    assert {a: (r.verdict, r.message) for a, r in results.items()} == {
        f"{TYPE}.unknown_serverless_config": (
            Verdict.UNKNOWN,
            "production_variants[0] (variant 'primary') serverless_config cannot be read before apply: "
            "var.serverless has no value",
        ),
    }

"""CKV_MLM_017: model packages and algorithms certified for Marketplace are unversioned and validated."""

from __future__ import annotations

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_017"
PACKAGE = "awscc_sagemaker_model_package"
ALGORITHM = "aws_sagemaker_algorithm"
CC_ALGORITHM = "awscc_sagemaker_algorithm"
VALIDATION = {
    "validation_role": "arn:aws:iam::111122223333:role/v",
    "validation_profiles": [{"profile_name": "p1", "transform_job_definition": {"max_payload_in_mb": 6}}],
}
CERTIFY_NO_VALIDATION = (
    "certify_for_marketplace is true but there is no validation_specification: "
    "Marketplace certifies only what SageMaker validated"
)


def certified(resource_type, name, certify=True, **attributes):
    return resource(resource_type, name, {"certify_for_marketplace": certify, **attributes})


def test_model_packages():
    group_reference = Unknown(
        "`awscc_sagemaker_model_package_group.g.model_package_group_name` is only known at apply time",
        ("awscc_sagemaker_model_package_group.g.model_package_group_name",),
    )
    results = judge(
        RULE,
        stack(
            resource("awscc_sagemaker_model_package_group", "g", {"model_package_group_name": "models"}),
            resource(PACKAGE, "pass_certify_omitted", {"model_package_group_name": "models"}),
            certified(PACKAGE, "pass_certify_false", False, model_package_group_name="models"),
            certified(PACKAGE, "pass_certify_false_string", "false"),
            certified(PACKAGE, "pass_certified_with_validation", validation_specification=VALIDATION),
            certified(PACKAGE, "pass_certified_string_true", "true", validation_specification=[VALIDATION]),
            certified(PACKAGE, "pass_skip_none", validation_specification=VALIDATION, skip_model_validation="None"),
            certified(
                PACKAGE, "pass_empty_group_name", validation_specification=VALIDATION, model_package_group_name=""
            ),
            certified(PACKAGE, "fail_string_true_without_validation", "true"),
            certified(PACKAGE, "fail_empty_validation_specification", validation_specification=[]),
            certified(
                PACKAGE,
                "fail_validation_without_profiles",
                validation_specification={"validation_role": "arn:aws:iam::111122223333:role/v"},
            ),
            certified(
                PACKAGE, "fail_versioned", validation_specification=VALIDATION, model_package_group_name="models"
            ),
            certified(
                PACKAGE,
                "fail_versioned_by_reference",
                validation_specification=VALIDATION,
                model_package_group_name=group_reference,
            ),
            certified(PACKAGE, "fail_skip_all", validation_specification=VALIDATION, skip_model_validation="All"),
            certified(
                PACKAGE,
                "fail_versioned_and_skipped",
                validation_specification=VALIDATION,
                skip_model_validation="All",
                model_package_group_name="models",
            ),
            certified(PACKAGE, "fail_beats_unknown", skip_model_validation=Unknown("var.skip has no value")),
            certified(PACKAGE, "unknown_certify", Unknown("var.certify has no value in the configuration")),
            certified(PACKAGE, "unknown_certify_not_a_boolean", "yes"),
            certified(
                PACKAGE, "unknown_validation_specification", validation_specification=Unknown("known after apply")
            ),
            certified(
                PACKAGE,
                "unknown_skip",
                validation_specification=VALIDATION,
                skip_model_validation=Unknown("var.skip has no value"),
            ),
            certified(
                PACKAGE,
                "unknown_group_name",
                validation_specification=VALIDATION,
                model_package_group_name=Unknown("var.group has no value"),
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PACKAGE}.pass_certify_omitted": Verdict.PASSED,
        f"{PACKAGE}.pass_certify_false": Verdict.PASSED,
        f"{PACKAGE}.pass_certify_false_string": Verdict.PASSED,
        f"{PACKAGE}.pass_certified_with_validation": Verdict.PASSED,
        f"{PACKAGE}.pass_certified_string_true": Verdict.PASSED,
        f"{PACKAGE}.pass_skip_none": Verdict.PASSED,
        f"{PACKAGE}.pass_empty_group_name": Verdict.PASSED,
        f"{PACKAGE}.fail_string_true_without_validation": Verdict.FAILED,
        f"{PACKAGE}.fail_empty_validation_specification": Verdict.FAILED,
        f"{PACKAGE}.fail_validation_without_profiles": Verdict.FAILED,
        f"{PACKAGE}.fail_versioned": Verdict.FAILED,
        f"{PACKAGE}.fail_versioned_by_reference": Verdict.FAILED,
        f"{PACKAGE}.fail_skip_all": Verdict.FAILED,
        f"{PACKAGE}.fail_versioned_and_skipped": Verdict.FAILED,
        f"{PACKAGE}.fail_beats_unknown": Verdict.FAILED,
        f"{PACKAGE}.unknown_certify": Verdict.UNKNOWN,
        f"{PACKAGE}.unknown_certify_not_a_boolean": Verdict.UNKNOWN,
        f"{PACKAGE}.unknown_validation_specification": Verdict.UNKNOWN,
        f"{PACKAGE}.unknown_skip": Verdict.UNKNOWN,
        f"{PACKAGE}.unknown_group_name": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["pass_certify_false"] == (
        "not submitted for Marketplace certification (certify_for_marketplace is not true)"
    )
    assert messages["pass_certified_with_validation"] == (
        "certified for Marketplace, unversioned and with a validation profile"
    )
    assert messages["fail_string_true_without_validation"] == CERTIFY_NO_VALIDATION
    assert messages["fail_validation_without_profiles"] == (
        "certify_for_marketplace is true but validation_specification has no validation_profiles"
    )
    assert messages["fail_versioned_by_reference"] == (
        "certify_for_marketplace is true but model_package_group_name refers to "
        "awscc_sagemaker_model_package_group.g: a versioned model package cannot be listed"
    )
    assert messages["fail_versioned_and_skipped"] == (
        'certify_for_marketplace is true but skip_model_validation is "All": validation is required; '
        "certify_for_marketplace is true but model_package_group_name is 'models': a versioned model package "
        "cannot be listed; give it a model_package_name instead"
    )
    assert messages["unknown_certify"] == (
        "certify_for_marketplace cannot be judged: var.certify has no value in the configuration"
    )
    assert (
        messages["unknown_certify_not_a_boolean"] == "certify_for_marketplace cannot be judged: 'yes' is not a boolean"
    )
    assert (
        messages["unknown_group_name"] == "model_package_group_name cannot be read before apply: var.group has no value"
    )


def test_algorithms():
    results = judge(
        RULE,
        stack(
            certified(ALGORITHM, "pass_certified_with_validation", validation_specification=[VALIDATION]),
            certified(ALGORITHM, "fail_certified_without_validation"),
            certified(ALGORITHM, "pass_not_certified", False),
            certified(CC_ALGORITHM, "fail_certified_without_validation"),
            certified(CC_ALGORITHM, "pass_not_certified", "false"),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{ALGORITHM}.pass_certified_with_validation": Verdict.PASSED,
        f"{ALGORITHM}.fail_certified_without_validation": Verdict.FAILED,
        f"{ALGORITHM}.pass_not_certified": Verdict.PASSED,
        f"{CC_ALGORITHM}.fail_certified_without_validation": Verdict.FAILED,
        f"{CC_ALGORITHM}.pass_not_certified": Verdict.PASSED,
    }
    assert results[f"{CC_ALGORITHM}.fail_certified_without_validation"].message == CERTIFY_NO_VALIDATION


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{ALGORITHM}.pass_certified_with_validation", f"{ALGORITHM}.pass_not_certified"},
        "FAILED": {f"{ALGORITHM}.fail_certified_without_validation"},
    }


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {
            f"{PACKAGE}.pass_certified_with_validation",
            f"{PACKAGE}.pass_not_certified_versioned",
            f"{CC_ALGORITHM}.pass_algorithm_not_certified",
        },
        "FAILED": {
            f"{PACKAGE}.fail_versioned_package",
            f"{PACKAGE}.fail_certified_without_validation",
            f"{PACKAGE}.fail_validation_skipped",
            f"{CC_ALGORITHM}.fail_certified_algorithm_without_validation",
        },
    }

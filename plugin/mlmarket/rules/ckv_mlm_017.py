"""CKV_MLM_017: a model package or algorithm submitted for Marketplace certification can be certified."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown, as_bool, as_str, blocks, module_prefix
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_PACKAGE_TYPE = "awscc_sagemaker_model_package"
_ALGORITHM_TYPES = ("aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")
_SKIP_ALL = "All"


class CKV_MLM_017(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_017",
        title="Model packages and algorithms certified for Marketplace are unversioned and validated",
        severity="HIGH",
        guide_section=(
            "Service restrictions and quotas for machine learning products: Model package and algorithm validation"
        ),
        risk=(
            "Marketplace lists only unversioned model packages and algorithms that passed SageMaker's "
            "validation: with certify_for_marketplace set, a versioned package (in a model package group), "
            "one without validation_specification or one that skips validation is refused at publish time."
        ),
        remediation=(
            "Give the certified resource a name instead of a group, and a validation profile:\n\n"
            '```hcl\nresource "awscc_sagemaker_model_package" "this" {\n'
            '  model_package_name      = "my-model"  # not model_package_group_name\n'
            "  certify_for_marketplace = true\n\n"
            "  validation_specification = {\n"
            '    validation_role = "arn:aws:iam::111122223333:role/sagemaker-validation"\n'
            "    validation_profiles = [{\n"
            '      profile_name             = "validation"\n'
            "      transform_job_definition = { /* a batch transform of sample data */ }\n"
            "    }]\n  }\n}\n```"
        ),
        resource_types=(_PACKAGE_TYPE, *_ALGORITHM_TYPES),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding:
        certify = as_bool(resource.get("certify_for_marketplace"))
        if isinstance(certify, Unknown):
            return unknown(f"certify_for_marketplace cannot be judged: {certify.reason}")
        if certify is not True:
            return passed("not submitted for Marketplace certification (certify_for_marketplace is not true)")
        findings = [_judge_validation(resource), _judge_skip(resource)]
        if resource.type == _PACKAGE_TYPE:
            findings.append(_judge_versioning(resource, stack))
        return worst(findings, "certified for Marketplace, unversioned and with a validation profile")


def _judge_validation(resource: Resource) -> Finding:
    specs = blocks(resource.get("validation_specification"))
    if isinstance(specs, Unknown):
        return unknown(f"validation_specification cannot be read before apply: {specs.reason}")
    if not specs:
        return failed(
            "certify_for_marketplace is true but there is no validation_specification: Marketplace "
            "certifies only what SageMaker validated"
        )
    profiles = blocks(specs[0].get("validation_profiles"))
    if isinstance(profiles, Unknown):
        return unknown(f"validation_specification.validation_profiles cannot be read before apply: {profiles.reason}")
    if not profiles:
        return failed("certify_for_marketplace is true but validation_specification has no validation_profiles")
    return passed("validated")


def _judge_skip(resource: Resource) -> Finding:
    skip = as_str(resource.get("skip_model_validation"))
    if isinstance(skip, Unknown):
        return unknown(f"skip_model_validation cannot be judged: {skip.reason}")
    if skip == _SKIP_ALL:
        return failed('certify_for_marketplace is true but skip_model_validation is "All": validation is required')
    return passed("validation is not skipped")


def _judge_versioning(resource: Resource, stack: Stack) -> Finding:
    group = resource.get("model_package_group_name")
    if isinstance(group, Unknown):
        # An argument that refers to another resource of the configuration is set, whatever its value.
        target = stack.referenced(group.references, module_prefix(resource.address))
        if target is None:
            return unknown(f"model_package_group_name cannot be read before apply: {group.reason}")
        return failed(
            f"certify_for_marketplace is true but model_package_group_name refers to {target.address}: "
            "a versioned model package cannot be listed"
        )
    if group is None or group == "":
        return passed("unversioned")
    return failed(
        f"certify_for_marketplace is true but model_package_group_name is {group!r}: a versioned model "
        "package cannot be listed; give it a model_package_name instead"
    )

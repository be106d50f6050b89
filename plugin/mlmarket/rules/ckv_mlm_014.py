"""CKV_MLM_014: a model package is not derived from an AWS built-in or a subscribed algorithm."""

from __future__ import annotations

import re
from typing import Any

from mlmarket import limits
from mlmarket.model import SELLER_ACCOUNT_HINT, Finding, Resource, Stack, Unknown, as_str, blocks, module_prefix
from mlmarket.model.pipeline import PIPELINE_TYPE, dig, pipeline_steps
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_PACKAGE_TYPE = "awscc_sagemaker_model_package"
_ALGORITHM_TYPES = ("aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")
_ALGORITHM_ARN = re.compile(
    r"^arn:aws(?:-cn|-us-gov)?:sagemaker:(?P<region>[a-z0-9-]*):(?P<account>[0-9]{12}):algorithm/(?P<name>.+)$"
)


class CKV_MLM_014(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_014",
        title="Model packages are not derived from an AWS built-in or a subscribed algorithm",
        severity="HIGH",
        guide_section=("Service restrictions and quotas for machine learning products: Model packages from algorithms"),
        risk=(
            "A seller can list only model packages it owns: one created from an AWS built-in algorithm or from "
            "another seller's Marketplace algorithm (a subscription) cannot be published, and the listing is "
            "refused after the package is built."
        ),
        remediation=(
            "Derive the package from an algorithm in your own account, or package your own inference image:\n\n"
            '```hcl\nresource "awscc_sagemaker_model_package" "this" {\n'
            '  model_package_name = "my-model"\n\n'
            "  source_algorithm_specification = {\n"
            "    source_algorithms = [{\n"
            '      algorithm_name = "my-algorithm"  # an algorithm in the seller account\n'
            '      model_data_url = "s3://my-model-artifacts-us-east-1/model.tar.gz"\n'
            "    }]\n  }\n}\n```"
        ),
        resource_types=(_PACKAGE_TYPE, PIPELINE_TYPE),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.type == PIPELINE_TYPE:
            return _judge_pipeline(resource, stack)
        spec = blocks(resource.get("source_algorithm_specification"))
        if isinstance(spec, Unknown):
            return unknown(f"source_algorithm_specification is unknown: {spec.reason}")
        findings = []
        for spec_block in spec:
            algorithms = blocks(spec_block.get("source_algorithms"))
            if isinstance(algorithms, Unknown):
                findings.append(
                    unknown(f"source_algorithm_specification.source_algorithms is unknown: {algorithms.reason}")
                )
                continue
            for index, algorithm in enumerate(algorithms):
                where = f"source_algorithm_specification.source_algorithms[{index}].algorithm_name"
                findings.append(_judge_algorithm(where, algorithm.get("algorithm_name"), resource, stack))
        if not findings:
            return passed("no source algorithm: the package is built from its own inference image")
        return worst(findings, "every source algorithm is in the seller's own account")


def _judge_pipeline(resource: Resource, stack: Stack) -> Finding | None:
    steps = pipeline_steps(resource)
    if isinstance(steps, Unknown):
        return unknown(f"the pipeline definition cannot be read: {steps.reason}")
    registrations = [step for step in steps if step.type == "RegisterModel"]
    if not registrations:
        return None
    findings = []
    for step in registrations:
        spec = dig(step.arguments, "SourceAlgorithmSpecification")
        algorithms = dig(spec, "SourceAlgorithms")
        where = f"{step.label} SourceAlgorithmSpecification.SourceAlgorithms"
        if isinstance(algorithms, Unknown):
            findings.append(unknown(f"{where} is unknown: {algorithms.reason}"))
            continue
        if isinstance(algorithms, dict):
            algorithms = [algorithms]
        for index, algorithm in enumerate(algorithms if isinstance(algorithms, list) else []):
            name = dig(algorithm, "AlgorithmName")
            findings.append(_judge_algorithm(f"{where}[{index}].AlgorithmName", name, resource, stack))
    return worst(findings, "every RegisterModel step registers a package from the seller's own algorithms or image")


def _judge_algorithm(where: str, value: Any, resource: Resource, stack: Stack) -> Finding:
    if isinstance(value, Unknown):
        return _judge_referenced_algorithm(where, value, resource, stack)
    name = as_str(value)
    if isinstance(name, Unknown):
        return unknown(f"{where}: {name.reason}")
    if not name:
        return unknown(f"{where} is not set")
    arn = _ALGORITHM_ARN.match(name)
    if arn is None:
        if name.startswith("arn:"):
            return unknown(f"{where} {name!r} is not a SageMaker algorithm ARN")
        return passed(f"{where} {name!r} is an algorithm of the package's own account")
    account = arn["account"]
    owner = limits.registry_owner(account)
    if owner is not None:
        return failed(
            f"{where} is {name!r} in account {account}, an {owner}: Marketplace does not list packages derived "
            "from AWS built-in algorithms"
        )
    seller = stack.seller_account
    if seller is None:
        return unknown(
            f"{where} is {name!r} in account {account}, and the seller account is unknown: {SELLER_ACCOUNT_HINT}"
        )
    if account != seller:
        return failed(
            f"{where} is {name!r} in account {account}, not the seller account {seller}: a package "
            "derived from a subscribed algorithm cannot be listed"
        )
    return passed(f"{where} is an algorithm of the seller account {seller}")


def _judge_referenced_algorithm(where: str, value: Unknown, resource: Resource, stack: Stack) -> Finding:
    target = stack.referenced(value.references, module_prefix(resource.address))
    if target is None or target.mode != "managed" or target.type not in _ALGORITHM_TYPES:
        return unknown(f"{where} is unknown: {value.reason}")
    seller = stack.seller_account
    if isinstance(target.account, str) and seller is not None and target.account != seller:
        return failed(
            f"{where} refers to {target.address}, created in account {target.account}, not the seller account {seller}"
        )
    return passed(f"{where} refers to {target.address}, an algorithm this configuration creates")

"""CKV_MLM_010: batch transform payload within the Marketplace batch limit."""

from __future__ import annotations

from typing import Any

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown, blocks
from mlmarket.model.pipeline import PIPELINE_TYPE, pipeline_steps
from mlmarket.rules._numeric_limits import (
    PACKAGE_TYPES,
    NotFinite,
    describe_number,
    limit_number,
    not_finite,
    validation_profiles,
)
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

SAGEMAKER_DEFAULT_MAX_PAYLOAD_MB = 6
"""`MaxPayloadInMB` that SageMaker applies when a transform job omits it, in MB.

A SageMaker API fact, not a Marketplace limit (so it is not in `mlmarket.limits`): SageMaker API Reference,
`CreateTransformJob`, `MaxPayloadInMB` ("The default value is 6 MB"). It matters when only
`MaxConcurrentTransforms` is set: the product of the two is what the batch limit bounds."""


class CKV_MLM_010(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_010",
        title=f"Batch transform payloads stay within {limits.BATCH_MAX_PAYLOAD_MB} MB",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Payload size for inference",
        risk=(
            f"AWS Marketplace caps a batch transform request at {limits.BATCH_MAX_PAYLOAD_MB} MB, for "
            "`MaxPayloadInMB` and for `MaxConcurrentTransforms` x `MaxPayloadInMB`. A validation transform job "
            "over it fails the publish-time validation, and a pipeline Transform step over it fails for buyers."
        ),
        remediation=(
            f"Keep `max_payload_in_mb` and `max_concurrent_transforms` x `max_payload_in_mb` at or below "
            f"{limits.BATCH_MAX_PAYLOAD_MB}:\n\n"
            "```hcl\ntransform_job_definition {\n  max_concurrent_transforms = 4\n"
            "  max_payload_in_mb         = 25\n  # transform_input, transform_output, transform_resources ...\n}\n```"
        ),
        resource_types=(*PACKAGE_TYPES, PIPELINE_TYPE),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.type == PIPELINE_TYPE:
            return _judge_pipeline(resource)
        return _judge_package(resource)


def _judge_package(resource: Resource) -> Finding:
    profiles = validation_profiles(resource.attributes)
    if isinstance(profiles, Unknown):
        return unknown(f"validation_specification cannot be read before apply: {profiles.reason}")
    findings: list[Finding] = []
    for label, profile in profiles:
        definitions = blocks(profile.get("transform_job_definition"))
        where = f"{label} transform_job_definition"
        if isinstance(definitions, Unknown):
            findings.append(unknown(f"{where} cannot be read before apply: {definitions.reason}"))
            continue
        for definition in definitions:
            findings.append(
                _judge_payload(
                    where,
                    payload=definition.get("max_payload_in_mb"),
                    concurrency=definition.get("max_concurrent_transforms"),
                    payload_name="max_payload_in_mb",
                    concurrency_name="max_concurrent_transforms",
                )
            )
    if not findings:
        return passed("no batch transform validation profile")
    return worst(
        findings, f"every validation transform job stays within the {limits.BATCH_MAX_PAYLOAD_MB} MB batch limit"
    )


def _judge_pipeline(resource: Resource) -> Finding | None:
    steps = pipeline_steps(resource)
    if isinstance(steps, Unknown):
        return unknown(f"the pipeline steps cannot be read: {steps.reason}")
    findings = [
        _judge_payload(
            step.label,
            payload=step.arguments.get("MaxPayloadInMB"),
            concurrency=step.arguments.get("MaxConcurrentTransforms"),
            payload_name="MaxPayloadInMB",
            concurrency_name="MaxConcurrentTransforms",
        )
        for step in steps
        if step.type == "Transform"
    ]
    if not findings:
        return None
    return worst(findings, f"every Transform step stays within the {limits.BATCH_MAX_PAYLOAD_MB} MB batch limit")


def _judge_payload(where: str, *, payload: Any, concurrency: Any, payload_name: str, concurrency_name: str) -> Finding:
    limit = limits.BATCH_MAX_PAYLOAD_MB
    payload_mb = limit_number(payload)
    if isinstance(payload_mb, NotFinite):
        return not_finite(where, payload_name, payload_mb)
    if isinstance(payload_mb, Unknown):
        return unknown(
            f"{where} {payload_name} cannot be checked against the {limit} MB batch limit: {payload_mb.reason}"
        )
    if payload_mb is None:
        payload_mb = SAGEMAKER_DEFAULT_MAX_PAYLOAD_MB
        payload_text = f"{describe_number(payload_mb)} (SageMaker's default {payload_name})"
    elif payload_mb > limit:
        return failed(f"{where} {payload_name} is {describe_number(payload_mb)}, over the {limit} MB batch limit")
    else:
        payload_text = describe_number(payload_mb)
    transforms = limit_number(concurrency)
    if isinstance(transforms, NotFinite):
        return not_finite(where, concurrency_name, transforms)
    if transforms is None:
        return passed(f"{where} {payload_name} is within the {limit} MB batch limit")
    if isinstance(transforms, Unknown):
        return unknown(
            f"{where} {concurrency_name} x {payload_name} cannot be checked against the {limit} MB batch limit: "
            f"{transforms.reason}"
        )
    total = transforms * payload_mb
    if total > limit:
        return failed(
            f"{where} {concurrency_name} x {payload_name} is {describe_number(transforms)} x {payload_text} = "
            f"{describe_number(total)} MB, over the {limit} MB batch limit"
        )
    return passed(f"{where} {concurrency_name} x {payload_name} is within the {limit} MB batch limit")

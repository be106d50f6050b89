"""CKV_MLM_011: batch transform invocations within the Marketplace batch time limit."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.model.pipeline import PIPELINE_TYPE, PipelineStep, dig, pipeline_steps
from mlmarket.rules._numeric_limits import NotFinite, describe_number, limit_number, not_finite
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_TIMEOUT_PATH = ("ModelClientConfig", "InvocationsTimeoutInSeconds")
_TIMEOUT_NAME = ".".join(_TIMEOUT_PATH)


class CKV_MLM_011(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_011",
        title=f"Batch transform invocations time out within {limits.BATCH_MAX_INVOCATION_SECONDS} seconds",
        severity="HIGH",
        guide_section=("Service restrictions and quotas for machine learning products: Processing time for inference"),
        risk=(
            f"AWS Marketplace allows one batch transform invocation at most {limits.BATCH_MAX_INVOCATION_SECONDS} "
            "seconds. A Transform step that waits longer for the container relies on a time the "
            "product is not allowed: its invocations are cut off and the batch job fails for buyers."
        ),
        remediation=(
            f"Keep `ModelClientConfig.InvocationsTimeoutInSeconds` at or below "
            f"{limits.BATCH_MAX_INVOCATION_SECONDS} (or leave it out to get SageMaker's default):\n\n"
            '```hcl\nresource "aws_sagemaker_pipeline" "this" {\n  # ...\n'
            '  pipeline_definition = jsonencode({\n    Version = "2020-12-01"\n    Steps = [{\n'
            '      Name = "BatchTransform"\n      Type = "Transform"\n      Arguments = {\n'
            "        # ModelName, TransformInput, TransformOutput, TransformResources ...\n"
            f"        ModelClientConfig = {{ InvocationsTimeoutInSeconds = {limits.BATCH_MAX_INVOCATION_SECONDS} }}\n"
            "      }\n    }]\n  })\n}\n```"
        ),
        resource_types=(PIPELINE_TYPE,),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        steps = pipeline_steps(resource)
        if isinstance(steps, Unknown):
            return unknown(f"the pipeline steps cannot be read: {steps.reason}")
        findings = [_judge_step(step) for step in steps if step.type == "Transform"]
        if not findings:
            return None
        return worst(
            findings,
            f"every Transform step times out invocations within the {limits.BATCH_MAX_INVOCATION_SECONDS} s "
            "batch limit",
        )


def _judge_step(step: PipelineStep) -> Finding:
    limit = limits.BATCH_MAX_INVOCATION_SECONDS
    timeout = limit_number(dig(step.arguments, *_TIMEOUT_PATH))
    if isinstance(timeout, NotFinite):
        return not_finite(step.label, _TIMEOUT_NAME, timeout)
    if isinstance(timeout, Unknown):
        return unknown(
            f"{step.label} {_TIMEOUT_NAME} cannot be checked against the {limit} s batch limit: {timeout.reason}"
        )
    if timeout is not None and timeout > limit:
        return failed(
            f"{step.label} {_TIMEOUT_NAME} is {describe_number(timeout)}, over the {limit} s batch invocation limit"
        )
    return passed(f"{step.label} {_TIMEOUT_NAME} is within the {limit} s batch invocation limit")

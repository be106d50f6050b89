"""CKV_MLM_012: managed spot training waits within the Marketplace spot limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown, Verdict, as_bool, blocks, first_block
from mlmarket.model.pipeline import PIPELINE_TYPE, dig, pipeline_steps
from mlmarket.rules._numeric_limits import (
    ALGORITHM_TYPES,
    NotFinite,
    describe_number,
    limit_number,
    not_finite,
    validation_profiles,
)
from mlmarket.rules.base import Rule, RuleMetadata, passed, unknown, worst

TRAINING_JOB_TYPE = "aws_sagemaker_training_job"
TUNING_JOB_TYPE = "aws_sagemaker_hyper_parameter_tuning_job"
_TUNING_DEFINITION_LISTS = ("training_job_definition", "training_job_definitions")


@dataclass(frozen=True)
class _Names:
    """How the source spells the three settings: Terraform arguments or SageMaker API fields."""

    spot: str
    wait: str
    runtime: str


_TERRAFORM = _Names(
    "enable_managed_spot_training",
    "stopping_condition.max_wait_time_in_seconds",
    "stopping_condition.max_runtime_in_seconds",
)
_API = _Names(
    "EnableManagedSpotTraining",
    "StoppingCondition.MaxWaitTimeInSeconds",
    "StoppingCondition.MaxRuntimeInSeconds",
)


class CKV_MLM_012(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_012",
        title=f"Managed spot training waits at most {limits.SPOT_MAX_WAIT_SECONDS} seconds",
        severity="MEDIUM",
        guide_section="Service restrictions and quotas for machine learning products: Managed spot training",
        risk=(
            f"AWS Marketplace limits the wait of a managed spot training job to {limits.SPOT_MAX_WAIT_SECONDS} "
            "seconds. A spot job with no wait, a longer wait, or a maximum runtime longer than its wait is "
            "rejected: the algorithm's validation fails at publish time, or buyers' training jobs fail."
        ),
        remediation=(
            f"Set `max_wait_time_in_seconds` at most {limits.SPOT_MAX_WAIT_SECONDS} and no shorter than "
            "`max_runtime_in_seconds` (or turn managed spot training off):\n\n"
            "```hcl\nenable_managed_spot_training = true\n\nstopping_condition {\n"
            f"  max_runtime_in_seconds   = {limits.SPOT_MAX_WAIT_SECONDS}\n"
            f"  max_wait_time_in_seconds = {limits.SPOT_MAX_WAIT_SECONDS}\n}}\n```"
        ),
        resource_types=(TRAINING_JOB_TYPE, TUNING_JOB_TYPE, *ALGORITHM_TYPES, PIPELINE_TYPE),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.type == PIPELINE_TYPE:
            return _judge_pipeline(resource)
        if resource.type in ALGORITHM_TYPES:
            return _judge_algorithm(resource)
        if resource.type == TUNING_JOB_TYPE:
            return _judge_tuning_job(resource)
        return _judge_terraform_definition("", resource.attributes)


def _all_passed() -> str:
    return f"every spot training job waits at most {limits.SPOT_MAX_WAIT_SECONDS} s"


def _judge_terraform_definition(where: str, definition: dict[str, Any]) -> Finding:
    stopping = first_block(definition.get("stopping_condition"))
    return _judge_spot(
        where,
        definition.get("enable_managed_spot_training"),
        _stopping_value(stopping, "max_wait_time_in_seconds"),
        _stopping_value(stopping, "max_runtime_in_seconds"),
        _TERRAFORM,
    )


def _stopping_value(stopping: dict[str, Any] | Unknown | None, key: str) -> Any:
    if isinstance(stopping, Unknown):
        return stopping
    return None if stopping is None else stopping.get(key)


def _judge_tuning_job(resource: Resource) -> Finding:
    findings: list[Finding] = []
    for list_name in _TUNING_DEFINITION_LISTS:
        definitions = blocks(resource.get(list_name))
        if isinstance(definitions, Unknown):
            findings.append(unknown(f"{list_name} cannot be read before apply: {definitions.reason}"))
            continue
        for index, definition in enumerate(definitions):
            findings.append(_judge_terraform_definition(f"{list_name}[{index}] ", definition))
    if not findings:
        return passed("no training job definition")
    return worst(findings, _all_passed())


def _judge_algorithm(resource: Resource) -> Finding:
    profiles = validation_profiles(resource.attributes)
    if isinstance(profiles, Unknown):
        return unknown(f"validation_specification cannot be read before apply: {profiles.reason}")
    findings: list[Finding] = []
    for label, profile in profiles:
        definitions = blocks(profile.get("training_job_definition"))
        where = f"{label} training_job_definition "
        if isinstance(definitions, Unknown):
            findings.append(unknown(f"{where}cannot be read before apply: {definitions.reason}"))
            continue
        for definition in definitions:
            stopping = first_block(definition.get("stopping_condition"))
            # A validation training job definition has no spot switch: judge the wait wherever it is set.
            wait = _stopping_value(stopping, "max_wait_time_in_seconds")
            runtime = _stopping_value(stopping, "max_runtime_in_seconds")
            verdict, text = _judge_wait(wait, runtime, _TERRAFORM, wait_required=False)
            findings.append(Finding(verdict, where + text))
    if not findings:
        return passed("no validation training job definition")
    return worst(findings, _all_passed())


def _judge_pipeline(resource: Resource) -> Finding | None:
    steps = pipeline_steps(resource)
    if isinstance(steps, Unknown):
        return unknown(f"the pipeline steps cannot be read: {steps.reason}")
    findings: list[Finding] = []
    for step in steps:
        if step.type == "Training":
            findings.append(_judge_api_definition(f"{step.label} ", step.arguments))
        elif step.type == "Tuning":
            single = step.arguments.get("TrainingJobDefinition")
            if single is not None:
                findings.append(_judge_api_definition(f"{step.label} TrainingJobDefinition ", single))
            many = step.arguments.get("TrainingJobDefinitions")
            if isinstance(many, Unknown):
                findings.append(unknown(f"{step.label} TrainingJobDefinitions cannot be read: {many.reason}"))
            elif isinstance(many, list):
                for index, definition in enumerate(many):
                    where = f"{step.label} TrainingJobDefinitions[{index}] "
                    findings.append(_judge_api_definition(where, definition))
    if not findings:
        return None
    return worst(findings, _all_passed())


def _judge_api_definition(where: str, definition: Any) -> Finding:
    if isinstance(definition, Unknown):
        return unknown(f"{where}cannot be read: {definition.reason}")
    return _judge_spot(
        where,
        dig(definition, "EnableManagedSpotTraining"),
        dig(definition, "StoppingCondition", "MaxWaitTimeInSeconds"),
        dig(definition, "StoppingCondition", "MaxRuntimeInSeconds"),
        _API,
    )


def _judge_spot(where: str, spot_value: Any, wait: Any, runtime: Any, names: _Names) -> Finding:
    spot = as_bool(spot_value)
    if spot is None or spot is False:
        return passed(f"{where}does not use managed spot training")
    verdict, text = _judge_wait(wait, runtime, names, wait_required=True)
    if isinstance(spot, Unknown) and verdict is Verdict.FAILED:
        # Only a problem if spot training turns out to be on.
        return unknown(f"{where}{names.spot} cannot be known ({spot.reason}), and with spot training on: {text}")
    return Finding(verdict, where + text)


def _judge_wait(wait: Any, runtime: Any, names: _Names, *, wait_required: bool) -> tuple[Verdict, str]:
    """The verdict for a spot job's stopping condition, and its message without the location."""
    limit = limits.SPOT_MAX_WAIT_SECONDS
    wait_seconds = limit_number(wait)
    if isinstance(wait_seconds, NotFinite):
        return Verdict.FAILED, not_finite("", names.wait, wait_seconds).message.lstrip()
    if isinstance(wait_seconds, Unknown):
        return (
            Verdict.UNKNOWN,
            f"{names.wait} cannot be checked against the {limit} s spot limit: {wait_seconds.reason}",
        )
    if wait_seconds is None:
        if wait_required:
            return (
                Verdict.FAILED,
                f"uses managed spot training without {names.wait}; Marketplace allows a spot wait of at most {limit} s",
            )
        return Verdict.PASSED, f"sets no {names.wait}"
    if wait_seconds > limit:
        return (
            Verdict.FAILED,
            f"{names.wait} is {describe_number(wait_seconds)}, over the {limit} s spot training limit",
        )
    runtime_seconds = limit_number(runtime)
    if isinstance(runtime_seconds, NotFinite):
        return Verdict.FAILED, not_finite("", names.runtime, runtime_seconds).message.lstrip()
    if isinstance(runtime_seconds, Unknown):
        return Verdict.UNKNOWN, f"{names.runtime} cannot be compared with {names.wait}: {runtime_seconds.reason}"
    if runtime_seconds is not None and runtime_seconds > wait_seconds:
        return (
            Verdict.FAILED,
            f"{names.runtime} is {describe_number(runtime_seconds)}, longer than {names.wait} "
            f"({describe_number(wait_seconds)})",
        )
    return Verdict.PASSED, f"{names.wait} is within the {limit} s spot limit"

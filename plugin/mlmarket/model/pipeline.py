"""SageMaker pipeline definitions (`aws_sagemaker_pipeline.pipeline_definition`) as typed steps.

A definition is a JSON document whose steps carry the SageMaker API request of the job they start
(`Training` -> CreateTrainingJob, `Transform` -> CreateTransformJob, ...). Values written as pipeline
expressions (`{"Get": "Parameters.X"}`, `{"Std:Join": ...}`) are resolved only when the pipeline runs, so
they become `Unknown` here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlmarket.model import Resource, Unknown

PIPELINE_TYPE = "aws_sagemaker_pipeline"
_MAX_DEPTH = 64


@dataclass(frozen=True)
class PipelineStep:
    name: str
    type: str
    arguments: dict[str, Any]

    @property
    def label(self) -> str:
        return f"step {self.name!r} ({self.type})"


def pipeline_steps(resource: Resource) -> list[PipelineStep] | Unknown:
    """Every step of the pipeline, nested ones (Condition branches) included; parsed once per resource."""
    return resource.derive("pipeline_steps", _read_steps)


def _read_steps(resource: Resource) -> list[PipelineStep] | Unknown:
    definition = resource.get("pipeline_definition")
    if definition is None:
        if resource.get("pipeline_definition_s3_location") is not None:
            return Unknown("the pipeline definition is stored in S3 and cannot be read from Terraform")
        return []
    document = read_definition(definition)
    if isinstance(document, Unknown):
        return document
    steps: list[PipelineStep] = []
    unknown = _collect(document.get("Steps"), steps, 0)
    return unknown if unknown is not None else steps


def read_definition(definition: Any) -> dict[str, Any] | Unknown:
    if isinstance(definition, Unknown):
        return definition
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except (ValueError, RecursionError):
            return Unknown("pipeline_definition is not valid JSON")
    if not isinstance(definition, dict):
        return Unknown("pipeline_definition is not a JSON object")
    return _resolve(definition, 0)


def _collect(raw_steps: Any, into: list[PipelineStep], depth: int) -> Unknown | None:
    """Append the steps; an Unknown when steps or a step's arguments are only known when the pipeline runs."""
    if isinstance(raw_steps, Unknown):
        return raw_steps
    if depth > _MAX_DEPTH or not isinstance(raw_steps, list):
        return None
    for raw in raw_steps:
        if isinstance(raw, Unknown):
            return raw
        if not isinstance(raw, dict):
            continue
        name = raw.get("Name")
        step_type = raw.get("Type")
        arguments = raw.get("Arguments")
        if isinstance(arguments, Unknown):
            # Judging the step without its arguments would read every setting as absent.
            return Unknown(f"the arguments of step {name!r} are only known when the pipeline runs")
        into.append(
            PipelineStep(
                name=name if isinstance(name, str) else "(unnamed)",
                type=step_type if isinstance(step_type, str) else "(untyped)",
                arguments=arguments if isinstance(arguments, dict) else {},
            )
        )
        # Condition steps nest their branches in Arguments.IfSteps / ElseSteps.
        if isinstance(arguments, dict):
            for branch in ("IfSteps", "ElseSteps"):
                unknown = _collect(arguments.get(branch), into, depth + 1)
                if unknown is not None:
                    return unknown
    return None


def _resolve(value: Any, depth: int) -> Any:
    """Replace pipeline expressions by Unknown, leaving literal values as they are."""
    if depth > _MAX_DEPTH:
        return Unknown("pipeline definition nested too deeply")
    if isinstance(value, dict):
        expression = _expression_kind(value)
        if expression:
            return Unknown(f"pipeline expression {expression} is resolved only when the pipeline runs")
        if depth < _MAX_DEPTH:  # literals (most of a definition) kept as they are, without a call each
            deeper = depth + 1
            return {key: _resolve(item, deeper) if isinstance(item, _NESTED) else item for key, item in value.items()}
        return {key: _resolve(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth < _MAX_DEPTH:
            return [_resolve(item, depth + 1) if isinstance(item, _NESTED) else item for item in value]
        return [_resolve(item, depth + 1) for item in value]
    return value


_NESTED = (dict, list)


def _expression_kind(value: dict[str, Any]) -> str | None:
    if len(value) != 1:
        return None
    (key,) = value
    if key == "Get":
        return f"{{Get: {value[key]!r}}}" if isinstance(value[key], str) else "{Get: ...}"
    if key.startswith("Std:"):
        return f"{{{key}: ...}}"
    return None


def dig(mapping: Any, *path: str) -> Any:
    """Follow keys through nested dicts; None where a key is missing, the Unknown where one blocks the way."""
    current = mapping
    for key in path:
        if isinstance(current, Unknown):
            return current
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current

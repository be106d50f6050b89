"""SageMaker API requests -> the normalized model: request files for `mlmarket scan`, and the calls the guard sees.

A request file holds the JSON of one create operation, as `aws sagemaker <operation> --cli-input-json` takes it (the
`--generate-cli-skeleton` shape) or as boto3 keyword arguments written to JSON: the two are the same document. The
operation comes from `--request` or from a file name ending `.<Operation>.json`. botocore's own parameter
validation checks the request against the operation's input shape in its SageMaker service model, so a request the
API would refuse is an input error naming the first wrong field, never judged as if it were valid. The request then
goes through the mapping the audit uses (`sagemaker_api.request_resource`), into the resources the rules judge.

Rule messages name Terraform-shaped attribute paths (`inference_specification.containers[0].image`);
`ApiWording` says them in the request's own words (`InferenceSpecification.Containers[0].Image`).

botocore is imported only when a request is read, so a plan scan never loads it (tests/architecture).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from mlmarket.errors import InputError
from mlmarket.model import Stack, Unknown
from mlmarket.model.pipeline import PipelineStep
from mlmarket.readers.jsonfile import display_path, read_bytes
from mlmarket.readers.sagemaker_api import (
    REQUEST_KINDS,
    TRANSFORM_JOB,
    TRANSFORM_STEP_TYPE,
    renamed_request_fields,
    request_resource,
    snake_case,
)

if TYPE_CHECKING:
    from botocore.model import Shape

SUPPORTED_OPERATIONS = tuple(REQUEST_KINDS)

MAX_REQUEST_BYTES = 16 * 1024 * 1024
"""The largest request file read (16 MiB): SageMaker takes at most 1 MB of pipeline definition, the largest field
of any of these requests, so a bigger file is not a request SageMaker would accept."""

_OPERATION_IN_NAME = re.compile(r"\.(?P<operation>[A-Z][A-Za-z0-9]*)\.json$")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]+")
REGION_HINT = "pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set publishing_region in .mlmarket.yaml"


def check_operation(operation: str) -> str:
    """`--request`'s value, if it names a supported operation; ValueError naming them otherwise."""
    if operation not in REQUEST_KINDS:
        raise ValueError(f"--request {operation!r} is not a supported operation; mlmarket checks {_listed()}")
    return operation


def request_operation(path: str, option: str | None) -> str | None:
    """The operation of the request at `path`: `--request`'s, else the one its file name ends with
    (`package.CreateModelPackage.json`); None when `path` is not a request file (a plan, a directory)."""
    if option is not None:
        if os.path.isdir(path):
            raise InputError(path, f"is a directory; --request {option} takes request files")
        return option
    match = _OPERATION_IN_NAME.search(os.path.basename(path))
    if match is None:
        return None
    operation = match["operation"]
    if operation in REQUEST_KINDS:
        return operation
    if operation.startswith("Create"):
        raise InputError(path, f"{operation} requests are not checked; mlmarket checks {_listed()}")
    return None


def _listed() -> str:
    return ", ".join(SUPPORTED_OPERATIONS)


def request_region(flag: str | None, publishing_region: str | None) -> str | Unknown:
    """The region a request is sent to: `--region`, else AWS_REGION, else AWS_DEFAULT_REGION (as the AWS CLI and
    boto3 read them), else the configured publishing region; Unknown (with how to set it) when none is set."""
    sources = (
        ("--region", flag),
        ("environment variable AWS_REGION", os.environ.get("AWS_REGION")),
        ("environment variable AWS_DEFAULT_REGION", os.environ.get("AWS_DEFAULT_REGION")),
    )
    for where, value in sources:
        if value:  # an empty variable counts as unset, as CI systems define variables they leave empty
            if not _REGION.fullmatch(value):
                raise InputError(where, f"{value!r} is not a region name (such as us-east-1)")
            return value
    if publishing_region:
        return publishing_region
    return Unknown(f"no region is set for the request: {REGION_HINT}")


def read_request(path: str, operation: str, region: str | Unknown) -> Stack:
    """One request file as a stack of the one resource it creates, addressed `<Operation>:<file name>`."""
    params = _load(path)
    problem = validation_problem(params, input_shape(operation))
    if problem is not None:
        raise InputError(path, f"not a valid {operation} request: {problem}")
    definition_problem = pipeline_definition_problem(operation, params)
    if definition_problem is not None:
        raise InputError(path, definition_problem)
    shown = display_path(path)
    resource = request_resource(
        operation, params, address=f"{operation}:{os.path.basename(shown)}", region=region
    )
    resource.file = shown
    return Stack(
        source=shown, resources=[resource], default_region=region if isinstance(region, str) else None
    )


def _load(path: str) -> dict[str, Any]:
    data = read_bytes(path, MAX_REQUEST_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as some Windows editors write
        data = data[3:]
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise InputError(path, f"invalid UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to be a SageMaker request") from None
    except ValueError as error:  # NaN/Infinity, or a number of more digits than Python converts
        raise InputError(path, f"invalid JSON: {error}") from None
    if not isinstance(document, dict):
        raise InputError(path, "a SageMaker request file holds one JSON object (the operation's parameters)")
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def pipeline_definition_problem(operation: str, params: dict[str, Any]) -> str | None:
    """SageMaker refuses a CreatePipeline whose PipelineDefinition is not a JSON object: say so, never judge it."""
    definition = params.get("PipelineDefinition") if operation == "CreatePipeline" else None
    if not isinstance(definition, str):
        return None
    try:
        document = json.loads(definition)
    except (ValueError, RecursionError):
        return "PipelineDefinition is not valid JSON"
    return None if isinstance(document, dict) else "PipelineDefinition is not a JSON object"


@cache
def _service_model() -> Any:
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    return ServiceModel(create_loader().load_service_model("sagemaker", "service-2"), "sagemaker")


def input_shape(operation: str) -> Shape:
    """The operation's input shape in the SageMaker service model of the installed botocore."""
    return _service_model().operation_model(operation).input_shape


def validation_problem(params: dict[str, Any], shape: Shape) -> str | None:
    """botocore's parameter validation (what a client runs before it sends the request): None when the request
    fits the input shape, else its first error, naming the field. Values are left out: they may be secrets."""
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(_with_idempotency_tokens(params, shape), shape)
    if not report.has_errors():
        return None
    errors = getattr(report, "_errors", None)
    if not errors:  # a botocore that keeps its errors elsewhere: its own first line (which may quote a value)
        return report.generate_report().splitlines()[0]
    return _describe_error(*errors[0])


def _with_idempotency_tokens(params: dict[str, Any], shape: Shape) -> dict[str, Any]:
    """botocore fills a missing idempotency token (CreatePipeline's ClientRequestToken) with a fresh UUID before
    it validates, as the AWS CLI does: a request without one is valid."""
    missing = [
        name for name, member in shape.members.items() if member.metadata.get("idempotencyToken") and name not in params
    ]
    return {**params, **dict.fromkeys(missing, "00000000-0000-4000-8000-000000000000")} if missing else params


def _describe_error(kind: str, name: str, details: dict[str, Any]) -> str:
    where = name.lstrip(".")
    if kind == "missing required field":
        field = f"{where}.{details['required_name']}" if where else details["required_name"]
        return f"{field} is required"
    if kind == "unknown field":
        field = f"{where}.{details['unknown_param']}" if where else details["unknown_param"]
        return f"{field} is not a field of the request (expected one of: {', '.join(details['valid_names'])})"
    if kind == "invalid type":
        expected = ", ".join(_type_name(t) for t in details["valid_types"])
        return f"{where} is {_json_type(details['param'])}, expected {expected}"
    if kind == "invalid range":
        return f"{where} is below its minimum, {details['min_allowed']}"
    if kind == "invalid length":
        return f"{where} is shorter than its minimum length, {details['min_allowed']}"
    return f"{where or 'the request'}: {kind}"


def _type_name(text: str) -> str:
    # botocore lists Python types ("<class 'str'>"): name them as JSON does.
    python = re.sub(r"^<class '(.*)'>$", r"\1", text)
    return _JSON_TYPE_NAMES.get(python, python)


_JSON_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "decimal.Decimal": "a number",
    "bool": "a boolean",
    "list": "a list",
    "tuple": "a list",
    "dict": "an object",
    "datetime.datetime": "a timestamp",
    "bytes": "bytes",
    "bytearray": "bytes",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return _JSON_TYPE_NAMES.get(type(value).__name__, type(value).__name__)


class ApiWording:
    """Rule messages in the request's words: attribute paths become API field paths, indexes as the API has them
    (none on a single object, `[0]` on the one element of a list that a message names without an index).

    The vocabulary is the operation's input shape: a word becomes an API field only where the whole path is made
    of that shape's field names, and quoted values are left as they are."""

    def __init__(self, operation: str, name: str) -> None:
        """`name`: what the request creates (`request_resource`'s resource name)."""
        self._fields, self._kinds = _vocabulary(operation)
        # Top-level attributes the mapping renames (`container` <- `Containers`); nested ones are snake_cased.
        self._renamed = renamed_request_fields(operation)
        # A transform job is judged as a one-step pipeline: its messages name that step, which the request lacks.
        self._step_label = (
            PipelineStep(name, TRANSFORM_STEP_TYPE, {}).label if REQUEST_KINDS[operation] == TRANSFORM_JOB else None
        )

    def say(self, message: str) -> str:
        if self._step_label is not None:
            return message.replace(f"{self._step_label} ", "").replace("every Transform step", "the transform job")
        return _outside_quotes(message, self._path)

    def _path(self, match: re.Match[str]) -> str:
        text = match.group(0)
        segments = _SEGMENT.findall(text)
        if not ("_" in text or "." in text or "[" in text):
            return text  # a lone word ("image") is prose, not a path
        fields = [self._renamed.get(name) or self._fields.get(name) for name, _ in segments[:1]]
        fields += [self._fields.get(name) for name, _ in segments[1:]]
        if None in fields:
            return text
        words = []
        for position, (field, (_, indexes)) in enumerate(zip(fields, segments, strict=True)):
            kinds = self._kinds.get(field, set())
            if kinds == {"structure"} and indexes == "[0]":
                indexes = ""  # a Terraform block list of one: the API has the object itself
            elif "list" in kinds and not indexes and position < len(segments) - 1:
                indexes = "[0]"  # a path into a list of one, which the rule names without an index
            words.append(field + indexes)
        return ".".join(words)


_PATH = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\[[0-9]+\])*(?:\.[a-z][a-z0-9_]*(?:\[[0-9]+\])*)*")
_SEGMENT = re.compile(r"([a-z][a-z0-9_]*)((?:\[[0-9]+\])*)")
# A quoted value starts after a space or bracket (not inside a word: "seller's") and ends at the same quote.
_QUOTED = re.compile(r"""(?:^|(?<=[\s(\[=]))(['"])(?:(?!\1).)*\1""")


def _outside_quotes(message: str, translate: Any) -> str:
    parts: list[str] = []
    position = 0
    for quoted in _QUOTED.finditer(message):
        parts.append(_PATH.sub(translate, message[position : quoted.start()]))
        parts.append(quoted.group(0))
        position = quoted.end()
    parts.append(_PATH.sub(translate, message[position:]))
    return "".join(parts)


@cache
def _vocabulary(operation: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(attribute name -> API field, API field -> the shape types it has) over the whole input shape."""
    fields: dict[str, str] = {}
    kinds: dict[str, set[str]] = {}
    for field, shape in _members(input_shape(operation), set()):
        fields.setdefault(snake_case(field), field)
        kinds.setdefault(field, set()).add(shape.type_name)
    return fields, kinds


def _members(shape: Shape, seen: set[str]) -> Iterator[tuple[str, Shape]]:
    if shape.name in seen:  # recursive shapes (none in these inputs today) end here
        return
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        for field, member in shape.members.items():
            yield field, member
            yield from _members(member, seen)
    elif shape.type_name == "list":
        yield from _members(shape.member, seen)
    elif shape.type_name == "map":
        yield from _members(shape.value, seen)

"""Generate a realistic synthetic SageMaker publishing stack at N resources, as HCL and as a plan JSON.

The stack is what a Marketplace seller's repository tends to hold: ECR repositories, artifact buckets,
SageMaker models (image + model artifacts, network isolation), endpoint configurations (a few serverless or
asynchronous), pipelines (a `jsonencode`d definition with a Training and a Transform step), and a local module
called with the aliased `aws.west` provider. About one model in ten breaks a Marketplace rule (an image from
the other region, a Docker Hub image, network isolation off), and a few endpoint configurations and pipelines
do too.

Two renderings of the same stack are written into one directory:
- `main.tf` and `modules/regional_model/main.tf`, the HCL;
- `plan.json`, in the exact shape `terraform show -json` gives for that HCL with Terraform 1.11 and the AWS
  provider 5.100.0 (every schema attribute of each resource, `after_unknown`/`after_sensitive`, the
  `configuration` with its expressions and `provider_config_key`s, `relevant_attributes`). Planning 10,000
  resources with Terraform takes far longer than the benchmark itself, so the plan is built here; the shape
  test in `tests/bench/` keeps it honest against the real plans of `terraform_examples/`.

N counts resource instances (`resource_changes` entries). Output is a function of N and --seed only.

    python bench/generate_stack.py --resources 3000 --out bench/out/stack-3000
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SELLER_ACCOUNT = "111122223333"
HOME_REGION = "us-east-1"
WEST_REGION = "us-west-2"
EXECUTION_ROLE_ARN = f"arn:aws:iam::{SELLER_ACCOUNT}:role/bench-sagemaker-execution"
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
TERRAFORM_VERSION = "1.11.4"
PLAN_TIMESTAMP = "2026-01-01T00:00:00Z"
MODULE_NAME = "west"
MODULE_SOURCE = "./modules/regional_model"
# Share of the resources that the aliased-provider module instantiates (two per model: model + endpoint config).
MODULE_SHARE = 0.10
# What one group of root resources holds, in file order; each entry refers only to earlier ones.
GROUP_PATTERN = ("repo", "bucket", "model", "endpoint", "model", "endpoint", "model", "endpoint", "pipeline")
HOSTING_INSTANCE_TYPES = ("ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge")
TRAINING_INSTANCE_TYPES = ("ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g5.xlarge")
TRANSFORM_INSTANCE_TYPES = ("ml.m5.xlarge", "ml.c5.xlarge", "ml.m5.2xlarge")
MODEL_VIOLATION_SHARE = 0.10
ENDPOINT_SERVERLESS_SHARE = 0.03
ENDPOINT_ASYNC_SHARE = 0.03
PIPELINE_VIOLATION_SHARE = 0.10
MOCK_PROVIDER_ARGUMENTS = (
    ("access_key", "mock_access_key"),
    ("secret_key", "mock_secret_key"),
    ("skip_credentials_validation", True),
    ("skip_requesting_account_id", True),
    ("skip_metadata_api_check", True),
)


def ecr_image(region: str, repository: str, tag: str = "1.0") -> str:
    return f"{SELLER_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}"


# ---------------------------------------------------------------------------------------------------------
# The stack, independent of how it is rendered


@dataclass(frozen=True)
class Reference:
    """`<address>.<attribute>` of another resource in the same module."""

    address: str
    attribute: str

    @property
    def hcl(self) -> str:
        return f"{self.address}.{self.attribute}"

    @property
    def plan_references(self) -> list[str]:
        return [self.hcl, self.address]


@dataclass(frozen=True)
class Template:
    """An HCL string template such as `"s3://${aws_s3_bucket.b.bucket}/x"` (HCL only: the plan shows its value)."""

    text: str

    @property
    def hcl(self) -> str:
        return json.dumps(self.text)


@dataclass
class Repository:
    name: str
    repository_name: str


@dataclass
class Bucket:
    name: str
    bucket: str


@dataclass
class Model:
    name: str
    model_name: str
    # A literal image URI, or the repository whose `repository_url` (known only after apply) it is built from.
    image: str | Reference
    bucket: Bucket
    artifact_key: str
    network_isolation: bool | None
    tags: dict[str, str] | None


@dataclass
class Endpoint:
    name: str
    config_name: str
    model: Model
    kind: str  # "instance", "serverless" or "async"
    instance_type: str
    bucket: Bucket


@dataclass
class Pipeline:
    name: str
    pipeline_name: str
    model: Model
    bucket: Bucket
    training_image: str
    training_instance_type: str
    transform_instance_type: str
    spot_wait_seconds: int | None
    max_payload_mb: int


@dataclass
class ModuleModel:
    key: str
    image: str
    instance_type: str


@dataclass
class Stack:
    resources: int
    root: list[Repository | Bucket | Model | Endpoint | Pipeline] = field(default_factory=list)
    module_models: list[ModuleModel] = field(default_factory=list)


def build_stack(resources: int, seed: int) -> Stack:
    if resources < len(GROUP_PATTERN):
        raise ValueError(f"at least {len(GROUP_PATTERN)} resources are needed for one group of the stack")
    rng = random.Random(seed)
    stack = Stack(resources=resources)
    module_keys = int(resources * MODULE_SHARE) // 2
    for index in range(1, module_keys + 1):
        stack.module_models.append(
            ModuleModel(
                key=f"regional-{index:05d}",
                image=ecr_image(WEST_REGION, f"bench-regional-{index:05d}"),
                instance_type=rng.choice(HOSTING_INSTANCE_TYPES),
            )
        )
    group = 0
    repo = bucket = None
    models: list[Model] = []
    while len(stack.root) < resources - 2 * module_keys:
        kind = GROUP_PATTERN[len(stack.root) % len(GROUP_PATTERN)]
        if kind == "repo":
            group += 1
            models = []
            repo = Repository(f"repo_{group:05d}", f"bench-model-{group:05d}")
            stack.root.append(repo)
        elif kind == "bucket":
            bucket = Bucket(f"artifacts_{group:05d}", f"bench-artifacts-{group:05d}-{SELLER_ACCOUNT}")
            stack.root.append(bucket)
        elif kind == "model":
            assert repo is not None and bucket is not None
            model = _model(rng, group, len(models) + 1, repo, bucket)
            models.append(model)
            stack.root.append(model)
        elif kind == "endpoint":
            stack.root.append(_endpoint(rng, models[-1], bucket))
        else:
            stack.root.append(_pipeline(rng, group, models[0], bucket))
    return stack


def _model(rng: random.Random, group: int, number: int, repo: Repository, bucket: Bucket) -> Model:
    name = f"model_{group:05d}_{number}"
    image: str | Reference
    if rng.random() < 0.5:
        image = ecr_image(HOME_REGION, repo.repository_name, f"{number}.0")
    else:
        image = Reference(f"aws_ecr_repository.{repo.name}", "repository_url")
    isolation: bool | None = True
    if rng.random() < MODEL_VIOLATION_SHARE:
        violation = rng.choice(("wrong_region", "docker_hub", "isolation_off", "isolation_absent"))
        if violation == "wrong_region":
            image = ecr_image(WEST_REGION, repo.repository_name, f"{number}.0")
        elif violation == "docker_hub":
            image = f"docker.io/acme/bench-model-{group:05d}:latest"
        else:
            isolation = False if violation == "isolation_off" else None
    tags = {"product": "bench", "stage": rng.choice(("dev", "prod"))} if rng.random() < 0.5 else None
    return Model(
        name=name,
        model_name=f"bench-model-{group:05d}-{number}",
        image=image,
        bucket=bucket,
        artifact_key=f"models/{group:05d}/{number}/model.tar.gz",
        network_isolation=isolation,
        tags=tags,
    )


def _endpoint(rng: random.Random, model: Model, bucket: Bucket) -> Endpoint:
    draw = rng.random()
    if draw < ENDPOINT_SERVERLESS_SHARE:
        kind = "serverless"
    elif draw < ENDPOINT_SERVERLESS_SHARE + ENDPOINT_ASYNC_SHARE:
        kind = "async"
    else:
        kind = "instance"
    suffix = model.name.removeprefix("model_")
    return Endpoint(
        name=f"endpoint_{suffix}",
        config_name=f"bench-endpoint-{suffix.replace('_', '-')}",
        model=model,
        kind=kind,
        instance_type=rng.choice(HOSTING_INSTANCE_TYPES),
        bucket=bucket,
    )


def _pipeline(rng: random.Random, group: int, model: Model, bucket: Bucket) -> Pipeline:
    spot_wait: int | None = None
    payload = rng.choice((6, 20, 50))
    if rng.random() < 0.3:
        spot_wait = 3600
    if rng.random() < PIPELINE_VIOLATION_SHARE:
        if rng.random() < 0.5:
            spot_wait = 7200
        else:
            payload = 200
    return Pipeline(
        name=f"pipeline_{group:05d}",
        pipeline_name=f"bench-train-and-score-{group:05d}",
        model=model,
        bucket=bucket,
        training_image=ecr_image(HOME_REGION, f"bench-training-{group:05d}"),
        training_instance_type=rng.choice(TRAINING_INSTANCE_TYPES),
        transform_instance_type=rng.choice(TRANSFORM_INSTANCE_TYPES),
        spot_wait_seconds=spot_wait,
        max_payload_mb=payload,
    )


def _address(item: Repository | Bucket | Model | Endpoint | Pipeline) -> str:
    return f"{RESOURCE_TYPES[type(item)]}.{item.name}"


RESOURCE_TYPES: dict[type, str] = {
    Repository: "aws_ecr_repository",
    Bucket: "aws_s3_bucket",
    Model: "aws_sagemaker_model",
    Endpoint: "aws_sagemaker_endpoint_configuration",
    Pipeline: "aws_sagemaker_pipeline",
}


def _model_data_url(model: Model) -> str:
    return f"s3://{model.bucket.bucket}/{model.artifact_key}"


def _pipeline_definition(pipeline: Pipeline) -> dict[str, Any]:
    """The definition as Terraform's `jsonencode` sees it (object keys are sorted when it is encoded)."""
    training: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": pipeline.training_image, "TrainingInputMode": "File"},
        "RoleArn": EXECUTION_ROLE_ARN,
        "OutputDataConfig": {"S3OutputPath": f"s3://{pipeline.bucket.bucket}/training/"},
        "ResourceConfig": {
            "InstanceType": pipeline.training_instance_type,
            "InstanceCount": 1,
            "VolumeSizeInGB": 50,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "EnableNetworkIsolation": True,
    }
    if pipeline.spot_wait_seconds is not None:
        training["StoppingCondition"]["MaxWaitTimeInSeconds"] = pipeline.spot_wait_seconds
        training["EnableManagedSpotTraining"] = True
    transform = {
        "ModelName": pipeline.model.model_name,
        "TransformInput": {
            "ContentType": "text/csv",
            "SplitType": "Line",
            "DataSource": {
                "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{pipeline.bucket.bucket}/batch/input/"}
            },
        },
        "TransformOutput": {"S3OutputPath": f"s3://{pipeline.bucket.bucket}/batch/output/"},
        "TransformResources": {"InstanceType": pipeline.transform_instance_type, "InstanceCount": 1},
        "BatchStrategy": "MultiRecord",
        "MaxPayloadInMB": pipeline.max_payload_mb,
        "ModelClientConfig": {"InvocationsTimeoutInSeconds": 600, "InvocationsMaxRetries": 1},
    }
    return {
        "Version": "2020-12-01",
        "Steps": [
            {"Name": "Train", "Type": "Training", "Arguments": training},
            {"Name": "BatchScore", "Type": "Transform", "Arguments": transform},
        ],
    }


# ---------------------------------------------------------------------------------------------------------
# HCL


def _hcl_value(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (Reference, Template)):
        return value.hcl
    if isinstance(value, list):
        if not value:
            return "[]"
        items = "".join(f"{pad}  {_hcl_value(item, indent + 1)},\n" for item in value)
        return "[\n" + items + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        pairs = [(key, _hcl_value(item, indent + 1)) for key, item in value.items()]
        return "{\n" + _hcl_arguments(pairs, indent + 1) + pad + "}"
    raise TypeError(f"no HCL for {value!r}")


def _hcl_arguments(arguments: list[tuple[str, str]], indent: int) -> str:
    """`name = value` lines aligned as `terraform fmt` aligns them: runs of one-line values share a column."""
    pad = "  " * indent
    lines = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{pad}{name:<{width}} = {value}\n" for name, value in run)
        run.clear()

    for name, value in arguments:
        if "\n" in value:
            flush()
            lines.append(f"{pad}{name} = {value}\n")
        else:
            run.append((name, value))
    flush()
    return "".join(lines)


def _hcl_block(header: str, arguments: list[tuple[str, str]], blocks: list[str], indent: int = 0) -> str:
    pad = "  " * indent
    parts = [_hcl_arguments(arguments, indent + 1)] if arguments else []
    parts.extend(blocks)
    return f"{pad}{header} {{\n" + "\n".join(parts) + f"{pad}}}\n"


def _hcl_resource(item: Repository | Bucket | Model | Endpoint | Pipeline) -> str:
    header = f'resource "{RESOURCE_TYPES[type(item)]}" "{item.name}"'
    if isinstance(item, Repository):
        scanning = _hcl_block("image_scanning_configuration", [("scan_on_push", "true")], [], 1)
        return _hcl_block(
            header, [("name", json.dumps(item.repository_name)), ("image_tag_mutability", '"IMMUTABLE"')], [scanning]
        )
    if isinstance(item, Bucket):
        return _hcl_block(header, [("bucket", json.dumps(item.bucket))], [])
    if isinstance(item, Model):
        image = f'"${{{item.image.hcl}}}:1.0"' if isinstance(item.image, Reference) else json.dumps(item.image)
        container = _hcl_block(
            "primary_container",
            [
                ("image", image),
                ("model_data_url", f'"s3://${{{_address(item.bucket)}.bucket}}/{item.artifact_key}"'),
            ],
            [],
            1,
        )
        arguments = [("name", json.dumps(item.model_name)), ("execution_role_arn", json.dumps(EXECUTION_ROLE_ARN))]
        if item.network_isolation is not None:
            arguments.append(("enable_network_isolation", _hcl_value(item.network_isolation, 1)))
        if item.tags:
            arguments.append(("tags", _hcl_value(item.tags, 1)))
        return _hcl_block(header, arguments, [container])
    if isinstance(item, Endpoint):
        variant_arguments = [
            ("variant_name", '"primary"'),
            ("model_name", f"{_address(item.model)}.name"),
        ]
        variant_blocks = []
        if item.kind == "serverless":
            variant_blocks.append(
                _hcl_block("serverless_config", [("max_concurrency", "5"), ("memory_size_in_mb", "4096")], [], 2)
            )
        else:
            variant_arguments += [("instance_type", json.dumps(item.instance_type)), ("initial_instance_count", "1")]
        blocks = [_hcl_block("production_variants", variant_arguments, variant_blocks, 1)]
        if item.kind == "async":
            output = _hcl_block(
                "output_config",
                [("s3_output_path", f'"s3://${{{_address(item.bucket)}.bucket}}/async/{item.config_name}/"')],
                [],
                2,
            )
            blocks.append(_hcl_block("async_inference_config", [], [output], 1))
        return _hcl_block(header, [("name", json.dumps(item.config_name))], blocks)
    definition = _hcl_value(_pipeline_definition_hcl(item), 1)
    return _hcl_block(
        header,
        [
            ("pipeline_name", json.dumps(item.pipeline_name)),
            ("pipeline_display_name", json.dumps(item.pipeline_name)),
            ("role_arn", json.dumps(EXECUTION_ROLE_ARN)),
            ("pipeline_definition", f"jsonencode({definition})"),
        ],
        [],
    )


def _pipeline_definition_hcl(pipeline: Pipeline) -> dict[str, Any]:
    """The definition with the model name and bucket written as references, as a seller would write them."""
    bucket = f"{_address(pipeline.bucket)}.bucket"
    definition = _pipeline_definition(pipeline)
    training, transform = (step["Arguments"] for step in definition["Steps"])
    training["OutputDataConfig"]["S3OutputPath"] = Template(f"s3://${{{bucket}}}/training/")
    transform["ModelName"] = Reference(_address(pipeline.model), "name")
    transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] = Template(f"s3://${{{bucket}}}/batch/input/")
    transform["TransformOutput"]["S3OutputPath"] = Template(f"s3://${{{bucket}}}/batch/output/")
    return definition


def render_hcl(stack: Stack) -> dict[str, str]:
    """Relative path -> text of every Terraform file of the stack."""
    provider_lines = [(name, _hcl_value(value, 1)) for name, value in MOCK_PROVIDER_ARGUMENTS]
    parts = [
        "# Synthetic SageMaker publishing stack generated by bench/generate_stack.py: do not edit.\n",
        _hcl_block(
            "terraform",
            [("required_version", '">= 1.5"')],
            [
                _hcl_block(
                    "required_providers",
                    [("aws", '{\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }')],
                    [],
                    1,
                )
            ],
        ),
        _hcl_block(
            'variable "region"',
            [
                ("description", '"Region of the default provider: the publishing region."'),
                ("type", "string"),
                ("default", json.dumps(HOME_REGION)),
            ],
            [],
        ),
        _hcl_block('provider "aws"', [("region", "var.region"), *provider_lines], []),
        _hcl_block('provider "aws"', [("alias", '"west"'), ("region", json.dumps(WEST_REGION)), *provider_lines], []),
    ]
    parts.extend(_hcl_resource(item) for item in stack.root)
    if stack.module_models:
        models = {
            model.key: {"image": model.image, "instance_type": model.instance_type} for model in stack.module_models
        }
        arguments = [
            ("source", json.dumps(MODULE_SOURCE)),
            ("providers", "{\n    aws = aws.west\n  }"),
            ("name_prefix", json.dumps(f"bench-{MODULE_NAME}")),
            ("execution_role_arn", json.dumps(EXECUTION_ROLE_ARN)),
            ("models", _hcl_value(models, 1)),
        ]
        parts.append(_hcl_block(f'module "{MODULE_NAME}"', arguments, []))
    return {"main.tf": "\n".join(parts), "modules/regional_model/main.tf": MODULE_HCL}


MODULE_HCL = """\
# One network-isolated model and one instance-based endpoint configuration per entry of var.models,
# in the region of the aws provider the caller passes in.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "name_prefix" {
  description = "Prefix of the model and endpoint configuration names."
  type        = string
}

variable "execution_role_arn" {
  description = "IAM role that SageMaker assumes to run the models."
  type        = string
}

variable "models" {
  description = "Image and hosting instance type of each model, keyed by model name."
  type = map(object({
    image         = string
    instance_type = string
  }))
}

resource "aws_sagemaker_model" "this" {
  for_each = var.models

  name                     = "${var.name_prefix}-${each.key}"
  execution_role_arn       = var.execution_role_arn
  enable_network_isolation = true

  primary_container {
    image = each.value.image
  }
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  for_each = var.models

  name = "${var.name_prefix}-${each.key}"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.this[each.key].name
    instance_type          = each.value.instance_type
    initial_instance_count = 1
  }
}
"""


# ---------------------------------------------------------------------------------------------------------
# plan.json: what `terraform show -json` prints for the HCL above (Terraform 1.11, AWS provider 5.100.0)


@dataclass
class PlannedResource:
    """One resource instance of the plan, and the configuration block it comes from."""

    type: str
    name: str
    after: dict[str, Any]
    after_unknown: dict[str, Any]
    after_sensitive: dict[str, Any]
    module: str | None = None
    index: str | None = None

    @property
    def address(self) -> str:
        prefix = f"module.{self.module}." if self.module else ""
        key = f"[{json.dumps(self.index)}]" if self.index is not None else ""
        return f"{prefix}{self.type}.{self.name}{key}"


def _constant(value: Any) -> dict[str, Any]:
    return {"constant_value": _sorted(value)}


def _references(*references: Reference | str) -> dict[str, Any]:
    names: list[str] = []
    for reference in references:
        names.extend(reference.plan_references if isinstance(reference, Reference) else [reference])
    return {"references": names}


def _sorted(value: Any) -> Any:
    """Terraform prints object attributes and map keys in sorted order."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _tags_attributes(tags: dict[str, str] | None) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(after, after_unknown, after_sensitive) of `tags`/`tags_all`: known when set, computed when not."""
    if tags:
        return {"tags": tags, "tags_all": tags}, {"tags": {}, "tags_all": {}}, {"tags": {}, "tags_all": {}}
    return {"tags": None}, {"tags_all": True}, {"tags_all": {}}


def _plan_repository(repo: Repository) -> tuple[PlannedResource, dict[str, Any]]:
    planned = PlannedResource(
        "aws_ecr_repository",
        repo.name,
        after={
            "encryption_configuration": [],
            "force_delete": None,
            "image_scanning_configuration": [{"scan_on_push": True}],
            "image_tag_mutability": "IMMUTABLE",
            "name": repo.repository_name,
            "tags": None,
            "timeouts": None,
        },
        after_unknown={
            "arn": True,
            "encryption_configuration": [],
            "id": True,
            "image_scanning_configuration": [{}],
            "registry_id": True,
            "repository_url": True,
            "tags_all": True,
        },
        after_sensitive={"encryption_configuration": [], "image_scanning_configuration": [{}], "tags_all": {}},
    )
    expressions = {
        "image_scanning_configuration": [{"scan_on_push": _constant(True)}],
        "image_tag_mutability": _constant("IMMUTABLE"),
        "name": _constant(repo.repository_name),
    }
    return planned, expressions


S3_BUCKET_COMPUTED = (
    "acceleration_status", "acl", "arn", "bucket_domain_name", "bucket_prefix", "bucket_regional_domain_name",
    "cors_rule", "grant", "hosted_zone_id", "id", "lifecycle_rule", "logging", "object_lock_configuration",
    "object_lock_enabled", "policy", "region", "replication_configuration", "request_payer",
    "server_side_encryption_configuration", "tags_all", "versioning", "website", "website_domain",
    "website_endpoint",
)  # fmt: skip
S3_BUCKET_BLOCKS = (
    "cors_rule", "grant", "lifecycle_rule", "logging", "object_lock_configuration", "replication_configuration",
    "server_side_encryption_configuration", "versioning", "website",
)  # fmt: skip


def _plan_bucket(bucket: Bucket) -> tuple[PlannedResource, dict[str, Any]]:
    sensitive: dict[str, Any] = {name: [] for name in S3_BUCKET_BLOCKS}
    sensitive["tags_all"] = {}
    planned = PlannedResource(
        "aws_s3_bucket",
        bucket.name,
        after={"bucket": bucket.bucket, "force_destroy": False, "tags": None, "timeouts": None},
        after_unknown=dict.fromkeys(S3_BUCKET_COMPUTED, True),
        after_sensitive=sensitive,
    )
    return planned, {"bucket": _constant(bucket.bucket)}


def _model_values(
    name: str, image: str | None, model_data_url: str | None, isolation: bool | None, tags: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    container: dict[str, Any] = {
        "container_hostname": None,
        "environment": None,
        "image_config": [],
        "inference_specification_name": None,
        "mode": "SingleModel",
        "model_data_url": model_data_url,
        "model_package_name": None,
        "multi_model_config": [],
    }
    container_unknown: dict[str, Any] = {"image_config": [], "model_data_source": True, "multi_model_config": []}
    if image is None:
        container_unknown["image"] = True
    else:
        container["image"] = image
    tags_after, tags_unknown, tags_sensitive = _tags_attributes(tags)
    after = {
        "container": [],
        "enable_network_isolation": isolation,
        "execution_role_arn": EXECUTION_ROLE_ARN,
        "name": name,
        "primary_container": [container],
        "vpc_config": [],
        **tags_after,
    }
    unknown = {
        "arn": True,
        "container": [],
        "id": True,
        "inference_execution_config": True,
        "primary_container": [container_unknown],
        "vpc_config": [],
        **tags_unknown,
    }
    sensitive = {
        "container": [],
        "inference_execution_config": [],
        "primary_container": [{"image_config": [], "model_data_source": [], "multi_model_config": []}],
        "vpc_config": [],
        **tags_sensitive,
    }
    return after, unknown, sensitive


def _plan_model(model: Model) -> tuple[PlannedResource, dict[str, Any]]:
    after, unknown, sensitive = _model_values(
        model.model_name,
        None if isinstance(model.image, Reference) else model.image,
        _model_data_url(model),
        model.network_isolation,
        model.tags,
    )
    bucket = Reference(_address(model.bucket), "bucket")
    image = _references(model.image) if isinstance(model.image, Reference) else _constant(model.image)
    expressions: dict[str, Any] = {
        "execution_role_arn": _constant(EXECUTION_ROLE_ARN),
        "name": _constant(model.model_name),
        "primary_container": [{"image": image, "model_data_url": _references(bucket)}],
    }
    if model.network_isolation is not None:
        expressions["enable_network_isolation"] = _constant(model.network_isolation)
    if model.tags:
        expressions["tags"] = _constant(model.tags)
    return PlannedResource("aws_sagemaker_model", model.name, after, unknown, sensitive), expressions


def _endpoint_values(
    name: str, model_name: str, kind: str, instance_type: str, async_output: str | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    serverless = kind == "serverless"
    variant = {
        "accelerator_type": None,
        "container_startup_health_check_timeout_in_seconds": None,
        "core_dump_config": [],
        "enable_ssm_access": None,
        "inference_ami_version": None,
        "initial_instance_count": None if serverless else 1,
        "initial_variant_weight": 1,
        "instance_type": None if serverless else instance_type,
        "managed_instance_scaling": [],
        "model_data_download_timeout_in_seconds": None,
        "model_name": model_name,
        "routing_config": [],
        "serverless_config": (
            [{"max_concurrency": 5, "memory_size_in_mb": 4096, "provisioned_concurrency": None}] if serverless else []
        ),
        "variant_name": "primary",
    }
    variant_nested = {
        "core_dump_config": [],
        "managed_instance_scaling": [],
        "routing_config": [],
        "serverless_config": [{}] if serverless else [],
    }
    async_after: list[dict[str, Any]] = []
    async_nested: list[dict[str, Any]] = []
    if async_output is not None:
        output = {
            "kms_key_id": None,
            "notification_config": [],
            "s3_failure_path": None,
            "s3_output_path": async_output,
        }
        async_after = [{"client_config": [], "output_config": [output]}]
        async_nested = [{"client_config": [], "output_config": [{"notification_config": []}]}]
    after = {
        "async_inference_config": async_after,
        "data_capture_config": [],
        "kms_key_arn": None,
        "name": name,
        "production_variants": [variant],
        "shadow_production_variants": [],
        "tags": None,
    }
    unknown = {
        "arn": True,
        "async_inference_config": async_nested,
        "data_capture_config": [],
        "id": True,
        "name_prefix": True,
        "production_variants": [{**variant_nested, "volume_size_in_gb": True}],
        "shadow_production_variants": [],
        "tags_all": True,
    }
    sensitive = {
        "async_inference_config": async_nested,
        "data_capture_config": [],
        "production_variants": [variant_nested],
        "shadow_production_variants": [],
        "tags_all": {},
    }
    return after, unknown, sensitive


def _async_output(endpoint: Endpoint) -> str:
    return f"s3://{endpoint.bucket.bucket}/async/{endpoint.config_name}/"


def _plan_endpoint(endpoint: Endpoint) -> tuple[PlannedResource, dict[str, Any]]:
    after, unknown, sensitive = _endpoint_values(
        endpoint.config_name,
        endpoint.model.model_name,
        endpoint.kind,
        endpoint.instance_type,
        _async_output(endpoint) if endpoint.kind == "async" else None,
    )
    variant: dict[str, Any] = {
        "model_name": _references(Reference(_address(endpoint.model), "name")),
        "variant_name": _constant("primary"),
    }
    if endpoint.kind == "serverless":
        variant["serverless_config"] = [{"max_concurrency": _constant(5), "memory_size_in_mb": _constant(4096)}]
    else:
        variant["initial_instance_count"] = _constant(1)
        variant["instance_type"] = _constant(endpoint.instance_type)
    expressions: dict[str, Any] = {"name": _constant(endpoint.config_name), "production_variants": [variant]}
    if endpoint.kind == "async":
        bucket = Reference(_address(endpoint.bucket), "bucket")
        expressions["async_inference_config"] = [{"output_config": [{"s3_output_path": _references(bucket)}]}]
    planned = PlannedResource("aws_sagemaker_endpoint_configuration", endpoint.name, after, unknown, sensitive)
    return planned, expressions


def _plan_pipeline(pipeline: Pipeline) -> tuple[PlannedResource, dict[str, Any]]:
    definition = json.dumps(_pipeline_definition(pipeline), sort_keys=True, separators=(",", ":"))
    planned = PlannedResource(
        "aws_sagemaker_pipeline",
        pipeline.name,
        after={
            "parallelism_configuration": [],
            "pipeline_definition": definition,
            "pipeline_definition_s3_location": [],
            "pipeline_description": None,
            "pipeline_display_name": pipeline.pipeline_name,
            "pipeline_name": pipeline.pipeline_name,
            "role_arn": EXECUTION_ROLE_ARN,
            "tags": None,
        },
        after_unknown={
            "arn": True,
            "id": True,
            "parallelism_configuration": [],
            "pipeline_definition_s3_location": [],
            "tags_all": True,
        },
        after_sensitive={"parallelism_configuration": [], "pipeline_definition_s3_location": [], "tags_all": {}},
    )
    # jsonencode(...) lists every reference it makes, in source order, repeats included.
    bucket = Reference(_address(pipeline.bucket), "bucket")
    model = Reference(_address(pipeline.model), "name")
    expressions = {
        "pipeline_definition": _references(bucket, model, bucket, bucket),
        "pipeline_display_name": _constant(pipeline.pipeline_name),
        "pipeline_name": _constant(pipeline.pipeline_name),
        "role_arn": _constant(EXECUTION_ROLE_ARN),
    }
    return planned, expressions


PLAN_BUILDERS = {
    Repository: _plan_repository,
    Bucket: _plan_bucket,
    Model: _plan_model,
    Endpoint: _plan_endpoint,
    Pipeline: _plan_pipeline,
}


def _relevant_attributes(stack: Stack) -> list[dict[str, Any]]:
    """The attributes of other resources that resources read (Terraform lists each once, in no set order)."""
    pairs: set[tuple[str, tuple[str, ...]]] = set()
    for item in stack.root:
        if isinstance(item, Model):
            pairs.add((_address(item.bucket), ("bucket",)))
            if isinstance(item.image, Reference):
                pairs.add((item.image.address, (item.image.attribute,)))
        elif isinstance(item, Endpoint):
            pairs.add((_address(item.model), ("name",)))
            if item.kind == "async":
                pairs.add((_address(item.bucket), ("bucket",)))
        elif isinstance(item, Pipeline):
            pairs.add((_address(item.bucket), ("bucket",)))
            pairs.add((_address(item.model), ("name",)))
    if stack.module_models:
        # `aws_sagemaker_model.this[each.key].name`: the index is dynamic, so the whole resource is relevant.
        pairs.add((f"module.{MODULE_NAME}.aws_sagemaker_model.this", ()))
    return [{"resource": resource, "attribute": list(path)} for resource, path in sorted(pairs)]


def _module_resources(stack: Stack) -> list[PlannedResource]:
    planned = []
    for entry in stack.module_models:
        name = f"bench-{MODULE_NAME}-{entry.key}"
        model = _model_values(name, entry.image, None, True, None)
        endpoint = _endpoint_values(name, name, "instance", entry.instance_type, None)
        for resource_type, (after, unknown, sensitive) in (
            ("aws_sagemaker_model", model),
            ("aws_sagemaker_endpoint_configuration", endpoint),
        ):
            planned.append(
                PlannedResource(resource_type, "this", after, unknown, sensitive, module=MODULE_NAME, index=entry.key)
            )
    return planned


def _module_configuration(stack: Stack) -> dict[str, Any]:
    key = "aws.west"
    for_each = {"references": ["var.models"]}
    name = {"references": ["var.name_prefix", "each.key"]}
    resources = [
        {
            "address": "aws_sagemaker_endpoint_configuration.this",
            "mode": "managed",
            "type": "aws_sagemaker_endpoint_configuration",
            "name": "this",
            "provider_config_key": key,
            "expressions": {
                "name": name,
                "production_variants": [
                    {
                        "initial_instance_count": _constant(1),
                        "instance_type": {"references": ["each.value.instance_type", "each.value"]},
                        "model_name": {"references": ["aws_sagemaker_model.this", "each.key"]},
                        "variant_name": _constant("primary"),
                    }
                ],
            },
            "schema_version": 0,
            "for_each_expression": for_each,
        },
        {
            "address": "aws_sagemaker_model.this",
            "mode": "managed",
            "type": "aws_sagemaker_model",
            "name": "this",
            "provider_config_key": key,
            "expressions": {
                "enable_network_isolation": _constant(True),
                "execution_role_arn": {"references": ["var.execution_role_arn"]},
                "name": name,
                "primary_container": [{"image": {"references": ["each.value.image", "each.value"]}}],
            },
            "schema_version": 0,
            "for_each_expression": for_each,
        },
    ]
    models = {entry.key: {"image": entry.image, "instance_type": entry.instance_type} for entry in stack.module_models}
    return {
        "source": MODULE_SOURCE,
        "expressions": {
            "execution_role_arn": _constant(EXECUTION_ROLE_ARN),
            "models": _constant(models),
            "name_prefix": _constant(f"bench-{MODULE_NAME}"),
        },
        "module": {
            "resources": resources,
            "variables": {
                "execution_role_arn": {"description": "IAM role that SageMaker assumes to run the models."},
                "models": {"description": "Image and hosting instance type of each model, keyed by model name."},
                "name_prefix": {"description": "Prefix of the model and endpoint configuration names."},
            },
        },
    }


def _provider_config() -> dict[str, Any]:
    def expressions(region: dict[str, Any]) -> dict[str, Any]:
        return _sorted({**{name: _constant(value) for name, value in MOCK_PROVIDER_ARGUMENTS}, "region": region})

    common = {"name": "aws", "full_name": PROVIDER_NAME}
    return {
        "aws": {**common, "version_constraint": "~> 5.0", "expressions": expressions({"references": ["var.region"]})},
        "aws.west": {
            **common,
            "alias": "west",
            "version_constraint": "~> 5.0",
            "expressions": expressions(_constant(WEST_REGION)),
        },
    }


def render_plan(stack: Stack) -> dict[str, Any]:
    """The plan JSON of the stack, as `terraform show -json tfplan` prints it after a first `terraform plan`."""
    root: list[tuple[PlannedResource, dict[str, Any]]] = [PLAN_BUILDERS[type(item)](item) for item in stack.root]
    root.sort(key=lambda pair: pair[0].address)
    module = sorted(_module_resources(stack), key=lambda planned: planned.address)

    def change(planned: PlannedResource) -> dict[str, Any]:
        entry: dict[str, Any] = {"address": planned.address}
        if planned.module:
            entry["module_address"] = f"module.{planned.module}"
        entry.update(mode="managed", type=planned.type, name=planned.name)
        if planned.index is not None:
            entry["index"] = planned.index
        entry["provider_name"] = PROVIDER_NAME
        entry["change"] = {
            "actions": ["create"],
            "before": None,
            "after": _sorted(planned.after),
            "after_unknown": _sorted(planned.after_unknown),
            "before_sensitive": False,
            "after_sensitive": _sorted(planned.after_sensitive),
        }
        return entry

    def planned_value(planned: PlannedResource) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "address": planned.address,
            "mode": "managed",
            "type": planned.type,
            "name": planned.name,
        }
        if planned.index is not None:
            entry["index"] = planned.index
        entry.update(
            provider_name=PROVIDER_NAME,
            schema_version=0,
            values=_sorted(planned.after),
            sensitive_values=_sorted(planned.after_sensitive),
        )
        return entry

    planned_root: dict[str, Any] = {"resources": [planned_value(planned) for planned, _ in root]}
    configuration_root: dict[str, Any] = {
        "resources": [
            {
                "address": planned.address,
                "mode": "managed",
                "type": planned.type,
                "name": planned.name,
                "provider_config_key": "aws",
                "expressions": _sorted(expressions),
                "schema_version": 0,
            }
            for planned, expressions in root
        ]
    }
    if module:
        planned_root["child_modules"] = [
            {"resources": [planned_value(planned) for planned in module], "address": f"module.{MODULE_NAME}"}
        ]
        configuration_root["module_calls"] = {MODULE_NAME: _module_configuration(stack)}
    configuration_root["variables"] = {
        "region": {"default": HOME_REGION, "description": "Region of the default provider: the publishing region."}
    }
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "variables": {"region": {"value": HOME_REGION}},
        "planned_values": {"root_module": planned_root},
        "resource_changes": [change(planned) for planned, _ in root] + [change(planned) for planned in module],
        "configuration": {"provider_config": _provider_config(), "root_module": configuration_root},
        "relevant_attributes": _relevant_attributes(stack),
        "timestamp": PLAN_TIMESTAMP,
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def dump_plan(plan: dict[str, Any]) -> str:
    """One line, escaped as Go's encoding/json escapes it (`~> 5.0` is written `~\\u003e 5.0`)."""
    text = json.dumps(plan, separators=(",", ":"), ensure_ascii=False)
    # <, > and & occur only inside JSON strings, so replacing them everywhere is safe.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, required=True, help="number of resource instances (>= 9)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created)")
    parser.add_argument("--seed", type=int, default=6, help="random seed (default: 6)")
    parser.add_argument("--no-plan", action="store_true", help="write only the HCL")
    args = parser.parse_args(argv)
    write_stack(args.out, args.resources, args.seed, plan=not args.no_plan)
    print(f"wrote {args.resources} resources to {args.out}")
    return 0


def write_stack(out: Path, resources: int, seed: int = 6, *, plan: bool = True) -> Path:
    stack = build_stack(resources, seed)
    for relative, text in render_hcl(stack).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # A seller's repository names its account once, for CKV_MLM_003 (the mock providers cannot pin it).
    (out / ".mlmarket.yaml").write_text(f'seller_account_id: "{SELLER_ACCOUNT}"\n', encoding="utf-8")
    if plan:
        (out / "plan.json").write_text(dump_plan(render_plan(stack)), encoding="utf-8")
    return out


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate a synthetic SageMaker publishing stack of N resources, as Terraform source and as its plan JSON.

The source is written the way sellers' repositories write it, so that a directory scan has to evaluate what
`terraform plan` evaluates:
- locals computed with functions: the ECR registry from `format` over `data.aws_caller_identity.current`
  and `data.aws_region.current`, the image tag by `lookup`, the execution role by `coalesce`, bucket names by
  `substr(join(...))`, tags by `merge`, a log level by `try`;
- per product (one ECR repository, one S3 bucket, up to three models, their endpoint configurations and a
  pipeline): models with `for_each` over a map of objects, endpoint configurations with `for_each` over a `for`
  expression that filters it, `var.serverless ? null : "ml.m5.large"`-style conditionals, `dynamic`
  serverless and asynchronous-inference blocks, a pipeline behind `count = var.enabled ? 1 : 0` whose
  definition is a `jsonencode` interpolating locals and other resources, and, every tenth product, a canary
  endpoint configuration behind a guard that is off (no instance: it does not count);
- a local module called with `for_each` and the aliased `aws.west` provider, whose image URIs come straight
  from its own `data.aws_caller_identity.current.account_id` and `data.aws_region.current.name`.
About one model in ten breaks a Marketplace rule (an image from the other region, a Docker Hub image, network
isolation off or absent), and a few endpoint configurations and pipelines do too.

N counts resource instances after `count`/`for_each` expansion, as `terraform plan` counts them ("Plan: N to
add"); data sources are not resources. Files written into one directory:
- `main.tf`, `variables.tf`, `products_NN.tf` (25 products each), `regional.tf` and
  `modules/regional_model/main.tf`: the Terraform;
- `plan.json`: what `terraform show -json` prints for that Terraform with Terraform 1.11 and the AWS provider
  5.100.0 (every schema attribute of each resource, `after_unknown`/`after_sensitive`, the data sources read
  at plan time in `prior_state`, the `configuration` with its expressions' references, `relevant_attributes`).
  Planning 10,000 resources with Terraform takes far longer than the benchmark itself, so the plan is built
  here; tests/bench/ compares it with Terraform's own plan of a small stack;
- `.mlmarket.yaml`, naming the seller account.

The providers pin the account with `allowed_account_ids` and carry no credentials, as in a real repository:
Terraform needs credentials and an STS endpoint to plan it (the test points it at moto on 127.0.0.1); the
scanners need neither. Output is a function of N and --seed only.

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
REGION_NAMES = {HOME_REGION: "US East (N. Virginia)", WEST_REGION: "US West (Oregon)"}
# What data.aws_caller_identity reads for whoever plans (only its account_id is used by the stack).
CALLER_ARN = f"arn:aws:sts::{SELLER_ACCOUNT}:assumed-role/bench-deployer/terraform"
CALLER_USER_ID = "AROAYBENCHDEPLOYER0001:terraform"
EXECUTION_ROLE_ARN = f"arn:aws:iam::{SELLER_ACCOUNT}:role/bench-sagemaker-execution"
REGISTRY = f"{SELLER_ACCOUNT}.dkr.ecr.{HOME_REGION}.amazonaws.com"
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
TERRAFORM_VERSION = "1.11.4"
PLAN_TIMESTAMP = "2026-01-01T00:00:00Z"
MODULE_NAME = "regional"
MODULE_SOURCE = "./modules/regional_model"
MODULE_DIR = "modules/regional_model"

# Root variables and their defaults: what the plan is made with.
ENVIRONMENT = "prod"
IMAGE_TAGS = {"prod": "1.0", "dev": "latest"}
IMAGE_TAG = IMAGE_TAGS[ENVIRONMENT]
LOG_LEVELS = {"dev": "10"}
DEFAULT_LOG_LEVEL = "20"
COMMON_TAGS = {"Project": "bench", "Environment": ENVIRONMENT, "ManagedBy": "terraform"}
REGIONAL_TAGS = {**COMMON_TAGS, "Region": WEST_REGION}
# local.container_env after the `for` that drops empty values (MODEL_SERVER_WORKERS, null by default).
CONTAINER_ENV = {
    "SAGEMAKER_CONTAINER_LOG_LEVEL": LOG_LEVELS.get(ENVIRONMENT, DEFAULT_LOG_LEVEL),
    "SAGEMAKER_PROGRAM": "inference.py",
    "SAGEMAKER_REGION": HOME_REGION,
}
MAX_RUNTIME_SECONDS = 3600

# Share of the resources that the module instantiates (two per instance: model + endpoint configuration).
MODULE_SHARE = 0.10
# What one product holds, in file order: N - (module resources) is filled with products in this pattern, the
# last one cut short where N ends.
GROUP_PATTERN = ("repo", "bucket", "model", "endpoint", "model", "endpoint", "model", "endpoint", "pipeline")
MODEL_KEYS = ("ranker", "scorer", "embedder")
PRODUCTS_PER_FILE = 25
CANARY_EVERY = 10
HOSTING_INSTANCE_TYPES = ("ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge")
TRAINING_INSTANCE_TYPES = ("ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g5.xlarge")
TRANSFORM_INSTANCE_TYPES = ("ml.m5.xlarge", "ml.c5.xlarge", "ml.m5.2xlarge")
MODEL_VIOLATION_SHARE = 0.10
ENDPOINT_SERVERLESS_SHARE = 0.03
ENDPOINT_ASYNC_SHARE = 0.03
PIPELINE_VIOLATION_SHARE = 0.10
# Images: from the registry local (account and region from data sources), from the repository's
# `repository_url` (known only after apply), or, breaking a rule, from the other region or Docker Hub.
IMAGE_KINDS = ("registry", "repository_url", "wrong_region", "docker_hub")


# ---------------------------------------------------------------------------------------------------------
# The stack, independent of how it is rendered


@dataclass
class ProductModel:
    key: str
    image_kind: str  # one of IMAGE_KINDS
    network_isolation: bool | None  # None: the argument is absent
    hosting: str | None  # None (no endpoint configuration), "instance", "serverless" or "async"
    instance_type: str


@dataclass
class Pipeline:
    training_instance_type: str
    transform_instance_type: str
    spot_wait_seconds: int | None
    max_payload_mb: int


@dataclass
class Product:
    number: int
    # A product cut short by N holds a prefix of GROUP_PATTERN: maybe no bucket, fewer models, no pipeline.
    bucket: bool = False
    models: list[ProductModel] = field(default_factory=list)
    pipeline: Pipeline | None = None

    @property
    def key(self) -> str:
        return f"{self.number:05d}"

    @property
    def name(self) -> str:
        return f"bench-{self.key}"

    @property
    def resource_name(self) -> str:
        return f"product_{self.key}"

    @property
    def bucket_name(self) -> str:
        return "-".join([f"{self.name}-artifacts", SELLER_ACCOUNT, HOME_REGION])[:63]

    @property
    def tags(self) -> dict[str, str]:
        return {**COMMON_TAGS, "Product": self.name}

    @property
    def hosted(self) -> list[ProductModel]:
        return [model for model in self.models if model.hosting is not None]

    @property
    def has_canary(self) -> bool:
        """Every tenth complete product has a canary endpoint configuration, behind a guard that is off."""
        return self.pipeline is not None and self.number % CANARY_EVERY == 0

    @property
    def resources(self) -> int:
        return 1 + self.bucket + len(self.models) + len(self.hosted) + (self.pipeline is not None)


@dataclass
class RegionalModel:
    key: str
    instance_type: str
    serverless: bool

    @property
    def name(self) -> str:
        return f"bench-west-{self.key}"


@dataclass
class Stack:
    resources: int
    products: list[Product] = field(default_factory=list)
    regional: list[RegionalModel] = field(default_factory=list)


def build_stack(resources: int, seed: int) -> Stack:
    if resources < len(GROUP_PATTERN):
        raise ValueError(f"at least {len(GROUP_PATTERN)} resources are needed for one product of the stack")
    rng = random.Random(seed)
    stack = Stack(resources=resources)
    for index in range(1, int(resources * MODULE_SHARE) // 2 + 1):
        stack.regional.append(
            RegionalModel(
                key=f"regional-{index:05d}",
                instance_type=rng.choice(HOSTING_INSTANCE_TYPES),
                serverless=rng.random() < ENDPOINT_SERVERLESS_SHARE,
            )
        )
    remaining = resources - 2 * len(stack.regional)
    while remaining > 0:
        parts = GROUP_PATTERN[: min(remaining, len(GROUP_PATTERN))]
        stack.products.append(_product(rng, len(stack.products) + 1, parts))
        remaining -= len(parts)
    assert sum(p.resources for p in stack.products) + 2 * len(stack.regional) == resources
    return stack


def _product(rng: random.Random, number: int, parts: tuple[str, ...]) -> Product:
    product = Product(number=number, bucket="bucket" in parts)
    for kind in parts[2:]:
        if kind == "model":
            product.models.append(_model(rng, MODEL_KEYS[len(product.models)]))
        elif kind == "endpoint":
            model = product.models[-1]
            model.hosting = _hosting(rng)
        else:
            product.pipeline = _pipeline(rng)
    return product


def _model(rng: random.Random, key: str) -> ProductModel:
    image_kind = "registry" if rng.random() < 0.5 else "repository_url"
    isolation: bool | None = True
    if rng.random() < MODEL_VIOLATION_SHARE:
        violation = rng.choice(("wrong_region", "docker_hub", "isolation_off", "isolation_absent"))
        if violation in ("wrong_region", "docker_hub"):
            image_kind = violation
        else:
            isolation = False if violation == "isolation_off" else None
    return ProductModel(key, image_kind, isolation, hosting=None, instance_type=rng.choice(HOSTING_INSTANCE_TYPES))


def _hosting(rng: random.Random) -> str:
    draw = rng.random()
    if draw < ENDPOINT_SERVERLESS_SHARE:
        return "serverless"
    if draw < ENDPOINT_SERVERLESS_SHARE + ENDPOINT_ASYNC_SHARE:
        return "async"
    return "instance"


def _pipeline(rng: random.Random) -> Pipeline:
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
        training_instance_type=rng.choice(TRAINING_INSTANCE_TYPES),
        transform_instance_type=rng.choice(TRANSFORM_INSTANCE_TYPES),
        spot_wait_seconds=spot_wait,
        max_payload_mb=payload,
    )


# Resource addresses, as the plan writes them.


def _key(key: str) -> str:
    return f"[{json.dumps(key)}]"


def addresses(stack: Stack) -> list[str]:
    """Every resource instance the plan creates, in the plan's order."""
    return [planned.address for planned in _planned_root(stack)] + [
        planned.address for planned in _planned_module(stack)
    ]


# ---------------------------------------------------------------------------------------------------------
# Terraform source

HEADER = "# Synthetic SageMaker publishing stack generated by bench/generate_stack.py: do not edit.\n"

MAIN_HCL = f"""\
{HEADER}
terraform {{
  required_version = ">= 1.5"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

provider "aws" {{
  region              = var.region
  allowed_account_ids = ["{SELLER_ACCOUNT}"]
}}

provider "aws" {{
  alias               = "west"
  region              = "{WEST_REGION}"
  allowed_account_ids = ["{SELLER_ACCOUNT}"]
}}

data "aws_region" "current" {{}}

data "aws_caller_identity" "current" {{}}

locals {{
  account_id         = data.aws_caller_identity.current.account_id
  region             = data.aws_region.current.name
  registry           = format("%s.dkr.ecr.%s.amazonaws.com", local.account_id, local.region)
  image_tag          = lookup(var.image_tags, var.environment, "latest")
  default_role_arn   = "arn:aws:iam::${{local.account_id}}:role/bench-sagemaker-execution"
  execution_role_arn = coalesce(var.execution_role_arn, local.default_role_arn)

  common_tags = {{
    Project     = "bench"
    Environment = var.environment
    ManagedBy   = "terraform"
  }}

  container_env = {{
    SAGEMAKER_PROGRAM             = "inference.py"
    SAGEMAKER_CONTAINER_LOG_LEVEL = try(var.log_levels[var.environment], "{DEFAULT_LOG_LEVEL}")
    SAGEMAKER_REGION              = local.region
    MODEL_SERVER_WORKERS          = var.model_server_workers == null ? "" : tostring(var.model_server_workers)
  }}

  stopping_condition = {{
    MaxRuntimeInSeconds = {MAX_RUNTIME_SECONDS}
  }}
}}
"""

VARIABLES = (
    # name, description, type, default (HCL), default (plan JSON)
    ("region", "Region of the default provider: the publishing region.", "string", f'"{HOME_REGION}"', HOME_REGION),
    ("environment", "Deployment stage: picks the image tag and the log level.", "string", f'"{ENVIRONMENT}"',
     ENVIRONMENT),
    ("enabled", "Create the pipelines and the regional models (false plans none of them).", "bool", "true", True),
    ("enable_canary", "Add a canary endpoint configuration to every tenth product.", "bool", "false", False),
    ("image_tags", "Image tag deployed in each environment.", "map(string)",
     '{\n    prod = "1.0"\n    dev  = "latest"\n  }', IMAGE_TAGS),
    ("log_levels", "SageMaker container log level (a Python logging level) by environment; 20 where unset.",
     "map(string)", '{\n    dev = "10"\n  }', LOG_LEVELS),
    ("execution_role_arn", "IAM role that SageMaker assumes; the account's bench-sagemaker-execution role if null.",
     "string", "null", None),
    ("model_server_workers", "Model server workers per container; the container's own default if null.", "number",
     "null", None),
)  # fmt: skip


def _variables_hcl() -> str:
    blocks = []
    for name, description, type_, default, _ in VARIABLES:
        equals = "=" if "\n" in default else " " * 4 + "="
        blocks.append(
            f'variable "{name}" {{\n  description = {json.dumps(description)}\n  type        = {type_}\n'
            f"  default {equals} {default}\n}}\n"
        )
    return HEADER + "\n" + "\n".join(blocks)


def _image_hcl(product: Product, model: ProductModel) -> str:
    repository = f"aws_ecr_repository.{product.resource_name}"
    if model.image_kind == "registry":
        return f'"${{local.registry}}/${{{repository}.name}}:${{local.image_tag}}"'
    if model.image_kind == "repository_url":
        return f'"${{{repository}.repository_url}}:${{local.image_tag}}"'
    if model.image_kind == "wrong_region":
        return (
            f'format("%s.dkr.ecr.%s.amazonaws.com/%s:%s", local.account_id, "{WEST_REGION}", {repository}.name, '
            "local.image_tag)"
        )
    return f'"docker.io/acme/${{local.{product.resource_name}.name}}:latest"'


def _models_local_hcl(product: Product) -> str:
    entries = []
    for model in product.models:
        lines = [("image", _image_hcl(product, model))]
        if model.network_isolation is not None:
            lines.append(("network_isolation", "true" if model.network_isolation else "false"))
        lines += [
            ("hosted", "true" if model.hosting else "false"),
            ("serverless", "true" if model.hosting == "serverless" else "false"),
        ]
        if model.hosting == "async":
            lines.append(("async", "true"))
        lines.append(("instance_type", json.dumps(model.instance_type)))
        width = max(len(name) for name, _ in lines)
        body = "".join(f"      {name:<{width}} = {value}\n" for name, value in lines)
        entries.append(f"    {model.key} = {{\n{body}    }}\n")
    return f"  models_{product.key} = {{\n" + "".join(entries) + "  }\n"


def _product_hcl(product: Product) -> str:
    local = f"local.{product.resource_name}"
    name = product.resource_name
    parts = [
        f"# Product {product.key}\n\nlocals {{\n"
        f"  {name} = {{\n"
        f'    name   = format("bench-%05d", {product.number})\n'
        f'    bucket = substr(join("-", ["{product.name}-artifacts", local.account_id, local.region]), 0, 63)\n'
        f'    tags   = merge(local.common_tags, {{ Product = "{product.name}" }})\n'
        "  }\n" + (_models_local_hcl(product) if product.models else "") + "}\n",
        f'resource "aws_ecr_repository" "{name}" {{\n'
        f"  name                 = {local}.name\n"
        '  image_tag_mutability = "IMMUTABLE"\n\n'
        "  image_scanning_configuration {\n    scan_on_push = true\n  }\n\n"
        f"  tags = {local}.tags\n}}\n",
    ]
    if product.bucket:
        parts.append(f'resource "aws_s3_bucket" "{name}" {{\n  bucket = {local}.bucket\n  tags   = {local}.tags\n}}\n')
    if product.models:
        parts.append(
            f'resource "aws_sagemaker_model" "{name}" {{\n'
            f"  for_each = local.models_{product.key}\n\n"
            f'  name                     = "${{{local}.name}}-${{each.key}}"\n'
            "  execution_role_arn       = local.execution_role_arn\n"
            "  enable_network_isolation = try(each.value.network_isolation, null)\n\n"
            "  primary_container {\n"
            "    image          = each.value.image\n"
            f'    model_data_url = "s3://${{aws_s3_bucket.{name}.bucket}}/models/${{each.key}}/model.tar.gz"\n'
            '    environment    = { for name, value in local.container_env : name => value if value != "" }\n'
            "  }\n\n"
            f"  tags = merge({local}.tags, {{ Model = each.key }})\n}}\n"
        )
    if product.hosted:
        parts.append(
            f'resource "aws_sagemaker_endpoint_configuration" "{name}" {{\n'
            f"  for_each = {{ for key, model in local.models_{product.key} : key => model if model.hosted }}\n\n"
            f'  name = "${{{local}.name}}-${{each.key}}-endpoint"\n\n'
            "  production_variants {\n"
            '    variant_name           = "primary"\n'
            f"    model_name             = aws_sagemaker_model.{name}[each.key].name\n"
            "    instance_type          = each.value.serverless ? null : each.value.instance_type\n"
            "    initial_instance_count = each.value.serverless ? null : 1\n\n"
            '    dynamic "serverless_config" {\n'
            "      for_each = each.value.serverless ? [4096] : []\n"
            "      content {\n"
            "        max_concurrency   = 5\n"
            "        memory_size_in_mb = serverless_config.value\n"
            "      }\n"
            "    }\n"
            "  }\n\n"
            '  dynamic "async_inference_config" {\n'
            f"    for_each = try(each.value.async, false) ? [aws_s3_bucket.{name}.bucket] : []\n"
            "    content {\n"
            "      output_config {\n"
            '        s3_output_path = "s3://${async_inference_config.value}/async/${each.key}/"\n'
            "      }\n"
            "    }\n"
            "  }\n\n"
            f"  tags = {local}.tags\n}}\n"
        )
    if product.pipeline is not None:
        parts.append(_pipeline_hcl(product, product.pipeline))
    if product.has_canary:
        parts.append(
            f'resource "aws_sagemaker_endpoint_configuration" "{name}_canary" {{\n'
            "  count = var.enable_canary ? 1 : 0\n\n"
            f'  name = "${{{local}.name}}-canary"\n\n'
            "  production_variants {\n"
            '    variant_name           = "canary"\n'
            f"    model_name             = aws_sagemaker_model.{name}{_key(MODEL_KEYS[0])}.name\n"
            '    instance_type          = "ml.m5.large"\n'
            "    initial_instance_count = 1\n"
            "  }\n\n"
            f"  tags = {local}.tags\n}}\n"
        )
    return "\n".join(parts)


def _pipeline_hcl(product: Product, pipeline: Pipeline) -> str:
    name = product.resource_name
    local = f"local.{name}"
    bucket = f"aws_s3_bucket.{name}.bucket"
    training_tail = [("StoppingCondition", "local.stopping_condition"), ("EnableNetworkIsolation", "true")]
    if pipeline.spot_wait_seconds is not None:
        training_tail[0] = (
            "StoppingCondition",
            f"merge(local.stopping_condition, {{ MaxWaitTimeInSeconds = {pipeline.spot_wait_seconds} }})",
        )
        training_tail.append(("EnableManagedSpotTraining", "true"))
    width = max(len(key) for key, _ in training_tail)
    tail = "".join(f"          {key:<{width}} = {value}\n" for key, value in training_tail)
    return (
        f'resource "aws_sagemaker_pipeline" "{name}" {{\n'
        "  count = var.enabled ? 1 : 0\n\n"
        f'  pipeline_name         = "${{{local}.name}}-train-and-score"\n'
        f'  pipeline_display_name = "${{{local}.name}}-train-and-score"\n'
        "  role_arn              = local.execution_role_arn\n\n"
        "  pipeline_definition = jsonencode({\n"
        '    Version = "2020-12-01"\n'
        "    Steps = [\n"
        "      {\n"
        '        Name = "Train"\n'
        '        Type = "Training"\n'
        "        Arguments = {\n"
        "          AlgorithmSpecification = {\n"
        f'            TrainingImage     = "${{local.registry}}/${{{local}.name}}-training:${{local.image_tag}}"\n'
        '            TrainingInputMode = "File"\n'
        "          }\n"
        "          RoleArn          = local.execution_role_arn\n"
        f'          OutputDataConfig = {{ S3OutputPath = "s3://${{{bucket}}}/training/" }}\n'
        "          ResourceConfig = {\n"
        f'            InstanceType   = "{pipeline.training_instance_type}"\n'
        "            InstanceCount  = 1\n"
        "            VolumeSizeInGB = 50\n"
        "          }\n"
        f"{tail}"
        "        }\n"
        "      },\n"
        "      {\n"
        '        Name = "BatchScore"\n'
        '        Type = "Transform"\n'
        "        Arguments = {\n"
        f"          ModelName = aws_sagemaker_model.{name}{_key(MODEL_KEYS[0])}.name\n"
        "          TransformInput = {\n"
        '            ContentType = "text/csv"\n'
        '            SplitType   = "Line"\n'
        "            DataSource = {\n"
        f'              S3DataSource = {{ S3DataType = "S3Prefix", S3Uri = "s3://${{{bucket}}}/batch/input/" }}\n'
        "            }\n"
        "          }\n"
        f'          TransformOutput    = {{ S3OutputPath = "s3://${{{bucket}}}/batch/output/" }}\n'
        f'          TransformResources = {{ InstanceType = "{pipeline.transform_instance_type}", InstanceCount = 1 }}\n'
        '          BatchStrategy      = "MultiRecord"\n'
        f"          MaxPayloadInMB     = {pipeline.max_payload_mb}\n"
        "          ModelClientConfig  = { InvocationsTimeoutInSeconds = 600, InvocationsMaxRetries = 1 }\n"
        "        }\n"
        "      },\n"
        "    ]\n"
        "  })\n\n"
        f"  tags = {local}.tags\n}}\n"
    )


def _regional_hcl(stack: Stack) -> str:
    entries = "".join(
        f'    "{model.key}" = {{ instance_type = "{model.instance_type}", '
        f"serverless = {'true' if model.serverless else 'false'} }}\n"
        for model in stack.regional
    )
    return (
        f"{HEADER}# Models served from {WEST_REGION}: one instance of the regional_model module each.\n\n"
        f"locals {{\n  regional_models = {{\n{entries}  }}\n}}\n\n"
        f'module "{MODULE_NAME}" {{\n'
        f'  source   = "{MODULE_SOURCE}"\n'
        "  for_each = var.enabled ? local.regional_models : {}\n"
        "  providers = {\n    aws = aws.west\n  }\n\n"
        "  name               = each.key\n"
        "  instance_type      = each.value.instance_type\n"
        "  serverless         = each.value.serverless\n"
        "  execution_role_arn = local.execution_role_arn\n"
        "  image_tag          = local.image_tag\n"
        f'  tags               = merge(local.common_tags, {{ Region = "{WEST_REGION}" }})\n'
        "}\n"
    )


MODULE_VARIABLES = (
    # name, description, type, default (HCL)
    ("name", "Model name; its image lives in the ECR repository bench-<name> of the provider's region.", "string",
     None),
    ("instance_type", "Hosting instance type (ignored when serverless).", "string", None),
    ("serverless", "Serve the model with serverless inference instead of instances.", "bool", "false"),
    ("execution_role_arn", "IAM role that SageMaker assumes to run the model.", "string", None),
    ("image_tag", "Tag of the model's image.", "string", None),
    ("tags", "Tags of every resource.", "map(string)", "{}"),
)  # fmt: skip


def _module_hcl() -> str:
    variables = []
    for name, description, type_, default in MODULE_VARIABLES:
        tail = f"  default     = {default}\n" if default is not None else ""
        variables.append(
            f'variable "{name}" {{\n  description = {json.dumps(description)}\n  type        = {type_}\n{tail}}}\n'
        )
    return (
        "# One network-isolated model and its endpoint configuration, in the region of the aws provider the caller\n"
        "# passes in; the image comes from that region's registry of the account that plans.\n\n"
        'terraform {\n  required_version = ">= 1.5"\n  required_providers {\n    aws = {\n'
        '      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n\n'
        + "\n".join(variables)
        + '\ndata "aws_region" "current" {}\n\ndata "aws_caller_identity" "current" {}\n\n'
        "locals {\n"
        '  name  = "bench-west-${var.name}"\n'
        '  image = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.name}'
        '.amazonaws.com/bench-${var.name}:${var.image_tag}"\n'
        "}\n\n"
        'resource "aws_sagemaker_model" "this" {\n'
        "  name                     = local.name\n"
        "  execution_role_arn       = var.execution_role_arn\n"
        "  enable_network_isolation = true\n\n"
        "  primary_container {\n    image = local.image\n  }\n\n"
        "  tags = var.tags\n}\n\n"
        'resource "aws_sagemaker_endpoint_configuration" "this" {\n'
        "  name = local.name\n\n"
        "  production_variants {\n"
        '    variant_name           = "primary"\n'
        "    model_name             = aws_sagemaker_model.this.name\n"
        "    instance_type          = var.serverless ? null : var.instance_type\n"
        "    initial_instance_count = var.serverless ? null : 1\n\n"
        '    dynamic "serverless_config" {\n'
        "      for_each = var.serverless ? [1] : []\n"
        "      content {\n"
        "        max_concurrency   = 5\n"
        "        memory_size_in_mb = 4096\n"
        "      }\n"
        "    }\n"
        "  }\n\n"
        "  tags = var.tags\n}\n"
    )


def render_hcl(stack: Stack) -> dict[str, str]:
    """Relative path -> text of every Terraform file of the stack."""
    files = {"main.tf": MAIN_HCL, "variables.tf": _variables_hcl()}
    for start in range(0, len(stack.products), PRODUCTS_PER_FILE):
        chunk = stack.products[start : start + PRODUCTS_PER_FILE]
        number = start // PRODUCTS_PER_FILE + 1
        files[f"products_{number:02d}.tf"] = HEADER + "\n" + "\n".join(_product_hcl(p) for p in chunk)
    if stack.regional:
        files["regional.tf"] = _regional_hcl(stack)
        files[f"{MODULE_DIR}/main.tf"] = _module_hcl()
    return files


# ---------------------------------------------------------------------------------------------------------
# plan.json: what `terraform show -json` prints for the Terraform above (Terraform 1.11, AWS provider 5.100.0)


@dataclass
class PlannedResource:
    """One resource instance of the plan."""

    type: str
    name: str
    after: dict[str, Any]
    after_unknown: dict[str, Any]
    after_sensitive: dict[str, Any]
    module_instance: str | None = None  # the module instance key
    index: str | int | None = None

    @property
    def module_address(self) -> str | None:
        return None if self.module_instance is None else f"module.{MODULE_NAME}{_key(self.module_instance)}"

    @property
    def address(self) -> str:
        prefix = f"{self.module_address}." if self.module_address else ""
        key = f"[{json.dumps(self.index)}]" if self.index is not None else ""
        return f"{prefix}{self.type}.{self.name}{key}"


def _constant(value: Any) -> dict[str, Any]:
    return {"constant_value": _sorted(value)}


def _references(*names: str) -> dict[str, Any]:
    return {"references": list(names)}


def _sorted(value: Any) -> Any:
    """Terraform prints object attributes and map keys in sorted order."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _tags(tags: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(after, after_unknown, after_sensitive) of known `tags` (and so `tags_all`: the providers set no
    default_tags)."""
    return {"tags": tags, "tags_all": tags}, {"tags": {}, "tags_all": {}}, {"tags": {}, "tags_all": {}}


def _plan_repository(product: Product) -> PlannedResource:
    tags_after, tags_unknown, tags_sensitive = _tags(product.tags)
    return PlannedResource(
        "aws_ecr_repository",
        product.resource_name,
        after={
            "encryption_configuration": [],
            "force_delete": None,
            "image_scanning_configuration": [{"scan_on_push": True}],
            "image_tag_mutability": "IMMUTABLE",
            "name": product.name,
            "timeouts": None,
            **tags_after,
        },
        after_unknown={
            "arn": True,
            "encryption_configuration": [],
            "id": True,
            "image_scanning_configuration": [{}],
            "registry_id": True,
            "repository_url": True,
            **tags_unknown,
        },
        after_sensitive={"encryption_configuration": [], "image_scanning_configuration": [{}], **tags_sensitive},
    )


S3_BUCKET_COMPUTED = (
    "acceleration_status", "acl", "arn", "bucket_domain_name", "bucket_prefix", "bucket_regional_domain_name",
    "cors_rule", "grant", "hosted_zone_id", "id", "lifecycle_rule", "logging", "object_lock_configuration",
    "object_lock_enabled", "policy", "region", "replication_configuration", "request_payer",
    "server_side_encryption_configuration", "versioning", "website", "website_domain", "website_endpoint",
)  # fmt: skip
S3_BUCKET_BLOCKS = (
    "cors_rule", "grant", "lifecycle_rule", "logging", "object_lock_configuration", "replication_configuration",
    "server_side_encryption_configuration", "versioning", "website",
)  # fmt: skip


def _plan_bucket(product: Product) -> PlannedResource:
    tags_after, tags_unknown, tags_sensitive = _tags(product.tags)
    return PlannedResource(
        "aws_s3_bucket",
        product.resource_name,
        after={"bucket": product.bucket_name, "force_destroy": False, "timeouts": None, **tags_after},
        after_unknown={**dict.fromkeys(S3_BUCKET_COMPUTED, True), **tags_unknown},
        after_sensitive={**{name: [] for name in S3_BUCKET_BLOCKS}, **tags_sensitive},
    )


def _image(product: Product, model: ProductModel) -> str | None:
    """The image URI as planned; None where it is known only after apply."""
    if model.image_kind == "registry":
        return f"{REGISTRY}/{product.name}:{IMAGE_TAG}"
    if model.image_kind == "wrong_region":
        return f"{SELLER_ACCOUNT}.dkr.ecr.{WEST_REGION}.amazonaws.com/{product.name}:{IMAGE_TAG}"
    if model.image_kind == "docker_hub":
        return f"docker.io/acme/{product.name}:latest"
    return None


def _model_values(
    name: str,
    image: str | None,
    model_data_url: str | None,
    environment: dict[str, str] | None,
    isolation: bool | None,
    tags: dict[str, str],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    container: dict[str, Any] = {
        "container_hostname": None,
        "environment": environment,
        "image_config": [],
        "inference_specification_name": None,
        "mode": "SingleModel",
        "model_data_url": model_data_url,
        "model_package_name": None,
        "multi_model_config": [],
    }
    container_unknown: dict[str, Any] = {"image_config": [], "model_data_source": True, "multi_model_config": []}
    container_sensitive: dict[str, Any] = {"image_config": [], "model_data_source": [], "multi_model_config": []}
    if environment is not None:
        container_unknown["environment"] = {}
        container_sensitive["environment"] = {}
    if image is None:
        container_unknown["image"] = True
    else:
        container["image"] = image
    tags_after, tags_unknown, tags_sensitive = _tags(tags)
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
        "primary_container": [container_sensitive],
        "vpc_config": [],
        **tags_sensitive,
    }
    return after, unknown, sensitive


def _plan_model(product: Product, model: ProductModel) -> PlannedResource:
    values = _model_values(
        f"{product.name}-{model.key}",
        _image(product, model),
        f"s3://{product.bucket_name}/models/{model.key}/model.tar.gz",
        CONTAINER_ENV,
        model.network_isolation,
        {**product.tags, "Model": model.key},
    )
    return PlannedResource("aws_sagemaker_model", product.resource_name, *values, index=model.key)


def _endpoint_values(
    name: str, model_name: str, hosting: str, instance_type: str, async_output: str | None, tags: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    serverless = hosting == "serverless"
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
    tags_after, tags_unknown, tags_sensitive = _tags(tags)
    after = {
        "async_inference_config": async_after,
        "data_capture_config": [],
        "kms_key_arn": None,
        "name": name,
        "production_variants": [variant],
        "shadow_production_variants": [],
        **tags_after,
    }
    unknown = {
        "arn": True,
        "async_inference_config": async_nested,
        "data_capture_config": [],
        "id": True,
        "name_prefix": True,
        "production_variants": [{**variant_nested, "volume_size_in_gb": True}],
        "shadow_production_variants": [],
        **tags_unknown,
    }
    sensitive = {
        "async_inference_config": async_nested,
        "data_capture_config": [],
        "production_variants": [variant_nested],
        "shadow_production_variants": [],
        **tags_sensitive,
    }
    return after, unknown, sensitive


def _plan_endpoint(product: Product, model: ProductModel) -> PlannedResource:
    assert model.hosting is not None
    async_output = f"s3://{product.bucket_name}/async/{model.key}/" if model.hosting == "async" else None
    values = _endpoint_values(
        f"{product.name}-{model.key}-endpoint",
        f"{product.name}-{model.key}",
        model.hosting,
        model.instance_type,
        async_output,
        product.tags,
    )
    return PlannedResource("aws_sagemaker_endpoint_configuration", product.resource_name, *values, index=model.key)


def pipeline_definition(product: Product, pipeline: Pipeline) -> dict[str, Any]:
    """The definition as `jsonencode` sees it (object keys are sorted when it is encoded)."""
    bucket = product.bucket_name
    stopping: dict[str, Any] = {"MaxRuntimeInSeconds": MAX_RUNTIME_SECONDS}
    training: dict[str, Any] = {
        "AlgorithmSpecification": {
            "TrainingImage": f"{REGISTRY}/{product.name}-training:{IMAGE_TAG}",
            "TrainingInputMode": "File",
        },
        "RoleArn": EXECUTION_ROLE_ARN,
        "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/training/"},
        "ResourceConfig": {"InstanceType": pipeline.training_instance_type, "InstanceCount": 1, "VolumeSizeInGB": 50},
        "StoppingCondition": stopping,
        "EnableNetworkIsolation": True,
    }
    if pipeline.spot_wait_seconds is not None:
        stopping["MaxWaitTimeInSeconds"] = pipeline.spot_wait_seconds
        training["EnableManagedSpotTraining"] = True
    transform = {
        "ModelName": f"{product.name}-{MODEL_KEYS[0]}",
        "TransformInput": {
            "ContentType": "text/csv",
            "SplitType": "Line",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{bucket}/batch/input/"}},
        },
        "TransformOutput": {"S3OutputPath": f"s3://{bucket}/batch/output/"},
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


def _plan_pipeline(product: Product, pipeline: Pipeline) -> PlannedResource:
    definition = json.dumps(pipeline_definition(product, pipeline), sort_keys=True, separators=(",", ":"))
    tags_after, tags_unknown, tags_sensitive = _tags(product.tags)
    return PlannedResource(
        "aws_sagemaker_pipeline",
        product.resource_name,
        after={
            "parallelism_configuration": [],
            "pipeline_definition": definition,
            "pipeline_definition_s3_location": [],
            "pipeline_description": None,
            "pipeline_display_name": f"{product.name}-train-and-score",
            "pipeline_name": f"{product.name}-train-and-score",
            "role_arn": EXECUTION_ROLE_ARN,
            **tags_after,
        },
        after_unknown={
            "arn": True,
            "id": True,
            "parallelism_configuration": [],
            "pipeline_definition_s3_location": [],
            **tags_unknown,
        },
        after_sensitive={"parallelism_configuration": [], "pipeline_definition_s3_location": [], **tags_sensitive},
        index=0,
    )


def _planned_root(stack: Stack) -> list[PlannedResource]:
    planned: list[PlannedResource] = []
    for product in stack.products:
        planned.append(_plan_repository(product))
        if product.bucket:
            planned.append(_plan_bucket(product))
        planned.extend(_plan_model(product, model) for model in product.models)
        planned.extend(_plan_endpoint(product, model) for model in product.hosted)
        if product.pipeline is not None:
            planned.append(_plan_pipeline(product, product.pipeline))
    return sorted(planned, key=lambda p: p.address)


def _planned_module(stack: Stack) -> list[PlannedResource]:
    planned = []
    for model in stack.regional:
        image = f"{SELLER_ACCOUNT}.dkr.ecr.{WEST_REGION}.amazonaws.com/bench-{model.key}:{IMAGE_TAG}"
        hosting = "serverless" if model.serverless else "instance"
        for resource_type, (after, unknown, sensitive) in (
            ("aws_sagemaker_model", _model_values(model.name, image, None, None, True, REGIONAL_TAGS)),
            (
                "aws_sagemaker_endpoint_configuration",
                _endpoint_values(model.name, model.name, hosting, model.instance_type, None, REGIONAL_TAGS),
            ),
        ):
            planned.append(PlannedResource(resource_type, "this", after, unknown, sensitive, module_instance=model.key))
    return sorted(planned, key=lambda p: p.address)


def _data_sources(region: str, module_address: str | None) -> list[dict[str, Any]]:
    """The data sources as `prior_state` holds them: read at plan time."""
    prefix = f"{module_address}." if module_address else ""
    values = {
        "aws_caller_identity": {
            "account_id": SELLER_ACCOUNT,
            "arn": CALLER_ARN,
            "id": SELLER_ACCOUNT,
            "user_id": CALLER_USER_ID,
        },
        "aws_region": {
            "description": REGION_NAMES[region],
            "endpoint": f"ec2.{region}.amazonaws.com",
            "id": region,
            "name": region,
        },
    }
    return [
        {
            "address": f"{prefix}data.{data_type}.current",
            "mode": "data",
            "type": data_type,
            "name": "current",
            "provider_name": PROVIDER_NAME,
            "schema_version": 0,
            "values": values[data_type],
            "sensitive_values": {},
        }
        for data_type in sorted(values)
    ]


# The `configuration` section: each argument's expression as Terraform prints it, a constant or the
# references it makes (in source order, repeats included; an attribute reference is followed by its object).


def _local(name: str, attribute: str) -> list[str]:
    return [f"local.{name}.{attribute}", f"local.{name}"]


def _product_configuration(product: Product) -> list[dict[str, Any]]:
    name = product.resource_name
    product_name = _local(name, "name")
    product_tags = _local(name, "tags")
    models = f"local.models_{product.key}"
    bucket = [f"aws_s3_bucket.{name}.bucket", f"aws_s3_bucket.{name}"]
    first_model = f"aws_sagemaker_model.{name}{_key(MODEL_KEYS[0])}"
    first_model_name = [f"{first_model}.name", first_model, f"aws_sagemaker_model.{name}"]
    entries: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        (
            "aws_ecr_repository",
            {
                "image_scanning_configuration": [{"scan_on_push": _constant(True)}],
                "image_tag_mutability": _constant("IMMUTABLE"),
                "name": _references(*product_name),
                "tags": _references(*product_tags),
            },
            {},
        )
    ]
    if product.bucket:
        entries.append(
            ("aws_s3_bucket", {"bucket": _references(*_local(name, "bucket")), "tags": _references(*product_tags)}, {})
        )
    if product.models:
        entries.append(
            (
                "aws_sagemaker_model",
                {
                    "enable_network_isolation": _references("each.value.network_isolation", "each.value"),
                    "execution_role_arn": _references("local.execution_role_arn"),
                    "name": _references(*product_name, "each.key"),
                    "primary_container": [
                        {
                            "environment": _references("local.container_env"),
                            "image": _references("each.value.image", "each.value"),
                            "model_data_url": _references(*bucket, "each.key"),
                        }
                    ],
                    "tags": _references(*product_tags, "each.key"),
                },
                {"for_each_expression": _references(models)},
            )
        )
    if product.hosted:
        serverless = ["each.value.serverless", "each.value"]
        entries.append(
            (
                "aws_sagemaker_endpoint_configuration",
                {
                    "name": _references(*product_name, "each.key"),
                    "production_variants": [
                        {
                            "initial_instance_count": _references(*serverless),
                            "instance_type": _references(*serverless, "each.value.instance_type", "each.value"),
                            "model_name": _references(f"aws_sagemaker_model.{name}", "each.key"),
                            "variant_name": _constant("primary"),
                        }
                    ],
                    "tags": _references(*product_tags),
                },
                {"for_each_expression": _references(models)},
            )
        )
    if product.pipeline is not None:
        stopping = ["local.stopping_condition"]
        definition = [
            "local.registry",
            *product_name,
            "local.image_tag",
            "local.execution_role_arn",
            *bucket,
            *stopping,
            *first_model_name,
            *bucket,
            *bucket,
        ]
        entries.append(
            (
                "aws_sagemaker_pipeline",
                {
                    "pipeline_definition": _references(*definition),
                    "pipeline_display_name": _references(*product_name),
                    "pipeline_name": _references(*product_name),
                    "role_arn": _references("local.execution_role_arn"),
                    "tags": _references(*product_tags),
                },
                {"count_expression": _references("var.enabled")},
            )
        )
    configured = [_configured_resource(resource_type, name, e, meta) for resource_type, e, meta in entries]
    if product.has_canary:
        canary = {
            "name": _references(*product_name),
            "production_variants": [
                {
                    "initial_instance_count": _constant(1),
                    "instance_type": _constant("ml.m5.large"),
                    "model_name": _references(*first_model_name),
                    "variant_name": _constant("canary"),
                }
            ],
            "tags": _references(*product_tags),
        }
        configured.append(
            _configured_resource(
                "aws_sagemaker_endpoint_configuration",
                f"{name}_canary",
                canary,
                {"count_expression": _references("var.enable_canary")},
            )
        )
    return configured


def _configured_resource(
    resource_type: str, name: str, expressions: dict[str, Any], meta: dict[str, Any], provider_key: str = "aws"
) -> dict[str, Any]:
    return {
        "address": f"{resource_type}.{name}",
        "mode": "managed",
        "type": resource_type,
        "name": name,
        "provider_config_key": provider_key,
        "expressions": _sorted(expressions),
        "schema_version": 0,
        **meta,
    }


def _configured_data_sources(provider_key: str) -> list[dict[str, Any]]:
    return [
        {
            "address": f"data.{data_type}.current",
            "mode": "data",
            "type": data_type,
            "name": "current",
            "provider_config_key": provider_key,
            "schema_version": 0,
        }
        for data_type in ("aws_caller_identity", "aws_region")
    ]


def _module_configuration() -> dict[str, Any]:
    key = "aws.west"
    serverless = _references("var.serverless")
    resources = [
        _configured_resource(
            "aws_sagemaker_endpoint_configuration",
            "this",
            {
                "name": _references("local.name"),
                "production_variants": [
                    {
                        "initial_instance_count": serverless,
                        "instance_type": _references("var.serverless", "var.instance_type"),
                        "model_name": _references("aws_sagemaker_model.this.name", "aws_sagemaker_model.this"),
                        "variant_name": _constant("primary"),
                    }
                ],
                "tags": _references("var.tags"),
            },
            {},
            key,
        ),
        _configured_resource(
            "aws_sagemaker_model",
            "this",
            {
                "enable_network_isolation": _constant(True),
                "execution_role_arn": _references("var.execution_role_arn"),
                "name": _references("local.name"),
                "primary_container": [{"image": _references("local.image")}],
                "tags": _references("var.tags"),
            },
            {},
            key,
        ),
        *_configured_data_sources(key),
    ]
    variables = {}
    for name, description, _, default in MODULE_VARIABLES:
        variables[name] = {"default": json.loads(default)} if default is not None else {}
        variables[name]["description"] = description
    return {
        "source": MODULE_SOURCE,
        "expressions": _sorted(
            {
                "execution_role_arn": _references("local.execution_role_arn"),
                "image_tag": _references("local.image_tag"),
                "instance_type": _references("each.value.instance_type", "each.value"),
                "name": _references("each.key"),
                "serverless": _references("each.value.serverless", "each.value"),
                "tags": _references("local.common_tags"),
            }
        ),
        "for_each_expression": _references("var.enabled", "local.regional_models"),
        "module": {"resources": resources, "variables": dict(sorted(variables.items()))},
    }


def _provider_config() -> dict[str, Any]:
    common = {"name": "aws", "full_name": PROVIDER_NAME}
    accounts = _constant([SELLER_ACCOUNT])
    return {
        "aws": {
            **common,
            "version_constraint": "~> 5.0",
            "expressions": {"allowed_account_ids": accounts, "region": _references("var.region")},
        },
        "aws.west": {
            **common,
            "alias": "west",
            "version_constraint": "~> 5.0",
            "expressions": {"allowed_account_ids": accounts, "region": _constant(WEST_REGION)},
        },
    }


def _relevant_attributes(stack: Stack) -> list[dict[str, Any]]:
    """The attributes of other resources and data sources that resources read (Terraform lists each once, in
    no set order: here sorted)."""
    pairs: set[tuple[str, tuple[str, ...]]] = {
        ("data.aws_caller_identity.current", ("account_id",)),
        ("data.aws_region.current", ("name",)),
    }
    for product in stack.products:
        name = product.resource_name
        kinds = {model.image_kind for model in product.models}
        if kinds & {"registry", "wrong_region"}:
            pairs.add((f"aws_ecr_repository.{name}", ("name",)))
        if "repository_url" in kinds:
            pairs.add((f"aws_ecr_repository.{name}", ("repository_url",)))
        if product.models:
            pairs.add((f"aws_s3_bucket.{name}", ("bucket",)))
        if product.hosted:
            # `aws_sagemaker_model.x[each.key].name`: the index is dynamic, so the whole resource is relevant.
            pairs.add((f"aws_sagemaker_model.{name}", ()))
        if product.pipeline is not None:
            pairs.add((f"aws_sagemaker_model.{name}{_key(MODEL_KEYS[0])}", ("name",)))
    for model in stack.regional:
        instance = f"module.{MODULE_NAME}{_key(model.key)}"
        pairs.add((f"{instance}.data.aws_caller_identity.current", ("account_id",)))
        pairs.add((f"{instance}.data.aws_region.current", ("name",)))
        pairs.add((f"{instance}.aws_sagemaker_model.this", ("name",)))
    return [{"resource": resource, "attribute": list(path)} for resource, path in sorted(pairs)]


def render_plan(stack: Stack) -> dict[str, Any]:
    """The plan JSON of the stack, as `terraform show -json tfplan` prints it after a first `terraform plan`."""
    root = _planned_root(stack)
    module = _planned_module(stack)

    def change(planned: PlannedResource) -> dict[str, Any]:
        entry: dict[str, Any] = {"address": planned.address}
        if planned.module_address:
            entry["module_address"] = planned.module_address
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

    planned_root: dict[str, Any] = {"resources": [planned_value(planned) for planned in root]}
    prior_root: dict[str, Any] = {"resources": _data_sources(HOME_REGION, None)}
    module_instances = [f"module.{MODULE_NAME}{_key(model.key)}" for model in sorted(stack.regional, key=_by_key)]
    if module_instances:
        planned_root["child_modules"] = [
            {
                "resources": [planned_value(p) for p in module if p.module_address == instance],
                "address": instance,
            }
            for instance in module_instances
        ]
        prior_root["child_modules"] = [
            {"resources": _data_sources(WEST_REGION, instance), "address": instance} for instance in module_instances
        ]
    configuration_root: dict[str, Any] = {
        "resources": sorted(
            [entry for product in stack.products for entry in _product_configuration(product)]
            + _configured_data_sources("aws"),
            key=lambda entry: entry["address"],
        )
    }
    if stack.regional:
        configuration_root["module_calls"] = {MODULE_NAME: _module_configuration()}
    configuration_root["variables"] = {
        name: {"default": _sorted(plan_default), "description": description}
        for name, description, _, _, plan_default in sorted(VARIABLES)
    }
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "variables": {name: {"value": _sorted(default)} for name, _, _, _, default in sorted(VARIABLES)},
        "planned_values": {"root_module": planned_root},
        "resource_changes": [change(planned) for planned in root] + [change(planned) for planned in module],
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": TERRAFORM_VERSION,
            "values": {"root_module": prior_root},
        },
        "configuration": {"provider_config": _provider_config(), "root_module": configuration_root},
        "relevant_attributes": _relevant_attributes(stack),
        "timestamp": PLAN_TIMESTAMP,
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def _by_key(model: RegionalModel) -> str:
    return model.key


def dump_plan(plan: dict[str, Any]) -> str:
    """One line, escaped as Go's encoding/json escapes it (`~> 5.0` is written `~\\u003e 5.0`)."""
    text = json.dumps(plan, separators=(",", ":"), ensure_ascii=False)
    # <, > and & occur only inside JSON strings, so replacing them everywhere is safe.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def write_stack(out: Path, resources: int, seed: int = 6, *, plan: bool = True) -> Path:
    stack = build_stack(resources, seed)
    for relative, text in render_hcl(stack).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # The seller's account, for the checkov plugin and any scan that does not read the providers' pin.
    (out / ".mlmarket.yaml").write_text(f'seller_account_id: "{SELLER_ACCOUNT}"\n', encoding="utf-8")
    if plan:
        (out / "plan.json").write_text(dump_plan(render_plan(stack)), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, required=True, help="number of resource instances (>= 9)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created)")
    parser.add_argument("--seed", type=int, default=6, help="random seed (default: 6)")
    parser.add_argument("--no-plan", action="store_true", help="write only the Terraform")
    args = parser.parse_args(argv)
    if args.resources < len(GROUP_PATTERN):
        parser.error(f"--resources must be at least {len(GROUP_PATTERN)}")
    write_stack(args.out, args.resources, args.seed, plan=not args.no_plan)
    print(f"wrote {args.resources} resources to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a corpus root needs before it can be scanned and planned offline, the same way for both:

- `placeholder_variables`: a value for every root variable that has no default and that no variables file of
  the root sets (`terraform plan` would prompt for it). The same `NAME=VALUE` texts go to `mlmarket scan --var`
  and `terraform plan -var`, so both readers see one configuration.
- `offline_files`: files for the planned copy only: fake credentials, the `skip_*` flags and a local STS, as an
  override of each `aws` provider block of the root (or a plain provider block where the root writes none); the
  root's version constraints relaxed to the Terraform and aws provider on this machine (a root pinned to aws 3.x
  is planned with 5.100.0; where that provider refuses the configuration, the root is not planned); a remote
  backend replaced by the local one. None of it changes what the rules read (regions, accounts), so the source
  is scanned as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlmarket.errors import InputError
from mlmarket.terraform.syntax import ast, parse_file
from mlmarket.terraform.typeexpr import TypeExpressionError, parse_constraint
from mlmarket.terraform.values import (
    BOOL,
    NUMBER,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
)

PLACEHOLDER_STRING = "mlmarket-placeholder"
# A string variable whose name says what it holds gets a value of that form (the first match wins), or the
# provider refuses the plan (an invalid region, ARN or S3 URL).
_NAMED_PLACEHOLDERS = (
    (("region",), "us-east-1"),
    (("arn",), "arn:aws:iam::111122223333:role/mlmarket-placeholder"),
    (("account",), "111122223333"),
    (("image",), "111122223333.dkr.ecr.us-east-1.amazonaws.com/mlmarket-placeholder:1"),
    (("s3", "url", "uri", "path"), "s3://mlmarket-placeholder/placeholder"),
)
OVERRIDE_FILE = "zz_mlmarket_offline_override.tf"
PROVIDER_FILE = "zz_mlmarket_offline_provider.tf"

_VERSIONS = """\
terraform {
  required_version = ">= 0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 0"
    }
  }
}
"""
_OFFLINE_SETTINGS = """\
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  profile                     = null
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
"""


def root_blocks(root: Path) -> list[ast.Block]:
    """The top-level blocks of the root's `.tf` files (InputError for one that does not parse)."""
    blocks: list[ast.Block] = []
    for path in sorted(root.glob("*.tf")):
        parsed = parse_file(path.read_text(encoding="utf-8-sig"), str(path))
        blocks.extend(parsed.body.blocks)
    return blocks


def _names_set_by_variables_files(root: Path) -> set[str]:
    names: set[str] = set()
    for path in sorted(root.iterdir()):
        name = path.name
        automatic = name.endswith((".auto.tfvars", ".auto.tfvars.json"))
        if name in ("terraform.tfvars", "terraform.tfvars.json") or automatic:
            try:
                text = path.read_text(encoding="utf-8-sig")
                if name.endswith(".json"):
                    names.update(json.loads(text))
                else:
                    names.update(parse_file(text, str(path)).body.attributes)
            except (OSError, ValueError, InputError):
                continue  # the scan and the plan report a broken variables file themselves
    return names


def _value_text(kind: Type | None, name: str, top: bool) -> str:
    """A placeholder of type `kind`, as `-var` takes it: raw text for a top-level primitive, else HCL."""
    if kind == NUMBER:
        return "1"
    if kind == BOOL:
        return "false"
    if isinstance(kind, (ListType, SetType)):
        return "[]"
    if isinstance(kind, MapType):
        return "{}"
    if isinstance(kind, TupleType):
        return "[" + ", ".join(_value_text(t, name, False) for t in kind.elements) + "]"
    if isinstance(kind, ObjectType):
        items = ", ".join(f"{attr} = {_value_text(t, attr, False)}" for attr, t in kind.attributes)
        return "{" + items + "}"
    lowered = name.lower()
    text = next((value for words, value in _NAMED_PLACEHOLDERS if any(w in lowered for w in words)),
                PLACEHOLDER_STRING)
    return text if top else json.dumps(text)


def _required_attributes_only(constraint) -> Type:
    """The constraint's type without its optional() object attributes (a placeholder leaves them out)."""
    kind = constraint.type
    if isinstance(kind, ObjectType):
        kept = {
            attr: _required_attributes_only(constraint.children[attr])
            for attr, _ in kind.attributes
            if attr not in constraint.optional
        }
        return ObjectType.of(kept)
    return kind


def placeholder_variables(root: Path, blocks: list[ast.Block]) -> list[str]:
    """`NAME=VALUE` for every required root variable no variables file sets."""
    already = _names_set_by_variables_files(root)
    texts = []
    for block in blocks:
        if block.type != "variable" or len(block.labels) != 1:
            continue
        name = block.labels[0]
        if "default" in block.body.attributes or name in already:
            continue
        declared = block.body.attributes.get("type")
        kind: Type | None = None
        if declared is not None:
            try:
                kind = _required_attributes_only(parse_constraint(declared.expr, lambda node: None))
            except TypeExpressionError:
                kind = None
        texts.append(f"{name}={_value_text(kind, name, True)}")
    return texts


def _literal_alias(block: ast.Block) -> str | None:
    attribute = block.body.attributes.get("alias")
    if attribute is None:
        return None
    node = attribute.expr
    if isinstance(node, ast.Template) and len(node.parts) == 1 and isinstance(node.parts[0], ast.Literal):
        return str(node.parts[0].value)
    if isinstance(node, ast.Literal):
        return str(node.value)
    return None


def has_backend(blocks: list[ast.Block]) -> bool:
    return any(b.type == "terraform" and any(i.type == "backend" for i in b.body.blocks) for b in blocks)


def offline_files(blocks: list[ast.Block], sts_endpoint: str) -> dict[str, str]:
    """File name -> text of the files that let the planned copy of the root plan offline, with the Terraform and
    provider on this machine: an override of every `aws` provider block of the root (a plain provider block where
    the root writes none) with fake credentials and STS at `sts_endpoint` (a local fake that answers
    data.aws_caller_identity), of the root's `required_version` and `aws` version constraint, and of a remote
    backend with the local one."""
    aliases = [_literal_alias(b) for b in blocks if b.type == "provider" and b.labels == ("aws",)]
    header = "# Written by bench/corpus/measure.py into the planned copy only: fake credentials, no AWS lookups.\n"
    settings = _OFFLINE_SETTINGS + f'  endpoints {{\n    sts = "{sts_endpoint}"\n  }}\n'
    versions = _VERSIONS
    if has_backend(blocks):
        versions = versions.replace("terraform {\n", 'terraform {\n  backend "local" {}\n')
    override = header + versions
    for alias in dict.fromkeys(aliases):
        alias_line = f'  alias                       = "{alias}"\n' if alias else ""
        override += 'provider "aws" {\n' + alias_line + settings + "}\n"
    files = {OVERRIDE_FILE: override}
    if not aliases:
        files[PROVIDER_FILE] = header + 'provider "aws" {\n' + settings + "}\n"
    return files

"""Maps an evaluated Terraform configuration (mlmarket.terraform Values) to the normalized model.

Known values become plain data as a plan shows it (nested blocks as lists of dicts, numbers as int or float);
an unknown value becomes `Unknown` with its reason and references; a sensitive value becomes the SENSITIVE
marker, so that it is never read or shown. Also here: what AWS data sources are before apply
(`data.aws_region`, `data.aws_partition`, `data.aws_caller_identity` follow their provider's configuration).
"""

from __future__ import annotations

import re
from typing import Any

from mlmarket.errors import InputError
from mlmarket.model import SENSITIVE, Resource, Stack, Unknown
from mlmarket.readers.prebuilt_ecr_images import PROVIDER_VERSION, prebuilt_image
from mlmarket.terraform.configuration import EvaluatedRoot, ProviderInstance, ResourceInstance
from mlmarket.terraform.values import STRING, Value, holds_infinity, null, number_to_python, string, unknown

_SKIP_COMMENT = re.compile(
    r"(?:#|//)\s*(?:checkov|mlmarket):skip=(?P<id>[A-Za-z0-9_]+)(?::(?P<reason>[^\n]*))?"
)


def to_model(value: Value) -> Any:
    """A Value as the model holds it."""
    if value.sensitive:
        return SENSITIVE
    if not value.is_known:
        return Unknown(value.reason, value.refs)
    raw = value.raw
    if raw is None or isinstance(raw, (str, bool)):
        return raw
    if isinstance(raw, tuple):
        return [to_model(item) for item in raw]
    if isinstance(raw, dict):
        return {key: to_model(item) for key, item in raw.items()}
    return number_to_python(raw)


def build_stack(evaluated: EvaluatedRoot, shown_dir: str, sources: dict[str, Any]) -> Stack:
    resources = [_resource(instance, sources) for instance in evaluated.resources]
    default = next((p for p in evaluated.providers if p.key == "aws"), None)
    pinned = {account for p in evaluated.providers if isinstance(account := _pinned_account(p), str)}
    return Stack(
        source=shown_dir,
        resources=resources,
        default_region=_provider_region(default) if default else None,
        pinned_accounts=frozenset(pinned),
        unread_modules=tuple(evaluated.unread_modules),
    )


def _resource(instance: ResourceInstance, sources: dict[str, Any]) -> Resource:
    for name, value in instance.attributes.items():
        if value.is_known and holds_infinity(value):
            # Terraform computes with infinities but cannot write one to a plan: it refuses the configuration.
            raise InputError(instance.filename, f"{instance.address}: `{name}` holds an infinite number, which "
                             "Terraform cannot plan (cannot serialize infinity)", line=instance.line)
    attributes = {name: to_model(value) for name, value in instance.attributes.items()}
    provider = instance.provider
    own_region = attributes.get("region")
    region: str | Unknown
    if isinstance(own_region, (str, Unknown)) and (
        instance.mode == "managed" or instance.type == "aws_sagemaker_prebuilt_ecr_image"
    ):
        region = own_region
    elif provider is not None:
        region = _provider_region(provider)
    else:
        region = Unknown(f"no provider configuration `{instance.provider_local_name}` sets a region for this resource")
    source = sources.get(instance.filename)
    return Resource(
        address=instance.address,
        type=instance.type,
        name=instance.name,
        attributes=attributes,
        region=region,
        provider=provider.key if provider else instance.module_prefix + instance.provider_local_name,
        mode=instance.mode,
        file=instance.filename,
        line=instance.line,
        skips=_skip_comments(source.lines if source else [], instance.line, instance.end_line),
        account=_pinned_account(provider) if provider else None,
    )


def _provider_region(provider: ProviderInstance) -> str | Unknown:
    value = provider.attributes.get("region")
    if value is None or (value.is_known and value.is_null):
        return Unknown(
            f"provider {provider.key} in {provider.filename} sets no region (taken from the environment at plan time)"
        )
    region = to_model(value)
    if isinstance(region, (str, Unknown)):
        return region
    return Unknown(f"provider {provider.key} region is not a string")


def _pinned_account(provider: ProviderInstance) -> str | Unknown | None:
    value = provider.attributes.get("allowed_account_ids")
    if value is None or (value.is_known and value.is_null):
        return None
    accounts = to_model(value)
    if isinstance(accounts, list) and len(accounts) == 1 and isinstance(accounts[0], str):
        return accounts[0]
    if isinstance(accounts, Unknown):
        return accounts
    return None


def _skip_comments(file_lines: list[str], start: int, end: int) -> dict[str, str]:
    skips: dict[str, str] = {}
    for line in file_lines[start - 1 : end]:
        for match in _SKIP_COMMENT.finditer(line):
            skips[match["id"]] = (match["reason"] or "").strip()
    return skips


_PARTITIONS = (("cn-", "aws-cn", "amazonaws.com.cn"), ("us-gov-", "aws-us-gov", "amazonaws.com"))
_REGION_FROM_ENVIRONMENT = (
    "the provider's region is not set in the configuration (taken from the environment at plan time)"
)


def aws_data_source(
    resource_type: str, provider: ProviderInstance | None, arguments: dict[str, Value]
) -> dict[str, Value] | None:
    """Attributes of AWS data sources that the provider decides before apply, from its configuration and the
    data source's arguments."""
    if resource_type == "aws_sagemaker_prebuilt_ecr_image":
        return _prebuilt_image(provider, arguments)
    if resource_type not in ("aws_region", "aws_partition", "aws_caller_identity"):
        return None
    region = provider.attributes.get("region") if provider else None
    if resource_type == "aws_caller_identity":
        accounts = provider.attributes.get("allowed_account_ids") if provider else None
        account = _one_known_string(accounts)
        if account is None:
            return {"account_id": unknown(STRING, "the account is known only after apply (no provider pins one "
                                          "account with allowed_account_ids)", ("data.aws_caller_identity",))}
        return {"account_id": account}
    if region is None or not region.is_known or region.is_null or not isinstance(region.raw, str):
        reason = _REGION_FROM_ENVIRONMENT
        attributes = {"name": unknown(STRING, reason), "id": unknown(STRING, reason)}
        if resource_type == "aws_partition":
            attributes = {"partition": unknown(STRING, reason), "dns_suffix": unknown(STRING, reason),
                          "id": unknown(STRING, reason)}
        return attributes
    if resource_type == "aws_region":
        return {"name": region, "id": region, "region": region}
    partition, suffix = "aws", "amazonaws.com"
    for prefix, name, dns in _PARTITIONS:
        if region.raw.startswith(prefix):
            partition, suffix = name, dns
    sensitive = region.sensitive
    return {
        "partition": string(partition, sensitive),
        "dns_suffix": string(suffix, sensitive),
        "id": string(partition, sensitive),
    }


def _one_known_string(value: Value | None) -> Value | None:
    if value is None or not value.is_known or value.is_null or not isinstance(value.raw, tuple):
        return None
    if len(value.raw) != 1:
        return None
    item = value.raw[0]
    if item.is_known and isinstance(item.raw, str):
        return item.with_sensitive(value.sensitive)
    return None


_PREBUILT_COMPUTED = ("registry_id", "registry_path", "id")


def _prebuilt_image(provider: ProviderInstance | None, arguments: dict[str, Value]) -> dict[str, Value]:
    """The provider answers data.aws_sagemaker_prebuilt_ecr_image from its own table of AWS registries, without
    calling AWS (readers/prebuilt_ecr_images.py, measured from its plans)."""
    given = {name: arguments.get(name) for name in ("repository_name", "region", "image_tag", "dns_suffix")}
    provider_region = provider.attributes.get("region") if provider else None
    inputs = [v for v in (*given.values(), provider_region) if v is not None]
    sensitive = any(v.sensitive for v in inputs)

    def unknown_all(reason: str, refs: tuple[str, ...] = ()) -> dict[str, Value]:
        return {name: unknown(STRING, reason, refs, sensitive) for name in _PREBUILT_COMPUTED}

    for value in inputs:
        if not value.is_known:
            return unknown_all(value.reason, value.refs)
    texts = {name: _text_or_none(value) for name, value in given.items()}
    region = _text_or_none(provider_region)
    if region is None:
        return unknown_all(_REGION_FROM_ENVIRONMENT)
    if texts["repository_name"] is None:
        return unknown_all("the prebuilt image's repository_name is not set")
    image = prebuilt_image(texts["repository_name"], texts["region"], region, texts["image_tag"], texts["dns_suffix"])
    if image is None:
        return unknown_all(f"the hashicorp/aws provider {PROVIDER_VERSION} has no registry of "
                           f"{texts['repository_name']!r} in {texts['region'] or region} (a newer one may)")
    return {name: string(text, sensitive) if text is not None else null(STRING) for name, text in image.items()}


def _text_or_none(value: Value | None) -> str | None:
    if value is None or value.is_null or not isinstance(value.raw, str):
        return None
    return value.raw

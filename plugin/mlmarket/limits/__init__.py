"""AWS Marketplace limits for machine-learning products, and the AWS data they need.

Every number a rule compares against lives here, with its unit in its name and its source beside it.
Unless a constant says otherwise, the source is the AWS Marketplace Seller Guide, "Service restrictions
and quotas for machine learning products"
(https://docs.aws.amazon.com/marketplace/latest/userguide/ml-service-restrictions-and-limits.html).

The datasets (publishing regions, AWS-owned image registries, instance types per use, NVMe instance
families) are JSON package data in `data/`, each written by a generator in `scripts/` and recording its
`source` and `updated_at`. They are read on first use, never at import.

This module imports only the standard library and nothing else of `mlmarket`.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from typing import Any, Literal, get_args

__all__ = [
    "BATCH_MAX_INVOCATION_SECONDS",
    "BATCH_MAX_PAYLOAD_MB",
    "BATCH_VOLUME_GB",
    "DEFAULT_IMAGE_SIZE_BUDGET_GIB",
    "ECR_MAX_LAYER_MIB",
    "ENDPOINT_MAX_INVOCATION_SECONDS",
    "ENDPOINT_MAX_PAYLOAD_MB",
    "ENDPOINT_VOLUME_MAX_GB",
    "ENDPOINT_VOLUME_MIN_GB",
    "INSTANCE_USES",
    "PUBLISHING_REGIONS",
    "SPOT_MAX_WAIT_SECONDS",
    "InstanceUse",
    "as_dict",
    "dataset_info",
    "has_nvme_storage",
    "instance_types",
    "is_aws_owned_registry",
    "is_publishing_region",
    "is_valid_instance_type",
    "nvme_instance_families",
    "publishing_regions",
    "registry_owner",
    "updated_at",
]

ENDPOINT_MAX_PAYLOAD_MB = 6
"""Largest request payload of a real-time endpoint invocation, in MB.

Seller Guide, "Service restrictions and quotas for machine learning products",
"Payload size for inference"."""

ENDPOINT_MAX_INVOCATION_SECONDS = 60
"""Longest processing time of one real-time endpoint invocation, in seconds.

Seller Guide, "Service restrictions and quotas for machine learning products",
"Processing time for inference"."""

BATCH_MAX_PAYLOAD_MB = 100
"""Largest payload of one batch transform request, in MB.

Applies to `MaxPayloadInMB`, and to `MaxConcurrentTransforms` times it.
Seller Guide, "Service restrictions and quotas for machine learning products",
"Payload size for inference"."""

BATCH_MAX_INVOCATION_SECONDS = 3600
"""Longest processing time of one batch transform invocation (60 minutes), in seconds.

Seller Guide, "Service restrictions and quotas for machine learning products",
"Processing time for inference"."""

SPOT_MAX_WAIT_SECONDS = 3600
"""Largest `MaxWaitTimeInSeconds` of a managed spot training job, in seconds.

Seller Guide, "Service restrictions and quotas for machine learning products",
"Managed spot training"."""

ENDPOINT_VOLUME_MIN_GB = 1
"""Smallest `VolumeSizeInGB` of an endpoint production variant, in GB.

SageMaker API Reference, `ProductionVariant.VolumeSizeInGB` (valid range 1-512);
Seller Guide, "Storage size"."""

ENDPOINT_VOLUME_MAX_GB = 512
"""Largest `VolumeSizeInGB` of an endpoint production variant, in GB.

SageMaker API Reference, `ProductionVariant.VolumeSizeInGB` (valid range 1-512);
Seller Guide, "Storage size"."""

BATCH_VOLUME_GB = 30
"""Storage volume that SageMaker attaches to each batch transform instance, in GB (fixed).

Seller Guide, "Storage size", and SageMaker Developer Guide, "Storage in Batch Transform"."""

ECR_MAX_LAYER_MIB = 52_000
"""Largest image layer that Amazon ECR accepts, in MiB.

Seller Guide, "Image size" (image size is governed by the Amazon ECR service quotas); Amazon ECR User
Guide, "Amazon ECR service quotas", "Layer size"."""

DEFAULT_IMAGE_SIZE_BUDGET_GIB = 10
"""mlmarket's default budget for one image's compressed size (CKV_MLM_018), in GiB; configurable.

Not an AWS quota: the Seller Guide, "Image size", says image size drives the startup time of training
jobs, batch transform jobs and endpoint creation, and asks for an optimal size."""

_CONSTANT_NAMES = (
    "ENDPOINT_MAX_PAYLOAD_MB",
    "ENDPOINT_MAX_INVOCATION_SECONDS",
    "BATCH_MAX_PAYLOAD_MB",
    "BATCH_MAX_INVOCATION_SECONDS",
    "SPOT_MAX_WAIT_SECONDS",
    "ENDPOINT_VOLUME_MIN_GB",
    "ENDPOINT_VOLUME_MAX_GB",
    "BATCH_VOLUME_GB",
    "ECR_MAX_LAYER_MIB",
    "DEFAULT_IMAGE_SIZE_BUDGET_GIB",
)

InstanceUse = Literal["hosting", "transform", "training", "processing"]
"""What an instance type is used for: endpoints, batch transform, training, processing."""

INSTANCE_USES: tuple[str, ...] = get_args(InstanceUse)

_INSTANCE_TYPES_FILE = "instance_types.json"
_AWS_REGISTRIES_FILE = "aws_registries.json"
_PUBLISHING_REGIONS_FILE = "publishing_regions.json"
_NVME_FAMILIES_FILE = "nvme_families.json"
_DATA_FILES = (_AWS_REGISTRIES_FILE, _INSTANCE_TYPES_FILE, _NVME_FAMILIES_FILE, _PUBLISHING_REGIONS_FILE)

# The key that holds each file's data; every other top-level key describes the dataset.
_PAYLOAD_KEYS = {
    _INSTANCE_TYPES_FILE: "instance_types",
    _AWS_REGISTRIES_FILE: "registries",
    _PUBLISHING_REGIONS_FILE: "regions",
    _NVME_FAMILIES_FILE: "families",
}

_REGISTRY_FRAMEWORKS_SHOWN = 3
_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


@functools.cache
def _load_data_file(name: str) -> dict[str, Any]:
    # A path beside this module, not importlib.resources: that import costs more than a whole small scan's
    # rule work, and mlmarket is always installed as files (a wheel or an editable checkout), never zipped.
    with open(os.path.join(_DATA_DIR, name), encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def publishing_regions() -> frozenset[str]:
    """Regions where AWS Marketplace publishes ML products (17).

    Derived, not copied: the SageMaker regions of the `aws` partition that every account has enabled by
    default (botocore endpoint data minus the opt-in regions; see `scripts/gen_publishing_regions.py`).
    Seller Guide, "Service restrictions and quotas for machine learning products", "Supported AWS
    Regions for publishing".
    """
    return frozenset(_load_data_file(_PUBLISHING_REGIONS_FILE)["regions"])


def is_publishing_region(region: str) -> bool:
    return region in publishing_regions()


def __getattr__(name: str) -> Any:
    # PUBLISHING_REGIONS is served on first access so that importing the module reads no data file.
    if name == "PUBLISHING_REGIONS":
        return publishing_regions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"PUBLISHING_REGIONS"})


@functools.cache
def _registries() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    return {
        account: (frozenset(entry["regions"]), tuple(entry["frameworks"]))
        for account, entry in _load_data_file(_AWS_REGISTRIES_FILE)["registries"].items()
    }


def registry_owner(account: str, region: str | None = None) -> str | None:
    """Describe `account` when it is an AWS-owned SageMaker image registry, else None.

    With `region`, the account must host AWS images in that region; without, in any region. The
    description names the account's most-used frameworks, e.g.
    "AWS-owned SageMaker image registry (xgboost, sklearn, huggingface-tei, ...)".
    """
    entry = _registries().get(account)
    if entry is None:
        return None
    regions, frameworks = entry
    if region is not None and region not in regions:
        return None
    shown = ", ".join(frameworks[:_REGISTRY_FRAMEWORKS_SHOWN])
    if len(frameworks) > _REGISTRY_FRAMEWORKS_SHOWN:
        shown += ", ..."
    return f"AWS-owned SageMaker image registry ({shown})"


def is_aws_owned_registry(account: str, region: str | None = None) -> bool:
    return registry_owner(account, region) is not None


@functools.cache
def instance_types(use: InstanceUse) -> frozenset[str]:
    """The `ml.*` instance types that SageMaker accepts for `use` (botocore's SageMaker enums).

    Raises ValueError for a use not in INSTANCE_USES.
    """
    if use not in INSTANCE_USES:
        raise ValueError(f"unknown instance use {use!r}; expected one of {', '.join(INSTANCE_USES)}")
    return frozenset(_load_data_file(_INSTANCE_TYPES_FILE)["instance_types"][use])


def is_valid_instance_type(instance_type: str, use: InstanceUse) -> bool:
    return instance_type in instance_types(use)


@functools.cache
def nvme_instance_families() -> frozenset[str]:
    """Instance families with local NVMe instance storage ("g4dn", "g5", "p4d", "m5d", "trn1", ...).

    Endpoints on them take no `VolumeSizeInGB` (SageMaker Developer Guide, "Host instance storage
    volumes").
    """
    return frozenset(_load_data_file(_NVME_FAMILIES_FILE)["families"])


def has_nvme_storage(instance_type: str) -> bool:
    """True for an `ml.<family>.<size>` type whose family has NVMe instance storage; never raises."""
    if not isinstance(instance_type, str):
        return False
    parts = instance_type.split(".")
    if len(parts) != 3 or parts[0] != "ml" or not parts[2]:
        return False
    return parts[1] in nvme_instance_families()


def updated_at(data_file: str) -> str:
    """The date a dataset was last generated (for "as of <date>" in messages)."""
    return str(_load_data_file(data_file)["updated_at"])


def dataset_info() -> dict[str, dict[str, Any]]:
    """Per data file name: its `source`, `updated_at` and generator metadata (script, package version)."""
    return {
        name: {
            key: copy.deepcopy(value)
            for key, value in _load_data_file(name).items()
            if key != _PAYLOAD_KEYS[name]
        }
        for name in _DATA_FILES
    }


def as_dict() -> dict[str, Any]:
    """Every constant and every dataset, JSON-serialisable (for `mlmarket limits --format json`)."""
    return {
        "constants": {name: globals()[name] for name in _CONSTANT_NAMES},
        "instance_uses": list(INSTANCE_USES),
        "datasets": {name: copy.deepcopy(_load_data_file(name)) for name in _DATA_FILES},
    }

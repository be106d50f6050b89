"""S3 locations for CKV_MLM_005: parse an S3 URI and find the region of its bucket.

The region comes from a regional URL host (`https://bucket.s3.us-west-2.amazonaws.com/key`,
`https://s3.us-west-2.amazonaws.com/bucket/key`, `s3.dualstack.<region>`, the legacy `s3-<region>`), else from
the bucket that the configuration itself creates: named literally, or the resource an unknown value refers to
(`s3://${aws_s3_bucket.b.bucket}/key`). `s3://bucket/key` and the global hosts name no region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlmarket.model import Resource, Stack, Unknown, as_str, module_prefix

_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
_S3_HOST = re.compile(
    rf"^(?:(?P<bucket>.+?)\.)?"
    rf"(?:s3(?:-fips)?(?:\.dualstack)?(?:[.-](?P<region>{_REGION}))?|s3-accelerate(?:\.dualstack)?)"
    r"\.amazonaws\.com(?:\.cn)?$"
)
_URI = re.compile(r"^(?P<scheme>s3|https?)://(?P<host>[^/?#]*)(?P<path>[^?#]*)", re.IGNORECASE)

# Resources whose region is the region of the bucket a URI built from their attributes names: the bucket,
# and the objects the provider writes into it (S3 serves an object only from its bucket's region).
_BUCKET_HOLDERS = ("aws_s3_bucket", "awscc_s3_bucket", "aws_s3_object", "aws_s3_bucket_object", "aws_s3_object_copy")


@dataclass(frozen=True)
class S3Location:
    bucket: str | None
    region: str | None  # the region the URL host names, if it names one


@dataclass(frozen=True)
class BucketRegion:
    bucket: str
    region: str
    source: str  # how the region is known: "the URL host" or the address of the in-configuration resource


def parse_s3_uri(text: str) -> S3Location | None:
    """`s3://bucket/key` or an https S3 URL (virtual-hosted or path style); None for anything else."""
    match = _URI.match(text.strip())
    if match is None:
        return None
    host = match["host"].lower()
    first_segment = match["path"].lstrip("/").split("/", 1)[0] or None
    if match["scheme"].lower() == "s3":
        return S3Location(bucket=host or None, region=None)
    endpoint = _S3_HOST.match(host)
    if endpoint is None:
        return None
    return S3Location(bucket=endpoint["bucket"] or first_segment, region=endpoint["region"])


def bucket_region(value: Any, resource: Resource, stack: Stack) -> BucketRegion | Unknown:
    """The region of the bucket `value` (an S3 URI, or an Unknown) points into; an Unknown says why it is not known."""
    if isinstance(value, Unknown):
        return _referenced_bucket_region(value, resource, stack)
    text = as_str(value)
    if not isinstance(text, str):
        return text if isinstance(text, Unknown) else Unknown("no S3 URI is set")
    location = parse_s3_uri(text)
    if location is None:
        return Unknown(f"{text!r} is not an S3 URI")
    if location.bucket is None:
        return Unknown(f"{text!r} names no bucket")
    if location.region is not None:
        return BucketRegion(location.bucket, location.region, "the URL host")
    declared = stack.s3_buckets.get(location.bucket)
    if declared is None:
        unnamed = " or ".join(
            f"{holder.address}, whose {attribute} cannot be known: {name.reason}"
            for holder, attribute, name in stack.unnamed_s3_buckets
        )
        declared_or_unnamed = f" (or is {unnamed})" if unnamed else ""
        return Unknown(
            f"bucket {location.bucket!r} is not declared in this configuration{declared_or_unnamed}, so its region "
            "is unknown"
        )
    return _region_of(declared, location.bucket)


def _referenced_bucket_region(value: Unknown, resource: Resource, stack: Stack) -> BucketRegion | Unknown:
    target = stack.referenced(value.references, module_prefix(resource.address))
    if target is None or target.mode != "managed" or target.type not in _BUCKET_HOLDERS:
        return value
    name = target.get("bucket") if target.type != "awscc_s3_bucket" else target.get("bucket_name")
    return _region_of(target, name if isinstance(name, str) else target.address)


def _region_of(holder: Resource, bucket: str) -> BucketRegion | Unknown:
    if isinstance(holder.region, Unknown):
        return Unknown(f"the region of {holder.address} is unknown: {holder.region.reason}")
    return BucketRegion(bucket, holder.region, holder.address)

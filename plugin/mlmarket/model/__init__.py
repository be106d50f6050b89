"""The normalized model: what every reader builds and every rule judges.

Readers (Terraform plan JSON, Terraform HCL, AWS API responses) turn their source into `Resource`s with
plain, plan-shaped attributes: scalars as they are, nested blocks as lists of dicts (or a dict for
object-typed attributes), and an `Unknown` wherever the value cannot be known before apply. A `Stack` holds
the resources of one root module (or one audited account) together with the indexes that cross-resource
rules need.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mlmarket import images


class Verdict(str, enum.Enum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class Unknown:
    """A value the scanner cannot know, with the reason (and the references the expression makes)."""

    reason: str
    references: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        # A rule that tests an Unknown for truth has a bug: it would turn "cannot know" into a verdict.
        raise TypeError(f"truth value of an Unknown is undefined ({self.reason})")


SENSITIVE = Unknown("the value is marked sensitive and is never read or shown")


@dataclass(slots=True)
class Finding:
    """What a rule says of one resource."""

    verdict: Verdict
    message: str


@dataclass
class Resource:
    address: str
    type: str
    name: str
    attributes: dict[str, Any]
    region: str | Unknown
    provider: str = "aws"
    mode: str = "managed"
    file: str | None = None
    line: int | None = None
    # Rule ID -> reason ("" when the skip comment gave none).
    skips: dict[str, str] = field(default_factory=dict)
    # The one account the resource's provider pins with allowed_account_ids, if any.
    account: str | Unknown | None = None
    # Set when none of the resource's value can be read (a plan's `after_unknown: true` or `after_sensitive:
    # true` for all of it): every rule that applies to it is UNKNOWN with this reason, none is run.
    unknown_reason: str | None = None
    # Views several rules derive from the attributes (pipeline steps, images), computed once per resource.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def derive(self, name: str, compute: Callable[[Resource], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = compute(self)
        return self.derived[name]

    @property
    def base_address(self) -> str:
        return strip_instance_keys(self.address)

    def get(self, key: str, default: Any = None) -> Any:
        return self.attributes.get(key, default)


_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


def strip_instance_keys(address: str) -> str:
    """`module.m["a"].aws_x.y[0]` -> `module.m.aws_x.y`."""
    return _INSTANCE_KEY.sub("", address)


def blocks(value: Any) -> list[dict[str, Any]] | Unknown:
    """A nested block or object attribute as a list of dicts (absent/null/empty -> [])."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        found: list[dict[str, Any]] = []
        for item in value:
            if isinstance(item, Unknown):
                return item
            if isinstance(item, dict):
                found.append(item)
        return found
    return []


def first_block(value: Any) -> dict[str, Any] | Unknown | None:
    found = blocks(value)
    if isinstance(found, Unknown):
        return found
    return found[0] if found else None


def is_present(value: Any) -> bool:
    """True when a nested block or object is set and non-empty (or unknowable)."""
    found = blocks(value)
    if isinstance(found, Unknown):
        return True
    return any(_non_empty(item) for item in found)


def _non_empty(block: dict[str, Any]) -> bool:
    return any(v is not None and v != [] and v != {} for v in block.values())


def as_bool(value: Any) -> bool | Unknown | None:
    """Terraform accepts "true"/"false" strings for bools."""
    if isinstance(value, (bool, Unknown)) or value is None:
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return Unknown(f"{value!r} is not a boolean")


def as_number(value: Any) -> int | float | Unknown | None:
    """Terraform accepts numbers written as strings ("100")."""
    if isinstance(value, Unknown) or value is None:
        return value
    if isinstance(value, bool):
        return Unknown(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                pass
    return Unknown(f"{value!r} is not a number")


def as_str(value: Any) -> str | Unknown | None:
    if isinstance(value, (str, Unknown)) or value is None:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return Unknown(f"{value!r} is not a string")


@dataclass(frozen=True)
class ResolvedImage:
    """A container image as the stack resolves it: parsed, or traced to the resource that makes it."""

    text: str
    kind: str  # images.PRIVATE_ECR, images.ECR_PUBLIC, images.OTHER, or "unknown"
    account: str | Unknown | None
    region: str | Unknown | None
    # Where the value comes from: "literal", "aws_ecr_repository", "prebuilt" (data source), "unknown".
    origin: str = "literal"
    origin_address: str | None = None
    unknown: Unknown | None = None


SELLER_ACCOUNT_HINT = (
    "set the seller account with --seller-account, `seller_account_id` in .mlmarket.yaml, "
    "MLMARKET_SELLER_ACCOUNT, or allowed_account_ids on the aws provider"
)


@dataclass
class Stack:
    """The resources of one root module (or one audited account) and the indexes rules need."""

    source: str
    resources: list[Resource]
    default_region: str | Unknown | None = None
    seller_account: str | None = None
    publishing_region: str | None = None
    # Accounts pinned by aws provider configurations (allowed_account_ids with exactly one account).
    pinned_accounts: frozenset[str] = frozenset()
    # Module calls not read (registry, git, not installed): `module.x (source "..."): why`. Their resources are
    # out of scope, so the scan says so, and `--strict` fails on it: what was not read was not judged.
    unread_modules: tuple[str, ...] = ()

    @cached_property
    def by_address(self) -> dict[str, Resource]:
        return {r.address: r for r in self.resources}

    @cached_property
    def _by_base_address(self) -> dict[str, Resource]:
        index: dict[str, Resource] = {}
        for resource in self.resources:
            index.setdefault(resource.base_address, resource)
        return index

    @cached_property
    def s3_buckets(self) -> dict[str, Resource]:
        """Bucket name -> the aws_s3_bucket (or awscc_s3_bucket) declaring it in this configuration."""
        index: dict[str, Resource] = {}
        for resource in self.resources:
            if resource.mode != "managed":
                continue
            name = {"aws_s3_bucket": "bucket", "awscc_s3_bucket": "bucket_name"}.get(resource.type)
            bucket = resource.get(name) if name else None
            if isinstance(bucket, str):
                index.setdefault(bucket, resource)
        return index

    @cached_property
    def unnamed_s3_buckets(self) -> list[tuple[Resource, str, Unknown]]:
        """The bucket resources of this configuration whose name is unknown: (resource, attribute, the Unknown).
        Any of them may be the bucket an S3 URI names."""
        found = []
        for resource in self.resources:
            name = {"aws_s3_bucket": "bucket", "awscc_s3_bucket": "bucket_name"}.get(resource.type)
            bucket = resource.get(name) if name and resource.mode == "managed" else None
            if isinstance(bucket, Unknown):
                found.append((resource, str(name), bucket))
        return found

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types)

    def referenced(self, references: tuple[str, ...], module_prefix: str = "") -> Resource | None:
        """The first resource of this stack that a list of Terraform references points at."""
        for ref in references:
            target = self._resource_for_reference(module_prefix + ref) or self._resource_for_reference(ref)
            if target is not None:
                return target
        return None

    def _resource_for_reference(self, reference: str) -> Resource | None:
        base = strip_instance_keys(reference)
        parts = base.split(".")
        # Try the longest address prefix first: `module.m.aws_ecr_repository.r.repository_url`.
        for end in range(len(parts), 1, -1):
            candidate = ".".join(parts[:end])
            if candidate in self._by_base_address:
                return self._by_base_address[candidate]
        return None

    @cached_property
    def _region_votes(self) -> Counter[str]:
        """Managed SageMaker resources per known region; each count/for_each instance counts once."""
        votes: Counter[str] = Counter()
        for resource in self.resources:
            in_scope = resource.mode == "managed" and resource.type.startswith(SAGEMAKER_PREFIXES)
            if in_scope and isinstance(resource.region, str):
                votes[resource.region] += 1
        return votes

    @cached_property
    def _region_leaders(self) -> tuple[list[str], int]:
        ranked = self._region_votes.most_common()
        if not ranked:
            return [], 0
        best = ranked[0][1]
        return sorted(region for region, count in ranked if count == best), best

    @cached_property
    def reference_region(self) -> str | None:
        """The publishing region every resource must share (CKV_MLM_006): the configured publishing region,
        else the region holding most SageMaker resources (a tie goes to the default provider's region, else
        to the first by name)."""
        if self.publishing_region:
            return self.publishing_region
        leaders, _ = self._region_leaders
        if not leaders:
            return self.default_region if isinstance(self.default_region, str) else None
        if isinstance(self.default_region, str) and self.default_region in leaders:
            return self.default_region
        return leaders[0]

    @cached_property
    def reference_region_doubt(self) -> str | None:
        """Why `reference_region` is not certain (SageMaker resources of unknown region could change which
        region holds most), or None."""
        if self.publishing_region:
            return None
        unknown = [
            f"{r.address}: {r.region.reason}"
            for r in self.resources
            if r.mode == "managed" and r.type.startswith(SAGEMAKER_PREFIXES) and isinstance(r.region, Unknown)
        ]
        if not unknown:
            return None
        leader = self.reference_region
        votes = self._region_votes
        runner_up = max((count for region, count in votes.items() if region != leader), default=0)
        margin = (votes[leader] if leader is not None else 0) - runner_up
        # The unknown votes may all go to the runner-up; a tie goes to the default provider's region.
        if margin > len(unknown) or (margin == len(unknown) and leader == self.default_region):
            return None
        return (
            f"{len(unknown)} SageMaker resource(s) of unknown region could change which region holds most "
            f"({'; '.join(unknown[:3])}{'; ...' if len(unknown) > 3 else ''})"
        )

    @cached_property
    def reference_region_origin(self) -> str:
        """Where `reference_region` comes from, in the words of a message."""
        if self.publishing_region:
            return "the configured publishing_region"
        leaders, best = self._region_leaders
        if not leaders:
            return "the default provider's region; no SageMaker resource has a known region"
        total = sum(self._region_votes.values())
        if len(leaders) == 1:
            return f"the region of most SageMaker resources, {best} of {total}"
        tie_break = "the default provider's region" if self.default_region in leaders else "the first by name"
        return f"tied at {best} of {total} SageMaker resources; {tie_break} breaks the tie"

    def resolve_image(self, value: Any, resource: Resource) -> ResolvedImage:
        """Parse an image attribute, following references to in-configuration repositories or data sources."""
        if isinstance(value, Unknown):
            return self._resolve_image_reference(value, resource)
        text = as_str(value)
        if not isinstance(text, str):
            unknown = text if isinstance(text, Unknown) else Unknown("no image is set")
            return ResolvedImage(text=str(value), kind="unknown", account=None, region=None, unknown=unknown)
        parsed = images.parse_image(text)
        return ResolvedImage(
            text=text,
            kind=parsed.kind,
            account=parsed.account,
            region=parsed.region,
            origin="literal",
        )

    def _resolve_image_reference(self, value: Unknown, resource: Resource) -> ResolvedImage:
        prefix = module_prefix(resource.address)
        target = self.referenced(value.references, prefix)
        if target is not None and target.type == "aws_ecr_repository":
            account: str | Unknown = (
                target.account
                if isinstance(target.account, (str, Unknown))
                else Unknown(
                    f"the account of {target.address} is not pinned by its provider; {SELLER_ACCOUNT_HINT}"
                )
            )
            return ResolvedImage(
                text=f"{target.address}.repository_url",
                kind=images.PRIVATE_ECR,
                account=account,
                region=target.region,
                origin="aws_ecr_repository",
                origin_address=target.address,
            )
        if target is not None and target.type == "aws_sagemaker_prebuilt_ecr_image":
            path = target.get("registry_path")
            if isinstance(path, str):
                parsed = images.parse_image(path)
                account_value: str | Unknown | None = parsed.account
                region_value: str | Unknown | None = parsed.region
            else:
                account_value = (
                    target.get("registry_id") if isinstance(target.get("registry_id"), str) else None
                )
                region_value = target.region
            return ResolvedImage(
                text=f"{target.address}.registry_path",
                kind=images.PRIVATE_ECR,
                account=account_value,
                region=region_value,
                origin="prebuilt",
                origin_address=target.address,
            )
        return ResolvedImage(
            text="(unknown)", kind="unknown", account=None, region=None, origin="unknown", unknown=value
        )


SAGEMAKER_PREFIXES = ("aws_sagemaker_", "awscc_sagemaker_")


def module_prefix(address: str) -> str:
    """`module.a.module.b.aws_x.y` -> `module.a.module.b.` (instance keys kept)."""
    parts = address.split(".")
    prefix: list[str] = []
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        prefix.extend(parts[index : index + 2])
        index += 2
    return ".".join(prefix) + "." if prefix else ""

"""Container image references: which registry an image lives in, and in which account and region.

Marketplace accepts only images in the seller's own private Amazon ECR registry. Recognized private ECR forms:

- ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@sha256:<digest>]`` (commercial),
- the same with ``dkr.ecr-fips`` (FIPS endpoints) and with an ``.amazonaws.com.cn`` suffix (China),
- the dual-stack form ``<account>.dkr-ecr.<region>.on.aws/<repo>...``.

Anything else (Docker Hub, ECR Public, GHCR, another host, or a malformed ECR reference) is not private ECR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PRIVATE_ECR = "private_ecr"
ECR_PUBLIC = "ecr_public"
OTHER = "other"

# Docker's own limit on a reference is far below this; a longer string is not a usable image.
MAX_REFERENCE_LENGTH = 4096

_REPOSITORY = (
    r"(?P<repository>(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*/)*[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)"
)
_TAG = r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
_DIGEST = r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?"
_REGION = r"(?P<region>[a-z]{2}(?:-[a-z]+)+-[0-9]+)"
_ACCOUNT = r"(?P<account>[0-9]{12})"

_PRIVATE_ECR = re.compile(
    _ACCOUNT
    + r"\.dkr\.ecr(?P<fips>-fips)?\."
    + _REGION
    + r"\.amazonaws\.com(?P<china>\.cn)?/"
    + _REPOSITORY
    + _TAG
    + _DIGEST
)
_DUAL_STACK_ECR = re.compile(
    _ACCOUNT + r"\.dkr-ecr(?P<fips>-fips)?\." + _REGION + r"\.on\.aws/" + _REPOSITORY + _TAG + _DIGEST
)
_ECR_PUBLIC_HOST = "public.ecr.aws"
_DOCKER_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


@dataclass(frozen=True)
class ImageRef:
    text: str
    kind: str
    account: str | None = None
    region: str | None = None
    repository: str | None = None
    tag: str | None = None
    digest: str | None = None
    host: str | None = None
    fips: bool = False
    dual_stack: bool = False
    # Why a string that looks like ECR is not accepted as private ECR (None when it parsed, or is plainly other).
    problem: str | None = None

    @property
    def is_private_ecr(self) -> bool:
        return self.kind == PRIVATE_ECR


def parse_image(text: str) -> ImageRef:
    """Parse an image reference; never raises."""
    if not isinstance(text, str):
        return ImageRef(text=repr(text), kind=OTHER, problem="not a string")
    return _parse_string(text)


@lru_cache(maxsize=4096)
def _parse_string(text: str) -> ImageRef:
    # Cached: a stack names the same images many times, and four rules look at each.
    if len(text) > MAX_REFERENCE_LENGTH:
        return ImageRef(
            text=text[:64] + "...", kind=OTHER, problem=f"longer than {MAX_REFERENCE_LENGTH} characters"
        )
    for pattern, dual_stack in ((_PRIVATE_ECR, False), (_DUAL_STACK_ECR, True)):
        match = pattern.fullmatch(text)
        if match:
            return ImageRef(
                text=text,
                kind=PRIVATE_ECR,
                account=match["account"],
                region=match["region"],
                repository=match["repository"],
                tag=match["tag"],
                digest=match["digest"],
                host=text.split("/", 1)[0],
                fips=bool(match["fips"]),
                dual_stack=dual_stack,
            )
    host = _host_of(text)
    if host == _ECR_PUBLIC_HOST:
        return ImageRef(text=text, kind=ECR_PUBLIC, host=host)
    problem = None
    if host and (".dkr.ecr" in host or ".dkr-ecr" in host):
        problem = "looks like an Amazon ECR host but is not a valid private ECR image reference"
    return ImageRef(text=text, kind=OTHER, host=host, problem=problem)


def _host_of(text: str) -> str | None:
    """The registry host of a reference, or None for Docker Hub's implicit host (`nginx:1`, `library/x`)."""
    first, sep, _ = text.partition("/")
    if not sep:
        return None
    if "." in first or ":" in first or first == "localhost":
        return first
    return None


def describe_kind(image: ImageRef) -> str:
    if image.kind == ECR_PUBLIC:
        return "Amazon ECR Public"
    if image.kind == PRIVATE_ECR:
        return "private Amazon ECR"
    if image.host is None or image.host in _DOCKER_HUB_HOSTS:
        return "Docker Hub"
    if image.problem:
        return f"{image.host} ({image.problem})"
    return image.host

"""mlmarket.images: a table of real-looking references, and properties over generated ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlmarket.images import ECR_PUBLIC, OTHER, PRIVATE_ECR, describe_kind, parse_image

DIGEST = "sha256:" + "a" * 64

TABLE = [
    # text, kind, account, region, repository, tag, digest
    (
        "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0",
        PRIVATE_ECR,
        "111122223333",
        "us-east-1",
        "my-model",
        "1.0",
        None,
    ),
    (
        "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/ml/model",
        PRIVATE_ECR,
        "111122223333",
        "eu-west-1",
        "team/ml/model",
        None,
        None,
    ),
    (
        f"111122223333.dkr.ecr.us-west-2.amazonaws.com/m@{DIGEST}",
        PRIVATE_ECR,
        "111122223333",
        "us-west-2",
        "m",
        None,
        DIGEST,
    ),
    (
        f"111122223333.dkr.ecr.us-west-2.amazonaws.com/m:v2@{DIGEST}",
        PRIVATE_ECR,
        "111122223333",
        "us-west-2",
        "m",
        "v2",
        DIGEST,
    ),
    (
        "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/m:1",
        PRIVATE_ECR,
        "111122223333",
        "us-gov-west-1",
        "m",
        "1",
        None,
    ),
    ("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/m:1", PRIVATE_ECR, "111122223333", "cn-north-1", "m", "1", None),
    ("111122223333.dkr-ecr.us-east-1.on.aws/m:1", PRIVATE_ECR, "111122223333", "us-east-1", "m", "1", None),
    (
        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        PRIVATE_ECR,
        "683313688378",
        "us-east-1",
        "sagemaker-xgboost",
        "1.7-1",
        None,
    ),
    ("public.ecr.aws/abc123/model:1", ECR_PUBLIC, None, None, None, None, None),
    ("nginx:latest", OTHER, None, None, None, None, None),
    ("docker.io/library/nginx:latest", OTHER, None, None, None, None, None),
    ("ghcr.io/acme/model:1", OTHER, None, None, None, None, None),
    ("registry.example.com:5000/model:1", OTHER, None, None, None, None, None),
    # Look like ECR but are not valid private ECR references.
    ("11112222333.dkr.ecr.us-east-1.amazonaws.com/m:1", OTHER, None, None, None, None, None),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/", OTHER, None, None, None, None, None),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/Model:1", OTHER, None, None, None, None, None),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com/m:1", OTHER, None, None, None, None, None),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1\n", OTHER, None, None, None, None, None),
    ("", OTHER, None, None, None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "account", "region", "repository", "tag", "digest"), TABLE)
def test_parses_real_looking_references(text, kind, account, region, repository, tag, digest):
    image = parse_image(text)
    assert (image.kind, image.account, image.region, image.repository, image.tag, image.digest) == (
        kind,
        account,
        region,
        repository,
        tag,
        digest,
    )


def test_fips_and_dual_stack_are_flagged():
    assert parse_image("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/m:1").fips is True
    assert parse_image("111122223333.dkr-ecr.us-east-1.on.aws/m:1").dual_stack is True


def test_describe_kind_names_the_registry():
    assert describe_kind(parse_image("nginx:1")) == "Docker Hub"
    assert describe_kind(parse_image("public.ecr.aws/x/y:1")) == "Amazon ECR Public"
    assert describe_kind(parse_image("ghcr.io/acme/m:1")) == "ghcr.io"
    assert describe_kind(parse_image("11112222333.dkr.ecr.us-east-1.amazonaws.com/m:1")) == (
        "11112222333.dkr.ecr.us-east-1.amazonaws.com "
        "(looks like an Amazon ECR host but is not a valid private ECR image reference)"
    )


def test_a_ten_thousand_character_reference_is_other_not_an_error():
    image = parse_image("111122223333.dkr.ecr.us-east-1.amazonaws.com/" + "a" * 10_000)
    assert image.kind == OTHER
    assert image.problem == "longer than 4096 characters"


accounts = st.from_regex(r"\A[0-9]{12}\Z")
regions = st.sampled_from(["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "il-central-1"])
components = st.from_regex(r"\A[a-z0-9]+(?:[._-][a-z0-9]+){0,2}\Z")
repositories = st.lists(components, min_size=1, max_size=3).map("/".join)
tags = st.none() | st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}\Z")
digests = st.none() | st.from_regex(r"\A[a-f0-9]{64}\Z").map(lambda h: f"sha256:{h}")
suffixes = st.sampled_from(
    [
        (".dkr.ecr.", ".amazonaws.com"),
        (".dkr.ecr-fips.", ".amazonaws.com"),
        (".dkr.ecr.", ".amazonaws.com.cn"),
        (".dkr-ecr.", ".on.aws"),
    ]
)


@given(accounts, regions, repositories, tags, digests, suffixes)
def test_every_well_formed_private_ecr_reference_round_trips(account, region, repository, tag, digest, suffix):
    text = f"{account}{suffix[0]}{region}{suffix[1]}/{repository}"
    text += f":{tag}" if tag else ""
    text += f"@{digest}" if digest else ""
    image = parse_image(text)
    assert (image.kind, image.account, image.region, image.repository, image.tag, image.digest) == (
        PRIVATE_ECR,
        account,
        region,
        repository,
        tag,
        digest,
    )


@given(st.text(max_size=300))
def test_any_string_parses_without_raising(text):
    image = parse_image(text)
    assert image.kind in (PRIVATE_ECR, ECR_PUBLIC, OTHER)
    if image.kind == PRIVATE_ECR:
        assert image.account is not None and len(image.account) == 12
        assert not any(ch.isspace() or ord(ch) < 32 for ch in text)


@given(st.text(alphabet=st.characters(max_codepoint=31), min_size=1, max_size=3), accounts)
def test_control_characters_make_a_reference_invalid(control, account):
    assert parse_image(f"{account}.dkr.ecr.us-east-1.amazonaws.com/m{control}:1").kind == OTHER

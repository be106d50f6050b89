"""The prebuilt ECR image table (plugin/mlmarket/readers/prebuilt_ecr_images.py) computes
`data.aws_sagemaker_prebuilt_ecr_image` as the hashicorp/aws provider does: one real plan of a sample (every
repository once, every partition, the optional arguments set, empty and across partitions) shows exactly what
`prebuilt_image` returns; the table holds what the provider's table must hold; a pair it lacks is None."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import NamedTuple

import pytest

from mlmarket.readers import prebuilt_ecr_images
from mlmarket.readers.prebuilt_ecr_images import DNS_SUFFIXES, REGISTRY_GROUPS, prebuilt_image, registry_account

from support import REPO

HOME_REGION = "us-east-1"


class Case(NamedTuple):
    """A data source instance: the region of its provider configuration and the arguments it writes."""

    provider_region: str
    repository_name: str
    region: str | None = None
    image_tag: str | None = None
    dns_suffix: str | None = None


REPOSITORIES = sorted(repository for group in REGISTRY_GROUPS for repository in group.repositories)


def _regions(repository: str) -> list[str]:
    (group,) = [group for group in REGISTRY_GROUPS if repository in group.repositories]
    return sorted(region for regions in group.regions_by_account.values() for region in regions)


def _one_pair_per_repository() -> list[Case]:
    """Every repository once, in a region that moves along with it (a deterministic spread over the regions),
    planned from the home provider with `region` set (unset for the home region)."""
    cases = []
    for index, repository in enumerate(REPOSITORIES):
        regions = _regions(repository)
        region = regions[(index * 7) % len(regions)]
        cases.append(Case(HOME_REGION, repository, None if region == HOME_REGION else region))
    return cases


CASES = [
    *_one_pair_per_repository(),
    # Other partitions, `region` unset: the provider's region and its DNS suffix.
    Case("cn-north-1", "sagemaker-xgboost"),
    Case("us-gov-west-1", "sagemaker-scikit-learn"),
    Case("us-iso-east-1", "pca"),
    Case("eu-west-1", "pytorch-inference"),
    # `region` set: the lookup and the path take it, the DNS suffix stays the provider's.
    Case("cn-north-1", "pytorch-training", region="cn-northwest-1"),
    Case("cn-north-1", "blazingtext", region="us-east-1"),
    Case(HOME_REGION, "kmeans", region="cn-northwest-1"),
    Case("us-gov-west-1", "linear-learner", region="us-gov-east-1"),
    Case("eu-west-1", "sagemaker-xgboost", region="us-iso-east-1"),
    # The optional arguments: a tag, an empty tag, a suffix, empty strings for `region` and `dns_suffix`.
    Case(HOME_REGION, "tensorflow-training", image_tag="2.14-gpu-py310"),
    Case(HOME_REGION, "sagemaker-xgboost", image_tag=""),
    Case("eu-west-1", "sagemaker-xgboost", dns_suffix="example.org"),
    Case("cn-north-1", "forecasting-deepar", region="", dns_suffix=""),
    Case("us-gov-west-1", "sagemaker-xgboost", region="eu-west-1", image_tag="1.7-1", dns_suffix="example.org"),
]


def _provider(region: str) -> str:
    alias = "" if region == HOME_REGION else f'  alias = "{region.replace("-", "_")}"\n'
    return (
        f'provider "aws" {{\n{alias}  region = "{region}"\n  access_key = "mock_access_key"\n'
        '  secret_key = "mock_secret_key"\n  skip_credentials_validation = true\n'
        "  skip_requesting_account_id = true\n  skip_metadata_api_check = true\n}\n"
    )


def _data_source(index: int, case: Case) -> str:
    lines = [f'data "aws_sagemaker_prebuilt_ecr_image" "case_{index:03d}" {{']
    if case.provider_region != HOME_REGION:
        lines.append(f"  provider = aws.{case.provider_region.replace('-', '_')}")
    for argument in ("repository_name", "region", "image_tag", "dns_suffix"):
        value = getattr(case, argument)
        if value is not None:
            lines.append(f"  {argument} = {json.dumps(value)}")
    return "\n".join([*lines, "}\n"])


def configuration(cases: list[Case]) -> str:
    required = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n' \
        '      version = "5.100.0"\n    }\n  }\n}\n'
    providers = [_provider(region) for region in sorted({HOME_REGION, *(case.provider_region for case in cases)})]
    return "\n".join([required, *providers, *(_data_source(index, case) for index, case in enumerate(cases))])


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str | None]]:
    """Address -> the values one real plan of CASES shows for each data source."""
    from terraform_config.offline_plan import PlanRequest, missing_tools, plan_offline

    missing = missing_tools()
    if missing:
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("prebuilt_ecr_images") / "root"
    root.mkdir()
    (root / "main.tf").write_text(configuration(CASES), encoding="utf-8")
    (outcome,) = plan_offline([PlanRequest(root)], root.parent / "work")
    assert outcome.plan_path is not None, outcome.error
    plan = json.loads(outcome.plan_path.read_text(encoding="utf-8"))
    return {
        resource["address"]: resource["values"]
        for resource in plan["prior_state"]["values"]["root_module"]["resources"]
    }


def test_the_sample_covers_every_repository_and_partition():
    assert {case.repository_name for case in CASES} == set(REPOSITORIES)
    assert {"cn-north-1", "us-gov-west-1", "us-iso-east-1"} <= {case.provider_region for case in CASES}
    assert len(CASES) == len(set(CASES))


@pytest.mark.terraform
def test_the_plan_reads_every_case(planned):
    assert set(planned) == {f"data.aws_sagemaker_prebuilt_ecr_image.case_{index:03d}" for index in range(len(CASES))}


@pytest.mark.terraform
@pytest.mark.parametrize(
    "index", range(len(CASES)),
    ids=[f"{c.provider_region}:{c.repository_name}:{c.region}:{c.image_tag}:{c.dns_suffix}" for c in CASES],
)
def test_prebuilt_image_is_what_terraform_plans(planned, index):
    case = CASES[index]
    computed = prebuilt_image(case.repository_name, case.region, case.provider_region, case.image_tag,
                              case.dns_suffix)
    assert computed == planned[f"data.aws_sagemaker_prebuilt_ecr_image.case_{index:03d}"]


def test_registry_path_region_and_suffix_come_from_different_places():
    # Data source region for the account and the path; the provider's region for the DNS suffix.
    assert prebuilt_image("sagemaker-xgboost", "cn-north-1", "us-east-1") == {
        "dns_suffix": None,
        "id": "450853457545",
        "image_tag": "1",
        "region": "cn-north-1",
        "registry_id": "450853457545",
        "registry_path": "450853457545.dkr.ecr.cn-north-1.amazonaws.com/sagemaker-xgboost:1",
        "repository_name": "sagemaker-xgboost",
    }
    assert prebuilt_image("sagemaker-xgboost", None, "cn-north-1")["registry_path"] == (
        "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1"
    )
    assert prebuilt_image("pytorch-training", "", "us-west-2", "", "")["registry_path"] == (
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:"
    )


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (("lda", None, "il-central-1"), "the provider has no lda registry in il-central-1"),
        (("lda", "il-central-1", "us-east-1"), "the same pair through `region`"),
        (("sagemaker-xgboost", "EU-WEST-1", "us-east-1"), "regions are matched exactly"),
        (("no-such-repository", None, "us-east-1"), "not a repository of the provider"),
        (("sagemaker-xgboost", "us-east-1", "xx-nowhere-9"), "a provider region never planned: no DNS suffix"),
    ],
)
def test_a_pair_the_table_lacks_gives_none(arguments, why):
    assert prebuilt_image(*arguments) is None, why


def test_an_explicit_dns_suffix_needs_no_known_provider_region():
    assert prebuilt_image("sagemaker-xgboost", "us-east-1", "xx-nowhere-9", dns_suffix="example.org") == {
        "dns_suffix": "example.org",
        "id": "683313688378",
        "image_tag": "1",
        "region": "us-east-1",
        "registry_id": "683313688378",
        "registry_path": "683313688378.dkr.ecr.us-east-1.example.org/sagemaker-xgboost:1",
        "repository_name": "sagemaker-xgboost",
    }


def test_the_table_holds_accounts_and_regions_only_once():
    region_name = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]+$")
    assert len(REPOSITORIES) == len(set(REPOSITORIES)) == 81
    for group in REGISTRY_GROUPS:
        assert list(group.repositories) == sorted(group.repositories)
        assert list(group.regions_by_account) == sorted(group.regions_by_account)
        regions = [region for regions in group.regions_by_account.values() for region in regions]
        assert len(regions) == len(set(regions)), group.repositories  # one account a region
        assert all(re.fullmatch(r"[0-9]{12}", account) for account in group.regions_by_account)
        assert all(region_name.match(region) for region in regions)
        assert all(list(regions) == sorted(regions) for regions in group.regions_by_account.values())
    assert [group.repositories[0] for group in REGISTRY_GROUPS] == sorted(g.repositories[0] for g in REGISTRY_GROUPS)


def test_every_region_of_the_table_has_its_dns_suffix():
    suffix_regions = [region for regions in DNS_SUFFIXES.values() for region in regions]
    assert len(suffix_regions) == len(set(suffix_regions))
    table_regions = {region for repository in REPOSITORIES for region in _regions(repository)}
    assert table_regions <= set(suffix_regions)
    assert {suffix: regions for suffix, regions in DNS_SUFFIXES.items() if "cn-north-1" in regions} == {
        "amazonaws.com.cn": ("cn-north-1", "cn-northwest-1"),
    }


def test_the_accounts_agree_with_the_aws_documentation():
    # Registry paths the SageMaker developer guide publishes (Docker registry paths and example code).
    assert registry_account("sagemaker-xgboost", "us-east-1") == "683313688378"
    assert registry_account("pytorch-training", "eu-west-1") == "763104351884"
    assert registry_account("pytorch-training", "cn-north-1") == "727897471807"
    assert registry_account("blazingtext", "us-west-2") == "433757028032"


@pytest.mark.slow
@pytest.mark.terraform
def test_the_module_matches_its_generator():
    """The whole table against the provider: 2,561 data sources planned (a minute or more), so on demand
    (MLMARKET_GENERATOR_CHECKS=1); the differential sample above runs every time."""
    from terraform_config.offline_plan import missing_tools

    if not os.environ.get("MLMARKET_GENERATOR_CHECKS"):
        pytest.skip("plans every pair of the table: set MLMARKET_GENERATOR_CHECKS=1 to run it")
    missing = missing_tools()
    if missing:
        pytest.skip(missing)
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_prebuilt_ecr_images.py"), "--check"],
        capture_output=True, text=True, cwd=REPO, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert prebuilt_ecr_images.PROVIDER_VERSION == "5.100.0"

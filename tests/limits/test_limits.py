"""The public API of `mlmarket.limits`: constants, accessors, laziness."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlmarket import limits

PLUGIN_DIR = Path(limits.__file__).resolve().parents[2]
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

EXPECTED_CONSTANTS = {
    "ENDPOINT_MAX_PAYLOAD_MB": 6,
    "ENDPOINT_MAX_INVOCATION_SECONDS": 60,
    "BATCH_MAX_PAYLOAD_MB": 100,
    "BATCH_MAX_INVOCATION_SECONDS": 3600,
    "SPOT_MAX_WAIT_SECONDS": 3600,
    "ENDPOINT_VOLUME_MIN_GB": 1,
    "ENDPOINT_VOLUME_MAX_GB": 512,
    "BATCH_VOLUME_GB": 30,
    "ECR_MAX_LAYER_MIB": 52_000,
    "DEFAULT_IMAGE_SIZE_BUDGET_GIB": 10,
}

EXPECTED_PUBLISHING_REGIONS = {
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "sa-east-1",
}

XGBOOST_US_EAST_1 = "683313688378"
DLC_ACCOUNT = "763104351884"
DLC_ACCOUNT_CHINA = "727897471807"


def test_constants_have_their_values() -> None:
    assert {name: getattr(limits, name) for name in EXPECTED_CONSTANTS} == EXPECTED_CONSTANTS
    assert all(type(getattr(limits, name)) is int for name in EXPECTED_CONSTANTS)


def test_instance_uses_in_order() -> None:
    assert limits.INSTANCE_USES == ("hosting", "transform", "training", "processing")


def test_publishing_regions_are_the_17_default_enabled_sagemaker_regions() -> None:
    assert limits.publishing_regions() == frozenset(EXPECTED_PUBLISHING_REGIONS)
    assert len(limits.publishing_regions()) == 17


def test_publishing_regions_attribute_is_the_same_frozenset() -> None:
    assert isinstance(limits.PUBLISHING_REGIONS, frozenset)
    assert limits.PUBLISHING_REGIONS is limits.publishing_regions()
    assert "PUBLISHING_REGIONS" in dir(limits)


def test_unknown_module_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NO_SUCH_LIMIT"):
        _ = limits.NO_SUCH_LIMIT


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", True),
        ("eu-north-1", True),
        ("ap-northeast-3", True),
        ("sa-east-1", True),
        ("af-south-1", False),  # opt-in region
        ("me-central-1", False),  # opt-in region
        ("cn-north-1", False),  # aws-cn partition
        ("us-gov-west-1", False),  # aws-us-gov partition
        ("US-EAST-1", False),
        ("", False),
    ],
)
def test_is_publishing_region(region: str, expected: bool) -> None:
    assert limits.is_publishing_region(region) is expected


def test_registry_owner_describes_a_builtin_algorithm_account() -> None:
    assert (
        limits.registry_owner(XGBOOST_US_EAST_1, "us-east-1")
        == "AWS-owned SageMaker image registry (xgboost, sklearn, huggingface-tei, ...)"
    )
    assert limits.registry_owner(XGBOOST_US_EAST_1) == limits.registry_owner(XGBOOST_US_EAST_1, "us-east-1")


def test_registry_owner_names_deep_learning_containers_account() -> None:
    assert (
        limits.registry_owner(DLC_ACCOUNT, "us-west-2")
        == "AWS-owned SageMaker image registry (tensorflow, pytorch, huggingface, ...)"
    )


def test_registry_owner_without_ellipsis_for_a_single_framework() -> None:
    assert limits.registry_owner("000907499111", "ca-west-1") == "AWS-owned SageMaker image registry (spark)"


def test_registry_owner_is_none_outside_the_accounts_regions() -> None:
    assert limits.registry_owner(XGBOOST_US_EAST_1, "eu-west-1") is None
    assert limits.registry_owner(DLC_ACCOUNT, "cn-north-1") is None


def test_registry_owner_is_none_for_a_seller_account() -> None:
    assert limits.registry_owner("123456789012") is None
    assert limits.registry_owner("123456789012", "us-east-1") is None
    assert limits.registry_owner("") is None


@pytest.mark.parametrize(
    ("account", "region", "expected"),
    [
        (XGBOOST_US_EAST_1, "us-east-1", True),
        (XGBOOST_US_EAST_1, None, True),
        (XGBOOST_US_EAST_1, "us-west-2", False),
        (DLC_ACCOUNT, "eu-central-1", True),
        (DLC_ACCOUNT_CHINA, "cn-north-1", True),
        (DLC_ACCOUNT_CHINA, "us-east-1", False),
        ("123456789012", None, False),
    ],
)
def test_is_aws_owned_registry(account: str, region: str | None, expected: bool) -> None:
    assert limits.is_aws_owned_registry(account, region) is expected


@pytest.mark.parametrize(
    ("instance_type", "use", "expected"),
    [
        ("ml.m5.xlarge", "hosting", True),
        ("ml.g4dn.xlarge", "training", True),
        ("ml.p3dn.24xlarge", "training", True),
        ("ml.p3dn.24xlarge", "hosting", False),
        ("ml.t2.medium", "hosting", True),
        ("ml.t2.medium", "transform", False),
        ("ml.t3.medium", "processing", True),
        ("ml.t3.medium", "hosting", False),
        ("ml.fake.xlarge", "hosting", False),
        ("ml.fake.xlarge", "transform", False),
        ("ml.fake.xlarge", "training", False),
        ("ml.fake.xlarge", "processing", False),
        ("m5.xlarge", "hosting", False),
        ("", "training", False),
    ],
)
def test_is_valid_instance_type(instance_type: str, use: limits.InstanceUse, expected: bool) -> None:
    assert limits.is_valid_instance_type(instance_type, use) is expected


def test_instance_types_are_ml_types_for_every_use() -> None:
    for use in limits.INSTANCE_USES:
        types = limits.instance_types(use)
        assert isinstance(types, frozenset)
        assert "ml.m5.xlarge" in types
        assert [t for t in types if not re.fullmatch(r"ml\.[a-z0-9-]+\.[a-z0-9]+", t)] == []


@pytest.mark.parametrize("use", ["inference", "Hosting", ""])
def test_unknown_instance_use_raises_value_error(use: str) -> None:
    with pytest.raises(ValueError, match="unknown instance use"):
        limits.instance_types(use)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown instance use"):
        limits.is_valid_instance_type("ml.m5.xlarge", use)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instance_type", "expected"),
    [
        ("ml.g5.xlarge", True),
        ("ml.g4dn.xlarge", True),
        ("ml.p4d.24xlarge", True),
        ("ml.p4de.24xlarge", True),
        ("ml.m5d.large", True),
        ("ml.r7gd.large", True),
        ("ml.trn1.32xlarge", True),
        ("ml.p6-b200.48xlarge", True),
        ("ml.m5.xlarge", False),
        ("ml.c5.xlarge", False),
        ("ml.inf2.xlarge", False),
        ("ml.p3.2xlarge", False),
        ("garbage", False),
        ("", False),
        ("g5.xlarge", False),
        ("ml.g5", False),
        ("ml.g5.", False),
        ("ml.g5.xlarge.extra", False),
        ("xx.g5.xlarge", False),
        (None, False),
        (42, False),
    ],
)
def test_has_nvme_storage(instance_type: object, expected: bool) -> None:
    assert limits.has_nvme_storage(instance_type) is expected  # type: ignore[arg-type]


def test_nvme_families_include_instance_store_families_not_ebs_only_ones() -> None:
    families = limits.nvme_instance_families()
    assert isinstance(families, frozenset)
    assert {"g4dn", "g5", "g6", "g6e", "p4d", "p4de", "p5", "m5d", "c5d", "r5d", "trn1", "trn1n"} <= families
    assert families.isdisjoint({"m5", "c5", "r5", "p3", "t2", "inf1", "inf2", "g7"})


def test_dataset_info_describes_every_data_file() -> None:
    info = limits.dataset_info()
    assert set(info) == {
        "aws_registries.json",
        "instance_types.json",
        "nvme_families.json",
        "publishing_regions.json",
    }
    for name, entry in info.items():
        assert entry["source"], name
        assert DATE.match(entry["updated_at"]), name
        assert entry["generator"] == f"scripts/gen_{name.removesuffix('.json')}.py"
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", info["instance_types.json"]["botocore_version"])
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", info["publishing_regions.json"]["botocore_version"])
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", info["aws_registries.json"]["sagemaker_core_version"])


def test_dataset_info_leaves_out_the_data_itself() -> None:
    info = limits.dataset_info()
    assert "instance_types" not in info["instance_types.json"]
    assert "registries" not in info["aws_registries.json"]
    assert "regions" not in info["publishing_regions.json"]
    assert "families" not in info["nvme_families.json"]


def test_dataset_info_copies_cannot_alter_the_library() -> None:
    limits.dataset_info()["nvme_families.json"]["curated_families"].append("m5")
    assert "m5" not in limits.dataset_info()["nvme_families.json"]["curated_families"]


def test_as_dict_round_trips_through_json() -> None:
    as_dict = limits.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict


def test_as_dict_holds_every_constant_and_dataset() -> None:
    as_dict = limits.as_dict()
    assert as_dict["constants"] == EXPECTED_CONSTANTS
    assert as_dict["instance_uses"] == ["hosting", "transform", "training", "processing"]
    datasets = as_dict["datasets"]
    assert set(datasets) == set(limits.dataset_info())
    assert datasets["publishing_regions.json"]["regions"] == sorted(EXPECTED_PUBLISHING_REGIONS)
    for use in limits.INSTANCE_USES:
        assert datasets["instance_types.json"]["instance_types"][use] == sorted(limits.instance_types(use))
    assert datasets["nvme_families.json"]["families"] == sorted(limits.nvme_instance_families())
    assert datasets["aws_registries.json"]["registries"][XGBOOST_US_EAST_1]["regions"] == ["us-east-1"]


def test_every_upper_case_int_of_the_module_is_in_as_dict() -> None:
    module_ints = {
        name
        for name, value in vars(limits).items()
        if name.isupper() and not name.startswith("_") and type(value) is int
    }
    assert module_ints == set(limits.as_dict()["constants"])


def test_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(limits.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == set()


def test_import_reads_no_data_file_and_loads_nothing_heavy() -> None:
    probe = (
        "import json, sys\n"
        "import mlmarket.limits as limits\n"
        "heavy = [m for m in ('boto3', 'botocore', 'jsonschema', 'checkov', 'hcl2') if m in sys.modules]\n"
        "loaded_at_import = limits._load_data_file.cache_info().currsize\n"
        "limits.is_publishing_region('us-east-1')\n"
        "loaded_after_use = limits._load_data_file.cache_info().currsize\n"
        "print(json.dumps({'heavy': heavy, 'at_import': loaded_at_import, 'after_use': loaded_after_use}))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGIN_DIR), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"heavy": [], "at_import": 0, "after_use": 1}

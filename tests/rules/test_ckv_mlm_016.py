"""CKV_MLM_016: endpoint volume size allowed."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_016"
TYPE = "aws_sagemaker_endpoint_configuration"
EBS_INSTANCE = "ml.m5.xlarge"
NVME_INSTANCE = "ml.g5.xlarge"
D_FAMILY_INSTANCE = "ml.m5d.xlarge"


def test_the_limits_and_instance_families_used_here():
    assert (limits.ENDPOINT_VOLUME_MIN_GB, limits.ENDPOINT_VOLUME_MAX_GB) == (1, 512)
    assert not limits.has_nvme_storage(EBS_INSTANCE)
    assert limits.has_nvme_storage(NVME_INSTANCE)
    assert limits.has_nvme_storage(D_FAMILY_INSTANCE)


def variant(name="primary", instance_type=EBS_INSTANCE, **extra):
    return {
        "variant_name": name,
        "model_name": "m",
        "instance_type": instance_type,
        "initial_instance_count": 1,
        **extra,
    }


def config(name, *variants, **extra):
    return resource(TYPE, name, {"production_variants": list(variants), **extra})


def test_exact_verdicts_at_the_boundaries():
    results = judge(
        RULE,
        stack(
            config("pass_at_upper_limit", variant(volume_size_in_gb=512)),
            config("fail_one_past_upper_limit", variant(volume_size_in_gb=513)),
            config("pass_at_lower_limit", variant(volume_size_in_gb=1)),
            config("fail_below_lower_limit", variant(volume_size_in_gb=0)),
            config("pass_volume_absent", variant()),
            config("pass_string_at_limit", variant(volume_size_in_gb="512")),
            config("fail_string_one_past_limit", variant(volume_size_in_gb="513")),
            config("fail_volume_on_nvme_instance", variant(instance_type=NVME_INSTANCE, volume_size_in_gb=100)),
            config("fail_volume_on_d_family_instance", variant(instance_type=D_FAMILY_INSTANCE, volume_size_in_gb=30)),
            config("pass_nvme_instance_without_volume", variant(instance_type=NVME_INSTANCE)),
            config(
                "fail_shadow_variant",
                variant(volume_size_in_gb=30),
                shadow_production_variants=[variant("shadow", NVME_INSTANCE, volume_size_in_gb=30)],
            ),
            config("unknown_volume", variant(volume_size_in_gb=Unknown("var.volume has no value"))),
            config("unknown_volume_not_a_number", variant(volume_size_in_gb="big")),
            config(
                "unknown_instance_type_with_volume",
                variant(instance_type=Unknown("var.instance_type has no value"), volume_size_in_gb=30),
            ),
            config("pass_unknown_instance_type_without_volume", variant(instance_type=Unknown("var.x has no value"))),
            resource(TYPE, "unknown_variants", {"production_variants": Unknown("known only after apply")}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TYPE}.pass_at_upper_limit": Verdict.PASSED,
        f"{TYPE}.fail_one_past_upper_limit": Verdict.FAILED,
        f"{TYPE}.pass_at_lower_limit": Verdict.PASSED,
        f"{TYPE}.fail_below_lower_limit": Verdict.FAILED,
        f"{TYPE}.pass_volume_absent": Verdict.PASSED,
        f"{TYPE}.pass_string_at_limit": Verdict.PASSED,
        f"{TYPE}.fail_string_one_past_limit": Verdict.FAILED,
        f"{TYPE}.fail_volume_on_nvme_instance": Verdict.FAILED,
        f"{TYPE}.fail_volume_on_d_family_instance": Verdict.FAILED,
        f"{TYPE}.pass_nvme_instance_without_volume": Verdict.PASSED,
        f"{TYPE}.fail_shadow_variant": Verdict.FAILED,
        f"{TYPE}.unknown_volume": Verdict.UNKNOWN,
        f"{TYPE}.unknown_volume_not_a_number": Verdict.UNKNOWN,
        f"{TYPE}.unknown_instance_type_with_volume": Verdict.UNKNOWN,
        f"{TYPE}.pass_unknown_instance_type_without_volume": Verdict.PASSED,
        f"{TYPE}.unknown_variants": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_upper_limit"] == (
        "production_variants[0] (variant 'primary') volume_size_in_gb is 513, outside the allowed 1..512 GB"
    )
    assert messages["fail_below_lower_limit"] == (
        "production_variants[0] (variant 'primary') volume_size_in_gb is 0, outside the allowed 1..512 GB"
    )
    assert messages["fail_volume_on_nvme_instance"] == (
        "production_variants[0] (variant 'primary') sets volume_size_in_gb = 100 on ml.g5.xlarge, "
        "whose NVMe instance storage takes no volume_size_in_gb"
    )
    assert messages["fail_shadow_variant"] == (
        "shadow_production_variants[0] (variant 'shadow') sets volume_size_in_gb = 30 on ml.g5.xlarge, "
        "whose NVMe instance storage takes no volume_size_in_gb"
    )
    assert messages["unknown_volume"] == (
        "production_variants[0] (variant 'primary') volume_size_in_gb cannot be checked: var.volume has no value"
    )
    assert messages["unknown_volume_not_a_number"] == (
        "production_variants[0] (variant 'primary') volume_size_in_gb cannot be checked: 'big' is not a number"
    )
    assert messages["unknown_instance_type_with_volume"] == (
        "production_variants[0] (variant 'primary') sets volume_size_in_gb, but its instance_type cannot be "
        "known, so NVMe instance storage cannot be ruled out: var.instance_type has no value"
    )
    assert messages["unknown_variants"] == "production_variants cannot be read before apply: known only after apply"
    assert messages["pass_at_upper_limit"] == "every variant's volume size is allowed"


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{TYPE}.pass_at_limit",
        f"{TYPE}.pass_at_lower_limit",
        # The plan shows the unset volume as known after apply: the plan reader makes that absent.
        f"{TYPE}.pass_volume_absent",
        f"{TYPE}.pass_nvme_instance_without_volume",
    },
    "FAILED": {f"{TYPE}.fail_volume_on_nvme_instance", f"{TYPE}.fail_volume_on_d_family_instance"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_aws5_hcl_only_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws5_hcl_only") == {
        "PASSED": {f"{TYPE}.pass_at_limit"},
        "FAILED": {f"{TYPE}.fail_one_past_limit", f"{TYPE}.fail_below_lower_limit"},
    }

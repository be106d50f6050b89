"""CKV_MLM_018: images in ECR within the image size budget (audit only)."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Unknown, Verdict

from support import judge, resource, stack

RULE = "CKV_MLM_018"
TYPE = "aws_ecr_image"
GIB = 1024**3
DEFAULT_BUDGET_BYTES = limits.DEFAULT_IMAGE_SIZE_BUDGET_GIB * GIB


def image(name: str, size: object, **extra: object):
    return resource(TYPE, name, {"image_size_in_bytes": size, "image_tags": ["1.0"], **extra})


def test_exact_verdicts_at_the_boundaries():
    results = judge(
        RULE,
        stack(
            image("pass_small", GIB),
            image("pass_at_budget", DEFAULT_BUDGET_BYTES),
            image("fail_one_byte_over", DEFAULT_BUDGET_BYTES + 1),
            image("pass_under_configured_budget", 15 * GIB, image_size_budget_gib=20),
            image("fail_over_configured_budget", 3 * GIB, image_size_budget_gib=2.5),
            image("unknown_no_size", None),
            image("unknown_size", Unknown("not read")),
            resource(TYPE, "data_source", {"image_size_in_bytes": 100 * GIB}, mode="data"),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TYPE}.pass_small": Verdict.PASSED,
        f"{TYPE}.pass_at_budget": Verdict.PASSED,
        f"{TYPE}.fail_one_byte_over": Verdict.FAILED,
        f"{TYPE}.pass_under_configured_budget": Verdict.PASSED,
        f"{TYPE}.fail_over_configured_budget": Verdict.FAILED,
        f"{TYPE}.unknown_no_size": Verdict.UNKNOWN,
        f"{TYPE}.unknown_size": Verdict.UNKNOWN,
    }  # Terraform's data "aws_ecr_image" is not judged
    assert results[f"{TYPE}.fail_one_byte_over"].message == (
        "the image tagged 1.0 is 10.00 GiB (10737418241 bytes compressed), over the 10 GiB image size budget "
        "(mlmarket's default; set image_size_budget_gib in .mlmarket.yaml)"
    )
    assert results[f"{TYPE}.fail_over_configured_budget"].message == (
        "the image tagged 1.0 is 3.00 GiB (3221225472 bytes compressed), over the 2.5 GiB image size budget "
        "(configured image_size_budget_gib)"
    )
    assert results[f"{TYPE}.pass_at_budget"].message == (
        "the image tagged 1.0 is 10.00 GiB (10737418240 bytes compressed), within the 10 GiB image size budget "
        "(mlmarket's default; set image_size_budget_gib in .mlmarket.yaml)"
    )
    assert results[f"{TYPE}.unknown_no_size"].message == (
        "ECR reports no size for this image (an image index or manifest list has none of its own); "
        "check the image of each platform"
    )
    assert results[f"{TYPE}.unknown_size"].message == "the image size cannot be read: not read"


def test_an_untagged_image_is_named_plainly():
    results = judge(RULE, stack(resource(TYPE, "untagged", {"image_size_in_bytes": GIB})))
    assert results[f"{TYPE}.untagged"].message == (
        "the image is 1.00 GiB (1073741824 bytes compressed), within the 10 GiB image size budget "
        "(mlmarket's default; set image_size_budget_gib in .mlmarket.yaml)"
    )


def test_an_unreadable_budget_says_why():
    """Issue 16 item 6: the message gives the reason and the setting, not the repr of an Unknown."""
    results = judge(
        RULE,
        stack(
            image("unknown_budget", GIB, image_size_budget_gib=Unknown("the budget is not read")),
            image("unknown_budget_not_a_number", GIB, image_size_budget_gib="ten"),
        ),
    )
    assert {a.removeprefix(f"{TYPE}."): (r.verdict, r.message) for a, r in results.items()} == {
        "unknown_budget": (
            Verdict.UNKNOWN,
            "the image size budget (image_size_budget_gib) cannot be read: the budget is not read",
        ),
        "unknown_budget_not_a_number": (
            Verdict.UNKNOWN,
            "the image size budget (image_size_budget_gib) cannot be read: 'ten' is not a number",
        ),
    }

"""Where the numeric-limit rules (CKV_MLM_010, 011, 012, 015, 016) find what they judge.

Packages and algorithms keep their publish-time validation jobs under
`validation_specification.validation_profiles[*]`; endpoint configurations keep their variants under
`production_variants` and `shadow_production_variants`. These helpers walk those shapes (blocks of the aws
provider, objects of awscc) and name each place the way messages show it.
"""

from __future__ import annotations

from typing import Any

from mlmarket.model import Unknown, as_str, blocks

PACKAGE_TYPES = ("awscc_sagemaker_model_package", "aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")
ALGORITHM_TYPES = ("aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")
ENDPOINT_CONFIGURATION_TYPE = "aws_sagemaker_endpoint_configuration"
VARIANT_LISTS = ("production_variants", "shadow_production_variants")


def named(fallback: str, kind: str, name: Any) -> str:
    """`validation profile 'p1'` when the item has a literal name, else its attribute path."""
    return f"{kind} {name!r}" if isinstance(name, str) else fallback


def validation_profiles(attributes: dict[str, Any]) -> list[tuple[str, dict[str, Any]]] | Unknown:
    """(label, profile) for every validation profile of a model package or algorithm."""
    specifications = blocks(attributes.get("validation_specification"))
    if isinstance(specifications, Unknown):
        return specifications
    profiles: list[tuple[str, dict[str, Any]]] = []
    for specification in specifications:
        found = blocks(specification.get("validation_profiles"))
        if isinstance(found, Unknown):
            return found
        for index, profile in enumerate(found):
            fallback = f"validation_specification.validation_profiles[{index}]"
            profiles.append((named(fallback, "validation profile", profile.get("profile_name")), profile))
    return profiles


def variants(attributes: dict[str, Any]) -> list[tuple[str, dict[str, Any]] | Unknown]:
    """(label, variant) for every variant of an endpoint configuration; an Unknown for a list not readable."""
    found: list[tuple[str, dict[str, Any]] | Unknown] = []
    for list_name in VARIANT_LISTS:
        listed = blocks(attributes.get(list_name))
        if isinstance(listed, Unknown):
            found.append(Unknown(f"{list_name} cannot be read before apply: {listed.reason}"))
            continue
        for index, variant in enumerate(listed):
            label = f"{list_name}[{index}]"
            name = variant.get("variant_name")
            if isinstance(name, str):
                label += f" (variant {name!r})"
            found.append((label, variant))
    return found


def string_list(value: Any) -> list[str | Unknown] | Unknown | None:
    """A list-of-strings attribute; a lone scalar counts as a one-element list (an HCL parser quirk)."""
    if value is None or isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, Unknown) else _text(item) for item in items]


def _text(item: Any) -> str | Unknown:
    text = as_str(item)
    return text if text is not None else Unknown("null in a list of strings")


def describe_number(value: int | float) -> str:
    """`100` rather than `100.0` for whole numbers written as floats."""
    return str(int(value)) if float(value).is_integer() else str(value)

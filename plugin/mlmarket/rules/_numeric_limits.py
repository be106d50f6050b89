"""Where the numeric-limit rules (CKV_MLM_010, 011, 012, 015, 016) find what they judge, and how they read a
number (`limit_number`: a value that is not a finite number never passes).

Packages and algorithms keep their publish-time validation jobs under
`validation_specification.validation_profiles[*]`; endpoint configurations keep their variants under
`production_variants` and `shadow_production_variants`. These helpers walk those shapes (blocks of the aws
provider, objects of awscc) and name each place the way messages show it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlmarket.model import Finding, Unknown, as_number, as_str, blocks
from mlmarket.rules.base import failed

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


@dataclass(frozen=True)
class NotFinite:
    """A numeric setting whose value is not a finite number: NaN, Infinity, -Infinity, or a number too large for
    a double (`1e999`). Every comparison with NaN is false, so read as a number it would pass any limit."""

    shown: str


def limit_number(value: Any) -> int | float | Unknown | NotFinite | None:
    """A numeric setting as the numeric-limit rules judge it: `as_number`, with NotFinite for a value that is
    not a finite number (SageMaker's numeric fields take finite numbers only)."""
    number = as_number(value)
    if isinstance(number, float) and not math.isfinite(number):
        return NotFinite(_shown(value, number))
    return number


def not_finite(where: str, name: str, value: NotFinite) -> Finding:
    """The verdict on a setting that is not a finite number: FAILED, since SageMaker refuses the request (and the
    rule cannot say the limit is kept)."""
    return failed(f"{where} {name} is {value.shown}, not a finite number; SageMaker accepts only finite numbers")


def _shown(value: Any, number: float) -> str:
    if isinstance(value, str):
        text = value.strip()
        return repr(text if len(text) <= 32 else f"{text[:29]}...")
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def describe_number(value: int | float) -> str:
    """`100` rather than `100.0` for whole numbers written as floats."""
    if isinstance(value, int):
        return str(value) if -(10**30) < value < 10**30 else "a number of more than 30 digits"
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return str(int(value)) if value.is_integer() and abs(value) < 1e30 else str(value)

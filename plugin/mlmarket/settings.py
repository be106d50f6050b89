"""Scan settings: command-line options, `.mlmarket.yaml` and the environment, resolved once per scan."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from mlmarket.errors import InputError
from mlmarket.model import Stack

CONFIG_FILE_NAME = ".mlmarket.yaml"
SELLER_ACCOUNT_ENV = "MLMARKET_SELLER_ACCOUNT"


@dataclass(frozen=True)
class Settings:
    seller_account: str | None = None
    publishing_region: str | None = None
    skips: dict[str, str] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    image_size_budget_gib: float | None = None
    config_path: str | None = None


def find_config(scanned_path: str) -> str | None:
    """`.mlmarket.yaml` in the scanned directory (or the plan's directory) or the nearest parent."""
    directory = os.path.abspath(scanned_path)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, CONFIG_FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str) -> Settings:
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise InputError(
            path,
            f"invalid YAML: {getattr(error, 'problem', None) or error}",
            line=line + 1 if line is not None else None,
        ) from None
    if data is None:
        data = {}
    _validate(data, path)
    return Settings(
        seller_account=data.get("seller_account_id"),
        publishing_region=data.get("publishing_region"),
        skips={entry["id"]: entry["reason"] for entry in data.get("skip", [])},
        severity=dict(data.get("severity", {})),
        image_size_budget_gib=data.get("image_size_budget_gib"),
        config_path=path,
    )


def config_schema() -> dict[str, Any]:
    # Beside the package, like the limits datasets (see mlmarket.limits): no importlib.resources on a scan.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", "config.schema.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


_ACCOUNT = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_RULE_ID = re.compile(r"CKV_MLM_[0-9]{3}")
_SEVERITIES = frozenset({"CRITICAL", "HIGH", "MEDIUM", "LOW"})


def plainly_valid(data: Any) -> bool:
    """A quick check that accepts only configurations the JSON Schema accepts (a test holds it to that), so that
    most scans need not import jsonschema; anything it does not accept goes to the schema for its verdict."""
    checks = {
        "seller_account_id": lambda v: isinstance(v, str) and _ACCOUNT.fullmatch(v) is not None,
        "publishing_region": lambda v: isinstance(v, str) and _REGION.fullmatch(v) is not None,
        "skip": lambda v: (
            isinstance(v, list)
            and all(
                isinstance(e, dict)
                and set(e) == {"id", "reason"}
                and isinstance(e["id"], str)
                and _RULE_ID.fullmatch(e["id"]) is not None
                and isinstance(e["reason"], str)
                and e["reason"] != ""
                for e in v
            )
        ),
        "severity": lambda v: (
            isinstance(v, dict)
            and all(isinstance(k, str) and _RULE_ID.fullmatch(k) is not None and v[k] in _SEVERITIES for k in v)
        ),
        "image_size_budget_gib": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
    }
    return isinstance(data, dict) and all(key in checks and checks[key](value) for key, value in data.items())


def _validate(data: Any, path: str) -> None:
    if plainly_valid(data):
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    hint = ""
    if error.absolute_path and error.absolute_path[0] == "seller_account_id" and isinstance(error.instance, int):
        hint = " (quote the account ID so YAML keeps it a string)"
    raise InputError(path, f"{key}: {error.message}{hint}")


def resolve(scanned_path: str, overrides: Settings, config_path: str | None = None) -> Settings:
    """Command-line values win over the config file, which wins over the environment."""
    path = config_path or find_config(scanned_path)
    base = load_config(path) if path else Settings()
    return replace(
        base,
        seller_account=overrides.seller_account or base.seller_account or os.environ.get(SELLER_ACCOUNT_ENV) or None,
        publishing_region=overrides.publishing_region or base.publishing_region,
        skips={**base.skips, **overrides.skips},
        severity={**base.severity, **overrides.severity},
    )


def apply(stack: Stack, settings: Settings) -> Stack:
    """Give the stack its seller account and publishing region; allowed_account_ids is the last resort."""
    seller = settings.seller_account
    if seller is None and len(stack.pinned_accounts) == 1:
        seller = next(iter(stack.pinned_accounts))
    stack.seller_account = seller
    stack.publishing_region = settings.publishing_region
    return stack

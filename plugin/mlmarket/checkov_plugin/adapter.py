"""checkov adapter: every mlmarket check asks the same cached scan of the whole source for its verdict.

A checkov check sees one resource's configuration, but mlmarket's rules need the whole configuration
(regions, accounts, references). So the first check that runs reads the scanned plan file or directory
with mlmarket's own readers, runs every rule once, and caches the results; each check then looks up its
(rule, resource) result. checkov does not hand the scanned path to a check, so it is read from checkov's
own runner frame (`run_block`, which holds the absolute file and root folder); checkov is pinned to 3.3.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from mlmarket.engine import Result
from mlmarket.errors import InputError
from mlmarket.model import Verdict, strip_instance_keys
from mlmarket.rules import get_rule
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

_PLAN_RUNNER_MODULE = "checkov.terraform.plan_runner"
_CACHE: dict[tuple[str, float], dict[tuple[str, str], Result] | InputError] = {}


class MlmarketCheck(BaseResourceCheck):
    rule_id: str

    def __init__(self) -> None:
        meta = get_rule(self.rule_id).metadata
        super().__init__(
            name=meta.title,
            id=meta.id,
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=list(meta.resource_types),
            guideline=meta.docs_url,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        located = _scanned_source()
        if located is None or not isinstance(address, str):
            self.details.append(
                "mlmarket could not locate the scanned source in checkov's runner (fail closed)"
            )
            return CheckResult.FAILED
        scan_root, resource_file, is_plan = located
        results = _results_for(scan_root, is_plan)
        if isinstance(results, InputError):
            self.details.append(f"mlmarket could not read the source: {results.one_line()}")
            return CheckResult.FAILED
        result = _lookup(results, self.id, resource_file, address, is_plan)
        if result is None:
            return CheckResult.UNKNOWN  # the rule does not apply to this resource; checkov drops UNKNOWN
        self.details.append(result.message)
        if result.verdict is Verdict.PASSED:
            return CheckResult.PASSED
        if result.verdict is Verdict.SKIPPED:
            return CheckResult.SKIPPED
        if result.verdict is Verdict.UNKNOWN:
            # checkov drops UNKNOWN results from its report; a compliance gate must not pass what it
            # could not judge, so report it as a failure that says why.
            self.details.insert(0, "UNKNOWN (reported as FAILED: mlmarket never passes what it cannot judge)")
        return CheckResult.FAILED


def _scanned_source() -> tuple[str, str, bool] | None:
    """(scan root, absolute file of the resource, is a plan scan) from checkov's runner frame."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_block" and "full_file_path" in frame.f_locals:
            runner = frame.f_locals.get("self")
            is_plan = type(runner).__module__ == _PLAN_RUNNER_MODULE
            full = frame.f_locals["full_file_path"]
            file_path = os.path.abspath(getattr(full, "file_path", full))
            if is_plan:
                return file_path, file_path, True
            root = frame.f_locals.get("root_folder") or os.path.dirname(file_path)
            return os.path.abspath(root), file_path, False
        frame = frame.f_back
    return None


def _results_for(scan_root: str, is_plan: bool) -> dict[tuple[str, str], Result] | InputError:
    key = (scan_root, os.path.getmtime(scan_root) if os.path.exists(scan_root) else 0.0)
    if key not in _CACHE:
        try:
            results = scan_path(scan_root, Settings())
        except InputError as error:
            _CACHE[key] = error
        else:
            _CACHE[key] = {(r.rule_id, _result_key(r, is_plan)): r for r in results}
    return _CACHE[key]


def _result_key(result: Result, is_plan: bool) -> str:
    if is_plan:
        return result.address
    return f"{os.path.abspath(result.file or '')}::{strip_instance_keys(result.address)}"


def _lookup(
    results: dict[tuple[str, str], Result], rule_id: str, resource_file: str, address: str, is_plan: bool
) -> Result | None:
    key = address if is_plan else f"{resource_file}::{strip_instance_keys(address)}"
    return results.get((rule_id, key))

"""checkov adapter: every mlmarket check asks the same cached scan of the whole source for its verdict.

A checkov check sees one resource's configuration, but mlmarket's rules need the whole configuration
(regions, accounts, references). So the first check that runs reads the scanned plan file or directory
with mlmarket's own readers, runs every rule once, and caches the results; each check then looks up its
(rule, resource) result. checkov does not hand the scanned path to a check, so it is read from checkov's
own runner frame (`run_block`, which holds the absolute file and root folder); checkov is pinned to 3.3.
"""

from __future__ import annotations

import functools
import os
import sys
import weakref
from typing import Any, NamedTuple

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from mlmarket.checkov_plugin import prescan
from mlmarket.errors import InputError
from mlmarket.model import Verdict, strip_instance_keys
from mlmarket.rules import get_rule

_PLAN_RUNNER_MODULE = "checkov.terraform.plan_runner"


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
        # checkov is importing this check at the start of a scan: get mlmarket's own scan going alongside.
        prescan.start_for_current_run(self)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        located = _scanned_source()
        if located is None or not isinstance(address, str):
            self.details.append(
                "mlmarket could not locate the scanned source in checkov's runner (fail closed)"
            )
            return CheckResult.FAILED
        results = _results_for(located)
        if isinstance(results, prescan.ScanFailed):
            self.details.append(f"mlmarket could not read the source: {results.message}")
            return CheckResult.FAILED
        found = results.lookup(self.id, "" if located.is_plan else located.resource_file, address)
        if found is None:
            return CheckResult.UNKNOWN  # the rule does not apply to this resource; checkov drops UNKNOWN
        verdict, message = found
        self.details.append(message)
        if verdict is Verdict.PASSED:
            return CheckResult.PASSED
        if verdict is Verdict.SKIPPED:
            return CheckResult.SKIPPED
        if verdict is Verdict.UNKNOWN:
            # checkov drops UNKNOWN results from its report; a compliance gate must not pass what it
            # could not judge, so report it as a failure that says why.
            self.details.insert(0, "UNKNOWN (reported as FAILED: mlmarket never passes what it cannot judge)")
        return CheckResult.FAILED


class _Located(NamedTuple):
    runner: Any  # the checkov runner running this scan: results are cached per runner
    scan_root: str
    resource_file: str  # absolute
    is_plan: bool


def _scanned_source() -> _Located | None:
    """Where the resource being checked comes from, read from checkov's `run_block` frame."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_block":
            local = frame.f_locals  # a fresh snapshot of the frame's locals on every access: read it once
            if "full_file_path" in local:
                runner = local.get("self")
                full = local["full_file_path"]
                return _located(runner, getattr(full, "file_path", full), local.get("root_folder"))
        frame = frame.f_back
    return None


@functools.lru_cache(maxsize=1024)
def _absolute(path: str) -> str:
    return os.path.abspath(path)


def _located(runner: Any, file_path: str, root_folder: str | None) -> _Located:
    is_plan = type(runner).__module__ == _PLAN_RUNNER_MODULE
    file_path = _absolute(file_path)
    if is_plan:
        return _Located(runner, file_path, file_path, True)
    return _Located(runner, _absolute(root_folder or os.path.dirname(file_path)), file_path, False)


class _Index:
    """Verdicts by (rule, file, address), and by instance-less address for checkov's unexpanded blocks."""

    def __init__(self, rows: list[tuple[str, str, str, str, str]], is_plan: bool) -> None:
        self.exact: dict[tuple[str, str, str], tuple[Verdict, str]] = {}
        self.by_base: dict[tuple[str, str, str], list[tuple[Verdict, str]]] = {}
        for rule_id, file, address, verdict, message in rows:
            key_file = "" if is_plan else _absolute(file)
            found = (Verdict(verdict), message)
            self.exact[(rule_id, key_file, address)] = found
            self.by_base.setdefault((rule_id, key_file, strip_instance_keys(address)), []).append(found)

    def lookup(self, rule_id: str, file: str, address: str) -> tuple[Verdict, str] | None:
        found = self.exact.get((rule_id, file, address))
        if found is not None:
            return found
        # checkov names one block where mlmarket judged each of its instances: the worst instance speaks.
        instances = self.by_base.get((rule_id, file, strip_instance_keys(address)), [])
        return min(instances, key=lambda found: _VERDICT_ORDER[found[0]], default=None)


_VERDICT_ORDER = {Verdict.FAILED: 0, Verdict.UNKNOWN: 1, Verdict.SKIPPED: 2, Verdict.PASSED: 3}
# Per scanned root, the results and the checkov runner they were computed for: a new run (a new runner) scans
# again, so a long-lived process that runs checkov twice never sees results of an older file.
_CACHE: dict[str, tuple[weakref.ref[Any], _Index | prescan.ScanFailed]] = {}


def _results_for(located: _Located) -> _Index | prescan.ScanFailed:
    cached = _CACHE.get(located.scan_root)
    if cached is not None and cached[0]() is located.runner:
        return cached[1]
    results = _scan(located.scan_root, located.is_plan)
    _CACHE[located.scan_root] = (weakref.ref(located.runner), results)
    return results


def _scan(scan_root: str, is_plan: bool) -> _Index | prescan.ScanFailed:
    collected = prescan.collect(scan_root)
    if isinstance(collected, prescan.ScanFailed):
        return collected
    if collected is not None:
        return _Index(collected.rows, is_plan)
    # Imported here: with the child's verdicts, checkov's process never needs the readers or the engine.
    from mlmarket.scan import scan_path
    from mlmarket.settings import Settings

    try:
        results = scan_path(scan_root, Settings())
    except InputError as error:
        return prescan.ScanFailed(error.one_line())
    return _Index(prescan.verdict_rows(results), is_plan)

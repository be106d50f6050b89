"""checkov adapter: every mlmarket check asks the same cached scan of the whole source for its verdict.

A checkov check sees one resource's configuration, but mlmarket's rules need the whole configuration
(regions, accounts, references). So the first check that runs reads the scanned plan file or directory
with mlmarket's own readers, runs every rule once, and caches the results; each check then looks up its
(rule, resource) result. checkov does not hand the scanned path to a check, so it is read from checkov's
own runner frame (`run_block`, which holds the absolute file and root folder); checkov is pinned to 3.3.

Fail closed: any error on the way (locating the source, reading or scanning it, mlmarket's scan process dying,
looking the verdict up) is a FAILED result of the check, with the error in one line in its details; checkov
would otherwise log "Failed to run check" and report nothing. A module called by several root modules is
checked once per calling root; each call gets the verdict of its own root (the worst of all, naming the roots
that failed, where the caller cannot be told).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import weakref
from typing import Any, NamedTuple

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from mlmarket.checkov_plugin import prescan
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
        # Without the early scan the checks scan in-process, which fails closed on its own.
        with contextlib.suppress(Exception):
            prescan.start_for_current_run(self)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        """checkov's entry point, with nothing of checkov's own before the verdict (its `count = 0` shortcut
        and dynamic-block rewriting are for checks that read `conf`; mlmarket judges every instance itself)."""
        self.entity_type = entity_type
        try:
            return self.scan_resource_conf(conf)
        except (Exception, SystemExit) as error:  # fail closed: a check that raises is dropped by checkov
            self.details[:] = [f"mlmarket failed (fail closed): {prescan.describe(error)}"]
            return CheckResult.FAILED

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        located = _scanned_source()
        if located is None or not isinstance(address, str):
            self.details.append("mlmarket could not locate the scanned source in checkov's runner (fail closed)")
            return CheckResult.FAILED
        results = _results_for(located)
        if isinstance(results, prescan.ScanFailed):
            self.details.append(f"mlmarket could not scan the source (fail closed): {results.message}")
            return CheckResult.FAILED
        found = results.lookup(self.id, "" if located.is_plan else located.resource_file, address, located.calling_root)
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
    # The directory of the root module whose (chain of) module calls reached this resource: checkov checks a
    # module once per calling root. None in a plan (one plan, one root) or where checkov does not say.
    calling_root: str | None
    # checkov's options that change what the directory means (--var-file, --external-modules-download-path).
    options: tuple[tuple[str, str], ...] = ()


def _scanned_source() -> _Located | None:
    """Where the resource being checked comes from, read from checkov's `run_block` frame."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_block":
            local = frame.f_locals  # a fresh snapshot of the frame's locals on every access: read it once
            if "full_file_path" in local:
                runner = local.get("self")
                full = local["full_file_path"]
                file_path = getattr(full, "file_path", full)
                located = _located(runner, file_path, local.get("root_folder"), _root_caller(full))
                return located._replace(options=tuple(prescan.terraform_options(local.get("runner_filter"))))
        frame = frame.f_back
    return None


def _root_caller(key: Any) -> str | None:
    """The file of the root module that calls the module holding the resource, from checkov's
    `TFDefinitionKey`: its `tf_source_modules` is the call that reached the file (`path`: the calling file),
    and each call's `nested_tf_module` is the call that reached the caller, up to a root. "" for a resource of
    a root module itself; None when the key is not one checkov 3.3 makes."""
    if not hasattr(key, "tf_source_modules"):
        return None
    call = key.tf_source_modules
    seen = 0
    while call is not None and seen < 1000:
        caller = getattr(call, "path", None)
        if not isinstance(caller, str):
            return None
        parent = getattr(call, "nested_tf_module", None)
        if parent is None:
            return caller
        call, seen = parent, seen + 1
    return "" if seen == 0 else None


@functools.lru_cache(maxsize=1024)
def _absolute(path: str) -> str:
    return os.path.abspath(path)


def _located(runner: Any, file_path: str, root_folder: str | None, root_caller: str | None = None) -> _Located:
    is_plan = type(runner).__module__ == _PLAN_RUNNER_MODULE
    file_path = _absolute(file_path)
    if is_plan:
        return _Located(runner, file_path, file_path, True, None)
    scan_root = _absolute(root_folder or os.path.dirname(file_path))
    calling_root = None if root_caller is None else os.path.dirname(_absolute(root_caller or file_path))
    return _Located(runner, scan_root, file_path, False, calling_root)


class _Judged(NamedTuple):
    verdict: Verdict
    message: str
    stack: str  # the root module (absolute directory) or plan that judged it


class _Index:
    """Verdicts by (rule, file, address), and by instance-less address for checkov's unexpanded blocks; each
    with the root module that judged it, since roots calling one module judge the same file and address."""

    def __init__(self, rows: list[prescan.Row], is_plan: bool) -> None:
        self.exact: dict[tuple[str, str, str], list[_Judged]] = {}
        self.by_base: dict[tuple[str, str, str], list[_Judged]] = {}
        for rule_id, file, address, verdict, message, stack in rows:
            key_file = "" if is_plan else _absolute(file)
            found = _Judged(Verdict(verdict), message, "" if is_plan else _absolute(stack or "."))
            self.exact.setdefault((rule_id, key_file, address), []).append(found)
            self.by_base.setdefault((rule_id, key_file, strip_instance_keys(address)), []).append(found)

    def lookup(
        self, rule_id: str, file: str, address: str, calling_root: str | None = None
    ) -> tuple[Verdict, str] | None:
        exact = self.exact.get((rule_id, file, address), [])
        # checkov names one block where mlmarket judged each of its instances: the worst instance speaks.
        instances = self.by_base.get((rule_id, file, strip_instance_keys(address)), [])
        judged = exact or instances
        roots = sorted({j.stack for j in judged})
        if len(roots) <= 1:
            worst = min(judged, key=_severity, default=None)
            return None if worst is None else (worst.verdict, worst.message)
        # Several root modules call the module holding it. checkov checks it once per calling root: each call
        # gets its own root's verdict. Where checkov does not say which root calls, the worst of all speaks.
        own = [j for j in exact if j.stack == calling_root] or [j for j in instances if j.stack == calling_root]
        worst = min(own or judged, key=_severity)
        if worst.verdict is Verdict.PASSED:
            return worst.verdict, f"in root module {_shown(worst.stack)}: {worst.message}" if own else worst.message
        # Not passed: name every root that did not pass, this call's first. checkov keeps one record of a
        # check's failures on one resource, whichever root it came from, so each record names them all.
        per_root = {root: min((j for j in judged if j.stack == root), key=_severity) for root in roots}
        failing = sorted(
            (root for root, j in per_root.items() if j.verdict is not Verdict.PASSED),
            key=lambda root: (root != calling_root, root),
        )
        return worst.verdict, "; ".join(f"in root module {_shown(r)}: {per_root[r].message}" for r in failing)


_VERDICT_ORDER = {Verdict.FAILED: 0, Verdict.UNKNOWN: 1, Verdict.SKIPPED: 2, Verdict.PASSED: 3}


def _severity(judged: _Judged) -> int:
    return _VERDICT_ORDER[judged.verdict]


def _shown(directory: str) -> str:
    try:
        relative = os.path.relpath(directory)
    except ValueError:
        return directory
    return directory if relative.startswith("..") else relative


# Per scanned root, the results and the checkov runner they were computed for: a new run (a new runner) scans
# again, so a long-lived process that runs checkov twice never sees results of an older file.
_CACHE: dict[str, tuple[weakref.ref[Any], _Index | prescan.ScanFailed]] = {}


def _results_for(located: _Located) -> _Index | prescan.ScanFailed:
    cached = _CACHE.get(located.scan_root)
    if cached is not None and cached[0]() is located.runner:
        return cached[1]
    try:
        results = _scan(located.scan_root, located.is_plan, located.options)
    except (Exception, SystemExit) as error:  # every check of this run fails with it, without scanning again
        results = prescan.ScanFailed(prescan.describe(error))
    _CACHE[located.scan_root] = (weakref.ref(located.runner), results)
    return results


def _scan(scan_root: str, is_plan: bool, options: tuple[tuple[str, str], ...]) -> _Index | prescan.ScanFailed:
    collected = prescan.collect(scan_root)
    if isinstance(collected, prescan.ScanFailed):
        return collected
    if collected is not None:
        return _Index(collected.rows, is_plan)
    # Imported here: with the child's verdicts, checkov's process never needs the readers or the engine.
    from mlmarket.baseline import suppress_from_environment
    from mlmarket.scan import scan_path
    from mlmarket.settings import Settings

    results = suppress_from_environment(scan_path(scan_root, Settings(), variables=options))
    return _Index(prescan.verdict_rows(results), is_plan)

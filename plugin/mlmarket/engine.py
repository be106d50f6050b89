"""Runs rules over stacks: one pass over the resources, one result per (rule, resource)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlmarket.model import Resource, Stack, Verdict
from mlmarket.rules.base import Rule, RuleMetadata


# slots, not frozen: a large scan makes one Result per (rule, resource), and frozen dataclasses build slowly.
@dataclass(slots=True)
class Result:
    rule_id: str
    title: str
    severity: str
    address: str
    verdict: Verdict
    message: str
    file: str | None
    line: int | None
    resource_type: str
    docs_url: str = ""
    skip_reason: str | None = None
    # What was scanned: the root module's directory, the plan file, or the audited account. Two stacks may hold
    # the same address (prod and dev calling one module); with this their results stay apart.
    stack: str = ""
    # Set after the engine by mlmarket.baseline, on findings (FAILED, UNKNOWN) only: their identity across runs,
    # whether the baseline accepts them (reported as SUPPRESSED, never a failure), and "new" or "existing"
    # against the base branch's report (--new-since).
    fingerprint: str | None = None
    suppressed: bool = False
    since_base: str | None = None
    # Set after the engine by the audit (mlmarket.audit.judge): the audited account and the resource's region.
    account: str | None = None
    region: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "severity": self.severity,
            "address": self.address,
            "verdict": self.verdict.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "resource_type": self.resource_type,
        }


def evaluate(stack: Stack, rules: Iterable[Rule], skips: dict[str, str] | None = None) -> list[Result]:
    """Judge every resource of `stack`; `skips` are configuration-wide skips (rule ID -> reason)."""
    by_type: dict[str, list[Rule]] = {}
    for rule in rules:
        for resource_type in rule.metadata.resource_types:
            by_type.setdefault(resource_type, []).append(rule)
    skips = skips or {}
    results: list[Result] = []
    append = results.append
    for resource in stack.resources:
        if resource.unknown_reason is not None:
            # None of the resource can be read: every rule for its type says so, none guesses from the rest.
            for rule in by_type.get(resource.type, ()):
                append(_unreadable(rule, resource, stack, skips))
            continue
        for rule in by_type.get(resource.type, ()):
            result = _judge(rule, resource, stack, skips)
            if result is not None:
                append(result)
    return results


def _skip(meta: RuleMetadata, resource: Resource, stack: Stack, skips: dict[str, str]) -> Result | None:
    skip_reason = resource.skips.get(meta.id, skips.get(meta.id)) if resource.skips or skips else None
    if skip_reason is None:
        return None
    message = f"skipped: {skip_reason}" if skip_reason else "skipped without a reason"
    return _result(meta, resource, stack, Verdict.SKIPPED, message, skip_reason)


def _unreadable(rule: Rule, resource: Resource, stack: Stack, skips: dict[str, str]) -> Result:
    meta = rule.metadata
    skipped = _skip(meta, resource, stack, skips)
    if skipped is not None:
        return skipped
    return _result(meta, resource, stack, Verdict.UNKNOWN, str(resource.unknown_reason))


def _judge(rule: Rule, resource: Resource, stack: Stack, skips: dict[str, str]) -> Result | None:
    meta = rule.metadata
    if resource.skips or skips:
        skipped = _skip(meta, resource, stack, skips)
        if skipped is not None:
            return skipped
    try:
        finding = rule.evaluate(resource, stack)
    except Exception as error:  # a rule that raises must fail closed, never vanish
        import traceback  # only here: a scan where no rule raises never pays for it

        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        return _result(
            meta, resource, stack, Verdict.FAILED, f"rule error ({type(error).__name__} at {where}): {error}"
        )
    if finding is None:
        return None
    return _result(meta, resource, stack, finding.verdict, finding.message)


def _result(
    meta: RuleMetadata,
    resource: Resource,
    stack: Stack,
    verdict: Verdict,
    message: str,
    skip: str | None = None,
) -> Result:
    # Positional: one Result per (rule, resource) on the hot path, and keywords cost a third more to build.
    return Result(
        meta.id,
        meta.title,
        meta.severity,
        resource.address,
        verdict,
        message,
        resource.file,
        resource.line,
        resource.type,
        meta.docs_url,
        skip,
        stack.source,
    )

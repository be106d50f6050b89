"""`mlmarket audit`: a read-only compliance audit of a live AWS account.

`fetch` reads the account (the only module that imports boto3), `mlmarket.readers.sagemaker_api` turns the
responses into the same normalized model the Terraform readers build, and the same rules judge it. Importing
this package stays cheap: boto3 is imported only when an audit runs, so `mlmarket --version` and plan scans
never pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime  # every command imports this package for its parser: keep it light

    from mlmarket.engine import Result
    from mlmarket.readers.sagemaker_api import Collected
    from mlmarket.rules.base import Rule
    from mlmarket.settings import Settings

AUDIT_SOURCE = "audit"


class AuditSetupError(Exception):
    """The audit cannot start: no region, no or rejected credentials, an unknown profile (exit code 2)."""


class Unreadable(NamedTuple):
    """A read that failed after the retries: the audit is incomplete there."""

    region: str
    service: str
    operation: str
    error_code: str


class Progress(Protocol):
    """Told of the reads as they run (the CLI shows them on a terminal)."""

    def begin(self, reads: list[tuple[str, str]]) -> None:
        """The (region, what) reads about to run."""

    def done(self, region: str, what: str, items: int, failed: bool) -> None:
        """One read finished: how many items it collected, and whether any of its calls failed."""


@dataclass(frozen=True)
class AuditOutcome:
    results: list[Result]
    unreadable: list[Unreadable]
    account: str | None = None
    operations_called: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        return not self.unreadable


def audit_rules() -> tuple[Rule, ...]:
    """The rules that judge what an audit reads (their metadata lists the "audit" source)."""
    from mlmarket.rules import all_rules

    return tuple(rule for rule in all_rules() if AUDIT_SOURCE in rule.metadata.sources)


def run_audit(
    regions: Sequence[str],
    profile: str | None,
    endpoint_url: str | None,
    settings: Settings,
    *,
    rules: Sequence[Rule] | None = None,
    max_attempts: int | None = None,
    max_workers: int | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> AuditOutcome:
    """Read `regions` (none: the profile's or the environment's region) of the account the credentials belong
    to, and judge it. Raises AuditSetupError when the audit cannot start (region, credentials, profile)."""
    from mlmarket.audit import fetch

    snapshot = fetch.collect(
        list(regions),
        profile=profile,
        endpoint_url=endpoint_url,
        max_attempts=max_attempts or fetch.DEFAULT_MAX_ATTEMPTS,
        max_workers=max_workers or fetch.DEFAULT_MAX_WORKERS,
        progress=progress,
        now=now,
    )
    # The audited account is the seller account; the configured one stands in only when STS cannot say.
    results, unmapped = judge(
        snapshot.collected, snapshot.account or settings.seller_account, snapshot.partition, settings, rules
    )
    return AuditOutcome(
        results=results,
        unreadable=sorted(dict.fromkeys([*snapshot.unreadable, *unmapped])),
        account=snapshot.account,
        operations_called=snapshot.operations_called,
    )


def judge(
    collected: Iterable[Collected],
    account: str | None,
    partition: str,
    settings: Settings,
    rules: Sequence[Rule] | None = None,
) -> tuple[list[Result], list[Unreadable]]:
    """Judge what was read of one account (every region: one stack, the account is its seller account). Each
    result carries the account and its resource's region. With the results, the responses that could not be
    mapped: a response the mapping cannot map is a failed read of that item, like one AWS did not answer."""
    from mlmarket.engine import evaluate
    from mlmarket.readers import sagemaker_api

    stack, unmapped = sagemaker_api.build_stack(
        collected,
        account=account,
        partition=partition,
        publishing_region=settings.publishing_region,
        image_size_budget_gib=settings.image_size_budget_gib,
    )
    results = evaluate(stack, audit_rules() if rules is None else rules, settings.skips)
    region_of = {resource.address: resource.region for resource in stack.resources}
    for result in results:
        if settings.severity:
            result.severity = settings.severity.get(result.rule_id, result.severity)
        result.account = account
        result.region = region_of.get(result.address)
    return results, [Unreadable(*item) for item in unmapped]

"""`mlmarket audit --organization`: every active account of an AWS Organization, each entered through an audit role.

The management account (or a delegated administrator) lists the accounts (`organizations:ListAccounts`); each
member account is entered by assuming `arn:<partition>:iam::<account>:role/<role name>` and audited as a single
account is: it is the seller account, and its chosen regions are one stack.

One bounded thread pool runs one job per (account, region). A job reads that region's SageMaker listings and ECR
one after the other, so no account and region ever has more than one mlmarket request in flight (SageMaker and
ECR rate limits are per account and region), while the pool overlaps the latency of many pairs. Jobs are queued
account by account: an account's role is assumed by its first job, just before its reads, and its temporary
credentials are used within minutes. The job that reads an account's last region then reads its S3 bucket
regions, and the account is judged at once: memory holds the clients and responses of the accounts in flight
only, whatever the size of the organization.

An account whose role cannot be assumed is reported with that error, the others go on; the audit is then
incomplete (exit 3), as when any read fails.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Protocol

from mlmarket.audit import AuditSetupError, Unreadable, judge
from mlmarket.errors import printable
from mlmarket.reports.accounts import AccountStatus, UnreadRead

if TYPE_CHECKING:
    from mlmarket.audit.fetch import ClientFactory, MemberAccount, OperationGuard
    from mlmarket.engine import Result
    from mlmarket.readers.sagemaker_api import Collected
    from mlmarket.rules.base import Rule
    from mlmarket.settings import Settings

DEFAULT_MAX_WORKERS = 16
"""(account, region) pairs read at once by default, from the measurement in docs/PERFORMANCE.md ("Organization
audit", bench/audit_org.py): 50 accounts x 17 regions at 50 ms per call took 447 s with 1 worker, 120 s with 4,
82 s with 8 and 66 s with 16, the fewest workers within 10% of the fastest. Each worker has at most one request
in flight, to one account and region: the count bounds the threads, never the rate one account sees."""

NOT_IN_ORGANIZATION = "not an active account of the organization"
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


class AccountListError(ValueError):
    """An --accounts file that cannot be read or holds something else than account IDs (exit code 2)."""


@dataclass(frozen=True)
class OrganizationScope:
    """Which accounts and regions to audit, and how to enter the accounts."""

    role_name: str
    regions: tuple[str, ...]
    external_id: str | None = None
    only: frozenset[str] | None = None  # --accounts: these accounts of the organization, no others
    excluded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AccountAudit:
    account: str
    name: str
    unreadable: tuple[Unreadable, ...] = ()
    error: str | None = None  # why the account could not be entered: nothing of it was read

    @property
    def complete(self) -> bool:
        return self.error is None and not self.unreadable

    def status(self) -> AccountStatus:
        unread = tuple(UnreadRead(u.region, f"{u.service}:{u.operation}", u.error_code) for u in self.unreadable)
        return AccountStatus(self.account, self.name, self.error, unread)


@dataclass(frozen=True)
class OrganizationOutcome:
    results: list[Result]
    accounts: list[AccountAudit]  # every account asked for, by account ID
    unreadable: list[Unreadable]  # the organization's own listing (organizations:ListAccounts)
    operations_called: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        return not self.unreadable and all(account.complete for account in self.accounts)

    def statuses(self) -> list[AccountStatus]:
        return [account.status() for account in self.accounts]


class AccountProgress(Protocol):
    """Told of the accounts as they complete (the CLI shows a bar on a terminal)."""

    def begin_accounts(self, total: int) -> None:
        """How many accounts the audit will read."""

    def account_done(self, account: str, failed: bool) -> None:
        """One account is read and judged; `failed`: it could not be entered, or some of its reads failed."""


def read_account_list(path: str) -> frozenset[str]:
    """The account IDs of an --accounts file: one a line; blank lines and `#` comments are allowed."""
    shown = printable(path)
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise AccountListError(f"cannot read --accounts file {shown}: {printable(str(reason))}") from None
    accounts = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _ACCOUNT_ID.match(text):
            raise AccountListError(f"{shown}:{number}: {text!r} is not an AWS account ID (12 digits)")
        accounts.add(text)
    if not accounts:
        raise AccountListError(f"{shown}: no account ID in the --accounts file")
    return frozenset(accounts)


def run_organization_audit(
    scope: OrganizationScope,
    profile: str | None,
    endpoint_url: str | None,
    settings: Settings,
    *,
    rules: Sequence[Rule] | None = None,
    max_attempts: int | None = None,
    max_workers: int | None = None,
    progress: AccountProgress | None = None,
    now: datetime | None = None,
) -> OrganizationOutcome:
    """List the organization's active accounts with the credentials of `profile` (the management or a
    delegated-admin account), and audit each chosen one. Raises AuditSetupError when the audit cannot start."""
    from mlmarket.audit import fetch

    management = fetch.management_clients(profile, endpoint_url, max_attempts or fetch.DEFAULT_MAX_ATTEMPTS)
    regions = list(scope.regions) or _profile_region(management)
    organization = fetch.read_organization(management, regions[0])
    members = {account.account_id: account for account in organization.accounts}
    wanted = sorted((scope.only if scope.only is not None else members.keys()) - scope.excluded)
    missing = [AccountAudit(account, "", error=NOT_IN_ORGANIZATION) for account in wanted if account not in members]
    audit = _Audit(
        management=management,
        guard=fetch.OperationGuard(),
        scope=scope,
        regions=regions,
        partition=organization.partition,
        settings=settings,
        rules=rules,
        now=now or datetime.now(timezone.utc),
        progress=progress,
    )
    if progress is not None:
        progress.begin_accounts(len(wanted))
        for account in missing:
            progress.account_done(account.account, failed=True)
    audit.run([members[account] for account in wanted if account in members], max_workers or DEFAULT_MAX_WORKERS)
    return OrganizationOutcome(
        results=audit.results,
        accounts=sorted([*audit.accounts, *missing], key=lambda account: account.account),
        unreadable=organization.unreadable,
        operations_called=management.guard.called | audit.guard.called,
    )


def _profile_region(management: ClientFactory) -> list[str]:
    region = management.session.region_name
    if region is None:
        raise AuditSetupError(
            "no region to audit: give --region REGION (repeatable) or --all-publishing-regions, or set AWS_REGION"
        )
    return [region]


@dataclass(eq=False)
class _AccountRun:
    """One member account in flight: entered once, by its first job; read region by region; then judged."""

    member: MemberAccount
    pending: int  # regions not read yet
    collected: list[Collected] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    clients: ClientFactory | None = None
    error: str | None = None
    entered: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Audit:
    management: ClientFactory
    guard: OperationGuard  # the member accounts' reads, held to the read-only allowlist
    scope: OrganizationScope
    regions: list[str]
    partition: str
    settings: Settings
    rules: Sequence[Rule] | None
    now: datetime
    progress: AccountProgress | None
    results: list[Result] = field(default_factory=list)
    accounts: list[AccountAudit] = field(default_factory=list)

    def run(self, members: list[MemberAccount], max_workers: int) -> None:
        """One job per (account, region), queued account by account; the main thread judges each account as
        soon as the job that read its last region says it is complete."""
        with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="mlmarket-audit") as pool:
            jobs: dict[Future[bool], _AccountRun] = {}
            for member in members:
                account = _AccountRun(member, pending=len(self.regions))
                jobs.update((pool.submit(self._read_region, account, region), account) for region in self.regions)
            for job in as_completed(jobs):
                if job.result():
                    self._judge(jobs[job])

    def _read_region(self, account: _AccountRun, region: str) -> bool:
        """Read one region of the account; the job that reads its last region also reads its S3 bucket
        regions and lets its clients go (so the clients of finished accounts never pile up). True when the
        account is complete."""
        from mlmarket.audit import fetch

        clients = self._enter(account)
        collected, unreadable = (
            ([], []) if clients is None else fetch.run_in_turn(fetch.region_jobs(clients, region, self.now))
        )
        with account.lock:
            account.collected.extend(collected)
            account.unreadable.extend(unreadable)
            account.pending -= 1
            if account.pending:
                return False
        if clients is not None:
            collected, unreadable = fetch.run_in_turn([fetch.bucket_job(clients, self.regions[0], account.collected)])
            account.collected.extend(collected)
            account.unreadable.extend(unreadable)
        account.clients = None
        return True

    def _enter(self, account: _AccountRun) -> ClientFactory | None:
        """The account's clients, with its audit role's credentials; None when the role cannot be assumed."""
        from mlmarket.audit import fetch

        with account.lock:
            if not account.entered:
                account.entered = True
                partition, account_id = self.partition, account.member.account_id
                role_arn = f"arn:{partition}:iam::{account_id}:role/{self.scope.role_name}"
                credentials, failed = fetch.assume_audit_role(
                    self.management, self.regions[0], role_arn, self.scope.external_id
                )
                if credentials is None:
                    account.error = f"sts:AssumeRole of {role_arn} failed ({failed[0].error_code})"
                else:
                    account.clients = fetch.member_clients(self.management, credentials, self.guard)
            return account.clients

    def _judge(self, account: _AccountRun) -> None:
        member = account.member
        unreadable: list[Unreadable] = list(account.unreadable)
        if account.error is None:
            results, unmapped = judge(account.collected, member.account_id, self.partition, self.settings, self.rules)
            self.results.extend(results)
            unreadable.extend(unmapped)
        audited = AccountAudit(member.account_id, member.name, tuple(sorted(dict.fromkeys(unreadable))), account.error)
        self.accounts.append(audited)
        account.collected.clear()  # the responses of a judged account are not kept
        if self.progress is not None:
            self.progress.account_done(member.account_id, failed=not audited.complete)

"""The accounts of an organization audit as the reports show them: each account's counts, what could not be
read of it, and why it could not be entered at all. The audit makes an `AccountStatus` per account; every report
format groups by account with these helpers, so all of them count alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from mlmarket.engine import Result
from mlmarket.errors import printable
from mlmarket.model import Verdict


class UnreadRead(NamedTuple):
    """A read of the account that still failed after the retries."""

    region: str
    operation: str  # "sagemaker:ListModels"
    error: str  # AWS's error code, or why the answer was unusable

    def as_dict(self) -> dict[str, str]:
        return {"region": self.region, "operation": self.operation, "error": self.error}


@dataclass(frozen=True)
class AccountStatus:
    account: str
    name: str = ""
    # Why nothing of the account was read ("sts:AssumeRole failed (AccessDenied)"); None when it was entered.
    error: str | None = None
    unread: tuple[UnreadRead, ...] = ()

    @property
    def complete(self) -> bool:
        return self.error is None and not self.unread


@dataclass(frozen=True)
class AccountRow:
    """An account and the counts of its results (a finding the baseline accepts is not counted)."""

    status: AccountStatus
    passed: int
    failed: int
    unknown: int
    skipped: int

    @property
    def state(self) -> str:
        """The account's state: not read (and why), incomplete (some reads failed), or read."""
        if self.status.error is not None:
            return f"not read: {self.status.error}"
        return "incomplete" if self.status.unread else "read"

    def as_dict(self) -> dict[str, object]:
        return {
            "account": self.status.account,
            "name": self.status.name,
            "complete": self.status.complete,
            "error": self.status.error,
            "unread": [read.as_dict() for read in self.status.unread],
            "summary": {"passed": self.passed, "failed": self.failed, "unknown": self.unknown, "skipped": self.skipped},
        }


def account_rows(results: Iterable[Result], accounts: Sequence[AccountStatus]) -> list[AccountRow]:
    """One row per account, in the order of `accounts`."""
    counts: dict[str | None, Counter[Verdict]] = {}
    for result in results:
        if not result.suppressed:
            counts.setdefault(result.account, Counter())[result.verdict] += 1
    rows = []
    for status in accounts:
        verdicts = counts.get(status.account, Counter())
        rows.append(
            AccountRow(
                status,
                verdicts[Verdict.PASSED],
                verdicts[Verdict.FAILED],
                verdicts[Verdict.UNKNOWN],
                verdicts[Verdict.SKIPPED],
            )
        )
    return rows


def by_account(results: Iterable[Result]) -> list[Result]:
    """`results` (already in report order) grouped by account, then by region; the order is kept inside."""
    return sorted(results, key=lambda r: (r.account or "", r.region or ""))


def render_account_table(rows: Sequence[AccountRow]) -> str:
    """The cli report's closing table: one line per account, failed, unknown and unread counts, and its state."""
    header = ("Account", "Name", "Failed", "Unknown", "Unread", "State")
    lines = [
        (
            row.status.account,
            printable(row.status.name) or "-",
            str(row.failed),
            str(row.unknown),
            str(len(row.status.unread)),
            printable(row.state),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *lines]
    ]
    return f"mlmarket: {len(rows)} account(s):\n" + "\n".join(f"    {line}" for line in text) + "\n"

"""What the audit could not read: the section that makes an incomplete audit impossible to miss; and, for an
organization audit, the table of accounts the cli report ends with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlmarket.audit import Unreadable
from mlmarket.audit.operations import ORGANIZATION_POLICY_PATH
from mlmarket.reports.accounts import account_rows, render_account_table

if TYPE_CHECKING:
    from mlmarket.audit.organization import OrganizationOutcome

POLICY_PATH = "policies/iam/mlmarket-audit-policy.json"
_ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


def render_unreadable(unreadable: Sequence[Unreadable]) -> str:
    """Empty when the audit read everything; else one line per failed read, after a heading that says so."""
    if not unreadable:
        return ""
    lines = [
        f"mlmarket: audit incomplete: {len(unreadable)} read(s) failed after retries; "
        "the results cover only what was read:"
    ]
    lines.extend(f"    {u.region}  {u.service}:{u.operation}  {u.error_code}" for u in unreadable)
    if any(u.error_code in _ACCESS_DENIED for u in unreadable):
        lines.append(f"    (grant the audit role the actions of {POLICY_PATH})")
    return "\n".join(lines) + "\n"


def render_organization_unreadable(outcome: OrganizationOutcome) -> str:
    """Empty when every account was entered and read in full; else one line per account that could not be
    entered and per failed read, after a heading that says so."""
    if outcome.complete:
        return ""
    incomplete = [account for account in outcome.accounts if not account.complete]
    unread = ["the organization's account list"] if outcome.unreadable else []
    unread += [f"{len(incomplete)} account(s)"] if incomplete else []
    lines = [
        f"mlmarket: audit incomplete: {' and '.join(unread)} not read in full; the results cover only what was read:"
    ]
    lines.extend(f"    organization  {u.region}  {u.service}:{u.operation}  {u.error_code}" for u in outcome.unreadable)
    for account in incomplete:
        if account.error is not None:
            lines.append(f"    {account.account}  {account.error}")
        lines.extend(
            f"    {account.account}  {u.region}  {u.service}:{u.operation}  {u.error_code}" for u in account.unreadable
        )
    if any(account.error is not None and "sts:AssumeRole" in account.error for account in incomplete):
        lines.append(
            "    (an account is entered through --role-name: the role must exist in it, trust the management "
            f"account, and be assumable under {ORGANIZATION_POLICY_PATH})"
        )
    if any(u.error_code in _ACCESS_DENIED for account in incomplete for u in account.unreadable):
        lines.append(f"    (grant the audit role of each account the actions of {POLICY_PATH})")
    return "\n".join(lines) + "\n"


def render_account_summary(outcome: OrganizationOutcome) -> str:
    """The table the cli report of an organization audit ends with."""
    return render_account_table(account_rows(outcome.results, outcome.statuses()))

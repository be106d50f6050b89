"""What the audit could not read: the section that makes an incomplete audit impossible to miss."""

from __future__ import annotations

from collections.abc import Sequence

from mlmarket.audit import Unreadable

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

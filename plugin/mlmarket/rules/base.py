"""What every rule is: metadata that users and reports see, and a pure `evaluate` over the normalized model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from mlmarket.model import Finding, Resource, Stack, Verdict

DOCS_URL = "https://github.com/mlmarket/mlmarket/blob/main/docs/rules/{rule_id}.md"
SELLER_GUIDE_URL = "https://docs.aws.amazon.com/marketplace/latest/userguide/ml-service-restrictions-and-limits.html"
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


@dataclass(frozen=True)
class RuleMetadata:
    id: str
    title: str  # states the compliant state
    severity: str
    guide_section: str  # the AWS Marketplace Seller Guide section the rule enforces
    risk: str  # what happens when the rule fails: the failed publish, the broken buyer endpoint
    remediation: str  # how to fix, with a Terraform snippet
    resource_types: tuple[str, ...]
    # "terraform" covers HCL and plans; "audit" the live-account reader.
    sources: tuple[str, ...] = ("terraform", "audit")
    deprecated: bool = False

    @cached_property
    def docs_url(self) -> str:
        return DOCS_URL.format(rule_id=self.id)


class Rule:
    """A rule judges one resource at a time; `stack` gives it the whole configuration it may need."""

    metadata: RuleMetadata

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        """A Finding, or None when the rule does not apply to this resource."""
        raise NotImplementedError


def passed(message: str) -> Finding:
    return Finding(Verdict.PASSED, message)


def failed(message: str) -> Finding:
    return Finding(Verdict.FAILED, message)


def unknown(message: str) -> Finding:
    return Finding(Verdict.UNKNOWN, message)


def worst(findings: list[Finding], all_passed: str) -> Finding:
    """One finding per resource: any failure wins, then any unknown; messages of that verdict are joined."""
    verdicts = {f.verdict for f in findings}
    for verdict in (Verdict.FAILED, Verdict.UNKNOWN):
        if verdict in verdicts:
            chosen = [f.message for f in findings if f.verdict is verdict]
            return Finding(verdict, "; ".join(dict.fromkeys(chosen)))
    return passed(all_passed)

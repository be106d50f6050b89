"""Helpers shared by the tests: build normalized resources and stacks, run one rule, run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mlmarket.engine import Result, evaluate
from mlmarket.model import Resource, Stack, Unknown, Verdict
from mlmarket.rules import get_rule

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "terraform_examples"
SELLER = "111122223333"
OTHER_ACCOUNT = "444455556666"


def resource(
    resource_type: str,
    name: str,
    attributes: dict[str, Any] | None = None,
    *,
    region: str | Unknown = "us-east-1",
    account: str | Unknown | None = None,
    skips: dict[str, str] | None = None,
    mode: str = "managed",
) -> Resource:
    prefix = "data." if mode == "data" else ""
    return Resource(
        address=f"{prefix}{resource_type}.{name}",
        type=resource_type,
        name=name,
        attributes=attributes or {},
        region=region,
        mode=mode,
        account=account,
        skips=skips or {},
        file="main.tf",
        line=1,
    )


def stack(
    *resources: Resource,
    seller: str | None = SELLER,
    default_region: str = "us-east-1",
    publishing_region: str | None = None,
) -> Stack:
    return Stack(
        source="test",
        resources=list(resources),
        default_region=default_region,
        seller_account=seller,
        publishing_region=publishing_region,
    )


def judge(rule_id: str, the_stack: Stack) -> dict[str, Result]:
    """address -> result of one rule over a stack."""
    return {r.address: r for r in evaluate(the_stack, [get_rule(rule_id)])}


def verdicts(rule_id: str, the_stack: Stack) -> dict[str, Verdict]:
    return {address: r.verdict for address, r in judge(rule_id, the_stack).items()}


def addresses_by_verdict(results: list[Result], rule_id: str) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for r in results:
        if r.rule_id == rule_id:
            grouped.setdefault(r.verdict.value, set()).add(r.address)
    return grouped


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("MLMARKET_SELLER_ACCOUNT", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "mlmarket", *args],  # the console script's way: mlmarket.cli.console_main
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def made_result(
    rule_id, address, verdict, message, *, file="stacks/prod/main.tf", line=None, skip_reason=None, stack="stacks/prod"
):
    """A hand-built Result of a catalog rule, as the engine would make it (for the report renderers' tests)."""
    from mlmarket.engine import Result
    from mlmarket.rules import get_rule

    meta = get_rule(rule_id).metadata
    return Result(
        rule_id=rule_id,
        title=meta.title,
        severity=meta.severity,
        address=address,
        verdict=verdict,
        message=message,
        file=file,
        line=line,
        resource_type=address.split(".")[0],
        docs_url=meta.docs_url,
        skip_reason=skip_reason,
        stack=stack,
    )


def write_tree(directory: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text) under `directory`, making folders as needed."""
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory

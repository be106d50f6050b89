"""Run `mlmarket audit` as users do: a subprocess, against the fake AWS, with fake credentials."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from seeded_account import FAKE_CREDENTIALS, USE1
from seeded_organization import MANAGEMENT, REGIONS, ROLE_NAME

_AMBIENT = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "MLMARKET_SELLER_ACCOUNT")


class AuditRun:
    def __init__(self, result: subprocess.CompletedProcess[str]) -> None:
        self.code = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr

    @property
    def document(self) -> dict:
        return json.loads(self.stdout)

    def triples(self) -> set[tuple[str, str, str]]:
        return {(r["rule_id"], r["address"], r["verdict"]) for r in self.document["results"]}


def run_audit_cli(
    endpoint_url: str,
    *args: str,
    cwd: Path,
    regions: tuple[str, ...] = (USE1,),
    output_format: str = "json",
    environment: dict[str, str] | None = None,
) -> AuditRun:
    """`mlmarket audit --endpoint-url URL --format FORMAT --region R... ARGS` in `cwd` (keep it free of
    .mlmarket.yaml), with CI=true (no progress output)."""
    env = {**os.environ, **FAKE_CREDENTIALS, "CI": "true"}
    for key in _AMBIENT:
        env.pop(key, None)
    env.update(environment or {})
    command = [sys.executable, "-m", "mlmarket", "audit", "--endpoint-url", endpoint_url, "--format", output_format]
    command += [part for region in regions for part in ("--region", region)]
    result = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return AuditRun(result)


# The management account lists the organization; it has no audit role of its own (as the README advises).
ORGANIZATION_OPTIONS = ("--organization", "--role-name", ROLE_NAME, "--exclude-account", MANAGEMENT)


def run_organization_audit(fake: Any, cwd: Path, *args: str, output_format: str = "json") -> AuditRun:
    """`mlmarket audit --organization` of the seeded organization's member accounts, in its two regions."""
    return run_audit_cli(fake.url, *ORGANIZATION_OPTIONS, *args, cwd=cwd, regions=REGIONS, output_format=output_format)


def located(run: AuditRun) -> set[tuple[str, str, str, str, str]]:
    """(account, region, rule, address, verdict) of every result of a JSON report."""
    return {(r["account"], r["region"], r["rule_id"], r["address"], r["verdict"]) for r in run.document["results"]}

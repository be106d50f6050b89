"""The `mlmarket audit` command: a read-only compliance audit of the AWS account the credentials belong to, or,
with --organization, of every active account of their AWS Organization.

Exit codes:
  0  the audit read everything it looked for, and no rule failed;
  1  a rule failed (with --strict, an UNKNOWN result too), and everything was read;
  2  bad input or usage: an unknown option or profile, no region, no or rejected credentials, a configuration
     file that fails its schema, an output file that cannot be written;
  3  the audit is incomplete: some reads still failed after the retries (throttling, 5xx, AccessDenied, a
     region that cannot be reached), or an account of the organization could not be entered (its role could
     not be assumed). The report covers what was read and lists what was not. 3 wins over 1: a partial audit
     is never evidence about the whole account, and its failures are in the report anyway.

Importing this module is cheap (the `mlmarket` parser imports it for every command): boto3, the rules and the
reports are imported only when an audit runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import replace
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT_ERROR = 2
EXIT_INCOMPLETE = 3

FORMATS = ("cli", "json", "sarif", "junit", "markdown", "html")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
# IAM's role name (with an optional path), and STS's external ID.
_ROLE_NAME = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$", re.ASCII)
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
# The options that mean something only with --organization, by their argparse destination.
_ORGANIZATION_ONLY = {
    "role_name": "--role-name",
    "external_id": "--external-id",
    "accounts": "--accounts",
    "excluded_accounts": "--exclude-account",
}
_QUIET_CI_VALUES = ("", "0", "false", "no")


class UsageError(Exception):
    """A command line the audit cannot run (exit code 2)."""


def add_audit_parser(subparsers: Any) -> argparse.ArgumentParser:
    audit = subparsers.add_parser(
        "audit",
        help="audit a live AWS account, read-only (SageMaker and ECR, with boto3)",
        description=(
            "Read the SageMaker models, endpoint configurations, endpoints, unversioned model packages, algorithms, "
            "recent training jobs and ECR images of the account the credentials belong to (with --organization, "
            "of every active account of their AWS Organization), and judge them with the mlmarket rules. "
            "Read-only: only the operations of policies/iam/mlmarket-audit-policy.json (and, with --organization, "
            "of policies/iam/mlmarket-organization-policy.json) are ever called. Exit codes: 0 clean, 1 a rule "
            "failed, 2 bad input or usage, 3 audit incomplete (a read failed, or an account could not be entered)."
        ),
    )
    audit.add_argument(
        "--region",
        action="append",
        default=[],
        dest="regions",
        metavar="REGION",
        help="a region to audit, repeatable (default: the profile's or AWS_REGION's region)",
    )
    audit.add_argument(
        "--all-publishing-regions",
        action="store_true",
        help="audit every region AWS Marketplace publishes ML products from",
    )
    audit.add_argument("--profile", help="the AWS profile to use (default: the standard credential chain)")
    audit.add_argument("--endpoint-url", help="send every API call to this endpoint (a local emulator such as moto)")
    audit.add_argument(
        "--format",
        "-o",
        action="append",
        choices=FORMATS,
        dest="formats",
        metavar="FORMAT",
        help=f"report format, repeatable: {', '.join(FORMATS)} (default: cli)",
    )
    audit.add_argument(
        "--output-file",
        action="append",
        dest="output_files",
        default=[],
        metavar="PATH",
        help="where the report of the --format in the same position goes (default: stdout)",
    )
    audit.add_argument("--config", help="configuration file (default: .mlmarket.yaml found from the current directory)")
    audit.add_argument("--publishing-region", help="the region the products are published from (CKV_MLM_006)")
    audit.add_argument("--strict", action="store_true", help="UNKNOWN results fail the audit")
    audit.add_argument(
        "--max-attempts",
        type=int,
        metavar="N",
        help="attempts per API call before a read counts as failed (default: 8, adaptive retries)",
    )
    audit.add_argument(
        "--max-workers",
        type=int,
        metavar="N",
        help="reads run at once: (region, service) pairs of one account (default: 8), or (account, region) "
        "pairs of an organization (default: 16)",
    )
    organization = audit.add_argument_group(
        "organization",
        "Audit every active account of the AWS Organization, from its management account or a delegated "
        "administrator: each account is entered by assuming the role --role-name in it (see the README).",
    )
    organization.add_argument("--organization", action="store_true", help="audit the organization's accounts")
    organization.add_argument("--role-name", help="the audit role in each account (required with --organization)")
    organization.add_argument("--external-id", help="the external ID the audit role's trust policy requires")
    organization.add_argument(
        "--accounts", metavar="FILE", help="audit only these accounts: a file with one account ID a line"
    )
    organization.add_argument(
        "--exclude-account",
        action="append",
        default=[],
        dest="excluded_accounts",
        metavar="ACCOUNT_ID",
        help="do not audit this account, repeatable",
    )
    return audit


def run_audit_command(args: argparse.Namespace) -> int:
    from mlmarket.errors import InputError
    from mlmarket.reports.output import OutputError, pair_outputs
    from mlmarket.settings import Settings, resolve

    try:
        outputs = pair_outputs(args.formats, args.output_files)
    except OutputError as error:
        return _usage_error(str(error))
    if args.max_attempts is not None and args.max_attempts < 1:
        return _usage_error("--max-attempts must be at least 1")
    if args.max_workers is not None and args.max_workers < 1:
        return _usage_error("--max-workers must be at least 1")
    if args.publishing_region is not None and not _REGION.match(args.publishing_region):
        return _usage_error(f"--publishing-region {args.publishing_region!r} is not a region name")
    try:
        settings = resolve(os.getcwd(), Settings(publishing_region=args.publishing_region), args.config)
    except InputError as error:
        return _usage_error(error.one_line())

    from mlmarket.audit import AuditSetupError, run_audit

    try:
        regions = _regions(args)
        if args.organization:
            return _audit_organization(args, regions, settings, outputs)
        _refuse_organization_options(args)
        progress = _progress(_RichProgress)
        try:
            outcome = run_audit(
                regions,
                args.profile,
                args.endpoint_url,
                settings,
                max_attempts=args.max_attempts,
                max_workers=args.max_workers,
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.stop()
    except (AuditSetupError, UsageError) as error:
        return _usage_error(str(error))
    return _report(outcome, outputs, args.strict)


def _audit_organization(args: argparse.Namespace, regions: list[str], settings: Any, outputs: list[Any]) -> int:
    from mlmarket.audit.organization import (
        AccountListError,
        OrganizationScope,
        read_account_list,
        run_organization_audit,
    )

    scope = OrganizationScope(
        role_name=_role_name(args.role_name),
        regions=tuple(regions),
        external_id=_external_id(args.external_id),
        excluded=frozenset(_account_ids(args.excluded_accounts)),
    )
    if args.accounts is not None:
        try:
            scope = replace(scope, only=read_account_list(args.accounts))
        except AccountListError as error:
            raise UsageError(str(error)) from None
    progress = _progress(_RichAccountProgress)
    try:
        outcome = run_organization_audit(
            scope,
            args.profile,
            args.endpoint_url,
            settings,
            max_attempts=args.max_attempts,
            max_workers=args.max_workers,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.stop()
    return _report_organization(outcome, outputs, args.strict)


def _refuse_organization_options(args: argparse.Namespace) -> None:
    for destination, option in _ORGANIZATION_ONLY.items():
        if getattr(args, destination):
            raise UsageError(f"{option} needs --organization")


def _role_name(role_name: str | None) -> str:
    if role_name is None:
        raise UsageError("--organization needs --role-name: the audit role to assume in each account")
    if not _ROLE_NAME.match(role_name):
        raise UsageError(f"--role-name {role_name!r} is not an IAM role name")
    return role_name


def _external_id(external_id: str | None) -> str | None:
    if external_id is not None and not _EXTERNAL_ID.match(external_id):
        raise UsageError("--external-id must be 2 to 1224 letters, digits or +=,.@:/- characters")
    return external_id


def _account_ids(accounts: list[str]) -> list[str]:
    for account in accounts:
        if not _ACCOUNT_ID.match(account):
            raise UsageError(f"--exclude-account {account!r} is not an AWS account ID (12 digits)")
    return accounts


def _regions(args: argparse.Namespace) -> list[str]:
    regions = list(dict.fromkeys(args.regions))
    if args.all_publishing_regions:
        from mlmarket import limits

        regions.extend(sorted(limits.publishing_regions() - set(regions)))
    for region in regions:
        if not _REGION.match(region):
            raise UsageError(f"--region {region!r} is not a region name")
    return regions


def _report_organization(outcome: Any, outputs: list[tuple[str, str]], strict: bool) -> int:
    from mlmarket.audit.report import render_account_summary, render_organization_unreadable

    incomplete = render_organization_unreadable(outcome)
    table = render_account_summary(outcome)
    return _write(outcome.results, outputs, strict, incomplete, table, outcome.statuses(), outcome.complete)


def _report(outcome: Any, outputs: list[tuple[str, str]], strict: bool) -> int:
    from mlmarket.audit.report import render_unreadable

    incomplete = render_unreadable(outcome.unreadable)
    return _write(outcome.results, outputs, strict, incomplete, "", None, not outcome.unreadable)


def _write(
    results: list[Any],
    outputs: list[tuple[str, str]],
    strict: bool,
    incomplete: str,
    table: str,
    accounts: list[Any] | None,
    complete: bool,
) -> int:
    """Write the reports (the cli one ends with what was not read, then the accounts `table`); the exit code."""
    from mlmarket.model import Verdict
    from mlmarket.reports.output import OutputError, cli_on_stdout, write_reports

    try:
        write_reports(results, outputs, cli_suffix=incomplete + table, accounts=accounts)
    except OutputError as error:
        return _usage_error(str(error))
    if incomplete and not cli_on_stdout(outputs):
        sys.stderr.write(incomplete)
    if not complete:
        return EXIT_INCOMPLETE
    failing = {Verdict.FAILED, Verdict.UNKNOWN} if strict else {Verdict.FAILED}
    return EXIT_FAILED if any(r.verdict in failing for r in results) else EXIT_OK


def _progress(kind: type[_RichProgress | _RichAccountProgress] | None = None) -> Any:
    """Progress as reads or accounts complete, on a terminal only: silent in CI, in pipes, and without rich."""
    if not sys.stderr.isatty() or os.environ.get("CI", "").strip().lower() not in _QUIET_CI_VALUES:
        return None
    try:
        return (kind or _RichProgress)()
    except ImportError:
        return None


class _RichProgress:
    """audit.Progress on a terminal: a bar over every planned read, and a line per read as it completes."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._task: Any = None

    def begin(self, reads: list[tuple[str, str]]) -> None:
        self._progress.start()
        self._task = self._progress.add_task("Reading AWS", total=len(reads))

    def done(self, region: str, what: str, items: int, failed: bool) -> None:
        mark = "[red]incomplete[/red]" if failed else "[green]read[/green]"
        self._progress.console.print(f"{mark} {region} {what}: {items}", highlight=False)
        self._progress.advance(self._task)

    def stop(self) -> None:
        self._progress.stop()


def _usage_error(message: str) -> int:
    print(f"mlmarket: error: {message}", file=sys.stderr)
    return EXIT_INPUT_ERROR


class _RichAccountProgress:
    """organization.AccountProgress on a terminal: a bar over the accounts, with how many failed so far."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._task: Any = None
        self._failed = 0

    def begin_accounts(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task(self._description(), total=total)

    def account_done(self, account: str, failed: bool) -> None:
        if failed:
            self._failed += 1
            self._progress.console.print(f"[red]incomplete[/red] account {account}", highlight=False)
        self._progress.update(self._task, advance=1, description=self._description())

    def stop(self) -> None:
        self._progress.stop()

    def _description(self) -> str:
        failed = f", [red]{self._failed} failed[/red]" if self._failed else ""
        return f"Auditing accounts{failed}"

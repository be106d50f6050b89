"""`mlmarket audit --organization` on the command line and as a library: usage errors are one line and exit 2,
and `run_organization_audit` reports each account to the progress as it completes."""

from __future__ import annotations

import argparse

import pytest

from mlmarket.audit import fetch
from mlmarket.audit.cli_command import (
    EXIT_INPUT_ERROR,
    _progress,
    _RichAccountProgress,
    add_audit_parser,
    run_audit_command,
)
from mlmarket.audit.organization import DEFAULT_MAX_WORKERS, OrganizationScope, run_organization_audit
from mlmarket.settings import Settings

from seeded_account import FAKE_CREDENTIALS
from seeded_organization import MANAGEMENT, NO_ROLE, REGIONS, ROLE_NAME

ORGANIZATION = ("--organization", "--role-name", "mlmarket-audit", "--region", "us-east-1")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mlmarket")
    add_audit_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["audit", *argv])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--organization", "--region", "us-east-1"),
            "--organization needs --role-name: the audit role to assume in each account",
        ),
        (("--role-name", "mlmarket-audit", "--region", "us-east-1"), "--role-name needs --organization"),
        (("--exclude-account", "111122223333", "--region", "us-east-1"), "--exclude-account needs --organization"),
        (("--accounts", "accounts.txt", "--region", "us-east-1"), "--accounts needs --organization"),
        (("--external-id", "abc", "--region", "us-east-1"), "--external-id needs --organization"),
        (
            ("--organization", "--role-name", "audit role", "--region", "us-east-1"),
            "--role-name 'audit role' is not an IAM role name",
        ),
        ((*ORGANIZATION, "--exclude-account", "1234"), "--exclude-account '1234' is not an AWS account ID (12 digits)"),
        (
            (*ORGANIZATION, "--external-id", "x"),
            "--external-id must be 2 to 1224 letters, digits or +=,.@:/- characters",
        ),
        ((*ORGANIZATION, "--max-workers", "0"), "--max-workers must be at least 1"),
        (
            ("--organization", "--role-name", "mlmarket-audit"),
            "no region to audit: give --region REGION (repeatable) or --all-publishing-regions, or set AWS_REGION",
        ),
        (
            (*ORGANIZATION, "--endpoint-url", "http://127.0.0.1:9"),
            "Unable to locate credentials: give --profile, or set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(no_aws, capsys, argv, message):
    assert run_audit_command(parse(*argv)) == EXIT_INPUT_ERROR
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"mlmarket: error: {message}\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("111122223333\nnot-an-id\n", "{path}:2: 'not-an-id' is not an AWS account ID (12 digits)"),
        ("# nothing but a comment\n\n", "{path}: no account ID in the --accounts file"),
        (
            b"\xff\xfe",
            "cannot read --accounts file {path}: 'utf-8' codec can't decode byte 0xff in position 0: "
            "invalid start byte",
        ),
    ],
)
def test_a_bad_accounts_file_exits_2_with_one_line(no_aws, tmp_path, capsys, content, message):
    path = tmp_path / "accounts.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert run_audit_command(parse(*ORGANIZATION, "--accounts", str(path))) == EXIT_INPUT_ERROR
    assert capsys.readouterr().err == f"mlmarket: error: {message.format(path=path)}\n"


def test_a_missing_accounts_file_exits_2(no_aws, tmp_path, capsys):
    missing = tmp_path / "missing.txt"
    assert run_audit_command(parse(*ORGANIZATION, "--accounts", str(missing))) == EXIT_INPUT_ERROR
    assert (
        capsys.readouterr().err
        == f"mlmarket: error: cannot read --accounts file {missing}: No such file or directory\n"
    )


class Recorder:
    def __init__(self) -> None:
        self.total: int | None = None
        self.done: list[tuple[str, bool]] = []

    def begin_accounts(self, total: int) -> None:
        self.total = total

    def account_done(self, account: str, failed: bool) -> None:
        self.done.append((account, failed))


def test_the_progress_hears_of_every_account_and_which_failed(organization_aws, organization, monkeypatch):
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    recorder = Recorder()
    scope = OrganizationScope(ROLE_NAME, REGIONS, excluded=frozenset({MANAGEMENT}))
    outcome = run_organization_audit(scope, None, organization_aws.url, Settings(), progress=recorder, max_workers=3)
    assert recorder.total == len(organization.member_ids)
    assert sorted(recorder.done) == sorted(
        (account, account == organization.id(NO_ROLE)) for account in organization.member_ids
    )
    assert [account.account for account in outcome.accounts] == organization.member_ids
    assert not outcome.complete


def test_the_account_progress_shows_on_a_terminal_only(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    progress = _progress(_RichAccountProgress)
    assert isinstance(progress, _RichAccountProgress)
    progress.begin_accounts(2)
    progress.account_done("111122223333", failed=False)
    progress.account_done("444455556666", failed=True)
    progress.stop()
    monkeypatch.setenv("CI", "true")
    assert _progress(_RichAccountProgress) is None


def test_the_help_states_the_default_worker_counts_of_the_code():
    audit = add_audit_parser(argparse.ArgumentParser(prog="mlmarket").add_subparsers(dest="command"))
    text = " ".join(audit.format_help().split())
    assert f"pairs of one account (default: {fetch.DEFAULT_MAX_WORKERS})" in text
    assert f"pairs of an organization (default: {DEFAULT_MAX_WORKERS})" in text

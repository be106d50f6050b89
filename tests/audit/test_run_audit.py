"""`run_audit`, the library entry point, in process: the outcome, and the progress it reports read by read."""

from __future__ import annotations

import pytest

from mlmarket.audit import AuditOutcome, run_audit
from mlmarket.audit.cli_command import _progress, _RichProgress
from mlmarket.audit.operations import iam_actions
from mlmarket.model import Verdict
from mlmarket.settings import Settings

from seeded_account import ACCOUNT, FAKE_CREDENTIALS, USE1, USW2


class Recorder:
    def __init__(self) -> None:
        self.planned: list[tuple[str, str]] = []
        self.finished: list[tuple[str, str, int, bool]] = []

    def begin(self, reads: list[tuple[str, str]]) -> None:
        self.planned = list(reads)

    def done(self, region: str, what: str, items: int, failed: bool) -> None:
        self.finished.append((region, what, items, failed))


@pytest.fixture
def aws_credentials(monkeypatch):
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)


def test_run_audit_returns_the_outcome_and_reports_every_read(fake_aws, aws_credentials):
    recorder = Recorder()
    outcome = run_audit([USE1, USW2], None, fake_aws.url, Settings(), progress=recorder)
    assert isinstance(outcome, AuditOutcome)
    assert (outcome.complete, outcome.account, outcome.unreadable) == (True, ACCOUNT, [])
    assert outcome.operations_called == frozenset(iam_actions())
    assert any(r.verdict is Verdict.FAILED for r in outcome.results)
    reads = ["models", "endpoint configurations", "endpoints", "model packages", "algorithms", "training jobs"]
    reads.append("ECR repositories and images")
    assert recorder.planned == [(r, what) for r in (USE1, USW2) for what in reads] + [(USE1, "S3 bucket regions")]
    assert sorted((region, what) for region, what, _, _ in recorder.finished) == sorted(recorder.planned)
    done = {(region, what): (items, failed) for region, what, items, failed in recorder.finished}
    assert done[(USE1, "models")] == (7, False)
    assert done[(USE1, "ECR repositories and images")] == (3 + 5, False)  # three repositories, five images
    assert done[(USW2, "models")] == (1, False)
    assert done[(USE1, "S3 bucket regions")] == (2, False)


def test_progress_shows_on_a_terminal_only(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert isinstance(_progress(), _RichProgress)
    monkeypatch.setenv("CI", "true")
    assert _progress() is None
    monkeypatch.setenv("CI", "false")
    assert isinstance(_progress(), _RichProgress)
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert _progress() is None

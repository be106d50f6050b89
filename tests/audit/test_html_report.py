"""--format html: one self-contained page. Its text is escaped (a planted `<script>` stays text) and it references
nothing to load; in a real headless browser (Debian's chromium) it renders every account and every failed finding
of an organization audit, and the page makes no network request."""

from __future__ import annotations

import struct
from html.parser import HTMLParser

import pytest

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports.accounts import AccountStatus, UnreadRead
from mlmarket.reports.html import render_html
from mlmarket.rules import get_rule

from audit_runner import run_organization_audit
from headless_browser import browser_path, render
from seeded_organization import NO_ROLE, ROLE_NAME

PLANTED = '<script>alert("x")</script><img src="http://example.invalid/p.png">'
LOADING_TAGS = {"script", "link", "img", "image", "iframe", "frame", "object", "embed", "video", "audio", "source"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def result(account: str, address: str, verdict: Verdict, message: str, rule_id: str = "CKV_MLM_001") -> Result:
    meta = get_rule(rule_id).metadata
    finding = Result(rule_id, meta.title, meta.severity, address, verdict, message, None, None, "aws_sagemaker_model")
    finding.docs_url = meta.docs_url
    finding.account, finding.region = account, "us-east-1"
    return finding


PLANTED_RESULTS = [
    result("111111111111", f"arn:aws:sagemaker:us-east-1:111111111111:model/{PLANTED}", Verdict.FAILED, PLANTED),
    result("111111111111", "arn:aws:sagemaker:us-east-1:111111111111:model/ok", Verdict.PASSED, "fine"),
]
PLANTED_ACCOUNTS = [
    AccountStatus("111111111111", name=PLANTED),
    AccountStatus("222222222222", error=PLANTED, unread=(UnreadRead("us-east-1", PLANTED, PLANTED),)),
]


class Elements(HTMLParser):
    """Every element of a page with its attributes, its text (unescaped), and the text of its <style> elements."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.texts: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.elements and self.elements[-1][0] == "style":
            self.styles.append(data)


def test_every_text_is_escaped_and_nothing_is_loaded():
    page = render_html(PLANTED_RESULTS, accounts=PLANTED_ACCOUNTS)
    parsed = Elements(page)
    assert {tag for tag, _ in parsed.elements} & LOADING_TAGS == set()
    assert [attrs for _, attrs in parsed.elements if "src" in attrs or "style" in attrs] == []
    assert not any("url(" in style or "@import" in style for style in parsed.styles)
    # The only links are anchors in the page and the rules' documentation: nothing a browser loads by itself.
    links = {(tag, attrs["href"]) for tag, attrs in parsed.elements if "href" in attrs}
    assert {(tag, href) for tag, href in links if not href.startswith("#")} == {
        ("a", "https://github.com/mlmarket/mlmarket/blob/main/docs/rules/CKV_MLM_001.md")
    }
    assert {tag for tag, _ in links} == {"a"}
    assert "<script" not in page
    # Planted in 8 places, all shown as text: the address and the message of the finding, the account name in
    # the account table and above its findings, the error in the account table and in the unread table, and the
    # unread read's operation and error.
    assert "".join(parsed.texts).count(PLANTED) == 8
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;;' in page


def test_the_page_sums_up_accounts_rules_and_regions():
    page = render_html(PLANTED_RESULTS, accounts=PLANTED_ACCOUNTS)
    for heading in ("By account", "By rule", "By region", "Not read", "Findings"):
        assert f">{heading}</h2>" in page
    assert "<title>Failed checks by account</title>" in page
    assert "Audit incomplete: 1 account(s) not read in full." in page
    assert "<summary>How to fix</summary><p>Enable network isolation" in page  # CKV_MLM_001's remediation


def test_without_failures_the_page_says_so():
    page = render_html([PLANTED_RESULTS[1]])
    assert "<p>No check failed.</p>" in page
    assert "<p>No failed or unknown check.</p>" in page


@pytest.fixture(scope="module")
def chromium():
    if browser_path() is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package where apt-get can)")


def test_the_organization_report_renders_in_a_browser_with_every_account_and_failed_finding(
    chromium, organization_audit, organization_aws, tmp_path
):
    baseline, organization, _, _ = organization_audit
    page = tmp_path / "audit.html"
    run = run_organization_audit(organization_aws, tmp_path, "--output-file", str(page), output_format="html")
    assert run.code == 3
    rendered = render(page, tmp_path / "profile")
    (tmp_path / "audit.png").write_bytes(rendered.screenshot_png)
    assert rendered.screenshot_png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", rendered.screenshot_png[16:24])  # the IHDR chunk
    assert width >= 1200  # the window, less a scroll bar
    assert height > 2000  # the whole page, beyond the first screen
    for account in organization.member_ids:
        assert account in rendered.text
    failed = [r for r in baseline.document["results"] if r["verdict"] == "FAILED"]
    assert len(failed) == 3
    for finding in failed:
        assert finding["address"] in rendered.text
        assert finding["message"] in rendered.text
    no_role = organization.id(NO_ROLE)
    assert f"not read: sts:AssumeRole of arn:aws:iam::{no_role}:role/{ROLE_NAME} failed (AccessDenied)" in (
        rendered.text
    )
    assert rendered.requests == [page.as_uri()]  # the page itself, nothing else


def test_in_a_browser_a_planted_script_is_text_and_a_planted_load_would_be_seen(chromium, tmp_path):
    page = tmp_path / "planted.html"
    page.write_text(render_html(PLANTED_RESULTS, accounts=PLANTED_ACCOUNTS), encoding="utf-8")
    rendered = render(page, tmp_path / "profile")
    assert PLANTED in rendered.text
    assert rendered.requests == [page.as_uri()]
    # The request check is not blind: a page that does load an image is caught trying, CSP or not.
    loading = tmp_path / "loading.html"
    loading.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/p.png">x</body></html>')
    assert render(loading, tmp_path / "profile").requests == [loading.as_uri(), "http://example.invalid/p.png"]

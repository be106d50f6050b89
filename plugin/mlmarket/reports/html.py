"""One self-contained HTML page (--format html): a summary per account, per rule and per region, bar charts of the
failures, and each finding with its message and its rule's remediation.

Self-contained means it loads nothing: the CSS is inline, the charts are inline SVG, there is no script, and a
Content-Security-Policy forbids the page any load of its own, so it reads the same offline, from a CI artifact
or an e-mail attachment. Every text from the results (addresses, messages, account names) is escaped with
`html.escape`: a `<script>` in a message stays text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import mlmarket
from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import sorted_results, summary
from mlmarket.reports.accounts import AccountRow, AccountStatus, account_rows, by_account
from mlmarket.rules import get_rule
from mlmarket.rules.base import SEVERITIES

# The page may load nothing at all; only its own inline style applies.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
_FINDINGS = (Verdict.FAILED, Verdict.UNKNOWN)
_CHART_WIDTH, _LABEL_WIDTH, _BAR_HEIGHT, _GAP = 760, 280, 18, 6
_NAME_IN_CHART = 20  # characters of an account name beside its ID in a chart
_CODE_FENCE = re.compile(r"```[^\n]*\n?")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0 auto;max-width:1200px;
padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d0d7de}
h3{font-size:16px;margin:24px 0 6px}h4{font-size:14px;margin:16px 0 4px}
.lead{color:#59636e;margin:0 0 16px}
.totals span{display:inline-block;margin-right:16px;font-weight:600}
.failed{color:#cf222e}.unknown{color:#9a6700}.passed{color:#1a7f37}.skipped{color:#59636e}
.banner{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px;margin:12px 0}
table{border-collapse:collapse;margin:8px 0}table.wide{width:100%}td.short{white-space:nowrap}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;padding:8px;overflow:auto}
td.address{word-break:break-all;font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
details{margin:4px 0}summary{cursor:pointer;color:#0969da}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}svg .bar{fill:#cf222e}
@media print{details{display:block}summary{display:none}}
"""


@dataclass(frozen=True)
class _Count:
    label: str
    failed: int
    unknown: int
    passed: int
    skipped: int


def render_html(results: list[Result], *, accounts: Sequence[AccountStatus] | None = None) -> str:
    ordered = by_account(sorted_results(results))
    rows = account_rows(results, accounts if accounts is not None else _accounts_of(results))
    parts = [_head(), "<body>", _overview(results, rows)]
    parts += _charts(results, rows)
    parts += [_account_table(rows), _rule_table(results), _region_table(results)]
    parts += [_unread(rows), _findings(ordered, rows), "</body>\n</html>\n"]
    return "\n".join(part for part in parts if part)


def _accounts_of(results: Iterable[Result]) -> list[AccountStatus]:
    """Without an organization's list: the accounts the results name (a single-account audit, or none)."""
    return [AccountStatus(account) for account in sorted({r.account for r in results if r.account is not None})]


def _head() -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_POLICY)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>mlmarket report</title>\n<style>{_STYLE}</style>\n</head>"
    )


def _overview(results: list[Result], rows: list[AccountRow]) -> str:
    counts = summary(results)
    regions = {r.region for r in results if r.region is not None}
    scope = [f"{len(rows)} account(s)"] if rows else []
    scope += [f"{len(regions)} region(s)"] if regions else []
    scope += [f"{len(results)} check(s)", f"mlmarket {mlmarket.__version__}"]
    totals = "".join(
        f'<span class="{name}">{counts[name]} {name}</span>' for name in ("failed", "unknown", "passed", "skipped")
    )
    parts = [
        "<h1>mlmarket report</h1>",
        f'<p class="lead">{_e(", ".join(scope))}</p>',
        f'<p class="totals">{totals}</p>',
    ]
    incomplete = [row for row in rows if not row.status.complete]
    if incomplete:
        parts.append(
            f'<p class="banner">Audit incomplete: {len(incomplete)} account(s) not read in full. The results cover '
            'only what was read; see <a href="#unread">Not read</a>.</p>'
        )
    return "\n".join(parts)


def _charts(results: list[Result], rows: list[AccountRow]) -> list[str]:
    failed = [r for r in results if r.verdict is Verdict.FAILED and not r.suppressed]
    if not failed:
        return ["<h2>Failures</h2>", "<p>No check failed.</p>"]
    charts = ["<h2>Failures</h2>"]
    if rows:
        bars = [(_account_label(row.status), row.failed) for row in rows]
        charts += ["<h3>By account</h3>", _bar_chart("Failed checks by account", bars)]
    by_rule = Counter(r.rule_id for r in failed)
    charts += ["<h3>By rule</h3>", _bar_chart("Failed checks by rule", sorted(by_rule.items()))]
    by_region = Counter(r.region for r in failed if r.region is not None)
    if by_region:
        charts += ["<h3>By region</h3>", _bar_chart("Failed checks by region", sorted(by_region.items()))]
    return charts


def _bar_chart(title: str, bars: list[tuple[str, int]]) -> str:
    """A horizontal bar chart in inline SVG: one labelled bar per item, its length in proportion to the largest."""
    most = max((count for _, count in bars), default=0) or 1
    room = _CHART_WIDTH - _LABEL_WIDTH - 60
    height = len(bars) * (_BAR_HEIGHT + _GAP) + _GAP
    shapes = []
    for position, (label, count) in enumerate(bars):
        top = _GAP + position * (_BAR_HEIGHT + _GAP)
        middle = top + _BAR_HEIGHT / 2 + 4
        width = round(room * count / most)
        shapes.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">{_e(label)}</text>'
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{top}" width="{width}" height="{_BAR_HEIGHT}"/>'
            f'<text x="{_LABEL_WIDTH + width + 6}" y="{middle}">{count}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}"><title>{_e(title)}</title>{"".join(shapes)}</svg>'
    )


def _account_label(status: AccountStatus) -> str:
    name = status.name if len(status.name) <= _NAME_IN_CHART else status.name[: _NAME_IN_CHART - 1] + "…"
    return f"{status.account} {name}".rstrip()


def _account_table(rows: list[AccountRow]) -> str:
    if not rows:
        return ""
    body = [
        [
            _e(row.status.account),
            _e(row.status.name or "-"),
            _n(row.passed),
            _n(row.failed, "failed"),
            _n(row.unknown, "unknown"),
            _n(row.skipped),
            _n(len(row.status.unread)),
            _e(row.state),
        ]
        for row in rows
    ]
    header = ("Account", "Name", "Passed", "Failed", "Unknown", "Skipped", "Unread", "State")
    return "<h2>By account</h2>\n" + _table(header, body)


def _rule_table(results: list[Result]) -> str:
    titles = {r.rule_id: (r.title, r.severity) for r in results}
    counts = _counts(results, lambda r: r.rule_id)
    order = sorted(counts, key=lambda c: (-c.failed, _severity_rank(titles[c.label][1]), c.label))
    body = [
        [
            f'<a href="#{_rule_anchor(c.label)}">{_e(c.label)}</a>' if c.failed or c.unknown else _e(c.label),
            _e(titles[c.label][0]),
            _e(titles[c.label][1]),
            _n(c.failed, "failed"),
            _n(c.unknown, "unknown"),
            _n(c.passed),
        ]
        for c in order
    ]
    return "<h2>By rule</h2>\n" + _table(("Rule", "Title", "Severity", "Failed", "Unknown", "Passed"), body, wide=True)


def _region_table(results: list[Result]) -> str:
    if all(r.region is None for r in results):
        return ""
    counts = sorted(_counts(results, lambda r: r.region or "-"), key=lambda c: c.label)
    body = [[_e(c.label), _n(c.failed, "failed"), _n(c.unknown, "unknown"), _n(c.passed)] for c in counts]
    return "<h2>By region</h2>\n" + _table(("Region", "Failed", "Unknown", "Passed"), body)


def _unread(rows: list[AccountRow]) -> str:
    incomplete = [row.status for row in rows if not row.status.complete]
    if not incomplete:
        return ""
    body = []
    for status in incomplete:
        if status.error is not None:
            body.append([_e(status.account), "-", "-", _e(f"not read: {status.error}")])
        body += [[_e(status.account), _e(u.region), _e(u.operation), _e(u.error)] for u in status.unread]
    return '<h2 id="unread">Not read</h2>\n' + _table(
        ("Account", "Region", "Read", "Error after retries"), body, wide=True
    )


def _findings(ordered: list[Result], rows: list[AccountRow]) -> str:
    """Each failed or unknown finding, by account then by rule, under its rule's remediation."""
    findings = [r for r in ordered if r.verdict in _FINDINGS and not r.suppressed]
    parts = ["<h2>Findings</h2>"]
    if not findings:
        parts.append("<p>No failed or unknown check.</p>")
        return "\n".join(parts)
    names = {row.status.account: row.status.name for row in rows}
    anchored: set[str] = set()
    groups: dict[str, list[Result]] = {}
    for result in findings:
        groups.setdefault(result.account or result.stack or "-", []).append(result)
    for group, members in groups.items():
        name = names.get(group)
        heading = f"Account {group}" if group in names or members[0].account else group
        parts.append(f"<h3>{_e(heading)}{_e(f' ({name})') if name else ''}</h3>")
        for rule_id in sorted({r.rule_id for r in members}, key=lambda i: _rule_order(members, i)):
            of_rule = [r for r in members if r.rule_id == rule_id]
            anchor = "" if rule_id in anchored else f' id="{_rule_anchor(rule_id)}"'
            anchored.add(rule_id)
            parts.append(_rule_findings(of_rule, anchor))
    return "\n".join(parts)


def _rule_findings(results: list[Result], anchor: str) -> str:
    first = results[0]
    body = [
        [
            f'<td class="short {r.verdict.value.lower()}">{r.verdict.value}</td>',
            f'<td class="short">{_e(r.region or "-")}</td>',
            f'<td class="address">{_e(r.address)}</td>',
            _e(r.message),
        ]
        for r in results
    ]
    parts = [
        f"<h4{anchor}>{_e(first.rule_id)}: {_e(first.title)} ({_e(first.severity)})</h4>",
        _table(("Verdict", "Region", "Resource", "Message"), body, wide=True),
    ]
    remediation = _remediation(first.rule_id)
    if remediation:
        guide = f'<p><a href="{_e(first.docs_url)}">Rule documentation</a></p>' if first.docs_url else ""
        parts.append(f"<details><summary>How to fix</summary>{remediation}{guide}</details>")
    return "\n".join(parts)


def _remediation(rule_id: str) -> str:
    """The rule's remediation, its Markdown code fences as preformatted blocks and its `code` spans as code."""
    try:
        text = get_rule(rule_id).metadata.remediation
    except KeyError:  # a result from outside the catalog has no remediation to show
        return ""
    blocks = []
    for position, part in enumerate(_CODE_FENCE.split(text)):
        if position % 2:
            blocks.append(f"<pre><code>{_e(part.rstrip())}</code></pre>")
        else:
            paragraphs = [_INLINE_CODE.sub(r"<code>\1</code>", _e(p)) for p in part.split("\n\n") if p.strip()]
            blocks += [f"<p>{paragraph}</p>" for paragraph in paragraphs]
    return "".join(blocks)


def _counts(results: Iterable[Result], key: Callable[[Result], str]) -> list[_Count]:
    tally: dict[str, Counter[Verdict]] = {}
    for result in results:
        if not result.suppressed:
            tally.setdefault(key(result), Counter())[result.verdict] += 1
    return [
        _Count(label, c[Verdict.FAILED], c[Verdict.UNKNOWN], c[Verdict.PASSED], c[Verdict.SKIPPED])
        for label, c in tally.items()
    ]


def _table(header: Sequence[str], rows: list[list[str]], wide: bool = False) -> str:
    """A table of cells already escaped (or built from escaped parts)."""
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in rows)
    css = ' class="wide"' if wide else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(cell: str) -> str:
    return cell if cell.startswith("<td") else f"<td>{cell}</td>"


def _n(count: int, emphasis: str = "") -> str:
    css = f"n {emphasis}" if emphasis and count else "n"
    return f'<td class="{css}">{count}</td>'


def _rule_order(results: list[Result], rule_id: str) -> tuple[int, int, str]:
    """Failed before unknown, then the most severe first."""
    of_rule = [r for r in results if r.rule_id == rule_id]
    failed = any(r.verdict is Verdict.FAILED for r in of_rule)
    return (0 if failed else 1, _severity_rank(of_rule[0].severity), rule_id)


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _rule_anchor(rule_id: str) -> str:
    return "rule-" + re.sub(r"[^A-Za-z0-9_-]", "-", rule_id)


def _e(text: str) -> str:
    return html.escape(text, quote=True)

"""JUnit XML for CI test tabs: one testsuite per rule, one testcase per (rule, resource)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from mlmarket.baseline import EXISTING, NEW, Comparison, Entry
from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import NO_COMPARISON, sorted_results

_SINCE_BASE = {
    NEW: "New: not in the base branch's report.",
    EXISTING: "Existing: already in the base branch's report.",
}


def render_junit(results: list[Result], comparison: Comparison = NO_COMPARISON) -> str:
    root = ET.Element("testsuites", name="mlmarket")
    ordered = sorted(sorted_results(results), key=lambda r: r.rule_id)
    for rule_id, rule_results in groupby(ordered, key=lambda r: r.rule_id):
        _testsuite(root, rule_id, list(rule_results))
    if comparison.fixed:
        _fixed_testsuite(root, comparison.fixed, comparison.baseline)
    _set_counts(root, results, len(comparison.fixed))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testsuite(root: ET.Element, rule_id: str, results: list[Result]) -> None:
    suite = ET.SubElement(root, "testsuite", name=rule_id)
    _set_counts(suite, results)
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=rule_id, name=result.address)
        if result.file:
            case.set("file", result.file)
        if result.line is not None:
            case.set("line", str(result.line))
        detail = f"{result.title}\n{result.message}\nGuide: {result.docs_url}"
        if result.since_base is not None:
            detail = f"{_SINCE_BASE[result.since_base]}\n{detail}"
        if result.suppressed:  # accepted: reported, not a failure of the gate
            ET.SubElement(case, "skipped", message=f"suppressed (baseline): {result.verdict.value}: {result.message}")
        elif result.verdict is Verdict.FAILED:
            ET.SubElement(case, "failure", message=result.message, type="FAILED").text = detail
        elif result.verdict is Verdict.UNKNOWN:
            # A compliance gate does not pass what it cannot judge: an unknown is a failure here, typed
            # UNKNOWN so a reader can tell it from a violation (the CLI exit code still needs --strict).
            ET.SubElement(case, "failure", message=result.message, type="UNKNOWN").text = detail
        elif result.verdict is Verdict.SKIPPED:
            ET.SubElement(case, "skipped", message=result.skip_reason or "skipped without a reason")


def _fixed_testsuite(root: ET.Element, fixed: tuple[Entry, ...], baseline: str | None) -> None:
    """The baselined findings that are gone pass: one case each, saying so."""
    suite = ET.SubElement(root, "testsuite", name="mlmarket baseline: fixed")
    for entry in fixed:
        case = ET.SubElement(suite, "testcase", classname=entry.rule_id, name=entry.address)
        ET.SubElement(case, "system-out").text = (
            f"fixed: {entry.verdict} in stack {entry.stack} is in the baseline {baseline} and no longer found "
            "(--prune-baseline removes it)"
        )
    _set_counts(suite, [], len(fixed))


def _set_counts(element: ET.Element, results: list[Result], passed: int = 0) -> None:
    failures = sum(r.verdict in (Verdict.FAILED, Verdict.UNKNOWN) and not r.suppressed for r in results)
    skipped = sum(r.verdict is Verdict.SKIPPED or r.suppressed for r in results)
    element.set("tests", str(len(results) + passed))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))

"""JUnit XML for CI test tabs: one testsuite per rule, one testcase per (rule, resource)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import sorted_results


def render_junit(results: list[Result]) -> str:
    root = ET.Element("testsuites", name="mlmarket")
    ordered = sorted(sorted_results(results), key=lambda r: r.rule_id)
    for rule_id, rule_results in groupby(ordered, key=lambda r: r.rule_id):
        _testsuite(root, rule_id, list(rule_results))
    _set_counts(root, results)
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
        if result.verdict is Verdict.FAILED:
            ET.SubElement(case, "failure", message=result.message, type="FAILED").text = detail
        elif result.verdict is Verdict.UNKNOWN:
            # A compliance gate does not pass what it cannot judge: an unknown is a failure here, typed
            # UNKNOWN so a reader can tell it from a violation (the CLI exit code still needs --strict).
            ET.SubElement(case, "failure", message=result.message, type="UNKNOWN").text = detail
        elif result.verdict is Verdict.SKIPPED:
            ET.SubElement(case, "skipped", message=result.skip_reason or "skipped without a reason")


def _set_counts(element: ET.Element, results: list[Result]) -> None:
    failures = sum(r.verdict in (Verdict.FAILED, Verdict.UNKNOWN) for r in results)
    skipped = sum(r.verdict is Verdict.SKIPPED for r in results)
    element.set("tests", str(len(results)))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))

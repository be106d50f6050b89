"""CKV_MLM_019: no Critical or High scan findings on images in ECR (audit only)."""

from __future__ import annotations

from mlmarket.model import Unknown, Verdict

from support import judge, resource, stack

RULE = "CKV_MLM_019"
TYPE = "aws_ecr_image"


def image(name: str, status: object, counts: object):
    return resource(TYPE, name, {"scan_status": status, "scan_finding_counts": counts})


def test_exact_verdicts():
    unreadable = Unknown("DescribeImageScanFindings failed (AccessDeniedException)")
    results = judge(
        RULE,
        stack(
            image("pass_clean", "COMPLETE", {}),
            image("pass_medium_and_low_only", "COMPLETE", {"MEDIUM": 4, "LOW": 9, "INFORMATIONAL": 1}),
            image("pass_enhanced_scanning", "ACTIVE", {"MEDIUM": 1}),
            image("pass_zero_counts", "COMPLETE", {"CRITICAL": 0, "HIGH": 0}),
            image("fail_one_high", "COMPLETE", {"HIGH": 1}),
            image("fail_critical_and_high", "ACTIVE", {"CRITICAL": 2, "HIGH": 3, "LOW": 1}),
            image("unknown_never_scanned", None, None),
            image("unknown_in_progress", "IN_PROGRESS", None),
            image("unknown_unreadable", unreadable, unreadable),
            resource(TYPE, "data_source", {"scan_status": "COMPLETE", "scan_finding_counts": {"HIGH": 1}}, mode="data"),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TYPE}.pass_clean": Verdict.PASSED,
        f"{TYPE}.pass_medium_and_low_only": Verdict.PASSED,
        f"{TYPE}.pass_enhanced_scanning": Verdict.PASSED,
        f"{TYPE}.pass_zero_counts": Verdict.PASSED,
        f"{TYPE}.fail_one_high": Verdict.FAILED,
        f"{TYPE}.fail_critical_and_high": Verdict.FAILED,
        f"{TYPE}.unknown_never_scanned": Verdict.UNKNOWN,
        f"{TYPE}.unknown_in_progress": Verdict.UNKNOWN,
        f"{TYPE}.unknown_unreadable": Verdict.UNKNOWN,
    }  # Terraform's data "aws_ecr_image" is not judged
    messages = {a.removeprefix(f"{TYPE}."): r.message for a, r in results.items()}
    assert messages["fail_critical_and_high"] == (
        "the image scan (ACTIVE) found 2 Critical and 3 High findings; Marketplace refuses images with Critical "
        "or High vulnerabilities"
    )
    assert messages["fail_one_high"] == (
        "the image scan (COMPLETE) found 1 High finding; Marketplace refuses images with Critical or High "
        "vulnerabilities"
    )
    assert messages["pass_medium_and_low_only"] == "the image scan (COMPLETE) found no Critical or High findings"
    assert messages["unknown_never_scanned"] == (
        "the image has never been scanned; turn on scan_on_push for its repository (or start an image scan) so "
        "its findings can be judged"
    )
    assert messages["unknown_in_progress"] == (
        "the image scan has not completed (status IN_PROGRESS), so its findings are not known"
    )
    assert messages["unknown_unreadable"] == (
        "the scan findings cannot be read: DescribeImageScanFindings failed (AccessDeniedException)"
    )


def test_an_unreadable_finding_count_never_passes():
    """Issue 16 item 6: a Critical or High count the scan cannot give was read as none, and the image passed."""
    unreadable = Unknown("the findings page could not be read")
    results = judge(
        RULE,
        stack(
            image("unknown_critical_count", "COMPLETE", {"CRITICAL": unreadable, "LOW": 2}),
            image("unknown_high_count_not_a_number", "ACTIVE", {"HIGH": "3"}),
            image("unknown_counts", "COMPLETE", unreadable),
            image("fail_high_known_critical_unknown", "COMPLETE", {"CRITICAL": unreadable, "HIGH": 1}),
            image("pass_other_severity_unknown", "COMPLETE", {"MEDIUM": unreadable}),
        ),
    )
    assert {a.removeprefix(f"{TYPE}."): (r.verdict, r.message) for a, r in results.items()} == {
        "unknown_critical_count": (
            Verdict.UNKNOWN,
            "the image scan (COMPLETE): the Critical finding count cannot be read: the findings page could not be read",
        ),
        "unknown_high_count_not_a_number": (
            Verdict.UNKNOWN,
            "the image scan (ACTIVE): the High finding count cannot be read: '3' is not a count",
        ),
        "unknown_counts": (Verdict.UNKNOWN, "the scan findings cannot be read: the findings page could not be read"),
        "fail_high_known_critical_unknown": (
            Verdict.FAILED,
            "the image scan (COMPLETE) found 1 High finding; Marketplace refuses images with Critical or High "
            "vulnerabilities",
        ),
        "pass_other_severity_unknown": (
            Verdict.PASSED,
            "the image scan (COMPLETE) found no Critical or High findings",
        ),
    }

"""Faults in one region or service never abort the audit: the rest is read and judged, the report lists what
could not be read, and the exit code is 3 (incomplete). Faults are injected by the fake AWS proxy in front of
moto; persistent ones run with --max-attempts 2 to keep the retries short."""

from __future__ import annotations

from fake_aws import Fault
from seeded_account import USE1, USW2, arn

INCOMPLETE = 3
HEADING = "mlmarket: audit incomplete: 1 read(s) failed after retries; the results cover only what was read:"


def addresses(run, rule_id: str) -> set[str]:
    return {address for rule, address, _ in run.triples() if rule == rule_id}


def test_throttling_of_ecr_in_one_region_leaves_the_other_region_and_services_read(run_audit, fake_aws, account):
    fake_aws.faults.append(Fault("ecr", "DescribeRepositories", 400, "ThrottlingException", region=USW2))
    run = run_audit("--max-attempts", "2", regions=(USE1, USW2))
    assert run.code == INCOMPLETE
    assert run.stderr == f"{HEADING}\n    us-west-2  ecr:DescribeRepositories  ThrottlingException\n"
    assert fake_aws.count(USW2, "ecr", "DescribeRepositories") == 2  # retried up to --max-attempts
    assert arn("ecr", "repository", "pass-model", USW2) not in addresses(run, "CKV_MLM_006")
    assert arn("ecr", "repository", "pass-model") in addresses(run, "CKV_MLM_006")
    assert account.images[(USE1, "pass-model", "1.0")] in addresses(run, "CKV_MLM_018")
    assert ("CKV_MLM_006", arn("sagemaker", "model", "west-model", USW2), "FAILED") in run.triples()


def test_a_5xx_listing_of_models_leaves_the_other_sagemaker_reads(run_audit, fake_aws):
    fake_aws.faults.append(Fault("sagemaker", "ListModels", 503, "ServiceUnavailable"))
    run = run_audit("--max-attempts", "2")
    assert run.code == INCOMPLETE
    assert run.stderr == f"{HEADING}\n    us-east-1  sagemaker:ListModels  ServiceUnavailable\n"
    assert fake_aws.count(USE1, "sagemaker", "ListModels") == 2
    assert addresses(run, "CKV_MLM_001") == {
        arn("sagemaker", "training-job", name) for name in ("pass-training", "fail-spot-wait", "fail-training-instance")
    }
    assert ("CKV_MLM_009", arn("sagemaker", "endpoint-config", "fail-serverless"), "FAILED") in run.triples()


def test_access_denied_is_not_retried_and_points_at_the_policy(run_audit, fake_aws):
    fake_aws.faults.append(Fault("sagemaker", "DescribeModelPackage", 400, "AccessDeniedException"))
    run = run_audit()
    assert run.code == INCOMPLETE
    assert run.stderr == (
        f"{HEADING}\n    us-east-1  sagemaker:DescribeModelPackage  AccessDeniedException\n"
        "    (grant the audit role the actions of policies/iam/mlmarket-audit-policy.json)\n"
    )
    assert fake_aws.count(USE1, "sagemaker", "DescribeModelPackage") == 4  # once for each of the four packages
    assert addresses(run, "CKV_MLM_017") == {
        arn("sagemaker", "algorithm", n) for n in ("pass-algorithm", "fail-algorithm-docker-hub")
    }


def test_unreadable_scan_findings_make_the_image_unknown_not_unscanned(run_audit, fake_aws, account):
    fake_aws.faults.append(Fault("ecr", "DescribeImageScanFindings", 400, "AccessDeniedException"))
    run = run_audit()
    assert run.code == INCOMPLETE
    by_address = {r["address"]: r for r in run.document["results"] if r["rule_id"] == "CKV_MLM_019"}
    vulnerable = by_address[account.images[(USE1, "vulnerable-model", "1.0")]]
    assert (vulnerable["verdict"], vulnerable["message"]) == (
        "UNKNOWN",
        "the scan findings cannot be read: DescribeImageScanFindings failed (AccessDeniedException)",
    )


def test_without_the_account_identity_the_seller_is_unknown(run_audit, fake_aws):
    fake_aws.faults.append(Fault("sts", "GetCallerIdentity", 500, "InternalFailure"))
    run = run_audit("--max-attempts", "1")
    assert run.code == INCOMPLETE
    seller_verdicts = {verdict for rule, _, verdict in run.triples() if rule == "CKV_MLM_003"}
    assert seller_verdicts == {"UNKNOWN"}


def test_transient_throttling_is_retried_and_the_audit_is_complete(run_audit, fake_aws):
    baseline = run_audit()
    fake_aws.reset()
    fake_aws.faults.append(Fault("sagemaker", "ListModels", 400, "ThrottlingException", times=1))
    run = run_audit()
    assert (run.code, run.stderr) == (1, "")
    assert fake_aws.count(USE1, "sagemaker", "ListModels") == 2
    assert run.triples() == baseline.triples()


def test_the_cli_report_itself_lists_what_could_not_be_read(run_audit, fake_aws):
    fake_aws.faults.append(Fault("sagemaker", "ListEndpoints", 400, "AccessDeniedException"))
    run = run_audit(output_format="cli")
    assert run.code == INCOMPLETE
    assert run.stderr == ""
    assert run.stdout.endswith(
        f"{HEADING}\n    us-east-1  sagemaker:ListEndpoints  AccessDeniedException\n"
        "    (grant the audit role the actions of policies/iam/mlmarket-audit-policy.json)\n"
    )

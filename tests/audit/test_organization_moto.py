"""`mlmarket audit --organization` against moto's server: an organization of six member accounts, each entered
through its audit role; every account is judged as its own seller account, and the one whose role is missing is
listed with its error (exit 3) while the others are judged."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import jsonschema

from mlmarket.audit.fetch import SAGEMAKER_READS
from mlmarket.audit.operations import ALLOWED_OPERATIONS, MANAGEMENT_OPERATIONS, iam_actions

from audit_runner import located, run_organization_audit
from seeded_account import FAKE_CREDENTIALS, OTHER_ACCOUNT, USE1, USW2
from seeded_organization import (
    CLOSED,
    COMPLIANT,
    EMPTY,
    MEMBERS,
    NO_ISOLATION,
    NO_ROLE,
    PARTNER_IMAGE,
    ROLE_NAME,
    TWO_REGIONS,
    model_arn,
)
from support import REPO

REPORT_SCHEMA = json.loads((REPO / "policies/schemas/report.schema.json").read_text())
P, F = "PASSED", "FAILED"
MODEL_RULES = ("001", "002", "003", "004", "005", "006", "007", "013")
INCOMPLETE = 3


def model_results(account: str, name: str, region: str = USE1, **verdicts: str) -> set[tuple[str, str, str, str, str]]:
    """(account, region, rule, address, verdict) of every model rule: PASSED unless `verdicts` says (`r001=F`)."""
    address = model_arn(account, name, region)
    return {(account, region, f"CKV_MLM_{n}", address, verdicts.get(f"r{n}", P)) for n in MODEL_RULES}


def expected_results(ids: dict[str, str]) -> set[tuple[str, str, str, str, str]]:
    compliant, two_regions = ids[COMPLIANT], ids[TWO_REGIONS]
    repository = f"arn:aws:ecr:{USE1}:{compliant}:repository/model"
    return (
        model_results(compliant, "pass-model")
        | {(compliant, USE1, "CKV_MLM_006", repository, P)}
        | model_results(ids[NO_ISOLATION], "fail-no-isolation", r001=F)
        | model_results(ids[PARTNER_IMAGE], "fail-partner-image", r003=F)
        | model_results(two_regions, "pass-model")
        | model_results(two_regions, "pass-model-2")
        # Two of its three models are in us-east-1: the one in us-west-2 is outside the publishing stack.
        | model_results(two_regions, "fail-second-region", USW2, r006=F)
    )


def test_every_member_account_is_judged_as_its_own_seller_account(organization_audit):
    run, organization, _, _ = organization_audit
    assert located(run) == expected_results(organization.ids)
    jsonschema.validate(run.document, REPORT_SCHEMA)


def test_the_seller_account_of_each_result_is_its_member_account(organization_audit):
    run, organization, _, _ = organization_audit
    by_key = {(r["rule_id"], r["address"]): r for r in run.document["results"]}
    partner = organization.id(PARTNER_IMAGE)
    assert by_key[("CKV_MLM_003", model_arn(partner, "fail-partner-image"))]["message"] == (
        f"primary_container[0].image is in account {OTHER_ACCOUNT}, not the seller account {partner}; "
        "Marketplace publishes only images from the seller's own ECR registry"
    )
    compliant = organization.id(COMPLIANT)
    assert by_key[("CKV_MLM_003", model_arn(compliant, "pass-model"))]["message"] == (
        f"every private ECR image is in the seller account {compliant}"
    )


def test_an_account_whose_role_is_missing_is_listed_and_the_others_are_judged(organization_audit):
    run, organization, _, _ = organization_audit
    no_role = organization.id(NO_ROLE)
    role_arn = f"arn:aws:iam::{no_role}:role/{ROLE_NAME}"
    assert run.code == INCOMPLETE
    assert run.stderr == (
        "mlmarket: audit incomplete: 1 account(s) not read in full; the results cover only what was read:\n"
        f"    {no_role}  sts:AssumeRole of {role_arn} failed (AccessDenied)\n"
        "    (an account is entered through --role-name: the role must exist in it, trust the management account, "
        "and be assumable under policies/iam/mlmarket-organization-policy.json)\n"
    )
    accounts = {entry["account"]: entry for entry in run.document["accounts"]}
    assert accounts[no_role] == {
        "account": no_role,
        "name": NO_ROLE,
        "complete": False,
        "error": f"sts:AssumeRole of {role_arn} failed (AccessDenied)",
        "unread": [],
        "summary": {"passed": 0, "failed": 0, "unknown": 0, "skipped": 0},
    }
    assert "never-read" not in run.stdout  # what its account holds is never reported


def test_json_groups_the_results_by_account_and_counts_each_account(organization_audit):
    run, organization, _, _ = organization_audit
    document = run.document
    accounts = [r["account"] for r in document["results"]]
    assert accounts == sorted(accounts)
    assert [entry["account"] for entry in document["accounts"]] == organization.member_ids
    summaries = {entry["name"]: (entry["complete"], entry["summary"]) for entry in document["accounts"]}
    assert summaries == {
        COMPLIANT: (True, {"passed": 9, "failed": 0, "unknown": 0, "skipped": 0}),
        NO_ISOLATION: (True, {"passed": 7, "failed": 1, "unknown": 0, "skipped": 0}),
        PARTNER_IMAGE: (True, {"passed": 7, "failed": 1, "unknown": 0, "skipped": 0}),
        TWO_REGIONS: (True, {"passed": 23, "failed": 1, "unknown": 0, "skipped": 0}),
        EMPTY: (True, {"passed": 0, "failed": 0, "unknown": 0, "skipped": 0}),
        NO_ROLE: (False, {"passed": 0, "failed": 0, "unknown": 0, "skipped": 0}),
    }


def test_only_active_member_accounts_are_entered_with_a_session_named_for_mlmarket(organization_audit):
    _, organization, _, assume_role_requests = organization_audit
    entered = sorted(request["RoleArn"] for request in assume_role_requests)
    assert entered == [f"arn:aws:iam::{account}:role/{ROLE_NAME}" for account in organization.member_ids]
    assert organization.id(CLOSED) not in str(entered)  # closed (suspended) accounts are not audited
    assert {request["RoleSessionName"] for request in assume_role_requests} == {"mlmarket-audit-0.1.0"}
    assert all("ExternalId" not in request for request in assume_role_requests)


def test_the_organization_audit_sends_only_allowlisted_operations(organization_audit):
    _, _, operations_on_the_wire, _ = organization_audit
    listings = {f"sagemaker:{spec.list_operation}" for spec in SAGEMAKER_READS} | {"ecr:DescribeRepositories"}
    # What the seeded accounts hold: models, and one repository (no S3 URI, so no bucket region to read).
    descriptions = {"sagemaker:DescribeModel", "ecr:DescribeImages"}
    assert operations_on_the_wire == set(iam_actions(MANAGEMENT_OPERATIONS)) | listings | descriptions
    assert operations_on_the_wire <= set(iam_actions(ALLOWED_OPERATIONS)) | set(iam_actions(MANAGEMENT_OPERATIONS))


def test_the_external_id_goes_with_every_assume_role(organization_aws, tmp_path):
    run_organization_audit(organization_aws, tmp_path, "--external-id", "mlmarket-7f3a")
    assert len(organization_aws.assume_role_requests) == len(MEMBERS)
    assert {request["ExternalId"] for request in organization_aws.assume_role_requests} == {"mlmarket-7f3a"}


def test_accounts_file_and_exclusions_narrow_the_audit(organization_aws, organization, tmp_path):
    accounts = tmp_path / "accounts.txt"
    not_a_member = "000011112222"
    lines = [f"{organization.id(NO_ISOLATION)}  # the failing one", "", organization.id(EMPTY), not_a_member]
    accounts.write_text("\n".join(lines) + "\n")
    run = run_organization_audit(
        organization_aws, tmp_path, "--accounts", str(accounts), "--exclude-account", organization.id(EMPTY)
    )
    assert run.code == INCOMPLETE  # an account asked for that the organization does not have is not audited
    assert {entry["account"]: entry["error"] for entry in run.document["accounts"]} == {
        organization.id(NO_ISOLATION): None,
        not_a_member: "not an active account of the organization",
    }
    assert located(run) == model_results(organization.id(NO_ISOLATION), "fail-no-isolation", r001=F)
    assert run.stderr == (
        "mlmarket: audit incomplete: 1 account(s) not read in full; the results cover only what was read:\n"
        f"    {not_a_member}  not an active account of the organization\n"
    )


def test_the_cli_report_ends_with_the_table_of_accounts(organization_aws, organization, tmp_path):
    run = run_organization_audit(organization_aws, tmp_path, output_format="cli")
    assert run.code == INCOMPLETE
    assert run.stderr == ""  # the cli report on standard output lists what was not read itself
    ids = organization.ids
    no_role = ids[NO_ROLE]
    rows = sorted(
        [
            (ids[COMPLIANT], COMPLIANT, "0", "read"),
            (ids[NO_ISOLATION], NO_ISOLATION, "1", "read"),
            (ids[PARTNER_IMAGE], PARTNER_IMAGE, "1", "read"),
            (ids[TWO_REGIONS], TWO_REGIONS, "1", "read"),
            (ids[EMPTY], EMPTY, "0", "read"),
            (no_role, NO_ROLE, "0", f"not read: sts:AssumeRole of arn:aws:iam::{no_role}:role/{ROLE_NAME} failed"),
        ]
    )
    table = ["    Account       Name                Failed  Unknown  Unread  State"]
    for account, name, failed, state in rows:
        state = f"{state} (AccessDenied)" if state.startswith("not read") else state
        table.append(f"    {account}  {name.ljust(18)}  {failed.ljust(6)}  0        0       {state}")
    assert run.stdout.endswith("mlmarket: 6 account(s):\n" + "\n".join(table) + "\n")


def test_sarif_groups_by_account_and_says_the_run_is_incomplete(organization_aws, organization, tmp_path):
    sarif = tmp_path / "audit.sarif"
    run = run_organization_audit(organization_aws, tmp_path, "--output-file", str(sarif), output_format="sarif")
    assert run.code == INCOMPLETE
    document = json.loads(sarif.read_text())
    sarif_run = document["runs"][0]
    located_results = [(r["properties"]["account"], r["properties"]["region"]) for r in sarif_run["results"]]
    assert located_results == sorted(located_results)
    assert {(account, r["ruleId"]) for (account, _), r in zip(located_results, sarif_run["results"], strict=True)} == {
        (organization.id(NO_ISOLATION), "CKV_MLM_001"),
        (organization.id(PARTNER_IMAGE), "CKV_MLM_003"),
        (organization.id(TWO_REGIONS), "CKV_MLM_006"),
    }
    no_role = organization.id(NO_ROLE)
    assert sarif_run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {
                        "text": f"account {no_role}: not read: sts:AssumeRole of "
                        f"arn:aws:iam::{no_role}:role/{ROLE_NAME} failed (AccessDenied)"
                    },
                }
            ],
        }
    ]
    assert [entry["account"] for entry in sarif_run["properties"]["mlmarket/accounts"]] == organization.member_ids


def readme_organization_command() -> list[str]:
    """The command of the README's organization example, as a shell would split it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Auditing every account of an AWS Organization", 1)[1].split("\n### ", 1)[0]
    block = next(b for b in section.split("```sh")[1:] if "mlmarket audit --organization" in b).split("```")[0]
    return shlex.split(block.replace("\\\n", " "))


def test_the_readme_organization_example_works_as_written(organization_aws, organization, tmp_path):
    command = readme_organization_command()
    assert command[:3] == ["mlmarket", "audit", "--organization"]
    # Only the endpoint differs from AWS: boto3 reads it from the environment, the command stays as written.
    environment = {**os.environ, **FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": organization_aws.url, "CI": "true"}
    environment.pop("AWS_PROFILE", None)
    run = subprocess.run(
        [sys.executable, "-m", "mlmarket", *command[1:]],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == INCOMPLETE  # the member account without the audit role
    assert f"mlmarket: {len(MEMBERS)} account(s):\n" in run.stdout
    page = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert all(account in page for account in organization.member_ids)
    assert {request["ExternalId"] for request in organization_aws.assume_role_requests} == {"mlmarket"}

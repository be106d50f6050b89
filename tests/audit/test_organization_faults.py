"""Faults in one account of the organization (throttling, 5xx), injected by the fake AWS proxy for the requests
signed with that account's credentials: retries are bounded by --max-attempts, a transient fault loses nothing,
and a persistent one leaves that account's read listed (exit 3) while every other account is read in full."""

from __future__ import annotations

import json

from audit_runner import located, run_organization_audit
from fake_aws import Fault, Reply
from seeded_account import USE1, USW2
from seeded_organization import MEMBERS, NO_ISOLATION, NO_ROLE, REGIONS, TWO_REGIONS

INCOMPLETE = 3
ALL_OTHER_READS_ONCE = 1


def test_transient_throttling_and_5xx_in_one_account_are_retried_and_nothing_is_lost(
    organization_audit, organization_aws, organization, tmp_path
):
    baseline = organization_audit[0]
    account = organization.id(TWO_REGIONS)
    organization_aws.faults += [
        Fault("sagemaker", "ListModels", 400, "ThrottlingException", region=USW2, times=1, account=account),
        Fault("ecr", "DescribeRepositories", 503, "ServiceUnavailable", region=USE1, times=1, account=account),
        Fault("sts", "AssumeRole", 400, "Throttling", times=1),
    ]
    run = run_organization_audit(organization_aws, tmp_path)
    assert located(run) == located(baseline)
    assert run.document["accounts"] == baseline.document["accounts"]
    assert (run.code, run.stderr) == (baseline.code, baseline.stderr)
    assert organization_aws.count_in(account, USW2, "sagemaker", "ListModels") == 2
    assert organization_aws.count_in(account, USE1, "ecr", "DescribeRepositories") == 2
    assert organization_aws.count(USE1, "sts", "AssumeRole") == len(MEMBERS) + 1  # one throttled, retried


def test_a_persistent_fault_in_one_account_is_listed_and_every_other_account_is_read(
    organization_aws, organization, tmp_path
):
    account = organization.id(NO_ISOLATION)
    organization_aws.faults += [
        Fault("sagemaker", "ListModels", 500, "InternalFailure", region=USE1, account=account),
        Fault("ecr", "DescribeRepositories", 400, "ThrottlingException", region=USW2, account=account),
    ]
    run = run_organization_audit(organization_aws, tmp_path, "--max-attempts", "2")
    assert run.code == INCOMPLETE
    assert organization_aws.count_in(account, USE1, "sagemaker", "ListModels") == 2  # bounded: --max-attempts
    assert organization_aws.count_in(account, USW2, "ecr", "DescribeRepositories") == 2
    unread = {entry["account"]: entry["unread"] for entry in run.document["accounts"]}
    assert unread[account] == [
        {"region": USE1, "operation": "sagemaker:ListModels", "error": "InternalFailure"},
        {"region": USW2, "operation": "ecr:DescribeRepositories", "error": "ThrottlingException"},
    ]
    assert all(reads == [] for other, reads in unread.items() if other != account)
    assert not any(result["account"] == account for result in run.document["results"])
    for other in set(organization.member_ids) - {account, organization.id(NO_ROLE)}:
        for region in REGIONS:
            assert organization_aws.count_in(other, region, "sagemaker", "ListModels") == ALL_OTHER_READS_ONCE
    no_role = organization.id(NO_ROLE)
    listed = {  # in account order
        no_role: f"    {no_role}  sts:AssumeRole of arn:aws:iam::{no_role}:role/mlmarket-audit failed (AccessDenied)\n",
        account: f"    {account}  us-east-1  sagemaker:ListModels  InternalFailure\n"
        f"    {account}  us-west-2  ecr:DescribeRepositories  ThrottlingException\n",
    }
    assert run.stderr == (
        "mlmarket: audit incomplete: 2 account(s) not read in full; the results cover only what was read:\n"
        + "".join(listed[key] for key in sorted(listed))
        + "    (an account is entered through --role-name: the role must exist in it, trust the management account, "
        "and be assumable under policies/iam/mlmarket-organization-policy.json)\n"
    )


def test_a_listing_of_the_accounts_that_keeps_failing_makes_the_audit_incomplete(organization_aws, tmp_path):
    organization_aws.faults.append(Fault("organizations", "ListAccounts", 500, "ServiceException"))
    run = run_organization_audit(organization_aws, tmp_path, "--max-attempts", "2")
    assert run.code == INCOMPLETE
    assert organization_aws.count(USE1, "organizations", "ListAccounts") == 2
    assert run.document["accounts"] == []
    assert run.stderr == (
        "mlmarket: audit incomplete: the organization's account list not read in full; the results cover only what "
        "was read:\n"
        "    organization  us-east-1  organizations:ListAccounts  ServiceException\n"
    )


def test_credentials_that_cannot_list_the_organization_exit_2(organization_aws, tmp_path):
    organization_aws.faults.append(Fault("organizations", "ListAccounts", 400, "AccessDeniedException"))
    run = run_organization_audit(organization_aws, tmp_path)
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == (
        "mlmarket: error: organizations:ListAccounts was denied (AccessDeniedException): run the organization audit "
        "with the credentials of the management account or a delegated administrator, allowed the actions of "
        "policies/iam/mlmarket-organization-policy.json\n"
    )


def test_an_account_outside_any_organization_exits_2(organization_aws, tmp_path):
    organization_aws.faults.append(
        Fault("organizations", "DescribeOrganization", 400, "AWSOrganizationsNotInUseException")
    )
    run = run_organization_audit(organization_aws, tmp_path)
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == (
        "mlmarket: error: the credentials' account is not in an AWS Organization "
        "(AWSOrganizationsNotInUseException); audit it without --organization\n"
    )
    assert organization_aws.count(USE1, "organizations", "ListAccounts") == 0


def test_one_worker_reads_the_same_as_many(organization_audit, organization_aws, tmp_path):
    many = organization_audit[0]
    one = run_organization_audit(organization_aws, tmp_path, "--max-workers", "1")
    assert (one.code, located(one), one.document["accounts"]) == (many.code, located(many), many.document["accounts"])


def test_an_account_listing_that_is_not_an_account_id_is_a_failed_read_never_a_skipped_account(
    organization_aws, tmp_path
):
    listing = {"Accounts": [{"Id": "12345", "Name": "odd", "Status": "ACTIVE"}]}
    organization_aws.replies.append(
        Reply("organizations", "ListAccounts", json.dumps(listing).encode(), content_type="application/x-amz-json-1.1")
    )
    run = run_organization_audit(organization_aws, tmp_path)
    assert run.code == INCOMPLETE
    assert run.document["accounts"] == []
    assert run.stderr.splitlines()[1:] == [
        "    organization  us-east-1  organizations:ListAccounts  malformed response: Id is not an AWS account ID"
    ]


def test_an_assume_role_answer_without_credentials_leaves_that_account_unread(organization_aws, organization, tmp_path):
    account = organization.id(NO_ISOLATION)
    answer = (
        "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn>"
        "</AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>"
    )
    organization_aws.replies.append(Reply("sts", "AssumeRole", answer.encode(), content_type="text/xml", match=account))
    run = run_organization_audit(organization_aws, tmp_path)
    assert run.code == INCOMPLETE
    errors = {entry["account"]: entry["error"] for entry in run.document["accounts"] if entry["error"]}
    role = f"arn:aws:iam::{account}:role/mlmarket-audit"
    assert errors[account] == f"sts:AssumeRole of {role} failed (malformed response: no Credentials)"
    assert not any(result["account"] == account for result in run.document["results"])

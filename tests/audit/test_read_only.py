"""Read-only by construction: the allowlist, the shipped IAM policy and the code agree, and the botocore hook
refuses anything else before it is sent."""

from __future__ import annotations

import json

import boto3
import botocore.session
import pytest

from mlmarket.audit.fetch import ClientFactory, OperationGuard, OperationNotAllowed
from mlmarket.audit.operations import (
    ALLOWED_OPERATIONS,
    MANAGEMENT_OPERATIONS,
    ORGANIZATION_POLICY_PATH,
    iam_actions,
)

from seeded_account import USE1
from support import REPO

POLICY = REPO / "policies" / "iam" / "mlmarket-audit-policy.json"
ORGANIZATION_POLICY = REPO / ORGANIZATION_POLICY_PATH  # the file the audit's messages point at
READ_PREFIXES = ("List", "Describe", "Get")
# An organization audit adds exactly these to what the audit may call, with the management account's credentials.
ORGANIZATION_CALLS = ["organizations:DescribeOrganization", "organizations:ListAccounts", "sts:AssumeRole"]


def test_the_shipped_policy_grants_exactly_the_allowlist():
    policy = json.loads(POLICY.read_text())
    assert policy["Version"] == "2012-10-17"
    assert len(policy["Statement"]) == 1
    statement = policy["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert statement["Action"] == iam_actions()


def test_the_management_policy_grants_the_organization_calls_and_assume_role_on_the_audit_role_only():
    policy = json.loads(ORGANIZATION_POLICY.read_text())
    assert policy["Version"] == "2012-10-17"
    listing, assume = policy["Statement"]
    assert (listing["Effect"], listing["Action"], listing["Resource"]) == (
        "Allow",
        ["organizations:DescribeOrganization", "organizations:ListAccounts"],
        "*",  # neither action supports resource-level permissions
    )
    assert (assume["Effect"], assume["Action"], assume["Resource"]) == (
        "Allow",
        "sts:AssumeRole",
        "arn:aws:iam::*:role/mlmarket-audit",
    )
    assert sorted([*listing["Action"], assume["Action"]]) == iam_actions(MANAGEMENT_OPERATIONS) == ORGANIZATION_CALLS


def test_the_organization_audit_grows_the_allowlist_by_exactly_its_three_calls():
    member = set(iam_actions(ALLOWED_OPERATIONS))
    assert member.isdisjoint(ORGANIZATION_CALLS)
    assert sorted((member | set(iam_actions(MANAGEMENT_OPERATIONS))) - member) == ORGANIZATION_CALLS


@pytest.mark.parametrize(
    ("allowlist", "service"),
    [(ALLOWED_OPERATIONS, service) for service in sorted(ALLOWED_OPERATIONS)]
    + [(MANAGEMENT_OPERATIONS, service) for service in sorted(MANAGEMENT_OPERATIONS)],
)
def test_every_allowlisted_operation_is_a_read_that_botocore_knows(allowlist, service):
    model = botocore.session.get_session().get_service_model(service)
    for operation in allowlist[service]:
        assert operation in model.operation_names
        # The one exception: AssumeRole changes nothing, it issues the audit role's temporary credentials.
        assert operation.startswith(READ_PREFIXES) or f"{service}:{operation}" == "sts:AssumeRole"


@pytest.fixture
def guarded_clients(fake_aws):
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=USE1)
    return ClientFactory(session, fake_aws.url, max_attempts=1)


@pytest.mark.parametrize(
    ("service", "call", "params"),
    [
        ("sagemaker", "delete_model", {"ModelName": "pass-model"}),
        ("sagemaker", "create_presigned_domain_url", {"DomainId": "d", "UserProfileName": "u"}),
        ("ecr", "put_image", {"repositoryName": "pass-model", "imageManifest": "{}"}),
        ("ecr", "get_authorization_token", {}),  # a read, but not one the audit needs
        ("s3", "get_object", {"Bucket": "mlmarket-artifacts-use1", "Key": "model/model.tar.gz"}),
        ("sts", "assume_role", {"RoleArn": "arn:aws:iam::123456789012:role/x", "RoleSessionName": "audit"}),
    ],
)
def test_the_hook_refuses_an_operation_off_the_allowlist_before_sending_it(
    guarded_clients, fake_aws, service, call, params
):
    client = guarded_clients.client(service, USE1)
    operation = client.meta.method_to_api_mapping[call]
    with pytest.raises(OperationNotAllowed, match=f"^{service}:{operation} is not on mlmarket's read-only allowlist$"):
        getattr(client, call)(**params)
    assert fake_aws.operations() == set()  # nothing went over the wire


def test_the_hook_lets_allowlisted_operations_through_and_notes_them(guarded_clients, fake_aws):
    models = guarded_clients.client("sagemaker", USE1).list_models()["Models"]
    assert "pass-model" in {m["ModelName"] for m in models}
    assert guarded_clients.guard.called == {"sagemaker:ListModels"}
    assert fake_aws.operations() == {"sagemaker:ListModels"}


@pytest.mark.parametrize(
    ("service", "call", "params"),
    [
        ("organizations", "create_account", {"Email": "a@example.com", "AccountName": "a"}),
        ("organizations", "list_roots", {}),  # a read, but not one the audit needs
        ("sts", "get_session_token", {}),
        ("sts", "get_caller_identity", {}),  # a member account's read, not the management credentials'
        ("sagemaker", "list_models", {}),  # the member accounts' reads go with their own credentials only
    ],
)
def test_management_clients_refuse_anything_but_the_organization_calls(fake_aws, service, call, params):
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=USE1)
    clients = ClientFactory(session, fake_aws.url, max_attempts=1, guard=OperationGuard(MANAGEMENT_OPERATIONS))
    client = clients.client(service, USE1)
    operation = client.meta.method_to_api_mapping[call]
    with pytest.raises(OperationNotAllowed, match=f"^{service}:{operation} is not on mlmarket's read-only allowlist$"):
        getattr(client, call)(**params)
    assert fake_aws.operations() == set()

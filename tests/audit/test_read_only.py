"""Read-only by construction: the allowlist, the shipped IAM policy and the code agree, and the botocore hook
refuses anything else before it is sent."""

from __future__ import annotations

import json

import boto3
import botocore.session
import pytest

from mlmarket.audit.fetch import ClientFactory, OperationNotAllowed
from mlmarket.audit.operations import ALLOWED_OPERATIONS, iam_actions

from seeded_account import USE1
from support import REPO

POLICY = REPO / "policies" / "iam" / "mlmarket-audit-policy.json"
READ_PREFIXES = ("List", "Describe", "Get")


def test_the_shipped_policy_grants_exactly_the_allowlist():
    policy = json.loads(POLICY.read_text())
    assert policy["Version"] == "2012-10-17"
    assert len(policy["Statement"]) == 1
    statement = policy["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert statement["Action"] == iam_actions()


@pytest.mark.parametrize("service", sorted(ALLOWED_OPERATIONS))
def test_every_allowlisted_operation_is_a_read_that_botocore_knows(service):
    model = botocore.session.get_session().get_service_model(service)
    for operation in ALLOWED_OPERATIONS[service]:
        assert operation in model.operation_names
        assert operation.startswith(READ_PREFIXES)


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

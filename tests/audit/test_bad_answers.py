"""The audit fails closed on answers it cannot use: a success response that is not JSON (or XML), one the mapping
cannot map, a listing that never ends. Each is a failed read naming the operation, the audit goes on with the rest,
and the exit code is 3 (which wins over 1: these runs also hold FAILED results). Never a traceback, never a
resource left out in silence, never a PASSED result for what could not be read.

The fake AWS proxy answers the chosen requests itself (`Reply`); the audit runs in process (`mlmarket audit`'s
own entry point, exit code and JSON report), which keeps these tests fast.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import botocore.session
import pytest

from mlmarket.audit import fetch
from mlmarket.audit.cli_command import add_audit_parser, run_audit_command
from mlmarket.readers.sagemaker_api import (
    ALGORITHM,
    ECR_IMAGE,
    ECR_REPOSITORY,
    ENDPOINT,
    ENDPOINT_CONFIG,
    MODEL,
    MODEL_PACKAGE,
    S3_BUCKET,
    SOURCES,
    TRAINING_JOB,
    Collected,
    Unmapped,
    build_stack,
)

from fake_aws import Reply
from seeded_account import ACCOUNT, FAKE_CREDENTIALS, USE1, arn

INCOMPLETE = 3
HEADING = "mlmarket: audit incomplete: 1 read(s) failed after retries; the results cover only what was read:"
PASS_MODEL = arn("sagemaker", "model", "pass-model")
XML = "text/xml"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def results(self) -> list[dict]:
        return json.loads(self.stdout)["results"]

    def verdicts(self, address_part: str) -> set[str]:
        """The verdicts of every result whose address holds `address_part`."""
        return {r["verdict"] for r in self.results if address_part in r["address"]}


@pytest.fixture
def audit(fake_aws, monkeypatch, tmp_path, capsys):
    """`mlmarket audit --format json` in process, against the seeded fake AWS, in us-east-1."""
    monkeypatch.chdir(tmp_path)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "MLMARKET_SELLER_ACCOUNT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)

    def run(*argv: str) -> Run:
        parser = argparse.ArgumentParser(prog="mlmarket")
        add_audit_parser(parser.add_subparsers(dest="command"))
        options = ("--endpoint-url", fake_aws.url, "--region", USE1, "--format", "json", "--max-attempts", "1")
        code = run_audit_command(parser.parse_args(["audit", *options, *argv]))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def unreadable(*entries: str) -> str:
    heading = HEADING.replace("1 read(s)", f"{len(entries)} read(s)")
    return heading + "\n" + "".join(f"    {entry}\n" for entry in entries)


@pytest.mark.parametrize(
    ("reply", "entry", "not_passed"),
    [
        pytest.param(
            Reply("sagemaker", "ListModels", b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
            "us-east-1  sagemaker:ListModels  malformed response: the body is not JSON",
            ":model/",
            id="listing-not-json",
        ),
        pytest.param(
            Reply("sagemaker", "DescribeModel", b"OK", match='"pass-model"'),
            "us-east-1  sagemaker:DescribeModel  malformed response: the body is not JSON",
            PASS_MODEL,
            id="description-not-json",
        ),
        pytest.param(
            Reply("ecr", "DescribeRepositories", b"[]"),
            "us-east-1  ecr:DescribeRepositories  malformed response: the body is not a JSON object",
            ":repository/",
            id="listing-json-array",
        ),
        pytest.param(
            Reply("s3", "GetBucketLocation", b"{}", content_type=XML, match="mlmarket-artifacts-use1"),
            "us-east-1  s3:GetBucketLocation  malformed response: the body is not XML",
            ":::mlmarket-artifacts-use1",
            id="bucket-location-not-xml",
        ),
        pytest.param(
            Reply("s3", "GetBucketLocation", b"<Owner/>", content_type=XML, match="mlmarket-artifacts-use1"),
            "us-east-1  s3:GetBucketLocation  malformed response: the body is not a LocationConstraint document",
            ":::mlmarket-artifacts-use1",
            id="bucket-location-other-xml",
        ),
        pytest.param(
            Reply("sts", "GetCallerIdentity", b"<html/>", content_type=XML),
            "us-east-1  sts:GetCallerIdentity  malformed response: the body is not a GetCallerIdentityResponse "
            "document",
            None,
            id="caller-identity-other-xml",
        ),
    ],
)
def test_non_json_success_response_is_an_unreadable_read(audit, fake_aws, reply, entry, not_passed):
    fake_aws.replies.append(reply)
    run = audit()
    assert (run.code, run.stderr) == (INCOMPLETE, unreadable(entry))
    assert "FAILED" in {r["verdict"] for r in run.results}  # 3 wins over 1
    if not_passed is None:  # no account: whose images they are cannot be said
        assert {r["verdict"] for r in run.results if r["rule_id"] == "CKV_MLM_003"} == {"UNKNOWN"}
    else:
        assert "PASSED" not in run.verdicts(not_passed)


def describe_model(**fields) -> bytes:
    answer = {"ModelName": "pass-model", "ModelArn": PASS_MODEL, "CreationTime": 1.7e9, **fields}
    return json.dumps({key: value for key, value in answer.items() if value is not ...}).encode()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param(b"{}", "no ModelArn", id="empty-object"),
        pytest.param(describe_model(ModelArn=None), "no ModelArn", id="null-arn"),
        pytest.param(describe_model(ModelName=...), "no ModelName", id="missing-name"),
        pytest.param(describe_model(ModelArn=""), "ModelArn is empty", id="empty-arn"),
        pytest.param(describe_model(ModelName=["pass-model"]), "ModelName is a list, not string", id="list-for-string"),
        pytest.param(describe_model(Containers="x"), "Containers is a string, not list", id="string-for-list"),
        pytest.param(describe_model(Containers=[None]), "Containers[0] is null, not structure", id="null-item"),
        pytest.param(describe_model(PrimaryContainer=[]), "PrimaryContainer is a list, not structure", id="list"),
        pytest.param(
            describe_model(PrimaryContainer={"Image": 5}),
            "PrimaryContainer.Image is a number, not string",
            id="number-for-string",
        ),
        pytest.param(
            describe_model(EnableNetworkIsolation="true"),
            "EnableNetworkIsolation is a string, not boolean",
            id="string-for-boolean",
        ),
        pytest.param(
            describe_model(PrimaryContainer={"Environment": {"TOKEN": 7}}),
            "PrimaryContainer.Environment{} is a number, not string",  # the key stays out of the message
            id="map-value",
        ),
        pytest.param(describe_model(CreationTime=True), "CreationTime is a boolean, not timestamp", id="bool-for-time"),
        pytest.param(b"null", "the body is not a JSON object", id="null"),
        pytest.param(b'"pass-model"', "the body is not a JSON object", id="string"),
    ],
)
def test_a_response_the_mapping_cannot_map_is_an_unreadable_read_of_that_item(audit, fake_aws, body, error):
    fake_aws.replies.append(Reply("sagemaker", "DescribeModel", body, match='"pass-model"'))
    run = audit()
    assert (run.code, run.stderr) == (
        INCOMPLETE,
        unreadable(f"us-east-1  sagemaker:DescribeModel  malformed response: {error}"),
    )
    assert run.verdicts(PASS_MODEL) == set()  # not judged: nothing of it PASSED
    # The other models were read and judged.
    assert ("CKV_MLM_001", arn("sagemaker", "model", "fail-no-isolation"), "FAILED") in {
        (r["rule_id"], r["address"], r["verdict"]) for r in run.results
    }


@pytest.mark.parametrize(
    "kind", [MODEL, ENDPOINT_CONFIG, ENDPOINT, MODEL_PACKAGE, ALGORITHM, TRAINING_JOB, ECR_REPOSITORY, ECR_IMAGE]
)
@pytest.mark.parametrize("response", [{}, None, [], {"ModelArn": 1, "repositoryUri": []}], ids=repr)
def test_build_stack_turns_any_response_it_cannot_map_into_a_failed_read(kind, response):
    """The one place: whatever a response lacks or holds, build_stack reports it, it never raises."""
    stack, unmapped = build_stack([Collected(kind, "eu-west-1", response)], account=ACCOUNT, partition="aws")
    service, operation = SOURCES[kind]
    assert stack.resources == []
    [failure] = unmapped
    assert failure[:3] == ("eu-west-1", service, operation)
    assert isinstance(failure, Unmapped)
    assert failure.error_code.startswith("malformed response: ")


def test_every_sagemaker_read_describes_with_the_operation_the_mapping_names():
    assert {spec.kind: ("sagemaker", spec.describe_operation) for spec in fetch.SAGEMAKER_READS} == {
        kind: SOURCES[kind] for kind in (MODEL, ENDPOINT_CONFIG, ENDPOINT, MODEL_PACKAGE, ALGORITHM, TRAINING_JOB)
    }
    assert SOURCES[S3_BUCKET] == ("s3", "GetBucketLocation")


def forever(request: dict) -> bytes:
    """A ListModels that answers a new page token every time."""
    token = int(request.get("NextToken", "0"))
    return json.dumps({"Models": [], "NextToken": str(token + 1)}).encode()


def cycling(request: dict) -> bytes:
    """A ListModels whose tokens go round: A, B, A, ..."""
    following = {None: "A", "A": "B", "B": "A"}
    return json.dumps({"Models": [], "NextToken": following[request.get("NextToken")]}).encode()


@pytest.mark.parametrize(
    ("answer", "error", "pages"),
    [
        pytest.param(forever, "more than 20 pages", 20, id="new-token-forever"),
        pytest.param(cycling, "a page token repeats: the listing does not end", 3, id="token-repeats"),
    ],
)
def test_a_listing_that_never_ends_is_an_unreadable_read(audit, fake_aws, monkeypatch, answer, error, pages):
    monkeypatch.setattr(fetch, "MAX_PAGES", 20)  # the real bound (1000) takes too long for a test
    fake_aws.replies.append(Reply("sagemaker", "ListModels", answer))
    run = audit()
    assert (run.code, run.stderr) == (
        INCOMPLETE,
        unreadable(f"us-east-1  sagemaker:ListModels  malformed response: {error}"),
    )
    assert fake_aws.count(USE1, "sagemaker", "ListModels") == pages
    assert run.verdicts(":model/") == set()  # no model was listed, none judged
    assert "FAILED" in {r["verdict"] for r in run.results}  # the rest was read and judged


def test_paging_follows_botocore_paginators():
    """PAGING names the tokens and the page size key that botocore's paginator model gives every listing read,
    and the largest page size its service model allows."""
    session = botocore.session.get_session()
    listings = {("sagemaker", spec.list_operation) for spec in fetch.SAGEMAKER_READS}
    listings |= {("ecr", "DescribeRepositories"), ("ecr", "DescribeImages"), ("organizations", "ListAccounts")}
    for service, operation in sorted(listings):
        model = session.get_paginator_model(service).get_paginator(operation)
        paging = fetch.PAGING[service]
        assert (model["input_token"], model["output_token"], model["limit_key"]) == (
            paging.input_token,
            paging.output_token,
            paging.limit_key,
        )
        limit = session.get_service_model(service).operation_model(operation).input_shape.members[paging.limit_key]
        assert limit.metadata["max"] == paging.page_size


def test_the_shape_check_accepts_what_the_json_protocols_may_send():
    """No false failed reads: members AWS added since botocore's model, null members (absent), timestamps as
    numbers or ISO strings, and the strings the JSON protocols write for non-finite floats."""
    shape = (
        botocore.session.get_session().get_service_model("sagemaker").operation_model("DescribeTrainingJob")
    ).output_shape
    answer = {
        "TrainingJobName": "t",
        "SomeFieldAddedLater": {"x": [1, None]},
        "VpcConfig": None,
        "CreationTime": "2025-06-01T00:00:00Z",
        "TrainingEndTime": 1.7e9,
        "FinalMetricDataList": [{"MetricName": "loss", "Value": "NaN"}, {"MetricName": "auc", "Value": 1}],
    }
    assert fetch._misfit(shape, answer, "") is None
    answer["FinalMetricDataList"][1]["Value"] = "1.0"
    assert fetch._misfit(shape, answer, "") == "FinalMetricDataList[1].Value is a string, not float"

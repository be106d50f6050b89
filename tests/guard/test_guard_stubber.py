"""mlmarket.guard on a real botocore client, answered by `botocore.stub.Stubber` (nothing leaves the process): a
violating call is blocked before it is sent, a compliant one is sent, warn mode sends and logs, UNKNOWN is
reported in both modes, and the guard judges every operation as the request-file scan does."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from mlmarket import guard
from mlmarket.model import Verdict
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import REPO, SELLER

REQUESTS = REPO / "request_examples"
DOCS = "https://github.com/mlmarket/mlmarket/blob/main/docs/rules"
PACKAGE_FAILING = REQUESTS / "fail_subscribed_algorithm_package.CreateModelPackage.json"
PACKAGE_PASSING = REQUESTS / "pass_certified_package.CreateModelPackage.json"
MODEL_UNKNOWN = REQUESTS / "unknown_artifact_bucket_region_model.CreateModel.json"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# One botocore session for the plain clients: it loads the (large) SageMaker service model once.
BOTOCORE = botocore.session.get_session()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The guard reads .mlmarket.yaml from the working directory up: work where there is none.
    monkeypatch.chdir(tmp_path)
    for name in ("MLMARKET_SELLER_ACCOUNT", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def request(path: Path) -> dict:
    return json.loads(path.read_text())


def operation_of(path: Path) -> str:
    return path.name.split(".")[-2]


def sagemaker_client(region: str = "us-east-1"):
    return BOTOCORE.create_client("sagemaker", region_name=region, **CREDENTIALS)


def stub_answer(client, path: Path) -> tuple[str, dict]:
    operation = client.meta.service_model.operation_model(operation_of(path))
    method = xform_name(operation.name)
    arn = f"arn:aws:sagemaker:us-east-1:{SELLER}:x/{path.stem}"
    return method, dict.fromkeys(operation.output_shape.members, arn)


def call(client, path: Path):
    method, _ = stub_answer(client, path)
    return getattr(client, method)(**request(path))


def guarded_call(path: Path, **options):
    """Call the request of `path` on a guarded, stubbed client; (stubber still pending?, call's answer or error)."""
    client = sagemaker_client(options.pop("region", "us-east-1"))
    installed = guard.install(client, seller_account=options.pop("seller_account", SELLER), **options)
    method, answer = stub_answer(client, path)
    with Stubber(client) as stubber:
        stubber.add_response(method, answer)
        try:
            outcome = call(client, path)
        except guard.RequestBlocked as error:
            outcome = error
        pending = bool(stubber._queue)
    installed.uninstall()
    return pending, outcome


def test_block_mode_raises_instead_of_sending_and_lists_every_failed_rule():
    pending, error = guarded_call(PACKAGE_FAILING)
    assert pending, "the request was sent"
    assert isinstance(error, guard.RequestBlocked)
    address = "CreateModelPackage:my-product-from-algorithm"
    assert (error.operation, error.address) == ("CreateModelPackage", address)
    assert [(r.rule_id, r.verdict, r.docs_url) for r in error.results] == [
        ("CKV_MLM_005", Verdict.FAILED, f"{DOCS}/CKV_MLM_005.md"),
        ("CKV_MLM_014", Verdict.FAILED, f"{DOCS}/CKV_MLM_014.md"),
    ]
    assert str(error) == "\n".join([
        f"mlmarket blocked {address}: 2 Marketplace rule(s) not met",
        "  CKV_MLM_005 FAILED: SourceAlgorithmSpecification.SourceAlgorithms[0].ModelDataUrl is in bucket "
        "'my-product-artifacts' in us-west-2 (from the URL host), not in us-east-1, the region of this resource "
        f"({DOCS}/CKV_MLM_005.md)",
        "  CKV_MLM_014 FAILED: SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName is "
        "'arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm' in account 444455556666, not the "
        "seller account 111122223333: a package derived from a subscribed algorithm cannot be listed "
        f"({DOCS}/CKV_MLM_014.md)",
    ])


def test_block_mode_sends_a_compliant_request_and_logs_nothing(caplog):
    with caplog.at_level(logging.INFO, logger="mlmarket.guard"):
        pending, answer = guarded_call(PACKAGE_PASSING)
    assert not pending
    assert answer["ModelPackageArn"] == f"arn:aws:sagemaker:us-east-1:{SELLER}:x/{PACKAGE_PASSING.stem}"
    assert caplog.records == []


def test_warn_mode_sends_and_logs_every_failure(caplog):
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        pending, answer = guarded_call(PACKAGE_FAILING, mode="warn")
    assert not pending
    assert "ModelPackageArn" in answer
    address = "CreateModelPackage:my-product-from-algorithm"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"mlmarket guard: FAILED CKV_MLM_005 {address}: SourceAlgorithmSpecification.SourceAlgorithms[0]"
                    ".ModelDataUrl is in bucket 'my-product-artifacts' in us-west-2 (from the URL host), not in "
                    f"us-east-1, the region of this resource ({DOCS}/CKV_MLM_005.md)"),
        ("WARNING", f"mlmarket guard: FAILED CKV_MLM_014 {address}: SourceAlgorithmSpecification.SourceAlgorithms[0]"
                    ".AlgorithmName is 'arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm' in "
                    "account 444455556666, not the seller account 111122223333: a package derived from a subscribed "
                    f"algorithm cannot be listed ({DOCS}/CKV_MLM_014.md)"),
    ]


UNKNOWN_LOG = (
    "mlmarket guard: UNKNOWN CKV_MLM_005 CreateModel:my-product-s3-artifacts: PrimaryContainer.ModelDataUrl: bucket "
    f"'my-product-artifacts' is not declared in this configuration, so its region is unknown ({DOCS}/CKV_MLM_005.md)"
)


@pytest.mark.parametrize("mode", ["block", "warn"])
def test_unknown_is_reported_in_both_modes_and_lets_the_call_go(caplog, mode):
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        pending, _ = guarded_call(MODEL_UNKNOWN, mode=mode)
    assert not pending
    assert [r.getMessage() for r in caplog.records] == [UNKNOWN_LOG]


def test_strict_blocks_on_unknown():
    pending, error = guarded_call(MODEL_UNKNOWN, strict=True)
    assert pending
    assert isinstance(error, guard.RequestBlocked)
    assert [(r.rule_id, r.verdict) for r in error.results] == [("CKV_MLM_005", Verdict.UNKNOWN)]


def test_block_mode_reports_unknowns_beside_the_failures_it_blocks(caplog):
    violating = {**request(MODEL_UNKNOWN), "EnableNetworkIsolation": False}
    client = sagemaker_client()
    installed = guard.install(client, seller_account=SELLER)
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"), pytest.raises(guard.RequestBlocked) as raised:
        client.create_model(**violating)
    installed.uninstall()
    assert [r.rule_id for r in raised.value.results] == ["CKV_MLM_001"]
    assert [r.getMessage() for r in caplog.records] == [UNKNOWN_LOG]


@pytest.mark.parametrize("path", sorted(REQUESTS.glob("*.json")), ids=lambda p: p.name)
def test_the_guard_judges_each_operation_as_the_file_scan_does(path, monkeypatch):
    monkeypatch.chdir(REQUESTS)  # the examples' .mlmarket.yaml: seller account and publishing region
    scanned = scan_path(str(path), Settings())
    failed = [(r.rule_id, r.message) for r in scanned if r.verdict is Verdict.FAILED]
    pending, outcome = guarded_call(path, seller_account=None)
    if failed:
        assert pending
        assert [(r.rule_id, r.message) for r in outcome.results] == failed
    else:
        assert not pending
        assert not isinstance(outcome, Exception)


def test_the_region_is_the_clients():
    pending, error = guarded_call(REQUESTS / "pass_isolated_model.CreateModel.json", region="eu-west-1")
    assert pending
    assert [(r.rule_id, r.message) for r in error.results] == [
        ("CKV_MLM_004", "PrimaryContainer.Image is in us-east-1, but the resource is in eu-west-1; SageMaker pulls "
                        "images only from ECR in its own region"),
        ("CKV_MLM_005", "PrimaryContainer.ModelDataUrl is in bucket 'my-product-artifacts' in us-east-1 (from the "
                        "URL host), not in eu-west-1, the region of this resource"),
    ]


def test_the_seller_account_comes_from_the_settings(tmp_path):
    (tmp_path / ".mlmarket.yaml").write_text('seller_account_id: "444455556666"\n')
    pending, error = guarded_call(REQUESTS / "pass_isolated_model.CreateModel.json", seller_account=None)
    assert pending
    assert [r.rule_id for r in error.results] == ["CKV_MLM_003"]
    assert "not the seller account 444455556666" in error.results[0].message


def test_without_a_seller_account_003_is_unknown_and_no_account_is_asked_for(caplog):
    with caplog.at_level(logging.WARNING, logger="mlmarket.guard"):
        pending, _ = guarded_call(REQUESTS / "pass_isolated_model.CreateModel.json", seller_account=None)
    assert not pending
    assert [r.getMessage().split(":")[1] for r in caplog.records] == [" UNKNOWN CKV_MLM_003 CreateModel"]


def test_parameters_botocore_refuses_are_left_to_botocore():
    client = sagemaker_client()
    installed = guard.install(client, seller_account=SELLER)
    with pytest.raises(ParamValidationError):
        client.create_model(ModelName="m", EnableNetworkIsolation="no")
    installed.uninstall()


def test_uninstall_removes_the_guard():
    client = sagemaker_client()
    installed = guard.install(client, seller_account=SELLER)
    installed.uninstall()
    method, answer = stub_answer(client, PACKAGE_FAILING)
    with Stubber(client) as stubber:
        stubber.add_response(method, answer)
        call(client, PACKAGE_FAILING)
        stubber.assert_no_pending_responses()


def test_on_a_boto3_session_the_clients_it_creates_are_guarded_until_uninstall():
    """As the SageMaker Python SDK uses it: `sagemaker.Session(boto_session=session)` creates its client with
    `session.client("sagemaker")` after the guard is installed on the session."""
    session = boto3.Session(region_name="us-east-1", **CREDENTIALS)
    installed = guard.install(session, seller_account=SELLER)
    client = session.client("sagemaker")
    with pytest.raises(guard.RequestBlocked):
        call(client, PACKAGE_FAILING)
    installed.uninstall()
    method, answer = stub_answer(client, PACKAGE_FAILING)
    with Stubber(client) as stubber:
        stubber.add_response(method, answer)
        call(client, PACKAGE_FAILING)  # the client kept a copy of the handlers: uninstall silenced them too
        stubber.assert_no_pending_responses()
    with pytest.raises(guard.RequestBlocked):  # installed again, on new clients
        reinstalled = guard.install(session, seller_account=SELLER)
        call(session.client("sagemaker"), PACKAGE_FAILING)
    reinstalled.uninstall()


def test_a_botocore_session_can_be_guarded():
    session = botocore.session.get_session()
    installed = guard.install(session, seller_account=SELLER)
    with pytest.raises(guard.RequestBlocked):
        call(session.create_client("sagemaker", region_name="us-east-1", **CREDENTIALS), PACKAGE_FAILING)
    installed.uninstall()


def test_other_operations_are_not_judged():
    client = sagemaker_client()
    installed = guard.install(client, seller_account=SELLER)
    with Stubber(client) as stubber:
        stubber.add_response("list_models", {"Models": []})
        assert client.list_models() == {"Models": []}
    installed.uninstall()


def test_install_refuses_what_it_cannot_guard():
    with pytest.raises(ValueError, match="mode must be one of block, warn, not 'log'"):
        guard.install(sagemaker_client(), mode="log")
    s3 = BOTOCORE.create_client("s3", region_name="us-east-1", **CREDENTIALS)
    with pytest.raises(TypeError, match="guards SageMaker clients, not a s3 client"):
        guard.install(s3)
    with pytest.raises(TypeError, match="not dict"):
        guard.install({})


def test_the_guard_opens_no_socket(socket_disabled):
    # pytest-socket fails any connection attempt: judging needs no network (the Stubber answers the call).
    assert guarded_call(PACKAGE_PASSING)[0] is False
    assert isinstance(guarded_call(PACKAGE_FAILING)[1], guard.RequestBlocked)

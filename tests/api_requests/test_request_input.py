"""Request files as input: which files are requests, bad requests (exit 2, one line naming the file and the first
wrong field, never a traceback, never a pass), and where the region and the seller account come from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlmarket.cli import main
from mlmarket.model import Verdict
from mlmarket.readers.api_request import REGION_HINT, SUPPORTED_OPERATIONS
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import REPO, SELLER

EXAMPLES = REPO / "request_examples"
MODEL = json.loads((EXAMPLES / "pass_isolated_model.CreateModel.json").read_text())
MODEL_ADDRESS = "CreateModel:model.CreateModel.json"


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "MLMARKET_SELLER_ACCOUNT"):
        monkeypatch.delenv(name, raising=False)


def write(directory: Path, name: str, content: object) -> Path:
    path = directory / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verdicts(path: Path, **options: object) -> dict[str, tuple[Verdict, str]]:
    settings = Settings(seller_account=options.pop("seller", SELLER))
    return {r.rule_id: (r.verdict, r.message) for r in scan_path(str(path), settings, **options)}


# Which files are requests


def test_the_operation_comes_from_the_file_name(tmp_path):
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    results = scan_path(str(path), Settings(seller_account=SELLER), region="us-east-1")
    assert {(r.address, r.resource_type) for r in results} == {(MODEL_ADDRESS, "CreateModel")}
    assert {r.verdict for r in results} == {Verdict.PASSED}


def test_request_names_the_operation_of_any_file(tmp_path, capsys):
    path = write(tmp_path, "request.json", MODEL)
    code, out, err = scan(capsys, str(path), "--request", "CreateModel", "--region", "us-east-1",
                          "--seller-account", SELLER, "-o", "json")
    assert (code, err) == (0, "")
    assert {r["address"] for r in json.loads(out)["results"]} == {"CreateModel:request.json"}


def test_a_json_file_named_otherwise_is_read_as_a_plan(tmp_path, capsys):
    path = write(tmp_path, "model.json", MODEL)
    assert scan(capsys, str(path)) == (
        2, "", f"mlmarket: error: {path}: no format_version: not the output of `terraform show -json <planfile>`\n")


# Bad requests: exit 2, one line naming the file and the first wrong field

BAD_REQUESTS = [
    pytest.param("x.CreateModel.json", "{", "{path}:1: invalid JSON: Expecting property name enclosed in double "
                 "quotes (column 2)", id="not-json"),
    pytest.param("x.CreateModel.json", "", "{path}:1: invalid JSON: Expecting value (column 1)", id="empty"),
    pytest.param("x.CreateModel.json", "[]", "{path}: a SageMaker request file holds one JSON object (the "
                 "operation's parameters)", id="not-an-object"),
    pytest.param("x.CreateModel.json", '{"ModelName": NaN}', "{path}: invalid JSON: NaN is not a JSON value",
                 id="nan"),
    pytest.param("x.CreateModel.json", {"ExecutionRoleArn": "arn:aws:iam::111122223333:role/r"},
                 "{path}: not a valid CreateModel request: ModelName is required", id="missing-required"),
    pytest.param("x.CreateModel.json", {**MODEL, "EnableNetworkIsolation": "yes"},
                 "{path}: not a valid CreateModel request: EnableNetworkIsolation is a string, expected a boolean",
                 id="wrong-type"),
    pytest.param("x.CreateModel.json", {**MODEL, "PrimaryContainer": {"Image": "i", "Imagee": "j"}},
                 "{path}: not a valid CreateModel request: PrimaryContainer.Imagee is not a field of the request "
                 "(expected one of: ContainerHostname, Image, ImageConfig, Mode, ModelDataUrl, ModelDataSource, "
                 "AdditionalModelDataSources, Environment, ModelPackageName, InferenceSpecificationName, "
                 "MultiModelConfig)", id="unknown-nested-field"),
    pytest.param("x.CreateEndpointConfig.json", {"EndpointConfigName": "e", "ProductionVariants": [
                     {"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.xlarge",
                      "InitialInstanceCount": 0}]},
                 "{path}: not a valid CreateEndpointConfig request: ProductionVariants[0].InitialInstanceCount is "
                 "below its minimum, 1", id="below-minimum"),
    pytest.param("x.CreateModel.json", {**MODEL, "ExecutionRoleArn": "arn:aws:iam::"},
                 "{path}: not a valid CreateModel request: ExecutionRoleArn is shorter than its minimum length, 20",
                 id="too-short"),
    pytest.param("x.CreatePipeline.json", {"PipelineName": "p", "RoleArn": "arn:aws:iam::111122223333:role/r",
                                           "PipelineDefinition": "{not json"},
                 "{path}: PipelineDefinition is not valid JSON", id="pipeline-definition-not-json"),
    pytest.param("x.CreatePipeline.json", {"PipelineName": "p", "RoleArn": "arn:aws:iam::111122223333:role/r",
                                           "PipelineDefinition": "[1]"},
                 "{path}: PipelineDefinition is not a JSON object", id="pipeline-definition-not-an-object"),
    pytest.param("x.CreateEndpoint.json", {"EndpointName": "e", "EndpointConfigName": "c"},
                 "{path}: CreateEndpoint requests are not checked; mlmarket checks " + ", ".join(SUPPORTED_OPERATIONS),
                 id="unsupported-operation"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_REQUESTS)
def test_bad_request_is_one_line_and_exit_2(tmp_path, capsys, name, content, message):
    path = write(tmp_path, name, content)
    code, out, err = scan(capsys, str(path), "--region", "us-east-1")
    assert (code, out) == (2, "")
    assert err == f"mlmarket: error: {message.format(path=path)}\n"


def test_invalid_utf8_is_one_line(tmp_path, capsys):
    path = tmp_path / "x.CreateModel.json"
    path.write_bytes(b'{"ModelName": "\xff"}')
    assert scan(capsys, str(path)) == (2, "", f"mlmarket: error: {path}: invalid UTF-8 at byte 15\n")


def test_a_wrong_value_is_never_quoted(tmp_path, capsys):
    # Environment values may be secrets: the error names the field and the types, not the value.
    container = {"Image": MODEL["PrimaryContainer"]["Image"], "Environment": {"API_KEY": 987654321}}
    path = write(tmp_path, "x.CreateModel.json", {**MODEL, "PrimaryContainer": container})
    code, _, err = scan(capsys, str(path))
    assert code == 2
    assert err == (f"mlmarket: error: {path}: not a valid CreateModel request: "
                   "PrimaryContainer.Environment.API_KEY is an integer, expected a string\n")


def test_an_unsupported_request_option_is_a_usage_error(tmp_path, capsys):
    path = write(tmp_path, "x.json", MODEL)
    code, out, err = scan(capsys, str(path), "--request", "CreateEndpoint")
    assert (code, out) == (2, "")
    assert err == ("mlmarket: error: --request 'CreateEndpoint' is not a supported operation; mlmarket checks "
                   f"{', '.join(SUPPORTED_OPERATIONS)}\n")


def test_request_option_refuses_a_directory(tmp_path, capsys):
    assert scan(capsys, str(tmp_path), "--request", "CreateModel") == (
        2, "", f"mlmarket: error: {tmp_path}: is a directory; --request CreateModel takes request files\n")


def test_region_option_without_a_request_file_is_a_usage_error(capsys):
    plan = REPO / "terraform_examples" / "compliant_endpoint" / "plan.json"
    assert scan(capsys, str(plan), "--region", "us-east-1") == (
        2, "", "mlmarket: error: --region applies to SageMaker API request files only; Terraform sets regions in "
        "its providers\n")


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_a_junk_region_variable_is_an_input_error(tmp_path, capsys, monkeypatch, variable):
    monkeypatch.setenv(variable, "mars-1")
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    assert scan(capsys, str(path)) == (
        2, "", f"mlmarket: error: environment variable {variable}: 'mars-1' is not a region name (such as us-east-1)\n")


def test_the_request_file_is_left_as_it_was(tmp_path, capsys):
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    assert scan(capsys, str(path), "--region", "eu-west-1")[0] == 1
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the publishing region; else UNKNOWN


def test_without_a_region_the_regional_rules_are_unknown_with_the_hint(tmp_path):
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    reason = f"no region is set for the request: {REGION_HINT}"
    found = verdicts(path)
    assert {rule: verdict for rule, (verdict, _) in found.items()} == {
        "CKV_MLM_001": Verdict.PASSED, "CKV_MLM_002": Verdict.PASSED, "CKV_MLM_003": Verdict.PASSED,
        "CKV_MLM_004": Verdict.UNKNOWN, "CKV_MLM_005": Verdict.UNKNOWN, "CKV_MLM_006": Verdict.UNKNOWN,
        "CKV_MLM_007": Verdict.UNKNOWN, "CKV_MLM_013": Verdict.PASSED,
    }
    assert found["CKV_MLM_004"][1] == f"the region of the resource cannot be resolved: {reason}"
    assert found["CKV_MLM_007"][1] == f"the region of this resource is unknown: {reason}"


@pytest.mark.parametrize(
    ("flag", "environment", "publishing", "region"),
    [
        ("eu-west-1", {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}, "us-east-1", "eu-west-1"),
        (None, {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"}, "us-east-1", "eu-west-1"),
        (None, {"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"}, "us-east-1", "eu-west-1"),
        (None, {}, "eu-west-1", "eu-west-1"),
    ],
    ids=["flag", "AWS_REGION", "AWS_DEFAULT_REGION", "publishing-region"],
)
def test_where_the_region_comes_from(tmp_path, monkeypatch, flag, environment, publishing, region):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".mlmarket.yaml").write_text(f"publishing_region: {publishing}\n")
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    found = verdicts(path, region=flag)
    image = MODEL["PrimaryContainer"]["Image"]
    assert image.split(".")[3] == "us-east-1"
    if region == "us-east-1":
        assert found["CKV_MLM_004"][0] is Verdict.PASSED
    else:
        assert found["CKV_MLM_004"] == (
            Verdict.FAILED,
            f"PrimaryContainer.Image is in us-east-1, but the resource is in {region}; SageMaker pulls images "
            "only from ECR in its own region",
        )


# Seller account: as for other scans


def test_without_a_seller_account_003_is_unknown_with_the_hint(tmp_path):
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    found = verdicts(path, seller=None, region="us-east-1")
    assert found["CKV_MLM_003"] == (
        Verdict.UNKNOWN,
        "PrimaryContainer.Image is in account 111122223333, and no seller account is set: set the seller account "
        "with --seller-account, `seller_account_id` in .mlmarket.yaml, MLMARKET_SELLER_ACCOUNT, or "
        "allowed_account_ids on the aws provider",
    )


@pytest.mark.parametrize("source", ["config", "environment"])
def test_the_seller_account_comes_from_the_configuration_or_the_environment(tmp_path, monkeypatch, source):
    if source == "config":
        (tmp_path / ".mlmarket.yaml").write_text('seller_account_id: "444455556666"\n')
    else:
        monkeypatch.setenv("MLMARKET_SELLER_ACCOUNT", "444455556666")
    path = write(tmp_path, "model.CreateModel.json", MODEL)
    assert verdicts(path, seller=None, region="us-east-1")["CKV_MLM_003"] == (
        Verdict.FAILED,
        "PrimaryContainer.Image is in account 111122223333, not the seller account 444455556666; Marketplace "
        "publishes only images from the seller's own ECR registry",
    )


def test_configured_skips_apply_to_requests(tmp_path):
    (tmp_path / ".mlmarket.yaml").write_text("skip:\n  - id: CKV_MLM_001\n    reason: isolation is tested elsewhere\n")
    path = write(tmp_path, "model.CreateModel.json", {**MODEL, "EnableNetworkIsolation": False})
    assert verdicts(path, region="us-east-1")["CKV_MLM_001"] == (
        Verdict.SKIPPED, "skipped: isolation is tested elsewhere")


def test_strict_fails_an_unknown_request(capsys):
    path = EXAMPLES / "unknown_artifact_bucket_region_model.CreateModel.json"
    assert scan(capsys, str(path), "-q")[0] == 0
    assert scan(capsys, str(path), "-q", "--strict")[0] == 1

"""Reads a live AWS account for the audit: the one module of mlmarket that talks to AWS (boto3, botocore).

Read-only by construction: every client carries a botocore `before-call` hook that refuses, before anything is
sent, any operation not on the allowlist of its credentials (`operations.ALLOWED_OPERATIONS` for an audited
account, `operations.MANAGEMENT_OPERATIONS` for an organization's management account). Clients retry in
botocore's `adaptive` mode (client-side rate limiting on throttling, backoff on 5xx). One bounded thread pool
reads every (region, service) pair; a read that still fails after the retries is recorded as unreadable and the
audit goes on with the rest.

Fail closed on bad answers: every call goes through `Reads`, which turns any failure of that call into an
unreadable read naming the operation, and a `before-parse` hook refuses, before botocore's parser can turn it into
an empty answer, a success response whose body does not fit the operation's output shape (not JSON, not an
object, a member of the wrong type, XML with another root element). Listings are paged by `Reads.pages`, which
stops at MAX_PAGES pages and on a page token it has seen before.

An organization audit (`mlmarket.audit.organization` schedules it) uses the pieces here: `read_organization`
lists the active accounts with the management credentials, `assume_audit_role` gets each member account's
temporary credentials, and `region_jobs`/`bucket_job` are the reads of one account, the same as `collect` runs.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError, ProfileNotFound

from mlmarket import __version__
from mlmarket.audit import AuditSetupError, Progress, Unreadable
from mlmarket.audit.operations import (
    ALLOWED_OPERATIONS,
    MANAGEMENT_OPERATIONS,
    ORGANIZATION_POLICY_PATH,
    Allowlist,
    is_allowed,
)
from mlmarket.readers.sagemaker_api import (
    ALGORITHM,
    ECR_IMAGE,
    ECR_REPOSITORY,
    ENDPOINT,
    ENDPOINT_CONFIG,
    MODEL,
    MODEL_PACKAGE,
    S3_BUCKET,
    TRAINING_JOB,
    Collected,
    MalformedResponse,
    malformed,
    needs_scan_findings,
    referenced_buckets,
    required_text,
)

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

DEFAULT_MAX_ATTEMPTS = 8
"""Attempts per API call, the first included, before a read counts as unreadable (botocore's adaptive mode)."""

DEFAULT_MAX_WORKERS = 8
"""Threads reading (region, service) pairs at once: enough to overlap latency, few enough to stay under the
SageMaker and ECR request rates of one account."""

TRAINING_JOB_WINDOW_DAYS = 30
"""Training jobs are audited when created within this many days ("recent"); older ones are history."""

MAX_TRAINING_JOBS_PER_REGION = 100
"""At most this many training jobs per region, newest first: a busy account runs thousands."""

# The item was deleted between its listing and its description: it is no longer deployed, nothing is missing.
_GONE = frozenset({"ResourceNotFound", "RepositoryNotFoundException", "ImageNotFoundException", "NoSuchBucket"})
# Credentials that AWS rejects make every read fail: that is a usage error, not an incomplete audit.
_REJECTED_CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "AuthFailure",
    }
)
_SCAN_NOT_FOUND = "ScanNotFoundException"

MAX_PAGES = 1000
"""Pages one listing may take before the read is recorded as failed ("more than 1000 pages") and the audit goes on.

A service that keeps answering with a new page token would otherwise keep the audit reading forever. Pages are
asked at the largest size each service allows (PAGING), so the bound is far above any account a seller publishes
from: 100,000 SageMaker items of one kind per region (100 a page), and 1,000,000 ECR repositories per region or
images per repository (1,000 a page), ten times ECR's default quotas of 100,000 repositories per registry and
20,000 images per repository. At about 0.1 s a page, hitting it costs under two minutes per listing."""


@dataclass(frozen=True)
class Paging:
    """How a service pages its listings (botocore's paginator model; a test keeps the two equal)."""

    input_token: str
    output_token: str
    limit_key: str
    page_size: int  # the largest the service accepts


PAGING = {
    "sagemaker": Paging("NextToken", "NextToken", "MaxResults", 100),
    "ecr": Paging("nextToken", "nextToken", "maxResults", 1000),
    "organizations": Paging("NextToken", "NextToken", "MaxResults", 20),
}


class OperationNotAllowed(Exception):
    """Raised by the `before-call` hook for an operation that is not on the read-only allowlist."""


@dataclass
class Snapshot:
    """Everything one audit read: the responses, the audited account, and what could not be read."""

    account: str | None
    partition: str
    collected: list[Collected] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    operations_called: frozenset[str] = frozenset()


class OperationGuard:
    """The `before-call` hook: refuses any operation not on the allowlist, and notes those it lets through."""

    def __init__(self, allowlist: Allowlist = ALLOWED_OPERATIONS) -> None:
        self.allowlist = allowlist
        self._called: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if not is_allowed(service, model.name, self.allowlist):
            raise OperationNotAllowed(f"{service}:{model.name} is not on mlmarket's read-only allowlist")
        with self._lock:
            self._called.add(f"{service}:{model.name}")

    @property
    def called(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._called)


class ClientFactory:
    """Guarded clients, one per (service, region).

    A boto3 session is not thread-safe (its clients are): clients are made under `session_lock`, which every
    factory sharing one session must share. An organization audit makes one factory per member account, with
    that account's temporary `credentials`, on one session: the service models are loaded once, not once per
    thread or account."""

    def __init__(
        self,
        session: boto3.session.Session,
        endpoint_url: str | None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        *,
        guard: OperationGuard | None = None,
        credentials: dict[str, str] | None = None,
        session_lock: threading.Lock | None = None,
    ) -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self.max_attempts = max_attempts
        self.guard = guard or OperationGuard()
        self.session_lock = session_lock or threading.Lock()
        self._credentials = credentials or {}
        self._config = Config(
            # total_max_attempts counts the first attempt; botocore's max_attempts would count only the retries.
            retries={"mode": "adaptive", "total_max_attempts": max_attempts},
            user_agent_extra=f"mlmarket-audit/{__version__}",
            # A custom endpoint (moto, LocalStack) serves buckets by path, not by host name.
            s3={"addressing_style": "path"} if endpoint_url else None,
        )
        self._clients: dict[tuple[str, str], BaseClient] = {}

    def client(self, service: str, region: str) -> BaseClient:
        key = (service, region)
        with self.session_lock:
            if key not in self._clients:
                client = self.session.client(
                    service,
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    config=self._config,
                    **self._credentials,
                )
                # First, so no other handler can answer a call before the allowlist has seen it.
                client.meta.events.register_first("before-call", self.guard)
                client.meta.events.register("before-parse", check_response_body)
                self._clients[key] = client
            return self._clients[key]


def make_session(profile: str | None) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise AuditSetupError(str(error)) from None


class Reads:
    """One client's calls for one read, with failures recorded as unreadable instead of raised.

    The one place where a call's failure, of any kind, becomes an Unreadable naming the operation: AWS errors
    after the retries, answers that do not fit the operation (MalformedResponse, botocore's parser errors), and
    answers that fit the shape but lack what the audit needs to go on (`answer_of`)."""

    def __init__(self, client: BaseClient, region: str) -> None:
        self.client = client
        self.region = region
        self.service = client.meta.service_model.service_name
        self.unreadable: list[Unreadable] = []

    def pages(self, operation: str, result_key: str, max_items: int | None = None, **params: Any) -> list[Any]:
        """Every item of a paginated listing (at most `max_items`); on a failure, the items of the pages read
        before it. A listing that does not end (more than MAX_PAGES pages, or a page token seen before) is a
        failed read."""
        paging = PAGING[self.service]
        items: list[Any] = []
        seen: set[str] = set()
        params = {**params, paging.limit_key: paging.page_size}
        for _ in range(MAX_PAGES):
            try:
                page = self._send(operation, params)
                with self.answer_of(operation):
                    found = page[result_key]
                    if not isinstance(found, list):  # the shape check lets a null through: it is not a listing
                        raise MalformedResponse(f"{result_key} is not a list")
            except _Failed:
                return items
            items.extend(found)
            if max_items is not None and len(items) >= max_items:
                return items[:max_items]
            token = page.get(paging.output_token)
            if token is None:
                return items
            if token in seen:
                self.record(operation, MalformedResponse("a page token repeats: the listing does not end"))
                return items
            seen.add(token)
            params[paging.input_token] = token
        self.record(operation, MalformedResponse(f"more than {MAX_PAGES} pages"))
        return items

    def call(
        self, operation: str, *, absent: Iterable[str] = (), **params: Any
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(response, None); (None, None) when the item is gone or the error code is in `absent`;
        (None, error code) when the call failed (recorded as unreadable)."""
        try:
            return self._send(operation, params, absent=frozenset(absent)), None
        except _Gone:
            return None, None
        except _Failed as failed:
            return None, failed.code

    @contextmanager
    def answer_of(self, operation: str) -> Iterator[None]:
        """`with reads.answer_of(operation): ...` around code that uses the answer of `operation`: whatever it
        raises (a missing key, a null, a wrong type) records the read as failed, and raises _Failed."""
        try:
            yield
        except (_Failed, _Gone, OperationNotAllowed):
            raise
        except Exception as error:
            raise _Failed(self.record(operation, error)) from None

    def record(self, operation: str, error: BaseException) -> str:
        code = error_code(error)
        self.unreadable.append(Unreadable(self.region, self.service, operation, code))
        return code

    def _send(self, operation: str, params: dict[str, Any], absent: frozenset[str] = frozenset()) -> dict[str, Any]:
        try:
            response = getattr(self.client, xform_name(operation))(**params)
        except OperationNotAllowed:
            raise  # a bug of this module, never a gap in the account: let it surface
        except Exception as error:  # AWS errors, MalformedResponse, botocore's parser on an answer it cannot read
            code = error_code(error)
            if isinstance(error, ClientError) and (code in _GONE or code in absent):
                raise _Gone from None
            raise _Failed(self.record(operation, error)) from None
        with self.answer_of(operation):
            if not isinstance(response, dict):
                raise MalformedResponse("the answer is not an object")
            response.pop("ResponseMetadata", None)
        return response


class _Failed(Exception):
    """A call or its answer failed, and is recorded as unreadable: stop using it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _Gone(Exception):
    """The item was deleted between its listing and its description (or the error code says "absent")."""


def error_code(error: BaseException) -> str:
    """What the report says of a failed read: AWS's error code, botocore's error type, or why the answer is
    unusable (mapping.malformed: the field or type at fault, never a value of the response)."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "Unknown")
    if isinstance(error, BotoCoreError):
        return type(error).__name__
    if isinstance(error, ElementTree.ParseError):  # botocore's S3 handlers parse some bodies themselves
        return malformed(MalformedResponse("the body is not XML"))
    return malformed(error)


def check_response_body(operation_model: OperationModel, response_dict: dict[str, Any], **_: Any) -> None:
    """The `before-parse` hook: a success response must fit its operation, else MalformedResponse.

    botocore reads a JSON body that is not JSON as `{"message": body}` and then keeps only the members of the
    output shape: a listing that answers an HTML page reads as "no items". This refuses such bodies, JSON that is
    not an object, members whose type differs from the shape (botocore would crash on some, pass others on), and
    XML whose root element is not the operation's."""
    if response_dict.get("status_code", 0) >= 300 or operation_model.output_shape is None:
        return  # errors are parsed and raised by botocore
    body = response_dict.get("body") or b""
    protocol = operation_model.service_model.protocol
    if protocol in ("json", "rest-json"):
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            raise MalformedResponse("the body is not JSON") from None
        if not isinstance(document, dict):
            raise MalformedResponse("the body is not a JSON object")
        misfit = _misfit(operation_model.output_shape, document, "")
        if misfit is not None:
            raise MalformedResponse(misfit)
    elif protocol in ("query", "rest-xml"):
        try:
            root = ElementTree.fromstring(body)
        except (ElementTree.ParseError, ValueError):
            raise MalformedResponse("the body is not XML") from None
        expected = _xml_root(operation_model)
        if expected is not None and root.tag.rsplit("}", 1)[-1] != expected:
            raise MalformedResponse(f"the body is not a {expected} document")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float, str),  # epoch seconds, or an ISO 8601 string
    "blob": (str,),  # base64
}
# The JSON protocols write the floating-point numbers JSON cannot as these strings.
_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})
_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
}


def _misfit(shape: Shape, value: Any, path: str) -> str | None:
    """Why `value` (decoded JSON from the wire) does not fit `shape`, or None. Names the member, never a value.
    Members the shape does not know are left alone (AWS adds fields); a member that is null is absent (as botocore
    and the Smithy protocols read it), but a null item of a list or a map is a misfit."""
    if getattr(shape, "is_document_type", False):
        return None
    expected = _JSON_TYPES.get(shape.type_name)
    if expected is None:
        return None
    if shape.type_name in ("float", "double") and isinstance(value, str) and value in _NON_FINITE:
        return None
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return f"{path or 'the answer'} is {_type_name(value)}, not {shape.type_name}"
    items: Iterable[tuple[Shape, Any, str]] = ()
    if shape.type_name == "structure":
        items = (
            (member, value[name], f"{path}.{name}" if path else name)
            for name, member in shape.members.items()
            if value.get(name) is not None
        )
    elif shape.type_name == "list":
        items = ((shape.member, item, f"{path}[{index}]") for index, item in enumerate(value))
    elif shape.type_name == "map":  # the keys (environment variable names...) stay out of the message
        items = ((shape.value, item, f"{path}{{}}") for item in value.values())
    for member, item, where in items:
        misfit = _misfit(member, item, where)
        if misfit is not None:
            return misfit
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), "another type")


def _xml_root(operation_model: OperationModel) -> str | None:
    """The root element of an XML success answer: `<Operation>Response` (query), or the one body member's name
    (rest-xml, GetBucketLocation's `LocationConstraint`); None when the model does not say."""
    if operation_model.service_model.protocol == "query":
        return f"{operation_model.name}Response"
    shape = operation_model.output_shape
    body = [
        member.serialization.get("name", name)
        for name, member in shape.members.items()
        if "location" not in member.serialization
    ]
    return body[0] if len(body) == 1 else None


@dataclass(frozen=True)
class ListThenDescribe:
    """A SageMaker read: list the items, then describe each one (the listing summaries lack the details)."""

    what: str  # shown in progress: "models"
    kind: str  # the mapping kind of each description
    list_operation: str
    list_key: str
    summary_key: str  # the summary field that identifies the item to its Describe* operation
    describe_operation: str
    describe_param: str
    list_params: dict[str, Any] = field(default_factory=dict)
    recent_only: bool = False  # training jobs: the newest of the last TRAINING_JOB_WINDOW_DAYS

    def read(self, reads: Reads, now: datetime) -> list[Collected]:
        params = dict(self.list_params)
        max_items = None
        if self.recent_only:
            params.update(
                CreationTimeAfter=now - timedelta(days=TRAINING_JOB_WINDOW_DAYS),
                SortBy="CreationTime",
                SortOrder="Descending",
            )
            max_items = MAX_TRAINING_JOBS_PER_REGION
        collected = []
        for summary in reads.pages(self.list_operation, self.list_key, max_items, **params):
            try:
                with reads.answer_of(self.list_operation):
                    identifier = required_text(summary, self.summary_key)
            except _Failed:
                continue  # that item is listed as unreadable; the others are read
            response, _ = reads.call(self.describe_operation, **{self.describe_param: identifier})
            if response is not None:
                collected.append(Collected(self.kind, reads.region, response))
        return collected


SAGEMAKER_READS = (
    ListThenDescribe("models", MODEL, "ListModels", "Models", "ModelName", "DescribeModel", "ModelName"),
    ListThenDescribe(
        "endpoint configurations",
        ENDPOINT_CONFIG,
        "ListEndpointConfigs",
        "EndpointConfigs",
        "EndpointConfigName",
        "DescribeEndpointConfig",
        "EndpointConfigName",
    ),
    ListThenDescribe(
        "endpoints", ENDPOINT, "ListEndpoints", "Endpoints", "EndpointName", "DescribeEndpoint", "EndpointName"
    ),
    # Versioned packages (in a model package group) are never listed on Marketplace: only unversioned ones.
    ListThenDescribe(
        "model packages",
        MODEL_PACKAGE,
        "ListModelPackages",
        "ModelPackageSummaryList",
        "ModelPackageArn",
        "DescribeModelPackage",
        "ModelPackageName",
        list_params={"ModelPackageType": "Unversioned"},
    ),
    ListThenDescribe(
        "algorithms",
        ALGORITHM,
        "ListAlgorithms",
        "AlgorithmSummaryList",
        "AlgorithmName",
        "DescribeAlgorithm",
        "AlgorithmName",
    ),
    ListThenDescribe(
        "training jobs",
        TRAINING_JOB,
        "ListTrainingJobs",
        "TrainingJobSummaries",
        "TrainingJobName",
        "DescribeTrainingJob",
        "TrainingJobName",
        recent_only=True,
    ),
)

ECR_READ = "ECR repositories and images"
S3_READ = "S3 bucket regions"


def read_ecr(reads: Reads) -> list[Collected]:
    """Every repository, and its tagged images with their size and scan findings."""
    collected = []
    for repository in reads.pages("DescribeRepositories", "repositories"):
        try:
            with reads.answer_of("DescribeRepositories"):
                where = {
                    "repositoryName": required_text(repository, "repositoryName"),
                    "registryId": required_text(repository, "registryId"),
                }
                uri = required_text(repository, "repositoryUri")
        except _Failed:
            continue
        collected.append(Collected(ECR_REPOSITORY, reads.region, repository))
        # Untagged images are superseded pushes: nothing deploys them by tag, and a busy repository has thousands.
        for detail in reads.pages("DescribeImages", "imageDetails", filter={"tagStatus": "TAGGED"}, **where):
            try:
                with reads.answer_of("DescribeImages"):
                    digest = required_text(detail, "imageDigest")
                    image = {**detail, "repositoryUri": uri}
                    scan_needed = needs_scan_findings(detail)
            except _Failed:
                continue
            if scan_needed:
                scan, failure = reads.call(
                    "DescribeImageScanFindings",
                    absent=(_SCAN_NOT_FOUND,),
                    imageId={"imageDigest": digest},
                    maxResults=1,  # the severity counts come with every page; the findings themselves are not needed
                    **where,
                )
                if scan is not None:
                    image["scan"] = scan
                elif failure is not None:
                    image["scanError"] = failure
            collected.append(Collected(ECR_IMAGE, reads.region, image))
    return collected


def read_bucket_regions(reads: Reads, buckets: Iterable[str]) -> list[Collected]:
    collected = []
    for bucket in sorted(buckets):
        response, _ = reads.call("GetBucketLocation", Bucket=bucket)
        if response is not None:
            location = {"Bucket": bucket, "LocationConstraint": response.get("LocationConstraint")}
            collected.append(Collected(S3_BUCKET, reads.region, location))
    return collected


def collect(
    regions: list[str],
    *,
    profile: str | None = None,
    endpoint_url: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_workers: int = DEFAULT_MAX_WORKERS,
    now: datetime | None = None,
    progress: Progress | None = None,
    session: boto3.session.Session | None = None,
) -> Snapshot:
    """Read every region (none given: the profile's or the environment's region); raises AuditSetupError only
    when nothing can be read (no region, credentials, profile)."""
    session = session or make_session(profile)
    if not regions:
        if session.region_name is None:
            raise AuditSetupError(
                "no region to audit: give --region REGION (repeatable) or --all-publishing-regions, or set AWS_REGION"
            )
        regions = [session.region_name]
    clients = ClientFactory(session, endpoint_url, max_attempts)
    now = now or datetime.now(timezone.utc)
    snapshot = _caller_identity(clients, regions[0])
    jobs = [job for region in regions for job in region_jobs(clients, region, now)]
    if progress is not None:
        progress.begin([(job.region, job.what) for job in jobs] + [(regions[0], S3_READ)])
    _run(jobs, snapshot, max_workers, progress)
    # Then the regions of the buckets that the model artifact and validation URIs read above name.
    _run([bucket_job(clients, regions[0], snapshot.collected)], snapshot, 1, progress)
    snapshot.unreadable = sorted(dict.fromkeys(snapshot.unreadable))
    snapshot.operations_called = clients.guard.called
    return snapshot


@dataclass(frozen=True)
class _Job:
    region: str
    what: str
    reads: Reads
    run: Callable[[], list[Collected]]


def region_jobs(clients: ClientFactory, region: str, now: datetime) -> list[_Job]:
    """The reads of one region of one account: each SageMaker listing, and ECR."""
    jobs = []
    for spec in SAGEMAKER_READS:
        reads = Reads(clients.client("sagemaker", region), region)
        jobs.append(_Job(region, spec.what, reads, lambda spec=spec, reads=reads: spec.read(reads, now)))
    reads = Reads(clients.client("ecr", region), region)
    jobs.append(_Job(region, ECR_READ, reads, lambda reads=reads: read_ecr(reads)))
    return jobs


def bucket_job(clients: ClientFactory, region: str, collected: list[Collected]) -> _Job:
    """The regions of the buckets that the responses of `collected` name (run it after the region reads)."""
    reads = Reads(clients.client("s3", region), region)
    return _Job(region, S3_READ, reads, lambda: read_bucket_regions(reads, referenced_buckets(collected)))


def run_in_turn(jobs: Iterable[_Job]) -> tuple[list[Collected], list[Unreadable]]:
    """Run `jobs` one after the other in the calling thread: what they read, and what they could not."""
    collected: list[Collected] = []
    unreadable: list[Unreadable] = []
    for job in jobs:
        collected.extend(_run_one(job))
        unreadable.extend(job.reads.unreadable)
    return collected, unreadable


def _run(jobs: list[_Job], snapshot: Snapshot, max_workers: int, progress: Progress | None) -> None:
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="mlmarket-audit") as pool:
        futures = {pool.submit(_run_one, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            collected = future.result()
            snapshot.collected.extend(collected)
            snapshot.unreadable.extend(job.reads.unreadable)
            if progress is not None:
                progress.done(job.region, job.what, len(collected), bool(job.reads.unreadable))


def _run_one(job: _Job) -> list[Collected]:
    try:
        return job.run()
    except OperationNotAllowed:
        raise  # a bug of this module, never a gap in the account: let it surface
    except Exception as error:  # a last resort (Reads records what a call raises): that read is incomplete
        job.reads.unreadable.append(Unreadable(job.region, job.reads.service, job.what, malformed(error)))
        return []


def _caller_identity(clients: ClientFactory, region: str) -> Snapshot:
    """The audited account (the seller account) and its partition; unknown, and a failed read, when STS cannot
    say (or says something that is not an account and an ARN)."""
    reads = Reads(clients.client("sts", region), region)
    unknown = Snapshot(account=None, partition=_partition_of(region), unreadable=reads.unreadable)
    try:
        identity = reads.client.get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise AuditSetupError(
            f"{error}: give --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from None
    except OperationNotAllowed:
        raise
    except Exception as error:
        code = error_code(error)
        if code in _REJECTED_CREDENTIALS:
            raise AuditSetupError(f"AWS rejected the credentials ({code}): {error}") from None
        reads.record("GetCallerIdentity", error)
        return unknown
    try:
        with reads.answer_of("GetCallerIdentity"):
            account = required_text(identity, "Account")
            arn = _ARN.match(required_text(identity, "Arn"))
            if not _ACCOUNT_ID.match(account) or arn is None:
                raise MalformedResponse("Account or Arn is not an AWS account and ARN")
    except _Failed:
        return unknown
    return Snapshot(account=account, partition=arn["partition"])


_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_ARN = re.compile(r"^arn:(?P<partition>aws(?:-[a-z]+)*):")


def _partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


# An organization audit: the accounts, and the way into each.

ACTIVE = "ACTIVE"
SESSION_NAME = f"mlmarket-audit-{__version__}"
"""The role session name of every AssumeRole: CloudTrail in each member account shows that mlmarket read it."""

_ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException"})
_NOT_IN_ORGANIZATION = "AWSOrganizationsNotInUseException"
_NO_CREDENTIALS = frozenset({NoCredentialsError.__name__, PartialCredentialsError.__name__})


@dataclass(frozen=True)
class MemberAccount:
    account_id: str
    name: str


@dataclass
class Organization:
    """The active accounts of the organization, its partition, and the listing reads that failed."""

    partition: str
    accounts: list[MemberAccount]
    unreadable: list[Unreadable]


def management_clients(
    profile: str | None, endpoint_url: str | None, max_attempts: int = DEFAULT_MAX_ATTEMPTS
) -> ClientFactory:
    """Clients with the management (or delegated-admin) account's credentials, held to MANAGEMENT_OPERATIONS."""
    return ClientFactory(make_session(profile), endpoint_url, max_attempts, guard=OperationGuard(MANAGEMENT_OPERATIONS))


def member_clients(management: ClientFactory, credentials: dict[str, str], guard: OperationGuard) -> ClientFactory:
    """Clients with one member account's temporary credentials, held to the read-only ALLOWED_OPERATIONS; made
    on the management factory's session and under its lock, so the service models are loaded once."""
    return ClientFactory(
        management.session,
        management.endpoint_url,
        management.max_attempts,
        guard=guard,
        credentials=credentials,
        session_lock=management.session_lock,
    )


def read_organization(clients: ClientFactory, region: str) -> Organization:
    """The organization's active accounts, from the management or a delegated-admin account. Raises
    AuditSetupError when the credentials cannot list them at all (no credentials, rejected, not in an
    organization, access denied); any other failure is an unreadable read, and the accounts listed before it."""
    client = clients.client("organizations", region)
    described = Reads(client, region)
    organization, _ = described.call("DescribeOrganization")
    _refuse_setup_failures(described.unreadable)
    # DescribeOrganization only tells whether there is an organization, and its partition (the region's, where
    # it cannot say): a failure of it leaves nothing of the audit unread, so it is not listed as unreadable.
    partition = _partition_of(region)
    details = organization.get("Organization") if organization is not None else None
    arn = _ARN.match(details.get("Arn") or "") if isinstance(details, dict) else None
    if arn is not None:
        partition = arn["partition"]
    reads = Reads(client, region)
    listed = reads.pages("ListAccounts", "Accounts")
    _refuse_setup_failures(reads.unreadable)
    accounts = []
    for summary in listed:
        try:
            with reads.answer_of("ListAccounts"):
                account_id = required_text(summary, "Id")
                if not _ACCOUNT_ID.match(account_id):
                    raise MalformedResponse("Id is not an AWS account ID")
                # `State` replaces `Status` (AWS deprecates the latter); either says whether the account is open.
                state = summary.get("State") or required_text(summary, "Status")
                name = summary.get("Name")
        except _Failed:
            continue
        if state == ACTIVE:
            accounts.append(MemberAccount(account_id, name if isinstance(name, str) else ""))
    return Organization(partition, accounts, reads.unreadable)


def assume_audit_role(
    clients: ClientFactory, region: str, role_arn: str, external_id: str | None
) -> tuple[dict[str, str] | None, list[Unreadable]]:
    """The temporary credentials of `role_arn` (boto3 client keyword arguments), or None and the failed read."""
    reads = Reads(clients.client("sts", region), region)
    params = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
    if external_id is not None:
        params["ExternalId"] = external_id
    response, _ = reads.call("AssumeRole", **params)
    if response is None:
        return None, reads.unreadable or [Unreadable(region, "sts", "AssumeRole", "no answer")]
    try:
        with reads.answer_of("AssumeRole"):
            issued = response.get("Credentials")
            if not isinstance(issued, dict):
                raise MalformedResponse("no Credentials")
            credentials = {
                "aws_access_key_id": required_text(issued, "AccessKeyId"),
                "aws_secret_access_key": required_text(issued, "SecretAccessKey"),
                "aws_session_token": required_text(issued, "SessionToken"),
            }
    except _Failed:
        return None, reads.unreadable
    return credentials, []


def _refuse_setup_failures(unreadable: list[Unreadable]) -> None:
    """Missing or rejected credentials, "not in an organization" and access denied to the organization's
    listing: the organization audit cannot start (exit 2), it is not an incomplete one."""
    for read in unreadable:
        code = read.error_code
        if code in _NO_CREDENTIALS:
            raise AuditSetupError(
                "Unable to locate credentials: give --profile, or set AWS_PROFILE or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
            )
        if code in _REJECTED_CREDENTIALS:
            raise AuditSetupError(f"AWS rejected the credentials ({code})")
        if code == _NOT_IN_ORGANIZATION:
            raise AuditSetupError(
                f"the credentials' account is not in an AWS Organization ({code}); audit it without --organization"
            )
        if code in _ACCESS_DENIED:
            raise AuditSetupError(
                f"{read.service}:{read.operation} was denied ({code}): run the organization audit with the "
                "credentials of the management account or a delegated administrator, allowed the actions of "
                f"{ORGANIZATION_POLICY_PATH}"
            )

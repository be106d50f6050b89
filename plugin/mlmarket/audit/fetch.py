"""Reads a live AWS account for the audit: the one module of mlmarket that talks to AWS (boto3, botocore).

Read-only by construction: every client carries a botocore `before-call` hook that refuses, before anything is
sent, any operation not on `operations.ALLOWED_OPERATIONS`. Clients retry in botocore's `adaptive` mode (client-side
rate limiting on throttling, backoff on 5xx). One bounded thread pool reads every (region, service) pair; a read
that still fails after the retries is recorded as unreadable and the audit goes on with the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError, ProfileNotFound

from mlmarket import __version__
from mlmarket.audit import AuditSetupError, Progress, Unreadable
from mlmarket.audit.mapping import (
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
    needs_scan_findings,
    referenced_buckets,
)
from mlmarket.audit.operations import is_allowed

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

    def __init__(self) -> None:
        self._called: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if not is_allowed(service, model.name):
            raise OperationNotAllowed(f"{service}:{model.name} is not on mlmarket's read-only allowlist")
        with self._lock:
            self._called.add(f"{service}:{model.name}")

    @property
    def called(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._called)


class ClientFactory:
    """Guarded clients, one per (service, region), made in the calling thread (a boto3 session is not
    thread-safe; its clients are)."""

    def __init__(
        self, session: boto3.session.Session, endpoint_url: str | None, max_attempts: int = DEFAULT_MAX_ATTEMPTS
    ) -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self.guard = OperationGuard()
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
        if key not in self._clients:
            client = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=self._config
            )
            # First, so no other handler can answer a call before the allowlist has seen it.
            client.meta.events.register_first("before-call", self.guard)
            self._clients[key] = client
        return self._clients[key]


def make_session(profile: str | None) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise AuditSetupError(str(error)) from None


class Reads:
    """One client's calls for one read, with failures recorded as unreadable instead of raised."""

    def __init__(self, client: BaseClient, region: str) -> None:
        self.client = client
        self.region = region
        self.service = client.meta.service_model.service_name
        self.unreadable: list[Unreadable] = []

    def pages(self, operation: str, result_key: str, max_items: int | None = None, **params: Any) -> list[Any]:
        """Every item of a paginated listing; on a failure, the items of the pages read before it."""
        items: list[Any] = []
        config = {"MaxItems": max_items} if max_items else {}
        try:
            for page in self.client.get_paginator(xform_name(operation)).paginate(**params, PaginationConfig=config):
                items.extend(page.get(result_key, []))
        except (ClientError, BotoCoreError) as error:
            self.record(operation, error)
        return items

    def call(
        self, operation: str, *, absent: Iterable[str] = (), **params: Any
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(response, None); (None, None) when the item is gone or the error code is in `absent`;
        (None, error code) when the call failed (recorded as unreadable)."""
        try:
            response = getattr(self.client, xform_name(operation))(**params)
        except (ClientError, BotoCoreError) as error:
            code = error_code(error)
            if code in _GONE or code in absent:
                return None, None
            self.record(operation, error)
            return None, code
        response.pop("ResponseMetadata", None)
        return response, None

    def record(self, operation: str, error: Exception) -> None:
        self.unreadable.append(Unreadable(self.region, self.service, operation, error_code(error)))


def error_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "Unknown")
    return type(error).__name__


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
            response, _ = reads.call(self.describe_operation, **{self.describe_param: summary[self.summary_key]})
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
        collected.append(Collected(ECR_REPOSITORY, reads.region, repository))
        where = {"repositoryName": repository["repositoryName"], "registryId": repository["registryId"]}
        # Untagged images are superseded pushes: nothing deploys them by tag, and a busy repository has thousands.
        for detail in reads.pages("DescribeImages", "imageDetails", filter={"tagStatus": "TAGGED"}, **where):
            image = {**detail, "repositoryUri": repository["repositoryUri"]}
            if needs_scan_findings(detail):
                scan, failure = reads.call(
                    "DescribeImageScanFindings",
                    absent=(_SCAN_NOT_FOUND,),
                    imageId={"imageDigest": detail["imageDigest"]},
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
    jobs: list[_Job] = []
    for region in regions:
        for spec in SAGEMAKER_READS:
            reads = Reads(clients.client("sagemaker", region), region)
            jobs.append(_Job(region, spec.what, reads, lambda spec=spec, reads=reads: spec.read(reads, now)))
        reads = Reads(clients.client("ecr", region), region)
        jobs.append(_Job(region, ECR_READ, reads, lambda reads=reads: read_ecr(reads)))
    if progress is not None:
        progress.begin([(job.region, job.what) for job in jobs] + [(regions[0], S3_READ)])
    _run(jobs, snapshot, max_workers, progress)
    # Then the regions of the buckets that the model artifact and validation URIs read above name.
    reads = Reads(clients.client("s3", regions[0]), regions[0])
    buckets = referenced_buckets(snapshot.collected)
    _run([_Job(regions[0], S3_READ, reads, lambda: read_bucket_regions(reads, buckets))], snapshot, 1, progress)
    snapshot.unreadable = sorted(dict.fromkeys(snapshot.unreadable))
    snapshot.operations_called = clients.guard.called
    return snapshot


@dataclass(frozen=True)
class _Job:
    region: str
    what: str
    reads: Reads
    run: Callable[[], list[Collected]]


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
    except Exception as error:  # an answer of a shape this module does not expect: that read is incomplete
        job.reads.unreadable.append(Unreadable(job.region, job.reads.service, job.what, type(error).__name__))
        return []


def _caller_identity(clients: ClientFactory, region: str) -> Snapshot:
    """The audited account (the seller account) and its partition."""
    reads = Reads(clients.client("sts", region), region)
    try:
        identity = reads.client.get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise AuditSetupError(
            f"{error}: give --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from None
    except (ClientError, BotoCoreError) as error:
        code = error_code(error)
        if code in _REJECTED_CREDENTIALS:
            raise AuditSetupError(f"AWS rejected the credentials ({code}): {error}") from None
        reads.record("GetCallerIdentity", error)
        return Snapshot(account=None, partition=_partition_of(region), unreadable=list(reads.unreadable))
    return Snapshot(account=identity["Account"], partition=identity["Arn"].split(":")[1])


def _partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"

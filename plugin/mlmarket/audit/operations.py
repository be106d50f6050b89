"""The read-only allowlist: every AWS API operation the audit may call, and nothing else.

`fetch` refuses any other operation before it is sent (a botocore `before-call` hook), and
`policies/iam/mlmarket-audit-policy.json` grants exactly these actions; a test keeps the two equal. The IAM
action of each operation has the operation's own name under the service's IAM prefix, which is why the
policy can be derived from this table.
"""

from __future__ import annotations

ALLOWED_OPERATIONS: dict[str, tuple[str, ...]] = {
    "sts": ("GetCallerIdentity",),
    "sagemaker": (
        "ListModels",
        "DescribeModel",
        "ListEndpointConfigs",
        "DescribeEndpointConfig",
        "ListEndpoints",
        "DescribeEndpoint",
        "ListModelPackages",
        "DescribeModelPackage",
        "ListAlgorithms",
        "DescribeAlgorithm",
        "ListTrainingJobs",
        "DescribeTrainingJob",
    ),
    "ecr": ("DescribeRepositories", "DescribeImages", "DescribeImageScanFindings"),
    # The regions of the S3 buckets that hold model artifacts and validation data (CKV_MLM_005, 006).
    "s3": ("GetBucketLocation",),
}


def is_allowed(service: str, operation: str) -> bool:
    return operation in ALLOWED_OPERATIONS.get(service, ())


def iam_actions() -> list[str]:
    """The IAM actions the allowlist needs, sorted as the shipped policy lists them."""
    return sorted(
        f"{service}:{operation}" for service, operations in ALLOWED_OPERATIONS.items() for operation in operations
    )

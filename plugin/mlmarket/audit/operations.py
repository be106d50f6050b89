"""The read-only allowlists: every AWS API operation the audit may call, and nothing else.

Two lists, one per kind of credentials: the reads of an audited account (ALLOWED_OPERATIONS, granted by
`policies/iam/mlmarket-audit-policy.json`, the member-account role's policy in an organization audit), and the
calls an organization audit makes with the management (or delegated-admin) account's credentials
(MANAGEMENT_OPERATIONS, granted by `policies/iam/mlmarket-organization-policy.json`). `fetch` gives each client
the list of its credentials and refuses any other operation before it is sent (a botocore `before-call` hook);
tests keep each list and its policy equal. The IAM action of each operation has the operation's own name under
the service's IAM prefix, which is why the policies can be derived from these tables.
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


MANAGEMENT_OPERATIONS: dict[str, tuple[str, ...]] = {
    # The organization's accounts, and the partition its ARN names.
    "organizations": ("ListAccounts", "DescribeOrganization"),
    # The one call that is not a read: it only issues temporary credentials for the audit role of a member
    # account, and the shipped policy allows it on that role name only.
    "sts": ("AssumeRole",),
}

Allowlist = dict[str, tuple[str, ...]]
ORGANIZATION_POLICY_PATH = "policies/iam/mlmarket-organization-policy.json"


def is_allowed(service: str, operation: str, allowlist: Allowlist = ALLOWED_OPERATIONS) -> bool:
    return operation in allowlist.get(service, ())


def iam_actions(allowlist: Allowlist = ALLOWED_OPERATIONS) -> list[str]:
    """The IAM actions an allowlist needs, sorted as the shipped policy lists them."""
    return sorted(f"{service}:{operation}" for service, operations in allowlist.items() for operation in operations)

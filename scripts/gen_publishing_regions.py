"""Generate `publishing_regions.json`: the regions where ML products can be published.

AWS Marketplace publishes machine-learning products from the SageMaker regions that every account
has enabled by default (AWS Marketplace Seller Guide, "Service restrictions and quotas for machine
learning products"). Derived: the SageMaker regions of the `aws` partition in botocore's endpoint
data, minus the opt-in regions below. Run it with a recent botocore (the project uses /work/gen-venv):

    /work/gen-venv/bin/python scripts/gen_publishing_regions.py [--check]
"""

from __future__ import annotations

import sys
from typing import Any

import botocore
import botocore.session

import _canonical

# Regions launched after 2019-03-20 are disabled until an account opts in. Source: AWS Account
# Management Reference Guide, "Enable or disable AWS Regions in your account"
# (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
# A new region fails the count check below until it is added here (or the count is revisited).
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)
EXPECTED_COUNT = 17


def build() -> dict[str, Any]:
    sagemaker_regions = botocore.session.get_session().get_available_regions("sagemaker", "aws")
    regions = sorted(set(sagemaker_regions) - OPT_IN_REGIONS)
    if len(regions) != EXPECTED_COUNT:
        raise SystemExit(
            f"expected {EXPECTED_COUNT} default-enabled SageMaker regions, derived {len(regions)}: "
            f"{regions}; a new opt-in region belongs in OPT_IN_REGIONS"
        )
    return {
        "source": (
            "Derived: SageMaker regions of the aws partition in botocore's endpoint data "
            "(botocore/data/endpoints.json) minus the opt-in regions (AWS Account Management "
            "Reference Guide, 'Enable or disable AWS Regions in your account'); AWS Marketplace "
            "Seller Guide, 'Service restrictions and quotas for machine learning products'"
        ),
        "generator": "scripts/gen_publishing_regions.py",
        "botocore_version": botocore.__version__,
        "excluded_opt_in_regions": sorted(OPT_IN_REGIONS & set(sagemaker_regions)),
        "regions": regions,
    }


if __name__ == "__main__":
    sys.exit(_canonical.main("publishing_regions.json", build, __doc__.splitlines()[0]))

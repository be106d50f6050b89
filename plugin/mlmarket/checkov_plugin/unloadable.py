"""The check that stands in for an mlmarket check whose module cannot be imported (fail closed).

checkov logs "Cannot load external check" and scans on when a check module raises on import, so a broken
install (a missing dependency, an error in mlmarket itself) would drop every mlmarket check and let a violating
stack pass. Each check module imports its adapter inside a `try`; on any error it registers this check instead,
which fails every resource of the types mlmarket judges, with the import error in its details. This module
imports nothing of mlmarket: it must load when the rest of mlmarket does not.
"""

from __future__ import annotations

import traceback
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Every resource type any mlmarket rule judges falls under these patterns (checkov matches `*` wildcards).
JUDGED_TYPE_PATTERNS = ("aws_sagemaker_*", "awscc_sagemaker_*", "aws_ecr_*", "awscc_ecr_*", "aws_s3_*", "awscc_s3_*")
DOCS_URL = "https://github.com/mlmarket/mlmarket/blob/main/docs/rules/{rule_id}.md"


class UnloadableCheck(BaseResourceCheck):
    def __init__(self, rule_id: str, error: BaseException) -> None:
        super().__init__(
            name=f"{rule_id}: mlmarket could not be loaded",
            id=rule_id,
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=list(JUDGED_TYPE_PATTERNS),
            guideline=DOCS_URL.format(rule_id=rule_id),
        )
        where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        location = f" at {where.filename}:{where.lineno}" if where else ""
        text = " ".join(str(error).split())[:300]
        self.reason = f"mlmarket could not be loaded (fail closed): {type(error).__name__}{location}: {text}"

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details[:] = [self.reason]
        return CheckResult.FAILED

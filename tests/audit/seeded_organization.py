"""The AWS Organization the organization audit tests read: moto's default account is its management account, and
each member account is created with the audit role, entered through it (sts:AssumeRole, via the fake AWS) and
seeded through those temporary credentials, like a real member account.

Accounts are named by expected outcome. Every model's image is in its own account's ECR (but the partner one),
so CKV_MLM_003 passes only if each account is judged as its own seller account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import boto3

from fake_aws import FakeAws
from seeded_account import ACCOUNT, OTHER_ACCOUNT, USE1, USW2

MANAGEMENT = ACCOUNT  # moto's default account creates the organization: it is the management account

ROLE_NAME = "mlmarket-audit"
REGIONS = (USE1, USW2)
# Member accounts, by what the audit should find in them.
COMPLIANT, NO_ISOLATION, PARTNER_IMAGE, TWO_REGIONS, EMPTY, NO_ROLE, CLOSED = (
    "pass-compliant",
    "fail-no-isolation",
    "fail-partner-image",
    "fail-second-region",
    "pass-empty",
    "unread-no-role",
    "closed",
)
MEMBERS = (COMPLIANT, NO_ISOLATION, PARTNER_IMAGE, TWO_REGIONS, EMPTY, NO_ROLE)
# Created with moto's default role name only: the audit role is missing, so AssumeRole is denied.
DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
ROLE_TRUSTED = "arn:aws:iam::{account}:role/sagemaker"


@dataclass
class SeededOrganization:
    url: str
    ids: dict[str, str] = field(default_factory=dict)  # account name -> account ID

    def id(self, name: str) -> str:
        return self.ids[name]

    @property
    def member_ids(self) -> list[str]:
        return sorted(self.ids[name] for name in MEMBERS)


def image(account: str, repository: str = "model", region: str = USE1) -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}:1.0"


def model_arn(account: str, name: str, region: str = USE1) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:model/{name}"


def seed_organization(fake: FakeAws) -> SeededOrganization:
    organization = SeededOrganization(fake.url)
    management = boto3.session.Session(region_name=USE1).client("organizations", endpoint_url=fake.url)
    management.create_organization(FeatureSet="ALL")
    for name in (*MEMBERS, CLOSED):
        role = DEFAULT_ROLE_NAME if name == NO_ROLE else ROLE_NAME
        created = management.create_account(AccountName=name, Email=f"{name}@example.com", RoleName=role)
        organization.ids[name] = created["CreateAccountStatus"]["AccountId"]
    management.close_account(AccountId=organization.ids[CLOSED])
    ids = organization.ids
    _seed_models(fake, ids[COMPLIANT], {USE1: [("pass-model", image(ids[COMPLIANT]), True)]}, repository=True)
    _seed_models(fake, ids[NO_ISOLATION], {USE1: [("fail-no-isolation", image(ids[NO_ISOLATION]), False)]})
    _seed_models(fake, ids[PARTNER_IMAGE], {USE1: [("fail-partner-image", image(OTHER_ACCOUNT), True)]})
    _seed_models(
        fake,
        ids[TWO_REGIONS],
        {
            USE1: [("pass-model", image(ids[TWO_REGIONS]), True), ("pass-model-2", image(ids[TWO_REGIONS]), True)],
            USW2: [("fail-second-region", image(ids[TWO_REGIONS], region=USW2), True)],
        },
    )
    # Seeded, though the audit cannot enter it: what it would find there must not appear.
    _seed_models(fake, ids[NO_ROLE], {USE1: [("never-read", image(ids[NO_ROLE]), False)]}, role=DEFAULT_ROLE_NAME)
    return organization


def member_session(fake: FakeAws, account: str, role: str = ROLE_NAME) -> boto3.session.Session:
    """A session with the temporary credentials of `role` in `account`, as the audit gets them."""
    sts = boto3.session.Session(region_name=USE1).client("sts", endpoint_url=fake.url)
    issued = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=issued["AccessKeyId"],
        aws_secret_access_key=issued["SecretAccessKey"],
        aws_session_token=issued["SessionToken"],
    )


def _seed_models(
    fake: FakeAws,
    account: str,
    models: dict[str, list[tuple[str, str, bool]]],
    *,
    repository: bool = False,
    role: str = ROLE_NAME,
) -> None:
    session = member_session(fake, account, role)
    for region, entries in models.items():
        sagemaker = session.client("sagemaker", region_name=region, endpoint_url=fake.url)
        for name, image_uri, isolation in entries:
            sagemaker.create_model(
                ModelName=name,
                ExecutionRoleArn=ROLE_TRUSTED.format(account=account),
                PrimaryContainer={"Image": image_uri},
                EnableNetworkIsolation=isolation,
            )
    if repository:
        session.client("ecr", region_name=USE1, endpoint_url=fake.url).create_repository(repositoryName="model")

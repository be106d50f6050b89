"""Generate `plugin/mlmarket/readers/prebuilt_ecr_images.py`: what `data "aws_sagemaker_prebuilt_ecr_image"` is
at plan time, measured with the real hashicorp/aws provider (the oracle).

The provider answers that data source without calling AWS: it looks the registry account up in a table built
into it, by repository name and region, and formats `registry_path`. This script asks the provider itself:

1. the repository names: `terraform validate` of a data source with an invalid `repository_name`; the
   provider's validation error lists every name it accepts;
2. the candidate regions: every region of botocore's endpoints.json (all partitions), and every string of the
   provider binary that the provider's own partition patterns of region names (`^cn\\-\\w+\\-\\d+$`, found in the
   binary too) take for a region;
3. one plan of every candidate: each (repository, region) pair from one provider configuration with `region`
   set on the data source, and from one provider configuration per other candidate region (region validation
   on) a pair of the home region, whose `registry_path` gives that provider region's DNS suffix. The `-json`
   diagnostics name the pairs without an account ("no registry ID available for region (...) and repository
   (...)") and the regions the provider refuses ("invalid AWS Region: ..."): both are dropped;
4. one clean plan of what remains, with, from every remaining provider region, a pair of its own region with
   `region` unset, and the probes of the optional arguments (`image_tag`, `dns_suffix`, `region` set, empty,
   across partitions); `terraform show -json` gives what the provider computed for each.

The module is rendered, then its `prebuilt_image` function is checked against every data source of the last
plan: the script fails when the function and the provider disagree on any of them. Terraform runs offline, with
the provider from a filesystem mirror and fake credentials:

    python scripts/gen_prebuilt_ecr_images.py [--check]

Environment: TERRAFORM (binary, default: terraform on PATH), TF_PLUGIN_MIRROR (default: /opt/tf-plugins).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import botocore

from _generated_module import check_argument, offline_environment, plugin_mirror, write_or_check

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "plugin" / "mlmarket" / "readers" / "prebuilt_ecr_images.py"
PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
DATA_SOURCE = "aws_sagemaker_prebuilt_ecr_image"

# The default provider configuration of every plan; the other regions get an alias each.
HOME_REGION = "us-east-1"
# A repository the provider knows in HOME_REGION: planned from every provider region to read its DNS suffix.
SUFFIX_PROBE_REPOSITORY = "sagemaker-xgboost"
NOT_A_REPOSITORY = "mlmarket-not-a-repository"
STEP_TIMEOUT_SECONDS = 900
# Instances a data block: terraform reads the instances of one block ever slower as they grow in number (a block
# of 3,500 takes a minute where 80 blocks of 44 take seconds).
BLOCK_SIZE = 50

_REPOSITORY_CHOICES = re.compile(r"^expected repository_name to be one of \[(.*)\], got ")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_REPOSITORY_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_NO_REGISTRY = re.compile(r"^no registry ID available for region \((.*)\) and repository \((.*)\)$")
_INVALID_REGION = re.compile(r"^invalid AWS Region: (.*)$")
# The provider's partition patterns of region names, as its binary holds them: "^cn\-\w+\-\d+$" gives "cn".
_PARTITION_PATTERN = re.compile(rb"\^([a-z(|)\\-]+?)\\-\\w\+\\-\\d\+\$")


class Probe(NamedTuple):
    """One data source instance: the region of its provider configuration and the arguments it writes."""

    provider_region: str
    repository_name: str
    region: str | None = None
    image_tag: str | None = None
    dns_suffix: str | None = None


def provider_alias(provider_region: str) -> str | None:
    return None if provider_region == HOME_REGION else provider_region.replace("-", "_")


def placements(probes: list[Probe]) -> list[tuple[str, str]]:
    """The data block and the instance key of each probe: a provider region's probes fill blocks of BLOCK_SIZE
    instances, keyed by the probe's index."""
    placed: list[tuple[str, str]] = []
    counts: Counter[str] = Counter()
    for index, probe in enumerate(probes):
        block = f"in_{probe.provider_region.replace('-', '_')}_{counts[probe.provider_region] // BLOCK_SIZE:03d}"
        counts[probe.provider_region] += 1
        placed.append((block, f"{index:05d}"))
    return placed


def addresses(probes: list[Probe]) -> list[str]:
    return [f'data.{DATA_SOURCE}.{block}["{key}"]' for block, key in placements(probes)]


def provider_configuration(region: str) -> dict[str, Any]:
    alias = provider_alias(region)
    return {
        **({"alias": alias} if alias else {}),
        "region": region,
        "access_key": "mock_access_key",
        "secret_key": "mock_secret_key",
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        # No skip_region_validation: a candidate region the provider does not know fails its configuration, and
        # so stays out of DNS_SUFFIXES.
    }


def configuration(probes: list[Probe], data: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The files of a configuration: one provider configuration per provider region of `probes` (HOME_REGION
    always), and one data block per provider configuration, its instances keyed by the probe's index in `probes`
    (or `data`, the data blocks as given). The instances are locals in a file of their own: terraform quotes the
    file of the failing block in each error, which takes seconds per error in a file of thousands of lines."""
    regions = sorted({HOME_REGION, *(probe.provider_region for probe in probes)})
    instances: dict[str, dict[str, Any]] = {}
    provider_by_block = {}
    for probe, (block, key) in zip(probes, placements(probes), strict=True):
        arguments = probe._asdict()
        del arguments["provider_region"]
        instances.setdefault(block, {})[key] = arguments
        provider_by_block[block] = provider_alias(probe.provider_region)
    blocks = {
        block: {
            **({"provider": f"aws.{alias}"} if alias else {}),
            "for_each": "${local." + block + "}",
            **{argument: "${each.value." + argument + "}" for argument in Probe._fields[1:]},
        }
        for block, alias in provider_by_block.items()
    }
    if data is not None:
        blocks = data
    main = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}}},
        "provider": {"aws": [provider_configuration(region) for region in regions]},
        **({"data": {DATA_SOURCE: blocks}} if blocks else {}),
    }
    return {"main.tf.json": main, "probes.tf.json": {"locals": instances} if instances else {}}


@dataclass
class Terraform:
    """Runs terraform in one working directory, offline and hermetic, and keeps the time of every run."""

    binary: str
    directory: Path
    env: dict[str, str]
    timings: list[tuple[str, float]]

    @classmethod
    def offline(cls, work: Path) -> Terraform:
        binary = os.environ.get("TERRAFORM") or shutil.which("terraform")
        if not binary:
            sys.exit("gen_prebuilt_ecr_images: terraform not found (install it or set TERRAFORM=/path/to/terraform)")
        directory = work / "stack"
        directory.mkdir()
        env = offline_environment(work)
        return cls(binary, directory, env, [])

    def write(self, files: dict[str, dict[str, Any]]) -> None:
        for name, content in files.items():
            (self.directory / name).write_text(json.dumps(content, indent=1, sort_keys=True), encoding="utf-8")

    def run(self, label: str, *args: str, allowed_codes: Iterable[int] = (0,)) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        done = subprocess.run(
            [self.binary, *args], cwd=self.directory, env=self.env, capture_output=True, text=True,
            timeout=STEP_TIMEOUT_SECONDS, check=False,
        )
        self.timings.append((label, time.monotonic() - started))
        if done.returncode not in allowed_codes:
            sys.exit(f"gen_prebuilt_ecr_images: terraform {' '.join(args)} failed:\n{done.stdout[-4000:]}"
                     f"{done.stderr[-4000:]}")
        return done


def errors(diagnostics: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [diagnostic for diagnostic in diagnostics if diagnostic.get("severity") == "error"]


def plan_errors(plan_output: str) -> list[dict[str, Any]]:
    """The error diagnostics of `terraform plan -json` (one JSON message a line)."""
    messages = [json.loads(line) for line in plan_output.splitlines() if line.strip()]
    return errors(message["diagnostic"] for message in messages if message.get("type") == "diagnostic")


def repository_names(terraform: Terraform) -> list[str]:
    """The names the provider's `repository_name` validation accepts, in the order it lists them."""
    terraform.write(configuration([], data={"validated": {"repository_name": NOT_A_REPOSITORY}}))
    done = terraform.run("validate", "validate", "-json", "-no-color", allowed_codes=(0, 1))
    for diagnostic in errors(json.loads(done.stdout)["diagnostics"]):
        listed = _REPOSITORY_CHOICES.match(diagnostic["summary"])
        if listed:
            names = [json.loads(f'"{quoted}"') for quoted in _QUOTED.findall(listed.group(1))]
            bad = [name for name in names if not _REPOSITORY_NAME.match(name)]
            if not names or bad or len(set(names)) != len(names) or NOT_A_REPOSITORY in names:
                sys.exit(f"gen_prebuilt_ecr_images: unexpected repository names from the provider: {names}")
            return names
    sys.exit(f"gen_prebuilt_ecr_images: the provider did not list the repository names:\n{done.stdout}")


def candidate_regions() -> list[str]:
    """Every region of botocore's endpoints.json, and every string of the provider binary that its own partition
    patterns take for a region name (one digit: Go lays its strings end to end, "us-east-1" then "2..." is not
    "us-east-12"). The plans keep those the provider knows."""
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text(encoding="utf-8"))
    regions = {region for partition in endpoints["partitions"] for region in partition["regions"]}
    provider = plugin_mirror() / PROVIDER_SOURCE / PROVIDER_VERSION
    binaries = sorted(provider.glob(f"*/terraform-provider-aws_v{PROVIDER_VERSION}*"))
    if not binaries:
        sys.exit(f"gen_prebuilt_ecr_images: no unpacked provider binary under {provider} (set TF_PLUGIN_MIRROR)")
    binary = binaries[0].read_bytes()
    prefixes = sorted(set(_PARTITION_PATTERN.findall(binary)))
    if not prefixes:
        sys.exit(f"gen_prebuilt_ecr_images: no partition pattern of region names in {binaries[0]}")
    for prefix in prefixes:
        regions |= {found[0].decode() for found in re.finditer(prefix + rb"\-[a-z]+\-[0-9]", binary)}
    return sorted(regions)


class Rejections(NamedTuple):
    probes: set[int]  # indexes of the probes the provider has no registry account for
    provider_regions: set[str]  # the regions the provider refuses to be configured for


def rejections(plan_output: str, probes: list[Probe]) -> Rejections:
    """What the provider rejected in a plan of `probes`; any other error stops the script."""
    index_by_address = {address: index for index, address in enumerate(addresses(probes))}
    rejected = Rejections(set(), set())
    for diagnostic in plan_errors(plan_output):
        address = diagnostic.get("address", "")
        no_registry = _NO_REGISTRY.match(diagnostic["summary"])
        invalid_region = _INVALID_REGION.match(diagnostic["summary"])
        if no_registry and address in index_by_address:
            probe = probes[index_by_address[address]]
            if no_registry.groups() != (probe.region or probe.provider_region, probe.repository_name):
                sys.exit(f"gen_prebuilt_ecr_images: {address} rejected as {no_registry.groups()}")
            rejected.probes.add(index_by_address[address])
        elif invalid_region and address == f'provider["{PROVIDER_SOURCE}"].{provider_alias(invalid_region[1])}':
            rejected.provider_regions.add(invalid_region[1])
        else:
            sys.exit(f"gen_prebuilt_ecr_images: unexpected error: {diagnostic['summary']} ({address})")
    return rejected


def plan(terraform: Terraform, probes: list[Probe], label: str) -> Rejections:
    """Plan `probes` into `tfplan`; what the provider rejected."""
    terraform.write(configuration(probes))
    done = terraform.run(
        f"plan {label} ({len(probes)} data sources)",
        "plan", "-json", "-input=false", "-refresh=false", "-lock=false", "-out=tfplan",
        allowed_codes=(0, 1),
    )
    rejected = rejections(done.stdout, probes)
    if done.returncode != 0 and rejected == Rejections(set(), set()):
        sys.exit(f"gen_prebuilt_ecr_images: terraform plan failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    return rejected


def planned_values(terraform: Terraform, probes: list[Probe]) -> list[tuple[Probe, dict[str, Any]]]:
    """Each probe with the attributes the clean plan in `tfplan` shows for it."""
    plan = json.loads(terraform.run("show", "show", "-json", "tfplan").stdout)
    resources = plan.get("prior_state", {}).get("values", {}).get("root_module", {}).get("resources", [])
    values = {resource["address"]: resource["values"] for resource in resources}
    planned = addresses(probes)
    missing = [address for address in planned if address not in values]
    if missing:
        sys.exit(f"gen_prebuilt_ecr_images: the plan shows no value for {missing[:5]}")
    return [(probe, values[address]) for probe, address in zip(probes, planned, strict=True)]


def option_probes() -> list[Probe]:
    """The defaults and the handling of the optional arguments, with pairs known to exist."""
    repository = SUFFIX_PROBE_REPOSITORY
    return [
        Probe(HOME_REGION, repository, image_tag="1.7-1"),
        Probe(HOME_REGION, repository, image_tag=""),
        Probe(HOME_REGION, repository, image_tag="any text: not/validated@all"),
        Probe(HOME_REGION, repository, region="eu-west-1", dns_suffix="example.org"),
        Probe(HOME_REGION, repository, dns_suffix=""),
        Probe("cn-north-1", repository, region=""),
        Probe("cn-north-1", repository, dns_suffix=""),
        Probe("cn-north-1", repository, region="cn-northwest-1", image_tag="1.5-1", dns_suffix="example.org"),
    ]


def measure() -> tuple[list[tuple[Probe, dict[str, Any]]], list[str], list[tuple[str, float]]]:
    """Every probe of the final plan with what the provider computed, the repository names, and the timings."""
    if not (plugin_mirror() / PROVIDER_SOURCE / PROVIDER_VERSION).is_dir():
        sys.exit(f"gen_prebuilt_ecr_images: no hashicorp/aws {PROVIDER_VERSION} in the mirror {plugin_mirror()}"
                 " (set TF_PLUGIN_MIRROR)")
    with tempfile.TemporaryDirectory(prefix="gen_prebuilt_ecr_images.") as work:
        terraform = Terraform.offline(Path(work))
        terraform.write(configuration([]))
        terraform.run("init", "init", "-input=false", "-backend=false", "-no-color")
        names = repository_names(terraform)
        regions = candidate_regions()
        # Every pair from the home provider, with `region` set: one provider process for most data sources; and
        # from every other candidate provider region, a pair of the home region, for its DNS suffix.
        probes = [Probe(HOME_REGION, name, region=None if region == HOME_REGION else region)
                  for name in names for region in regions]
        probes += [Probe(region, SUFFIX_PROBE_REPOSITORY, region=HOME_REGION) for region in regions
                   if region != HOME_REGION]
        rejected = plan(terraform, probes, "of every candidate")
        accepted = [probe for index, probe in enumerate(probes)
                    if index not in rejected.probes and probe.provider_region not in rejected.provider_regions]
        # From each provider region the provider knows, a pair of its own region with `region` unset.
        first_repository: dict[str, str] = {}
        for probe in accepted:
            first_repository.setdefault(probe.region or probe.provider_region, probe.repository_name)
        own_region = [Probe(region, first_repository[region]) for region in regions
                      if region != HOME_REGION and region in first_repository
                      and region not in rejected.provider_regions]
        final = accepted + own_region + option_probes()
        rejected_again = plan(terraform, final, "of the table")
        if rejected_again != Rejections(set(), set()):
            sys.exit(f"gen_prebuilt_ecr_images: the provider rejected probes of the table: {rejected_again}")
        return planned_values(terraform, final), names, terraform.timings


def registry_table(measured: list[tuple[Probe, dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """repository -> {region -> account}, from the probes that write no optional argument but `region`."""
    table: dict[str, dict[str, str]] = {}
    for probe, values in measured:
        if probe.image_tag is None and probe.dns_suffix is None and probe.region != "":
            region = probe.region or probe.provider_region
            known = table.setdefault(probe.repository_name, {}).setdefault(region, values["registry_id"])
            if known != values["registry_id"]:
                sys.exit(f"gen_prebuilt_ecr_images: {probe.repository_name} in {region}: two accounts")
    return table


def dns_suffixes(measured: list[tuple[Probe, dict[str, Any]]]) -> dict[str, str]:
    """provider region -> the DNS suffix its `registry_path` uses, from the suffix probes."""
    found = {}
    for probe, values in measured:
        if (probe.repository_name, probe.region, probe.image_tag, probe.dns_suffix) == (
            SUFFIX_PROBE_REPOSITORY, None if probe.provider_region == HOME_REGION else HOME_REGION, None, None
        ):
            head = f"{values['registry_id']}.dkr.ecr.{HOME_REGION}."
            tail = f"/{SUFFIX_PROBE_REPOSITORY}:1"
            path = values["registry_path"]
            if not (path.startswith(head) and path.endswith(tail)):
                sys.exit(f"gen_prebuilt_ecr_images: registry_path {path!r} is not {head}<suffix>{tail}")
            found[probe.provider_region] = path[len(head):-len(tail)]
    return found


HEADER = '''"""What the hashicorp/aws provider computes for `data "aws_sagemaker_prebuilt_ecr_image"` at plan time.

GENERATED by scripts/gen_prebuilt_ecr_images.py from plans of the real provider: do not edit. Regenerate with
`python scripts/gen_prebuilt_ecr_images.py` (`--check` tells whether this file is stale).

The provider answers the data source without calling AWS: the registry account comes from a table built into it,
by repository name and region; `registry_path` is `<account>.dkr.ecr.<region>.<dns suffix>/<repository>:<tag>`,
where the region is the data source's `region`, else its provider configuration's region, and the DNS suffix is
the data source's `dns_suffix`, else that of the PROVIDER configuration's region (a provider in us-east-1 gives
`amazonaws.com` even for `region = "cn-north-1"`). The plan shows `region` and `dns_suffix` as written (null
when unset); an empty one counts as unset and shows null. `image_tag` defaults to "1" and takes any string
unchecked; an empty one leaves the path ending in ":" and shows null. `id` is the account. A pair missing from
the table fails the plan ("no registry ID available for region (...) and repository (...)"), and so does a
region written in capitals; a newer provider may know more pairs, so a pair that is not here is unknown, not an
error.
"""

from __future__ import annotations

from typing import NamedTuple


class RegistryGroup(NamedTuple):
    """Repositories that share one registry table in the provider, and that table: account -> its regions."""

    repositories: tuple[str, ...]
    regions_by_account: dict[str, tuple[str, ...]]


'''

FUNCTIONS = '''
_ACCOUNT_BY_REPOSITORY_AND_REGION = {
    (repository, region): account
    for group in REGISTRY_GROUPS
    for repository in group.repositories
    for account, regions in group.regions_by_account.items()
    for region in regions
}
_DNS_SUFFIX_BY_PROVIDER_REGION = {region: suffix for suffix, regions in DNS_SUFFIXES.items() for region in regions}


def registry_account(repository_name: str, region: str) -> str | None:
    """The account of the provider's registry of `repository_name` in `region`, or None."""
    return _ACCOUNT_BY_REPOSITORY_AND_REGION.get((repository_name, region))


def provider_dns_suffix(provider_region: str) -> str | None:
    """The DNS suffix the provider uses when configured for `provider_region`, or None (a region never planned)."""
    return _DNS_SUFFIX_BY_PROVIDER_REGION.get(provider_region)


def prebuilt_image(
    repository_name: str,
    region: str | None,
    provider_region: str,
    image_tag: str | None = None,
    dns_suffix: str | None = None,
) -> dict[str, str | None] | None:
    """Every attribute of the data source as `terraform plan` shows it, from its arguments (None: not written)
    and the region of the provider configuration it uses; None when the provider has no account for the pair,
    or when the DNS suffix comes from a provider region never planned: then the plan cannot be predicted."""
    # An empty string is no value to the provider (the generator probes both).
    region = region or None
    dns_suffix = dns_suffix or None
    lookup_region = region or provider_region
    account = registry_account(repository_name, lookup_region)
    suffix = dns_suffix or provider_dns_suffix(provider_region)
    if account is None or suffix is None:
        return None
    tag = DEFAULT_IMAGE_TAG if image_tag is None else image_tag
    return {
        "dns_suffix": dns_suffix,
        "id": account,
        "image_tag": tag or None,  # the provider keeps no empty string: "" shows as null
        "region": region,
        "registry_id": account,
        "registry_path": f"{account}.dkr.ecr.{lookup_region}.{suffix}/{repository_name}:{tag}",
        "repository_name": repository_name,
    }
'''


def _strings(items: Iterable[str], indent: int, tail: str = ",") -> str:
    """A tuple of strings, on one line where it fits in 120 characters, else as many items a line as fit."""
    quoted = [json.dumps(item) for item in items]
    one_line = "(" + ", ".join(quoted) + ("," if len(quoted) == 1 else "") + ")"
    if indent + len(one_line) + len(tail) <= 120:
        return " " * indent + one_line + tail
    lines = [""]
    for item in quoted:
        if lines[-1] and indent + 4 + len(lines[-1]) + len(item) + 2 > 120:
            lines.append("")
        lines[-1] = f"{lines[-1]} {item}," if lines[-1] else f"{item},"
    body = "".join(f"{' ' * (indent + 4)}{line}\n" for line in lines)
    return f"{' ' * indent}(\n{body}{' ' * indent}){tail}"


def _keyed_strings(key: str, items: Iterable[str], indent: int) -> str:
    """`"key": (strings),` wrapped like `_strings`."""
    line = _strings(items, 0)
    if indent + len(json.dumps(key)) + 2 + len(line) <= 120:
        return f"{' ' * indent}{json.dumps(key)}: {line}"
    return f"{' ' * indent}{json.dumps(key)}: " + _strings(items, indent).lstrip()


def render(table: dict[str, dict[str, str]], suffixes: dict[str, str], updated_at: str) -> str:
    groups: dict[str, list[str]] = {}
    for repository in sorted(table):
        groups.setdefault(json.dumps(table[repository], sort_keys=True), []).append(repository)
    lines = [
        f'PROVIDER = "{PROVIDER_SOURCE}"',
        f'PROVIDER_VERSION = "{PROVIDER_VERSION}"',
        f'UPDATED_AT = "{updated_at}"',
        "",
        "# The provider's default `image_tag`.",
        'DEFAULT_IMAGE_TAG = "1"',
        "",
        "# DNS suffix -> the provider regions that use it: the regions the provider accepts, of those planned.",
        "DNS_SUFFIXES: dict[str, tuple[str, ...]] = {",
    ]
    by_suffix: dict[str, list[str]] = {}
    for region, suffix in sorted(suffixes.items()):
        by_suffix.setdefault(suffix, []).append(region)
    lines += [_keyed_strings(suffix, regions, 4) for suffix, regions in sorted(by_suffix.items())]
    lines += ["}", "", "# The provider's registry table, one group per set of repositories sharing an account table.",
              'REGISTRY_GROUPS: tuple[RegistryGroup, ...] = (']
    for regions_by_account_json, repositories in sorted(groups.items(), key=lambda item: item[1][0]):
        regions_by_account: dict[str, list[str]] = {}
        for region, account in sorted(json.loads(regions_by_account_json).items()):
            regions_by_account.setdefault(account, []).append(region)
        lines += ["    RegistryGroup(", _strings(repositories, 8), "        {"]
        lines += [_keyed_strings(account, regions, 12) for account, regions in sorted(regions_by_account.items())]
        lines += ["        },", "    ),"]
    lines.append(")")
    return HEADER + "\n".join(lines) + "\n\n" + FUNCTIONS


def verify(module_text: str, measured: list[tuple[Probe, dict[str, Any]]]) -> None:
    """Stop unless the rendered `prebuilt_image` gives exactly what the plan shows, for every probe."""
    namespace: dict[str, Any] = {"__name__": "prebuilt_ecr_images_rendered"}
    exec(compile(module_text, str(OUTPUT), "exec"), namespace)
    wrong = []
    for probe, values in measured:
        computed = namespace["prebuilt_image"](
            probe.repository_name, probe.region, probe.provider_region, probe.image_tag, probe.dns_suffix
        )
        if computed != values:
            wrong.append(f"{probe}: plan {values}, function {computed}")
    if wrong:
        sys.exit("gen_prebuilt_ecr_images: the rendered function disagrees with the provider:\n"
                 + "\n".join(wrong[:20]))


def build(today: str) -> str:
    measured, names, timings = measure()
    table = registry_table(measured)
    unplanned = sorted(set(names) - set(table))
    if unplanned:
        sys.exit(f"gen_prebuilt_ecr_images: repositories with an account in no candidate region: {unplanned}")
    module_text = render(table, dns_suffixes(measured), today)
    verify(module_text, measured)
    for label, seconds in timings:
        print(f"terraform {label}: {seconds:.1f} s", file=sys.stderr)
    pairs = sum(len(regions) for regions in table.values())
    print(f"{len(table)} repositories, {pairs} (repository, region) pairs, {len(measured)} data sources verified",
          file=sys.stderr)
    return module_text


def main() -> int:
    args = check_argument(__doc__.splitlines()[0])
    return write_or_check(OUTPUT, build(datetime.date.today().isoformat()), args.check)


if __name__ == "__main__":
    sys.exit(main())

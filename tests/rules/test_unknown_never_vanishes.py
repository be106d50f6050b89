"""Issue 16, item 6: an unknown never vanishes. A mutation audit of every rule over every example stack.

For every stack in terraform_examples/ (read through the plan reader and through the source reader) and an audit
stack (the SageMaker API mapping, for the audit-only rules), every rule is run once per resource it judges over
attributes that note each read. Every place it read (on that resource, or on another one it followed a reference
to), and every enclosing block and list of one, is then replaced, one at a time, by `Unknown("mutation")`, and the
rule is run again on that resource. The resource's region and pinned account are mutated the same way when the
rule read them. After a mutation the rule must:
- still give a result, where it gave one before (an unknown never turns into silence);
- not pass where it failed or was unknown before (an unknown never turns into a pass);
- not pass where it passed before, unless the mutated place is one the verdict does not depend on: each such
  place is listed in NOT_A_VERDICT_INPUT with its reason (and an unknown region or account is also replaced by
  each of a few known values: the verdict must pass with every one);
- not raise (the engine would fail closed, but an unknown value is no error);
- where it says UNKNOWN, give the mutation's reason and name the place (a key of its path) in its message.
What only a change to the model can mend is listed in KNOWN_GAPS, each with the change it needs; a listing that
no mutation needs any more fails, so that it is removed when the model is mended.

Pipeline definitions are JSON documents in one attribute: their steps' arguments are recorded and mutated inside
the document, as a `{"Get": ...}` pipeline expression would make them unknown. Deterministic (stacks, rules and
places in a fixed order) and exhaustive: no sampling.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlmarket.model import Finding, Resource, Stack, Unknown, Verdict
from mlmarket.model.pipeline import PIPELINE_TYPE, PipelineStep, pipeline_steps, read_definition
from mlmarket.readers.hcl import read_directory
from mlmarket.readers.plan_json import read_plan
from mlmarket.readers.sagemaker_api import ECR_IMAGE, Collected, build_stack
from mlmarket.rules import all_rules
from mlmarket.rules.base import Rule

from support import EXAMPLES, SELLER

MUTATION = "mutation"
REGION = "(region)"
ACCOUNT = "(account)"

# A place: a path into a resource's attributes (keys and list indexes), or (REGION,) / (ACCOUNT,).
Place = tuple[str | int, ...]


@dataclass(frozen=True)
class Listed:
    """Mutations whose outcome is explained: `place` is a pattern (`_glob`) over where the mutation is: the
    owner's resource type, then the path with `[*]` for indexes (`aws_ecr_repository (account)`,
    `* *.variant_name`)."""

    rules: tuple[str, ...]
    place: str
    why: str
    problem: str = "*"  # for KNOWN_GAPS: a pattern over the problem found

    def matches(self, rule_id: str, where: str, problem: str = "") -> bool:
        return rule_id in self.rules and _glob(self.place, where) and (not problem or _glob(self.problem, problem))


def _glob(pattern: str, text: str) -> bool:
    """`*` matches anything (brackets are literal: `Steps[*]`); case and underscores are ignored, so that
    `*imageconfig*` matches both `image_config` and a pipeline's `ImageConfig`."""

    def normalized(value: str) -> str:
        return value.lower().replace("_", "")

    regex = ".*".join(re.escape(part) for part in normalized(pattern).split("*"))
    return re.fullmatch(regex, normalized(text), re.DOTALL) is not None


IMAGE_RULES = ("CKV_MLM_002", "CKV_MLM_003", "CKV_MLM_004", "CKV_MLM_013")
ACCOUNT_AND_REGION_IMAGE_RULES = ("CKV_MLM_003", "CKV_MLM_004", "CKV_MLM_013")

# A PASSED may stay PASSED with one of these places unknown: the verdict does not depend on it. A region or an
# account is also put to each of a few known values, and the verdict must stay PASSED with every one.
NOT_A_VERDICT_INPUT: tuple[Listed, ...] = (
    Listed(
        ("CKV_MLM_002", "CKV_MLM_013"),
        "aws_ecr_repository (*)",
        "an image from a repository this configuration creates is in private ECR and never AWS-owned, whatever "
        "the repository's account and region (003 and 004 judge those)",
    ),
    Listed(("CKV_MLM_003",), "aws_ecr_repository (region)", "003 judges the account of the repository; 004 its region"),
    Listed(
        ("CKV_MLM_004",), "aws_ecr_repository (account)", "004 judges the region of the repository; 003 its account"
    ),
    Listed(
        ACCOUNT_AND_REGION_IMAGE_RULES,
        "* *imageconfig*",
        "the repository access mode is 002's concern (`Vpc` is not private ECR), not the image's account or region",
    ),
    Listed(
        ("CKV_MLM_005",),
        "aws_s3_bucket bucket",
        "a URI that refers to the bucket resource takes its region from that resource, whatever its name",
    ),
    Listed(
        ("CKV_MLM_010", "CKV_MLM_012", "CKV_MLM_015", "CKV_MLM_016"),
        "* *.profile_name",
        "read only to name the validation profile in messages",
    ),
    Listed(
        ("CKV_MLM_015", "CKV_MLM_016"), "* *.variant_name", "read only to name the variant in messages"
    ),
    Listed(
        ("CKV_MLM_012",),
        "* *stoppingcondition*",
        "a stopping condition matters only when managed spot training is on (for a validation training job "
        "definition, which has no spot switch: the runtime only when a max wait is set)",
    ),
    Listed(
        ("CKV_MLM_012",),
        "* *enablemanagedspottraining",
        "with the max wait and the runtime within the limits, spot training on and off both pass",
    ),
    Listed(("CKV_MLM_018",), "aws_ecr_image image_tags", "read only to name the image in messages"),
    Listed(
        ("CKV_MLM_006",),
        "* (region)",
        "another resource's region is one vote for the publishing region; the verdict stands whatever region it "
        "holds (each region of the stack, and one of none, is put in its place to check it)",
    ),
)

# Problems the rules cannot fix alone: each needs a change to the model (mlmarket.model), which the rules
# only read. Each entry names the change; an entry no problem needs any more fails test_every_listing_is_used.
KNOWN_GAPS: tuple[Listed, ...] = ()
# Where the model gives its own reason for an unknown instead of the reader's: a step whose Arguments are unknown
# is 'only known when the pipeline runs' (that is why it is unknown: a pipeline expression).
MODEL_REASONS = ("only known when the pipeline runs",)
# The words messages use for attributes that are not Terraform arguments (audit) or that hold a document.
PLACE_WORDS = {
    "pipeline_definition": "pipeline",
    "scan_status": "scan",
    "scan_finding_counts": "scan findings",
    "image_size_in_bytes": "image size",
    "image_size_budget_gib": "image size budget",
}


# --- the stacks --------------------------------------------------------------------------------------------------


def _with_seller(stack: Stack) -> Stack:
    # terraform_examples/.mlmarket.yaml sets it for every example: rules 003 and 014 read what a scan reads.
    return dataclasses.replace(stack, seller_account=stack.seller_account or SELLER)


def _audit_stack() -> Stack:
    """ECR images as the audit reads them: the audit-only rules (018, 019) judge nothing a Terraform stack holds."""

    def image(digest: str, size: int, scan: dict[str, Any]) -> Collected:
        detail = {
            "imageDigest": f"sha256:{digest * 64}",
            "repositoryName": "model",
            "repositoryUri": f"{SELLER}.dkr.ecr.us-east-1.amazonaws.com/model",
            "imageTags": ["1.0"],
            "imageSizeInBytes": size,
            **scan,
        }
        return Collected(ECR_IMAGE, "us-east-1", detail)

    clean = {"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindingsSummary": {"findingSeverityCounts": {}}}
    findings = {
        "imageScanStatus": {"status": "COMPLETE"},
        "imageScanFindingsSummary": {"findingSeverityCounts": {"CRITICAL": 1, "HIGH": 2, "LOW": 3}},
    }
    stack, unmapped = build_stack(
        [image("a", 2 * 1024**3, clean), image("b", 30 * 1024**3, findings)], account=SELLER, partition="aws"
    )
    assert unmapped == []
    return stack


def example_stacks() -> list[tuple[str, Stack]]:
    stacks: list[tuple[str, Stack]] = []
    for plan in sorted(EXAMPLES.rglob("plan.json")):
        stacks.append((f"plan {plan.parent.relative_to(EXAMPLES)}", _with_seller(read_plan(str(plan)))))
    roots = sorted({path.parent for path in EXAMPLES.rglob("*.tf")} - _module_directories())
    for root in roots:
        for stack in read_directory(str(root)):
            stacks.append((f"source {root.relative_to(EXAMPLES)}", _with_seller(stack)))
    stacks.append(("audit ECR images", _audit_stack()))
    return stacks


def _module_directories() -> set[Path]:
    """Directories some example calls as a module (not roots of their own)."""
    return {path.parent for path in EXAMPLES.rglob("*.tf") if "modules" in path.relative_to(EXAMPLES).parts}


# --- recording what a rule reads ---------------------------------------------------------------------------------

Note = Callable[[Place], None]


class _RecordingDict(dict):
    """A mapping that notes every key read (`get`, `[]`, `in`) and a read of the whole (iterating it)."""

    def __init__(self, items: dict[Any, Any], place: Place, note: Note) -> None:
        super().__init__(items)
        self._place, self._note = place, note

    def get(self, key: Any, default: Any = None) -> Any:
        self._note((*self._place, key))
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note((*self._place, key))
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self._note((*self._place, key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._note(self._place)
        return super().__iter__()

    def __len__(self) -> int:
        self._note(self._place)
        return super().__len__()

    def items(self):  # type: ignore[override]
        self._note(self._place)
        return super().items()

    def values(self):  # type: ignore[override]
        self._note(self._place)
        return super().values()

    def keys(self):  # type: ignore[override]
        self._note(self._place)
        return super().keys()


class _RecordingList(list):
    """A list that notes a read of itself (iterated, indexed or measured)."""

    def __init__(self, items: list[Any], place: Place, note: Note) -> None:
        super().__init__(items)
        self._place, self._note = place, note

    def __iter__(self) -> Iterator[Any]:
        self._note(self._place)
        return super().__iter__()

    def __len__(self) -> int:
        self._note(self._place)
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._note(self._place)
        return super().__getitem__(index)


def _recording(value: Any, place: Place, note: Note) -> Any:
    if isinstance(value, dict):
        return _RecordingDict({k: _recording(v, (*place, k), note) for k, v in value.items()}, place, note)
    if isinstance(value, list):
        return _RecordingList([_recording(v, (*place, i), note) for i, v in enumerate(value)], place, note)
    return value


class _WatchedResource(Resource):
    """A resource that notes reads of its region and pinned account (rules read them through the model)."""

    _note: Note

    def __getattribute__(self, name: str) -> Any:
        if name == "region" or name == "account":
            object.__getattribute__(self, "_note")((REGION if name == "region" else ACCOUNT,))
        return object.__getattribute__(self, name)


@dataclass(frozen=True)
class Read:
    owner: str  # the address of the resource read
    place: Place


def _step_path_pairs(document: dict[str, Any]) -> list[tuple[Place, dict[str, Any]]]:
    """(path of each step in the document, the step), in the order `pipeline_steps` lists them (branches of a
    Condition step after it)."""
    found: list[tuple[Place, dict[str, Any]]] = []

    def walk(raw_steps: Any, path: Place) -> None:
        if not isinstance(raw_steps, list):
            return
        for index, raw in enumerate(raw_steps):
            if not isinstance(raw, dict):
                continue
            found.append(((*path, index), raw))
            arguments = raw.get("Arguments")
            if isinstance(arguments, dict):
                for branch in ("IfSteps", "ElseSteps"):
                    walk(arguments.get(branch), (*path, index, "Arguments", branch))

    walk(document.get("Steps"), ("Steps",))
    return found


def _recording_steps(resource: Resource, note: Note) -> list[PipelineStep] | None:
    """The pipeline's steps with arguments that note reads at their place in `pipeline_definition`; None when the
    steps cannot be read (the rules then read only the attribute, which is recorded as such)."""
    steps = pipeline_steps(dataclasses.replace(resource, derived={}))
    if isinstance(steps, Unknown):
        return None
    document = read_definition(resource.get("pipeline_definition"))
    assert isinstance(document, dict)
    recorded = []
    for path, raw in _step_path_pairs(document):
        arguments = raw.get("Arguments")
        place = ("pipeline_definition", *path, "Arguments")
        recorded.append(
            PipelineStep(
                name=raw["Name"] if isinstance(raw.get("Name"), str) else "(unnamed)",
                type=raw["Type"] if isinstance(raw.get("Type"), str) else "(untyped)",
                arguments=_recording(arguments, place, note) if isinstance(arguments, dict) else {},
            )
        )
    assert recorded == steps, f"{resource.address}: the pipeline model walks steps differently from this test"
    return recorded


def reads(rule: Rule, resource: Resource, stack: Stack) -> set[Read]:
    """Every place `rule` reads when it judges `resource`, on that resource or any other of the stack."""
    log: set[Read] = set()
    watched: list[Resource] = []
    for other in stack.resources:

        def note(place: Place, owner: str = other.address) -> None:
            log.add(Read(owner, place))

        copied = _WatchedResource(
            **{f.name: getattr(other, f.name) for f in dataclasses.fields(Resource)}
            | {"attributes": _recording(other.attributes, (), note), "derived": {}}
        )
        object.__setattr__(copied, "_note", note)
        if other.type == PIPELINE_TYPE:
            steps = _recording_steps(other, note)
            if steps is not None:
                copied.derived["pipeline_steps"] = steps
        watched.append(copied)
    recording_stack = dataclasses.replace(stack, resources=watched)
    target = next(r for r in watched if r.address == resource.address)
    rule.evaluate(target, recording_stack)
    return log


# --- mutating one place ------------------------------------------------------------------------------------------


def mutation_places(read_places: set[Place]) -> set[Place]:
    """The places read and every block or list enclosing one (a read of `a[0].b` mutates `a[0].b`, `a[0]`, `a`)."""
    places: set[Place] = set()
    for place in read_places:
        for end in range(1, len(place) + 1):
            places.add(place[:end])
    return places


def _set_at(container: Any, path: Place, value: Any) -> bool:
    """Put `value` at `path` inside `container` (a key may be absent: it becomes set); False where `path` does not
    lead anywhere (a block that is not there)."""
    for step in path[:-1]:
        in_dict = isinstance(container, dict) and step in container
        in_list = isinstance(container, list) and isinstance(step, int) and step < len(container)
        if not (in_dict or in_list):
            return False
        container = container[step]
    last = path[-1]
    if isinstance(container, dict):
        container[last] = value
        return True
    if isinstance(container, list) and isinstance(last, int) and last < len(container):
        container[last] = value
        return True
    return False


def mutated(resource: Resource, place: Place) -> Resource | None:
    """A copy of `resource` with the value at `place` unknown; None where the place does not exist."""
    unknown = Unknown(MUTATION)
    if place == (REGION,):
        return dataclasses.replace(resource, region=unknown, derived={})
    if place == (ACCOUNT,):
        return dataclasses.replace(resource, account=unknown, derived={})
    attributes = copy.deepcopy(resource.attributes)
    if place[0] == "pipeline_definition" and len(place) > 1:
        # Inside the document: as a pipeline expression (`{"Get": ...}`) leaves it, the rest of it readable.
        document = read_definition(attributes.get("pipeline_definition"))
        if not isinstance(document, dict) or not _set_at(document, place[1:], unknown):
            return None
        attributes["pipeline_definition"] = document
    elif not _set_at(attributes, place, unknown):
        return None
    return dataclasses.replace(resource, attributes=attributes, derived={})


def _fresh(stack: Stack, replacing: Resource | None = None) -> Stack:
    """The stack with fresh derived views (and `replacing` in place of the resource of its address)."""
    resources = [
        replacing if replacing is not None and r.address == replacing.address else dataclasses.replace(r, derived={})
        for r in stack.resources
    ]
    return dataclasses.replace(stack, resources=resources)


def verdict_of(rule: Rule, address: str, stack: Stack) -> Finding | None:
    subject = next(r for r in stack.resources if r.address == address)
    return rule.evaluate(subject, stack)


def path_text(place: Place) -> str:
    text = ""
    for step in place:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


_INDEX = re.compile(r"\[[0-9]+\]")


def where_text(owner_type: str, place: Place) -> str:
    """`aws_sagemaker_model primary_container[*].image`: how listings name a place."""
    return f"{owner_type} {_INDEX.sub('[*]', path_text(place))}"


def _names_the_place(message: str, place: Place) -> bool:
    """The message names the place: a key of its path (or the word messages use for it)."""
    lowered = message.lower()
    keys = [step for step in place if isinstance(step, str)]
    words = [PLACE_WORDS.get(key, key) for key in keys] + [key.replace("_", " ") for key in keys]
    words = [word.strip("()") for word in words]  # (region), (account)
    return any(word.lower() in lowered for word in words)


# --- the audit ---------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    # rule ID -> the places mutated: (stack, owner address, place); one place may be read for several resources.
    places: dict[str, set[tuple[str, str, Place]]] = dataclasses.field(default_factory=dict)
    results: Counter[str] = dataclasses.field(default_factory=Counter)  # rule ID -> results checked
    not_mutated: list[str] = dataclasses.field(default_factory=list)  # read places that could not be mutated
    transitions: Counter[tuple[str, str, str]] = dataclasses.field(default_factory=Counter)
    used: Counter[Listed] = dataclasses.field(default_factory=Counter)  # listing -> mutations it explained
    problems: list[str] = dataclasses.field(default_factory=list)


def _name(finding: Finding | None) -> str:
    return "nothing" if finding is None else finding.verdict.value


def _problem(before: Finding | None, after: Finding | None, place: Place) -> str:
    """What is wrong with `after`, the finding with `place` unknown, given `before`; "" when nothing is."""
    if after is None:
        return "" if before is None else "gives no result"
    if after.verdict is Verdict.PASSED:
        if before is None:
            return "no result became PASSED"
        if before.verdict is not Verdict.PASSED:
            return f"{before.verdict.value} became PASSED"
        return "PASSED with a place it read unknown"
    if after.verdict is Verdict.UNKNOWN and (before is None or before.verdict is not Verdict.UNKNOWN):
        if MUTATION not in after.message and not any(reason in after.message for reason in MODEL_REASONS):
            return f"UNKNOWN without the reason: {after.message!r}"
        if not _names_the_place(after.message, place):
            return f"UNKNOWN without naming the place: {after.message!r}"
    return ""


OTHER_ACCOUNT = "444455556666"
AWS_OWNED_ACCOUNT = "763104351884"  # the Deep Learning Containers registry


def _probes(place: Place, stack: Stack) -> list[Any]:
    """Known values to put in place of an unknown region or account: the verdict must not depend on which."""
    if place == (REGION,):
        regions = {r.region for r in stack.resources if isinstance(r.region, str)}
        return sorted(regions | {"af-south-1"})  # af-south-1: first by name, for the tie break by name
    if place == (ACCOUNT,):
        return [SELLER, OTHER_ACCOUNT, AWS_OWNED_ACCOUNT]
    return []


def _with_known(resource: Resource, place: Place, value: Any) -> Resource:
    field = "region" if place == (REGION,) else "account"
    return dataclasses.replace(resource, **{field: value}, derived={})


def _depends_on(tally: Tally, rule: Rule, subject: str, owner: Resource, place: Place, stack: Stack) -> str:
    """"" when the verdict stays PASSED with every probe value at `place`, else which value changes it."""
    for value in _probes(place, stack):
        tally.results[rule.metadata.id] += 1
        finding = verdict_of(rule, subject, _fresh(stack, _with_known(owner, place, value)))
        if finding is None or finding.verdict is not Verdict.PASSED:
            return f"PASSED, but {_name(finding)} with {path_text(place)} = {value}"
    return ""


def _listing(listings: tuple[Listed, ...], rule_id: str, where: str, problem: str = "") -> Listed | None:
    return next((listed for listed in listings if listed.matches(rule_id, where, problem)), None)


def audit(stacks: list[tuple[str, Stack]], rules: tuple[Rule, ...]) -> Tally:
    tally = Tally()
    for label, stack in stacks:
        for rule in rules:
            for resource in stack.resources:
                if resource.type in rule.metadata.resource_types and resource.unknown_reason is None:
                    _audit_one(tally, label, rule, resource, stack)
    return tally


def _audit_one(tally: Tally, label: str, rule: Rule, resource: Resource, stack: Stack) -> None:
    rule_id = rule.metadata.id
    before = verdict_of(rule, resource.address, _fresh(stack))
    by_owner: dict[str, set[Place]] = {}
    for read in reads(rule, resource, stack):
        by_owner.setdefault(read.owner, set()).add(read.place)
    for owner_address, read_places in sorted(by_owner.items()):
        owner = stack.by_address[owner_address]
        for place in sorted(mutation_places(read_places), key=lambda p: [str(step) for step in p]):
            changed = mutated(owner, place)
            if changed is None:
                tally.not_mutated.append(f"{label}: {rule_id} {owner_address} {path_text(place)}")
                continue
            where = where_text(owner.type, place)
            tally.places.setdefault(rule_id, set()).add((label, owner_address, place))
            try:
                after = verdict_of(rule, resource.address, _fresh(stack, changed))
            except Exception as error:  # a rule that raises on an unknown value is a problem found, not a crash
                after, problem = None, f"raises {type(error).__name__}: {error}"
            else:
                problem = _problem(before, after, place)
            tally.results[rule_id] += 1
            tally.transitions[(rule_id, _name(before), _name(after))] += 1
            if problem.startswith("PASSED with a place"):
                listed = _listing(NOT_A_VERDICT_INPUT, rule_id, where)
                if listed is not None:
                    problem = _depends_on(tally, rule, resource.address, owner, place, stack)
                    tally.used[listed] += not problem
            if problem:
                gap = _listing(KNOWN_GAPS, rule_id, where, problem)
                if gap is not None:
                    tally.used[gap] += 1
                    continue
                shown = path_text(place) if owner_address == resource.address else f"{owner_address} {path_text(place)}"
                tally.problems.append(f"{label}: {rule_id} {resource.address} [{shown}]: {problem}")


@pytest.fixture(scope="module")
def tally() -> Tally:
    return audit(example_stacks(), all_rules())


def test_no_unknown_vanishes_or_passes(tally: Tally) -> None:
    assert tally.problems == []


def test_every_rule_and_every_place_it_reads_is_mutated(tally: Tally) -> None:
    rule_ids = sorted(rule.metadata.id for rule in all_rules())
    assert sorted(tally.places) == rule_ids
    assert sorted(tally.results) == rule_ids
    assert tally.not_mutated == []


def test_every_listing_is_used(tally: Tally) -> None:
    """A listing no mutation needs is stale: the rule or the model changed, or the listing is wrong."""
    assert [listed for listed in (*NOT_A_VERDICT_INPUT, *KNOWN_GAPS) if not tally.used[listed]] == []

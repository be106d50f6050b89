"""The data files of `mlmarket.limits`: schema-valid, canonical, and what their generators write."""

from __future__ import annotations

import copy
import datetime
import functools
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from mlmarket import limits

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(limits.__file__).resolve().parent / "data"
SCHEMA_DIR = REPO_ROOT / "policies" / "schemas"
SCRIPTS_DIR = REPO_ROOT / "scripts"
GEN_VENV_PYTHON = Path("/work/gen-venv/bin/python")

DATA_FILES = sorted(path.name for path in DATA_DIR.glob("*.json"))


def canonical_dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_path(data_file: str) -> Path:
    stem = data_file.removesuffix(".json").replace("_", "-")
    return SCHEMA_DIR / f"limits-{stem}.schema.json"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validator_for(data_file: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_json(schema_path(data_file)))


def test_the_four_datasets_are_shipped() -> None:
    assert DATA_FILES == [
        "aws_registries.json",
        "instance_types.json",
        "nvme_families.json",
        "publishing_regions.json",
    ]


def test_every_limits_schema_belongs_to_a_data_file() -> None:
    assert sorted(SCHEMA_DIR.glob("limits-*.schema.json")) == sorted(schema_path(name) for name in DATA_FILES)


@pytest.mark.parametrize("data_file", DATA_FILES)
def test_schema_is_a_valid_draft_2020_12_schema(data_file: str) -> None:
    schema = load_json(schema_path(data_file))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("data_file", DATA_FILES)
def test_data_file_validates_against_its_schema(data_file: str) -> None:
    errors = [
        error.message for error in validator_for(data_file).iter_errors(load_json(DATA_DIR / data_file))
    ]
    assert errors == []


@pytest.mark.parametrize("data_file", DATA_FILES)
def test_data_file_is_canonical(data_file: str) -> None:
    text = (DATA_DIR / data_file).read_text(encoding="utf-8")
    assert text == canonical_dumps(json.loads(text))


@pytest.mark.parametrize("data_file", DATA_FILES)
def test_schema_rejects_a_missing_updated_at(data_file: str) -> None:
    data = load_json(DATA_DIR / data_file)
    del data["updated_at"]
    assert not validator_for(data_file).is_valid(data)


@pytest.mark.parametrize(
    ("data_file", "break_it"),
    [
        ("instance_types.json", lambda d: d["instance_types"]["hosting"].append("m5.xlarge")),
        ("instance_types.json", lambda d: d["instance_types"].pop("processing")),
        (
            "aws_registries.json",
            lambda d: d["registries"].update({"12345": {"regions": [], "frameworks": []}}),
        ),
        ("publishing_regions.json", lambda d: d["regions"].pop()),
        ("publishing_regions.json", lambda d: d["regions"].append(d["regions"][0])),
        ("nvme_families.json", lambda d: d["families"].append("ml.g5")),
        ("nvme_families.json", lambda d: d.update({"extra": True})),
    ],
    ids=[
        "instance-type-without-ml-prefix",
        "missing-use",
        "short-account",
        "16-publishing-regions",
        "duplicate-region",
        "family-with-prefix",
        "unknown-key",
    ],
)
def test_schema_rejects_broken_data(data_file: str, break_it: Any) -> None:
    data = copy.deepcopy(load_json(DATA_DIR / data_file))
    break_it(data)
    assert not validator_for(data_file).is_valid(data)


# --- the generators' shared plumbing (scripts/_canonical.py) -------------------------------------


@pytest.fixture
def canonical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("_canonical_under_test", SCRIPTS_DIR / "_canonical.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(module, "DATA_DIR", tmp_path)
    return module


def run_generator_main(
    canonical: ModuleType, monkeypatch: pytest.MonkeyPatch, content: dict, *args: str
) -> int:
    monkeypatch.setattr(sys, "argv", ["gen_example.py", *args])
    return canonical.main("example.json", lambda: dict(content), "example generator")


def test_generator_keeps_updated_at_when_the_data_is_unchanged(
    canonical: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = {"source": "s", "updated_at": "2020-01-02", "items": [1, 2]}
    (tmp_path / "example.json").write_text(canonical_dumps(committed), encoding="utf-8")
    content = {"source": "s", "items": [1, 2]}
    assert run_generator_main(canonical, monkeypatch, content, "--check") == 0
    assert run_generator_main(canonical, monkeypatch, content) == 0
    assert (tmp_path / "example.json").read_text(encoding="utf-8") == canonical_dumps(committed)


def test_generator_check_fails_with_a_diff_when_the_data_changed(
    canonical: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    committed_text = canonical_dumps({"source": "s", "updated_at": "2020-01-02", "items": [1, 2]})
    (tmp_path / "example.json").write_text(committed_text, encoding="utf-8")
    content = {"source": "s", "items": [1, 2, 3]}

    assert run_generator_main(canonical, monkeypatch, content, "--check") == 1
    output = capsys.readouterr().out
    assert "--- example.json (committed)" in output
    assert "+    3\n" in output
    assert (tmp_path / "example.json").read_text(encoding="utf-8") == committed_text

    assert run_generator_main(canonical, monkeypatch, content) == 0
    today = datetime.date.today().isoformat()
    assert load_json(tmp_path / "example.json") == {"source": "s", "updated_at": today, "items": [1, 2, 3]}


def test_generator_check_fails_when_the_file_is_missing(
    canonical: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_generator_main(canonical, monkeypatch, {"source": "s"}, "--check") == 1
    assert not (tmp_path / "example.json").exists()


# --- drift: each committed file is what its generator writes ------------------------------------


@dataclass(frozen=True)
class Generator:
    script: str
    data_file: str
    # (distribution read by the generator, the data file key that records its version)
    source: tuple[str, str] | None


GENERATORS = [
    Generator("gen_instance_types.py", "instance_types.json", ("botocore", "botocore_version")),
    Generator("gen_aws_registries.py", "aws_registries.json", ("sagemaker-core", "sagemaker_core_version")),
    Generator("gen_publishing_regions.py", "publishing_regions.json", ("botocore", "botocore_version")),
    Generator("gen_nvme_families.py", "nvme_families.json", None),
]


def generator_python() -> str:
    """The generators' own environment: MLMARKET_GENERATOR_PYTHON (set by .ci/run), a local gen-venv, or ours."""
    configured = os.environ.get("MLMARKET_GENERATOR_PYTHON")
    if configured:
        return configured
    return str(GEN_VENV_PYTHON) if GEN_VENV_PYTHON.exists() else sys.executable


@functools.cache
def installed_versions(python: str) -> dict[str, str | None]:
    probe = (
        "import importlib.metadata as m, importlib.util as u, json\n"
        "def version(dist):\n"
        "    try:\n"
        "        return m.version(dist)\n"
        "    except m.PackageNotFoundError:\n"
        "        return None\n"
        "ok = u.find_spec('sagemaker') is not None and u.find_spec('sagemaker.core') is not None\n"
        "core = version('sagemaker-core') if ok else None\n"
        "print(json.dumps({'botocore': version('botocore'), 'sagemaker-core': core}))\n"
    )
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_every_data_file_has_a_generator() -> None:
    assert sorted(generator.data_file for generator in GENERATORS) == DATA_FILES
    assert all((SCRIPTS_DIR / generator.script).is_file() for generator in GENERATORS)


@pytest.mark.parametrize("generator", GENERATORS, ids=[g.script for g in GENERATORS])
def test_data_file_matches_its_generator(generator: Generator) -> None:
    if os.environ.get("MLMARKET_SKIP_GENERATORS") == "1":
        pytest.skip("MLMARKET_SKIP_GENERATORS=1")
    python = generator_python()
    if generator.source is not None:
        distribution, version_key = generator.source
        installed = installed_versions(python)
        if installed["sagemaker-core"] is None:
            pytest.skip(
                f"sagemaker-core is not importable by {python}: create the generator environment "
                "(python3 -m venv /work/gen-venv && /work/gen-venv/bin/pip install botocore sagemaker-core)"
            )
        recorded = load_json(DATA_DIR / generator.data_file)[version_key]
        if installed[distribution] != recorded:
            pytest.skip(
                f"{generator.data_file} was generated from {distribution} {recorded}, {python} has "
                f"{installed[distribution]}: refresh it with `{python} scripts/{generator.script}`"
            )
    result = subprocess.run(
        [python, str(SCRIPTS_DIR / generator.script), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

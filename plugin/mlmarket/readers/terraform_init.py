"""What `terraform init` leaves in a root module's data directory (`.terraform`, or `TF_DATA_DIR`), read as
`terraform plan` reads it, offline: the manifest of installed modules and the selected workspace.

A registry or git module is on disk only after `terraform init` downloaded it; its manifest
(`modules/modules.json`) maps each call's path from the root ("vpc", "vpc.endpoints") to the source it was
installed from and the directory holding it. A call the manifest does not hold, or holds for another source, is
not read: its resources are out of the scan, and the scan says so (with --strict, that fails it).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from mlmarket.errors import InputError
from mlmarket.readers.jsonfile import display_path, read_bytes

_MANIFEST = os.path.join("modules", "modules.json")
_MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_REGISTRY_HOST = "registry.terraform.io/"
# `namespace/name/provider`, optionally with a `//sub/dir`: the public registry's shorthand.
_REGISTRY_SHORTHAND = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*/[0-9A-Za-z][0-9A-Za-z_-]*/[0-9a-z]+(//.*)?$")
# Terraform accepts a name that needs no escaping in a URL path segment.
_WORKSPACE_NAME = re.compile(r"^[0-9A-Za-z_.~$&+,;=:@-]+$")
NOT_INSTALLED = "not installed: run `terraform init` in the root module, then scan again"


@dataclass(frozen=True)
class InstalledModule:
    source: str
    directory: str  # real path


def data_directory(root: str) -> str:
    """`TF_DATA_DIR` (relative to the root module, where Terraform runs), else `.terraform`."""
    return os.path.join(root, os.environ.get("TF_DATA_DIR") or ".terraform")


def read_manifest(root: str) -> dict[str, InstalledModule]:
    """Call path ("a.b") -> the module installed for it; empty when `terraform init` has not run here."""
    path = os.path.join(data_directory(root), _MANIFEST)
    if not os.path.isfile(path):
        return {}
    shown = display_path(path)
    try:
        manifest = json.loads(read_bytes(path, _MAX_MANIFEST_BYTES))
        records = manifest["Modules"]
        installed = {
            record["Key"]: InstalledModule(
                record.get("Source", ""), os.path.realpath(os.path.join(root, record["Dir"]))
            )
            for record in records
            if record["Key"]
        }
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(shown, f"is not a module manifest written by `terraform init` ({error})") from None
    return installed


def same_source(written: str, installed: str) -> bool:
    """Whether a call's `source` is the one the manifest records, in the normalized form `terraform init`
    writes: the registry shorthand gains its host, a GitHub shorthand becomes a git URL."""
    return installed in _normalized_forms(written)


def _normalized_forms(source: str) -> set[str]:
    forms = {source}
    if _REGISTRY_SHORTHAND.match(source):
        forms.add(_REGISTRY_HOST + source)
    for host in ("github.com/", "bitbucket.org/"):
        if source.startswith(host):
            path, slashes, sub = source.partition("//")
            repository = path if path.endswith(".git") else f"{path}.git"
            forms.add(f"git::https://{repository}{slashes}{sub}")
    if source.startswith("git::"):
        forms.add(source)
    return forms


def selected_workspace(root: str, given: str | None) -> str:
    """`--workspace`, else `TF_WORKSPACE`, else the workspace `terraform workspace select` recorded, else
    `default`: the value of `terraform.workspace`."""
    name = given or os.environ.get("TF_WORKSPACE")
    where = "--workspace" if given else "TF_WORKSPACE"
    if not name:
        path = os.path.join(data_directory(root), "environment")
        if not os.path.isfile(path):
            return "default"
        where = display_path(path)
        try:
            name = read_bytes(path).decode("utf-8").strip()
        except UnicodeDecodeError:
            raise InputError(where, "is not a workspace name") from None
    if not _WORKSPACE_NAME.match(name):
        raise InputError(where, f"{name!r} is not a valid workspace name")
    return name


# --- modules checkov downloaded ----------------------------------------------------------------------------

_EXACT_VERSION = re.compile(r"^=?\s*v?(\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]+)?)$")
_REGISTRY_SOURCE = re.compile(
    r"^(?:(?P<host>[0-9A-Za-z.-]+\.[A-Za-z]+)/)?(?P<path>[0-9A-Za-z][0-9A-Za-z_-]*/[0-9A-Za-z][0-9A-Za-z_-]*/[0-9a-z]+)"
    r"(?://(?P<sub>.+))?$"
)


def checkov_download(root: str, folder: str, source: str, version: str | None) -> str | None:
    """Where `checkov --download-external-modules` put a call's module under `--external-modules-download-path`
    (default `.external_modules`, relative to the scanned root), following checkov 3.3's layout:
    `<host>/<namespace>/<name>/<provider>/<version>` for the registry, `<repository>/<ref or HEAD>` for git.
    None when it is not there, or when several downloaded versions could match and only a constraint says which."""
    base = os.path.join(root, folder)
    registry = _REGISTRY_SOURCE.match(source)
    if registry and not source.startswith(("github.com/", "bitbucket.org/")):
        module = os.path.join(base, registry["host"] or "registry.terraform.io", *registry["path"].split("/"))
        exact = _EXACT_VERSION.match(version.strip()) if version else None
        if exact:
            chosen = exact[1]
        else:
            present = sorted(os.listdir(module)) if os.path.isdir(module) else []
            if len(present) != 1:
                return None
            chosen = present[0]
        return _existing(os.path.join(module, chosen, registry["sub"] or ""))
    git = _git_parts(source)
    if git is None:
        return None
    repository, inner, ref = git
    return _existing(os.path.join(base, repository, ref, inner))


def _git_parts(source: str) -> tuple[str, str, str] | None:
    if source.startswith(("github.com/", "bitbucket.org/")):
        source = "git::https://" + source
    if not source.startswith("git::"):
        return None
    address, _, ref = source.partition("?ref=")
    parts = address.split("//")
    if len(parts) not in (2, 3):
        return None
    repository = parts[1].removesuffix(".git")
    inner = parts[2] if len(parts) == 3 else ""
    if ".." in repository.split("/") or ".." in inner.split("/") or ".." in ref.split("/"):
        return None  # a path out of the download folder is never read
    return repository, inner, ref or "HEAD"


def _existing(directory: str) -> str | None:
    directory = os.path.normpath(directory)
    return os.path.realpath(directory) if os.path.isdir(directory) else None

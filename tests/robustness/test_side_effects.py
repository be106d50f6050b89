"""The scanner only reads: no writes to the scanned tree, no symlinks followed out of it, no network."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket

import pytest
from pytest_socket import SocketBlockedError, disable_socket, enable_socket

from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES


def tree_digest(root) -> dict[str, str]:
    digest = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.lstat(path)
            with open(path, "rb") as handle:
                digest[os.path.relpath(path, root)] = f"{hashlib.sha256(handle.read()).hexdigest()}:{stat.st_mtime_ns}"
        digest[os.path.relpath(directory, root) + "/"] = str(os.lstat(directory).st_mtime_ns)
    return digest


@pytest.fixture
def sockets_blocked():
    disable_socket()
    try:
        yield
    finally:
        enable_socket()


def test_blocking_really_blocks(sockets_blocked):
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("127.0.0.1", 9))


def test_full_scans_of_every_example_touch_neither_disk_nor_network(tmp_path, sockets_blocked):
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree, symlinks=True)
    before = tree_digest(tree)
    results = scan_path(str(tree), Settings())
    for plan in sorted(tree.rglob("plan.json")):
        results += scan_path(str(plan), Settings())
    assert len(results) > 100
    assert tree_digest(tree) == before

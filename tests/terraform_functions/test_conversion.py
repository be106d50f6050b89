"""Terraform's type conversion and sensitivity functions, differentially against terraform 1.11 (one batch)."""

from __future__ import annotations

import itertools

import pytest

from tf_function_oracle import oracle_workdir, report, run

from tf_oracle import terraform_binary

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(terraform_binary() is None, reason="terraform is not installed"),
]

ARGUMENTS = [
    '"a"', '"1"', '"1.5"', '"true"', '"false"', '"0"', '" 1"', '"1e3"', '"0x10"', '""', "1", "-2.5", "true",
    "false", "null", "[]", "[1, 2]", '["a", 1]', '[1, "a", true]', '[1, [2]]', '["x", null]', "[null]",
    "{}", "{ a = 1 }", '{ a = 1, b = "x" }', "{ a = [1] }", '{ a = [1], b = "x" }', "{ a = null }",
    "local.k_list", "local.k_nums", "local.k_set", "local.k_map", "local.k_obj", "local.k_tup", "local.k_nested",
    "local.k_empty_list", "local.u_str", "local.u_num", "local.u_bool", "local.u_list", "local.u_set",
    "local.u_map", "local.u_obj", "local.u_tup", "local.u_dyn", "local.u_tup_partial", "local.u_list_partial",
    "local.u_obj_partial", "local.u_map_partial", "local.u_set_partial", "var.secret", "var.secret_list",
    "var.null_str", "var.k_var_obj", "local.k_objs", "[local.u_str, 1]",
    "[true, local.u_bool]", '{ a = local.u_str, b = 1 }', '[{ a = 1 }, { a = "x" }]', '[{ a = 1 }, { b = 1 }]',
    "[[], [1]]", '[[], ["a"]]', "[{}, { a = 1 }]", "tolist([])", "toset([])", "tomap({})", '[1, "1"]',
    "[var.secret, 1]", "local.k_num_set", "[null, null]",
]
FUNCTIONS = ["tobool", "tonumber", "tostring", "tolist", "toset", "tomap", "ephemeralasnull", "sensitive",
             "nonsensitive", "issensitive"]

HAND_WRITTEN = [
    'type("a")', "type(local.u_str)", 'tostring("a", "b")', "tolist()", "tonumber(\"-0\")", 'tonumber("1E2")',
    'tonumber("+1")', 'tonumber("1.")', 'tonumber(".5")', 'tonumber("1_000")', 'tobool("TRUE")', 'tobool("1")',
    "tostring(1/3)", "tostring(1e30)", "tostring(0.1 + 0.2)", 'tonumber("123456789012345678901")',
    "tolist(tolist([1]))", 'toset(["b", "a", "b"])', 'toset([1, "1"])', "toset([[1], [1]])",
    "tomap({ a = { b = 1 }, c = { b = 2 } })", "tomap({ a = { b = 1 }, c = { d = 2 } })",
    "tolist([{ a = 1 }, { a = null }])", "tolist([[1], [\"a\"]])", 'tolist(["a", [1]])',
    "nonsensitive(sensitive([1]))", "nonsensitive([var.secret])", "issensitive([var.secret])",
    "issensitive(nonsensitive(var.secret))", "sensitive(null)", "issensitive(sensitive(null))",
    "nonsensitive(local.u_secret)", "issensitive(local.u_secret)", "issensitive(local.u_str)",
    "sensitive(local.u_dyn)", "issensitive(local.u_dyn)", "nonsensitive(local.u_dyn)",
    "tostring(sensitive(1))", "tonumber(sensitive(\"x\"))", "length(sensitive([1, 2]))",
    "ephemeralasnull(local.u_tup_partial)", "tobool(local.u_num)", "tonumber(local.u_bool)",
    "tostring(local.u_list)", "tolist(local.u_map)", "tomap(local.u_list)", "toset(local.u_obj)",
    "tolist(local.u_set_partial)", "toset(local.u_list_partial)", "tomap(local.u_obj_partial)",
    "tostring(-0)", "toset([[1], [local.u_str]])", "tostring(pow(2, 60))", "tonumber(\"-Inf\")",
]


def generated() -> list[str]:
    return [f"{name}({arg})" for name, arg in itertools.product(FUNCTIONS, ARGUMENTS)]


CASES = list(dict.fromkeys(HAND_WRITTEN + generated()))



def test_conversion_functions_agree_with_terraform():
    verdicts = run(CASES, oracle_workdir("conversion"))
    failures = report(verdicts)
    assert len(CASES) >= 500
    assert not failures, f"{len(failures)} of {len(CASES)} disagree:\n" + "\n".join(failures[:60])

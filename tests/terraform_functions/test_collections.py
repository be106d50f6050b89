"""Terraform's collection functions, differentially against terraform 1.11 (one batch of expressions)."""

from __future__ import annotations

import itertools

import pytest

from tf_function_oracle import oracle_workdir, report, run

from tf_oracle import terraform_binary

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(terraform_binary() is None, reason="terraform is not installed"),
]

# Arguments of every shape, known, unknown, partly unknown, null and sensitive (see tf_oracle.PRELUDE).
SEQUENCES = [
    "[]", "[1, 2, 3]", '["a", "b", "a"]', '["a", 1, true]', "[[1, 2], [3]]", "local.k_list", "local.k_nums",
    "local.k_set", "local.k_tup", "local.k_empty_list", "local.u_list", "local.u_tup", "local.u_tup_partial",
    "local.u_list_partial", "local.u_set_partial", "local.u_dyn", "var.secret_list", "null", "local.k_nested",
    'tolist(["x", null])', "[local.u_str]", "local.u_set", '["a", var.secret]',
]
MAPPINGS = [
    "{}", '{ a = 1, b = "x" }', "local.k_map", "local.k_str_map", "local.k_obj", "local.u_map", "local.u_obj",
    "local.u_map_partial", "local.u_obj_partial", "var.k_var_obj", "null", "local.u_dyn",
    '{ a = var.secret }', 'tomap({ a = "1", b = "2" })', 'tomap({})', '{ b = [1], a = { c = 2 } }',
]
SCALARS = ['"a"', "1", "true", "null", "local.u_str", "local.u_num", "var.secret", '""', "local.u_dyn"]

HAND_WRITTEN = [
    # length
    "length([local.u_str, 1])", "length(local.u_tup)", "length(local.u_obj)", "length(local.u_list)",
    "length(local.u_set_partial)", 'length(toset([local.u_str]))', "length(local.u_map_partial)",
    'length("héllo")', 'length("e\u0301")', 'length("👍🏽")', "length(local.u_str)", "length(var.secret)",
    "length(1)", "length(true)", "length(null)", "length(local.u_dyn)", "length({})", "length(local.k_obj)",
    'length("")', "length(var.secret_list)", "length([var.secret])",
    # alltrue / anytrue
    "alltrue([])", "alltrue([true, true])", "alltrue([true, false])", 'alltrue(["true", true])',
    "alltrue([local.u_bool, false])", "alltrue([false, local.u_bool])", "alltrue([null])",
    "alltrue(local.u_list)", 'alltrue(["x"])', "alltrue([1])", "anytrue([])", "anytrue([false, true])",
    "anytrue([local.u_bool, true])", "anytrue([local.u_bool, false])", "anytrue([null, false])",
    'anytrue(["false"])', "anytrue(null)", "alltrue(toset([true]))",
    # chunklist
    "chunklist([1, 2, 3, 4, 5], 2)", "chunklist([1, 2, 3], 0)", "chunklist([], 3)", "chunklist([1, 2], -1)",
    "chunklist([1, 2], 1.5)", 'chunklist(["a", 1], 1)', "chunklist(local.u_list, 1)",
    "chunklist(local.u_list_partial, 1)", "chunklist([1, 2], local.u_num)", "chunklist(local.k_set, 2)",
    "chunklist(var.secret_list, 1)", "chunklist([1, 2, 3], 5)", "chunklist([[1], [2, 3]], 1)",
    # coalesce
    'coalesce("", null, "x")', "coalesce(null, 1)", 'coalesce(1, "a")', 'coalesce("", "")',
    "coalesce(null)", "coalesce()", 'coalesce(local.u_str, "a")', 'coalesce("a", local.u_str)',
    "coalesce([], [1])", "coalesce({a = 1}, {b = 2})", 'coalesce(1, [1])', "coalesce(local.u_dyn, 1)",
    'coalesce(var.null_str, "z")', 'coalesce("", var.secret)', "coalesce(false, true)",
    'coalesce(local.k_empty_str, "e")', "coalesce(local.u_list, [1])",
    # coalescelist
    "coalescelist([], [1])", "coalescelist([], [])", 'coalescelist(["a"], [1])', "coalescelist(null, [1])",
    "coalescelist()", "coalescelist(local.u_list, [1])", "coalescelist([1], local.u_list)",
    "coalescelist(local.k_empty_list, local.k_list)", "coalescelist(local.k_set, [1])",
    "coalescelist([], local.u_tup)", 'coalescelist("a")', "coalescelist(tolist([]), tolist([2]))",
    # compact
    'compact(["a", "", "b", null])', "compact([])", 'compact(["", ""])', "compact(local.u_list_partial)",
    "compact(local.u_list)", "compact([1, 2])", 'compact([[""]])', 'compact(["a", var.secret, ""])',
    # concat
    "concat([1], [2])", 'concat([1], ["a"])', "concat(local.k_list, local.k_nums)",
    "concat(local.k_list, [1])", "concat([], [])", "concat()", "concat(local.k_set)", "concat(local.u_list, [1])",
    "concat([1], local.u_list)", "concat(local.u_list, local.k_list)", "concat(local.u_tup, [1])",
    'concat("a")', "concat(local.u_tup_partial, [2])", "concat(var.secret_list, [\"x\"])",
    "concat(tolist([1]), tolist([\"a\"]))", "concat(null)",
    # contains
    'contains(["a", "b"], "a")', 'contains(["a", "b"], "c")', 'contains([1, "1"], 1)', 'contains(["1"], 1)',
    "contains([], 1)", 'contains(local.k_set, "a")', "contains(local.u_list, \"a\")",
    'contains(local.u_list_partial, "b")', 'contains(local.u_list_partial, "z")', 'contains("abc", "a")',
    "contains([null], null)", "contains([[1]], [1])", "contains([{a = 1}], {a = 1})",
    'contains(["a"], local.u_str)', 'contains("abc", local.u_str)', "contains(null, 1)",
    "contains(local.k_nums, 1)", 'contains(local.k_nums, "1")', "contains([1, 2], 1.0)",
    # distinct
    'distinct(["a", "b", "a"])', "distinct([1, 1, 2])", 'distinct([1, "1"])', "distinct([])",
    "distinct(local.u_list_partial)", "distinct(local.k_set)", "distinct([[1], [1], [2]])",
    "distinct(local.u_list)", "distinct(var.secret_list)", 'distinct({a = 1})',
    # element
    "element([1, 2, 3], 0)", "element([1, 2, 3], 4)", "element([1, 2, 3], -1)", "element(local.k_list, -1)",
    "element(local.k_list, -4)", "element(local.k_tup, 1)", "element(local.k_tup, 4)", "element([], 0)",
    "element(local.k_empty_list, 0)", "element(local.k_list, 1.5)", "element(local.k_list, local.u_num)",
    "element(local.k_tup, local.u_num)", "element(local.u_list, 0)", "element(local.u_tup, 1)",
    "element(local.k_set, 0)", 'element("abc", 0)', "element(var.secret_list, 0)", 'element(["a", var.secret], 0)',
    "element(local.u_list_partial, 0)", 'element(local.k_list, "1")', "element(local.k_list, 1e20)",
    # flatten
    "flatten([[1, 2], [3], []])", "flatten([])", "flatten([1, [2, [3, [4]]]])", "flatten(local.k_nested)",
    'flatten([["a"], [1]])', "flatten([local.u_list, [1]])", "flatten([local.u_str, [1]])",
    "flatten([local.u_dyn])", "flatten(local.u_list)", 'flatten("a")', "flatten({a = [1]})",
    "flatten([local.k_set, local.k_list])", "flatten([null, [1]])", "flatten([[local.u_str]])",
    "flatten(local.u_tup_partial)", "flatten({a = local.u_str})", "flatten([var.secret_list])",
    "flatten(local.k_set)", "flatten([[local.u_list_partial]])", "flatten(tolist([tolist([1])]))",
    # index
    'index(["a", "b"], "b")', 'index(["a", "b"], "c")', "index([], 1)", 'index([1, "1"], "1")',
    "index(local.k_tup, true)", "index(local.u_list, \"a\")", 'index(local.u_list_partial, "b")',
    'index(["b", local.u_str], "b")', "index(local.k_set, \"a\")", 'index("abc", "a")', "index([null], null)",
    "index([[1]], [1])", "index(local.k_nums, 2)",
    # keys
    "keys({b = 1, a = 2})", "keys({})", "keys(local.k_map)", "keys(local.u_map)", "keys(local.u_obj)",
    "keys(local.u_dyn)", "keys([1])", "keys(null)", "keys(tomap({}))", "keys(var.k_var_obj)",
    "keys({a = var.secret})", "keys(sensitive({a = 1}))", "keys(local.u_map_partial)",
    # lookup
    'lookup({a = 1}, "a")', 'lookup({a = 1}, "b")', 'lookup({a = 1}, "b", 2)', 'lookup({a = 1}, "b", "x")',
    'lookup(local.k_map, "a")', 'lookup(local.k_map, "z", 0)', 'lookup(local.k_map, "z", "x")',
    'lookup(local.k_map, "z")', 'lookup(local.k_map, "z", null)', 'lookup(local.u_map, "a")',
    'lookup(local.u_map, "a", "d")', 'lookup(local.u_obj, "a")', 'lookup(local.u_obj, "z")',
    'lookup(local.u_obj, "z", 1)', 'lookup({a = 1}, local.u_str)', 'lookup({a = 1}, local.u_str, "d")',
    'lookup(local.k_map, local.u_str)', 'lookup(local.u_map_partial, "a")', 'lookup(local.u_map_partial, "b")',
    'lookup([1], "a")', 'lookup({a = 1}, "a", 1, 2)', 'lookup({a = 1})', 'lookup(local.u_dyn, "a")',
    'lookup({a = 1}, null)', 'lookup({a = 1}, "b", local.u_str)', 'lookup({a = 1}, "a", sensitive(5))',
    'lookup(var.k_var_obj, "opt", "d")', 'lookup(var.k_var_obj, "tags")', 'lookup({a = var.secret}, "a")',
    'lookup(local.k_str_map, "y", 1)', 'lookup({a = 1}, 1)', 'lookup(null, "a")', 'lookup({}, "a", "d")',
    # matchkeys
    'matchkeys(["a", "b", "c"], [1, 2, 3], [1, 3])', 'matchkeys(["a", "b"], ["x", "y"], [])',
    'matchkeys(["a"], [1, 2], [1])', 'matchkeys(["a", "b"], [1, 2], ["1"])', "matchkeys([], [], [1])",
    'matchkeys(local.u_list, ["x", "y"], ["x"])', 'matchkeys(["a", "b"], local.u_list, ["x"])',
    'matchkeys(["a", "b"], ["x", "y"], local.u_list)', 'matchkeys(["a", "b"], ["x", "y"], [local.u_str])',
    'matchkeys(["a", "b"], [[1], [2]], ["x"])', 'matchkeys(["a", "b"], ["x", "x"], ["x"])',
    'matchkeys(local.u_list_partial, ["x", "y"], ["x"])', 'matchkeys(["a"], [local.u_str], ["x"])',
    # merge
    'merge({a = 1}, {b = "x"})', "merge({a = 1}, {a = 2})", "merge()", "merge(null)", "merge({a = 1}, null)",
    "merge(local.k_map, local.k_map)", "merge(local.k_map, local.k_str_map)", "merge(local.k_map, {d = 4})",
    "merge(local.k_map, {d = \"x\"})", "merge(local.u_map, {a = 1})", "merge(local.u_map, local.k_str_map)",
    "merge(local.u_obj, {c = 1})", "merge(local.u_map_partial, {c = \"z\"})", "merge(local.u_obj_partial)",
    "merge(local.u_dyn, {a = 1})", "merge([1])", 'merge({a = 1}, "x")', "merge({}, {})",
    "merge(tomap({a = 1}), tomap({b = 2}))", "merge(local.k_obj, {size = \"big\"})",
    "merge({a = var.secret}, {b = 1})", "merge(var.k_var_obj, {x = 1})", "merge(null, {a = 1})",
    "merge(local.u_map)", "merge(local.u_map, local.u_map)", "merge(local.u_obj, local.u_map)",
    "merge(tomap({}), {})", "merge({a = local.u_str})", "merge({a = 1}, local.u_dyn)",
    # one
    "one([])", "one([1])", "one([1, 2])", "one(local.k_set)", "one(toset([1]))", "one(tolist([]))",
    "one(local.u_list)", "one(local.u_tup)", "one([local.u_str])", "one(local.u_set_partial)",
    "one(toset([local.u_str]))", "one(null)", 'one("a")', "one(local.k_empty_list)", "one(local.u_dyn)",
    "one({a = 1})", "one(toset([]))", "one(var.secret_list)",
    # range
    "range(3)", "range(-3)", "range(0)", "range(1, 4)", "range(4, 1)", "range(0, 1, 0.25)", "range(0, 10, 3)",
    "range(10, 0, -3)", "range(0, 1, 0)", "range(0, 5, -1)", "range(5, 0, 1)", "range()", "range(1, 2, 3, 4)",
    "range(2000)", "range(local.u_num)", "range(0, 0.3, 0.1)", "range(1.5)", 'range("3")', "range(-1, -3)",
    # reverse
    "reverse([1, 2, 3])", "reverse([])", 'reverse(["a", 1])', "reverse(local.k_list)", "reverse(local.k_set)",
    "reverse(local.u_list)", "reverse(local.u_tup)", "reverse(local.u_tup_partial)", 'reverse("abc")',
    "reverse({a = 1})", "reverse(local.k_empty_list)", "reverse(local.u_dyn)", "reverse(var.secret_list)",
    # sets
    'setunion(["a"], ["b", "a"])', "setunion([1], [\"a\"])", "setunion([], [])", "setunion([], [1])",
    "setunion(local.k_set, local.k_num_set)", "setunion(local.u_set, [\"a\"])",
    "setunion(local.u_set_partial, [\"b\"])",
    "setunion([1], [[1]])", "setunion([[1]], [[2]])", "setunion(local.k_set)", 'setunion(["a"], local.u_dyn)',
    'setintersection(["a", "b"], ["b", "c"])', "setintersection([1, 2], [2, 3], [2])", "setintersection([], [1])",
    'setintersection(local.u_set_partial, ["b"])', 'setintersection(local.k_set, ["a", "z"])',
    "setintersection(local.u_set, local.k_set)", "setintersection(local.k_num_set, [\"2\"])",
    'setsubtract(["a", "b"], ["b"])', "setsubtract([1, 2], [])", "setsubtract([], [1])",
    'setsubtract(local.u_set_partial, ["b"])', 'setsubtract(["a"], local.u_set_partial)',
    "setsubtract(local.k_set, local.k_list)", 'setsubtract("a", "b")', "setsubtract(local.k_num_set, [10])",
    'setunion({a = 1}, ["a"])', "setunion(null, [1])", 'setsubtract(["a"], [1])',
    # setproduct
    'setproduct(["a", "b"], [1, 2])', "setproduct(local.k_set, [1])", "setproduct([1], [])",
    "setproduct([1])", "setproduct([], local.u_list)", "setproduct(local.u_list, [1])",
    "setproduct(local.u_set_partial, [])", "setproduct(local.u_set_partial, [1])", "setproduct(local.u_tup, [])",
    'setproduct(["a", 1], [true])', 'setproduct(["a", [1]], [1])', 'setproduct("a", [1])',
    "setproduct(local.k_set, local.k_num_set)", "setproduct([], [])", "setproduct(local.u_dyn, [1])",
    "setproduct([local.u_str], [1])", "setproduct(var.secret_list, [1])", "setproduct(toset([]), [1])",
    # slice
    "slice([1, 2, 3], 1, 2)", "slice([1, 2, 3], 0, 3)", "slice([1, 2, 3], 2, 1)", "slice([1, 2, 3], 0, 4)",
    "slice([1, 2, 3], -1, 1)", "slice([1, 2, 3], 1, 1)", "slice(local.k_list, 1, 3)", "slice(local.k_list, 1, 1)",
    "slice(local.k_set, 0, 1)", "slice(local.k_tup, 0, 2)", "slice(local.u_list, 0, 1)", "slice(local.u_list, 1, 0)",
    "slice(local.u_tup, 0, 1)", "slice(local.u_tup, 0, 3)", "slice(local.k_tup, local.u_num, 1)",
    "slice(local.k_list, local.u_num, 1)", "slice(local.k_list, 0, 1.5)", 'slice("abc", 0, 1)',
    "slice(local.u_tup_partial, 0, 1)", "slice(var.secret_list, 0, 1)", "slice(local.k_tup, 2, local.u_num)",
    "slice(local.k_tup, 5, local.u_num)",
    # sort
    'sort(["b", "a", "C"])', "sort([3, 10, 2])", "sort([])", "sort(local.k_set)", "sort(local.u_list)",
    "sort(local.u_list_partial)", 'sort(["a", null])', "sort([[1]])", 'sort(["é", "z", "a"])',
    "sort(local.k_empty_list)", "sort(var.secret_list)", "sort([true, false])",
    # transpose
    'transpose({a = ["1", "2"], b = ["2", "3"]})', "transpose({})", 'transpose({a = []})',
    'transpose({a = [1]})', 'transpose({a = "x"})', 'transpose({a = null})', 'transpose({a = [null]})',
    "transpose(local.u_map)", 'transpose({a = [local.u_str]})', 'transpose({b = ["x"], a = ["x"]})',
    'transpose(tomap({a = tolist(["x"])}))',
    # values
    "values({b = 1, a = 2})", "values({})", "values(local.k_map)", "values(local.k_obj)", "values(local.u_map)",
    "values(local.u_obj)", "values(local.u_obj_partial)", "values([1])", "values(local.u_dyn)",
    "values(tomap({}))", "values({a = var.secret, b = 1})", "values(var.k_var_obj)",
    # zipmap
    'zipmap(["a", "b"], [1, 2])', 'zipmap(["a", "b"], [1, "x"])', 'zipmap(["a"], [1, 2])',
    'zipmap([], [])', 'zipmap(["a", "a"], [1, 2])', 'zipmap(["a", "a"], [1, "x"])',
    'zipmap(["a"], local.u_list)', 'zipmap(local.u_list, [1, 2])', 'zipmap(local.u_list, tolist([1, 2]))',
    'zipmap(["a", local.u_str], [1, 2])', 'zipmap(["a", null], [1, 2])', 'zipmap(["a"], "x")',
    'zipmap(local.k_list, local.k_nums)', 'zipmap(local.k_set, local.k_nums)', 'zipmap(["a"], local.k_set)',
    'zipmap([1, 2], ["a", "b"])', 'zipmap(["a", "b"], local.u_tup)', 'zipmap(var.secret_list, [1, 2])',
    'zipmap(["a"], tolist([]))',
]


def generated() -> list[str]:
    """Every single-argument function over every argument shape, and pairs for the two-argument ones."""
    out = []
    for name in ("length", "flatten", "reverse", "distinct", "compact", "sort", "one", "alltrue", "keys", "values"):
        pool = MAPPINGS if name in ("keys", "values") else SEQUENCES
        out += [f"{name}({arg})" for arg in pool]
    for name in ("length", "keys", "values", "merge", "transpose"):
        pool = SEQUENCES if name in ("keys", "values") else MAPPINGS
        out += [f"{name}({arg})" for arg in pool[:8]]
    for seq, scalar in itertools.product(SEQUENCES[:12], SCALARS):
        out.append(f"contains({seq}, {scalar})")
    for seq, number in itertools.product(SEQUENCES[:14], ["0", "1", "-1", "local.u_num"]):
        out.append(f"element({seq}, {number})")
    for a, b in itertools.product(SEQUENCES[:10], SEQUENCES[:10]):
        out.append(f"concat({a}, {b})")
    for a, b in itertools.product(MAPPINGS[:10], MAPPINGS[:10]):
        out.append(f"merge({a}, {b})")
    for mapping, key in itertools.product(MAPPINGS, ['"a"', '"name"', "local.u_str"]):
        out.append(f"lookup({mapping}, {key}, null)")
    for a, b in itertools.product(SEQUENCES[:9], SEQUENCES[:9]):
        out.append(f"setunion({a}, {b})")
    for name in ("coalesce", "coalescelist"):
        for a, b in itertools.product(SCALARS + SEQUENCES[:6], SEQUENCES[:6]):
            out.append(f"{name}({a}, {b})")
    return out


CASES = list(dict.fromkeys(HAND_WRITTEN + generated()))


def test_collection_functions_agree_with_terraform():
    verdicts = run(CASES, oracle_workdir("collections"))
    failures = report(verdicts)
    assert len(CASES) >= 500
    assert not failures, f"{len(failures)} of {len(CASES)} disagree:\n" + "\n".join(failures[:60])

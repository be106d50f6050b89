"""The Terraform oracle harness (tests/tf_oracle.py) and the expression generators (tests/tf_expression_strategies.py)
that the differential tests of mlmarket.terraform use. These tests check the harness itself against Terraform 1.11,
not mlmarket: exact answers for chosen cases, batching that changes nothing, and the throughput CI relies on.

MLMARKET_ORACLE_EXAMPLES=N runs N generated cases instead of 3,000 in the throughput test.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tf_expression_strategies import expression_cases, expressions, generate_cases, generate_expressions
from tf_oracle import (
    PRELUDE_NAMES,
    Case,
    OracleResult,
    Stats,
    Variable,
    answer_variants,
    evaluate_with_terraform,
    load_case_table,
    summarize,
    terraform_binary,
)

needs_terraform = [
    pytest.mark.terraform,
    pytest.mark.skipif(terraform_binary() is None, reason="terraform is not installed (nor MLMARKET_TERRAFORM set)"),
]


def _mark(test):
    for mark in needs_terraform:
        test = mark(test)
    return test


@pytest.fixture(scope="module")
def oracle_dir(tmp_path_factory):
    """One directory for the module: the workers in it are initialised once and reused by every test."""
    return tmp_path_factory.mktemp("oracle")


# --- exact answers ----------------------------------------------------------------------------------------

EXACT = [
    (Case('"hello"'), dict(value="hello", type="string")),
    (Case("1/3"), dict(value=Decimal("0." + "3" * 154 + "5"), type="number")),
    (Case("0.1 + 0.2"), dict(value=Decimal("0.3"), type="number")),
    (Case("1e100"), dict(value=10**100, type="number")),
    # refused at validation, in the middle of the batch
    (Case('1 + "a"'), dict(error="Invalid operand")),
    (Case("local.u_str"), dict(value=None, type="string", unknown=True)),
    (Case("[1, local.u_str]"), dict(value=[1, None], type=["tuple", ["number", "string"]], unknown=[False, True])),
    (
        Case('{a = local.u_num, b = "x"}'),
        dict(value={"b": "x"}, type=["object", {"a": "number", "b": "string"}], unknown={"a": True}),
    ),
    # refused at plan time: the plan is still written (errored) with the other outputs
    (Case("local.k_list[10]"), dict(error="Invalid index")),
    (Case("upper(var.secret)"), dict(value="HUNTER2", type="string", sensitive=True)),
    (Case("length(local.u_tup_partial)"), dict(value=2, type="number")),
    # a syntax error: Terraform loads no configuration at all until it is gone
    (Case('"unterminated'), dict(error="Invalid multi-line string")),
    (Case('local.u_bool ? 1 : "a"'), dict(value=None, type="string", unknown=True)),
    (Case("var.null_str"), dict(value=None, type="string")),
    (Case('tolist([1, "a"])'), dict(value=["1", "a"], type=["list", "string"])),
    # evaluated, then infinite: the plan cannot be written and the error names the output, not a file
    (Case("pow(0, -1)"), dict(error="Failed to write plan file")),
    (Case("local.k_objs[*].name"), dict(value=["a", "b"], type=["tuple", ["string", "string"]])),
]


@_mark
def test_exact_answers_for_a_mixed_batch(oracle_dir):
    stats = Stats()
    results = evaluate_with_terraform([case for case, _ in EXACT], oracle_dir, stats=stats)
    for (case, expected), result in zip(EXACT, results, strict=True):
        assert result == OracleResult(case=case, **expected), case.expression
    assert isinstance(results[1].value, Decimal) and isinstance(results[3].value, int)
    assert results[13].output_type == "dynamic"  # what Terraform prints for the null output itself
    assert results[6].output_type is None  # Terraform prints no type for a partly unknown value
    assert stats.bisections == 0


@_mark
def test_the_prelude_provides_what_it_documents(oracle_dir):
    names = list(PRELUDE_NAMES)
    results = evaluate_with_terraform([Case(name) for name in names], oracle_dir)
    for name, result in zip(names, results, strict=True):
        expected_type, state = PRELUDE_NAMES[name]
        assert result.error is None, (name, result.error)
        assert result.type == expected_type, name
        assert result.sensitive == ("sensitive" in state), name
        if state.startswith("unknown"):
            assert result.unknown is True, name
        elif state == "partial":
            assert result.unknown not in (True, False), name
        else:
            assert result.unknown is False, name
            assert (result.value is None) == state.endswith("null"), name


@_mark
def test_cases_with_their_own_configuration_and_conflicting_names(oracle_dir):
    cases = [
        Case("var.case_v", variables={"case_v": Variable('"one"')}),
        Case("var.case_v", variables={"case_v": Variable('"two"')}),  # same name, other definition: other batch
        Case("var.case_v", variables={"case_v": Variable('"one"')}),  # same definition: shares the first batch
        Case("upper(var.case_s)", variables={"case_s": Variable('"pw"', type="string", sensitive=True)}),
        Case("local.case_x + 1", locals={"case_x": "41"}),
    ]
    results = evaluate_with_terraform(cases, oracle_dir)
    assert [r.value for r in results] == ["one", "two", "one", "PW", 42]
    assert [r.sensitive for r in results] == [False, False, False, True, False]


@_mark
def test_an_error_naming_no_file_is_isolated_by_bisection(oracle_dir):
    cases = [Case(f'"n{i}"') for i in range(6)]
    cases.insert(3, Case("local.cyc_a", locals={"cyc_a": "local.cyc_b", "cyc_b": "local.cyc_a"}))
    stats = Stats()
    results = evaluate_with_terraform(cases, oracle_dir, stats=stats)
    assert results[3].error.startswith("Cycle:")
    assert [r.value for i, r in enumerate(results) if i != 3] == [f"n{i}" for i in range(6)]
    assert stats.bisections >= 1


@_mark
def test_batching_does_not_change_the_answers(oracle_dir):
    """The same cases planned together and one per plan: errors in a batch never leak into the neighbours."""
    cases = [case for case, _ in EXACT] + generate_cases(20, seed=99)
    together = evaluate_with_terraform(cases, oracle_dir, batch_size=500)
    alone = evaluate_with_terraform(cases, oracle_dir, batch_size=1, workers=2)
    assert together == alone


@_mark
def test_answer_variants_exposes_terraforms_own_nondeterminism(oracle_dir):
    cases = [Case('tomap({a = "1", b = "2"}) == local.u_map_partial'), Case("local.u_tup_partial == [1, 1]")]
    random_order, ordered = answer_variants(cases, oracle_dir, times=40)
    assert {(r.value, r.unknown) for r in random_order} == {(None, True), (False, False)}
    assert [(r.value, r.unknown) for r in ordered] == [(False, False)]


# --- the generated set and the table ----------------------------------------------------------------------


def test_generated_cases_are_deterministic_and_distinct():
    first = generate_expressions(3000, seed=1)
    assert first == generate_expressions(3000, seed=1)
    assert len(set(first)) == 3000
    assert generate_expressions(50, seed=2) != first[:50]
    text = "\n".join(first)
    for construct in (
        "%{if",
        "%{for",
        "~}",
        "<<EOT",
        "<<-",
        "[*]",
        "[for ",
        "{for ",
        "...",
        " ? ",
        "try(",
        "local.u_",
        "var.secret",
        "null",
        "toset(",
        "jsonencode(",
        "cidrsubnet(",
        "format(",
    ):
        assert construct in text, construct


def test_the_table_has_at_least_200_distinct_cases():
    cases = load_case_table()
    assert len(cases) >= 200
    assert len(set(cases)) == len(cases), "duplicate expressions in oracle_cases.yaml"


@_mark
def test_every_table_case_gets_an_answer(oracle_dir):
    cases = load_case_table()
    results = evaluate_with_terraform(cases, oracle_dir, workers=2)
    counts = summarize(results)
    assert counts["error"] < len(cases) / 4, counts  # a table that is mostly errors would test little
    assert counts["unknown"] > 50 and counts["sensitive"] > 10, counts


@_mark
def test_thousands_of_generated_cases_within_a_minute(oracle_dir):
    count = int(os.environ.get("MLMARKET_ORACLE_EXAMPLES", "3000"))
    cases = generate_cases(count, seed=1)
    stats = Stats()
    started = time.perf_counter()
    results = evaluate_with_terraform(cases, oracle_dir, workers=2, stats=stats)
    elapsed = time.perf_counter() - started
    counts = summarize(results)
    print(f"\n{count} generated cases in {elapsed:.1f}s ({count / elapsed:.0f}/s, {stats.plans} plans): {counts}")
    assert len(results) == count
    assert all((r.error is None) != (r.type is None) for r in results)
    # a useful mix: values, unknowns, sensitive values and refusals
    assert counts["known"] > count * 0.35 and counts["unknown"] > count * 0.08, counts
    assert counts["sensitive"] > count * 0.01 and counts["error"] < count * 0.4, counts
    if count <= 3000:
        assert elapsed < 60, f"{count} cases took {elapsed:.0f}s"


@_mark
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(expression_cases(), min_size=30, max_size=60, unique=True))
def test_the_strategy_draws_expressions_terraform_answers(oracle_dir, cases):
    results = evaluate_with_terraform(cases, oracle_dir)
    assert [r.case for r in results] == cases
    assert all((r.error is None) != (r.type is None) for r in results)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["string", "number", "bool", "list", "tuple", "set", "map", "object"]).flatmap(expressions))
def test_the_strategy_draws_non_empty_text(text):
    assert text.strip()

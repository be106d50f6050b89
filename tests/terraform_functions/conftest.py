"""Differential tests of mlmarket.terraform's functions against the terraform binary (tests/tf_batch.py)."""

from __future__ import annotations

import contextlib

import pytest

from mlmarket.terraform.functions import FunctionError, call
from mlmarket.terraform.functions.strings import grapheme_count
from mlmarket.terraform.values import NUMBER, STRING, Value

from tf_batch import Call, differential, terraform_binary


def evaluate(item: Call):
    """mlmarket's answer for a Call: a function call, or an operator template evaluated with numeric helpers."""
    if "{" in item.function:
        from mlmarket.terraform.functions import numeric
        from mlmarket.terraform.values import unknown_from

        operator = item.function.replace("{0}", "").replace("{1}", "").strip()
        left, right = item.args
        if not left.is_known or not right.is_known:
            return unknown_from([left, right], NUMBER)
        helper = {"+": numeric.add, "-": numeric.subtract, "*": numeric.multiply, "/": numeric.divide,
                  "%": numeric.modulo}[operator]
        return Value(NUMBER, helper(left.raw, right.raw), left.sensitive or right.sensitive)
    if item.function == "length" and item.args[0].type == STRING and item.args[0].is_known:
        # length() belongs to the collection functions; for strings it is grapheme_count.
        return Value(NUMBER, grapheme_count(item.args[0].raw), item.args[0].sensitive)
    return call(item.function, list(item.args))


@pytest.fixture(scope="module")
def check(tmp_path_factory):
    if terraform_binary() is None:
        pytest.skip("terraform is not installed (set MLMARKET_TERRAFORM or put terraform on PATH)")
    workdir = tmp_path_factory.mktemp("tf")

    def run(calls: list[Call]) -> None:
        # Never a Python exception other than FunctionError out of call().
        for item in calls:
            with contextlib.suppress(FunctionError):
                evaluate(item)
        count, problems = differential(calls, workdir, evaluate)
        assert not problems, f"{len(problems)} of {count} disagree with terraform:\n" + "\n".join(problems[:60])

    return run

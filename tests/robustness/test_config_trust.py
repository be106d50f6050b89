"""Configuration fails closed: a `.mlmarket.yaml` can switch rules off, so only one the user vouched for counts,
and no configuration (hostile YAML, a special file, a non-finite limit, junk in a flag or the environment) may
crash, hang or quietly pass a scan. Every error is one line `mlmarket: error: ...` and exit 2.

Each CLI test scans a copy of terraform_examples/serverless_endpoint, which violates CKV_MLM_009, and asserts
that no result is PASSED for the serverless endpoint configuration."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from mlmarket import settings
from mlmarket.errors import InputError
from mlmarket.rules import rule_ids

from support import EXAMPLES, run_cli

SERVERLESS = EXAMPLES / "serverless_endpoint"
VIOLATION = "aws_sagemaker_endpoint_configuration.serverless"
SKIP_EVERYTHING = "skip:\n" + "".join(f"  - id: {rule_id}\n    reason: not ours\n" for rule_id in rule_ids())
SELLER = "111122223333"
LEVELS = "abcdefghi"
# Each level is nine aliases of the one before: 9**9 strings once expanded. Under a key the schema knows, its
# error message quoted the whole expansion (seven levels: 1.3 s and a 39 MB line; nine: minutes and gigabytes).
BILLION_LAUGHS = "seller_account_id:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  - &{LEVELS[n]} [{', '.join([f'*{LEVELS[n - 1]}'] * 9)}]\n" for n in range(1, len(LEVELS))
)
DEEP = "skip: " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.fixture(autouse=True)
def _fresh_warnings():
    """Warnings are said once per process: each test starts with none said."""
    settings._warned.clear()
    yield
    settings._warned.clear()


def stack_in(directory):
    """A copy of the violating serverless example in `directory`."""
    shutil.copytree(SERVERLESS, directory)
    return directory


def scan(*args, env=None, timeout=120):
    """`mlmarket scan ARGS --seller-account ... --format json`: (exit code, CKV_MLM_009 verdicts, stderr)."""
    result = run_cli("scan", *args, "--format", "json", env=env, timeout=timeout)
    verdicts = {}
    if result.stdout:
        verdicts = {
            r["address"]: r["verdict"] for r in json.loads(result.stdout)["results"] if r["rule_id"] == "CKV_MLM_009"
        }
    return result.returncode, verdicts, result.stderr


def assert_violation_reported(code, verdicts):
    assert code == 1
    assert verdicts[VIOLATION] == "FAILED"


def assert_one_line_error(code, verdicts, stderr, message):
    assert (code, verdicts) == (2, {}), stderr
    assert stderr == f"mlmarket: error: {message}\n"


# --- Discovery stops at the repository root ---------------------------------------------------------------------


def test_a_config_above_the_repository_root_switches_nothing_off(tmp_path):
    (tmp_path / ".mlmarket.yaml").write_text(SKIP_EVERYTHING)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    stack = stack_in(tmp_path / "repo" / "stacks" / "serverless")
    code, verdicts, stderr = scan(str(stack))
    assert_violation_reported(code, verdicts)
    assert stderr == ""


def test_a_git_file_of_a_worktree_or_submodule_bounds_discovery_too(tmp_path):
    (tmp_path / ".mlmarket.yaml").write_text(SKIP_EVERYTHING)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".git").write_text("gitdir: ../.git/worktrees/repo\n")
    stack = stack_in(tmp_path / "repo" / "stack")
    code, verdicts, stderr = scan(str(stack / "plan.json"))
    assert_violation_reported(code, verdicts)
    assert stderr == ""


def test_outside_any_repository_only_the_scanned_directory_is_searched(tmp_path):
    if settings.repository_root(str(tmp_path)) is not None:
        pytest.skip("the temporary directory lies inside a git repository")
    (tmp_path / ".mlmarket.yaml").write_text(SKIP_EVERYTHING)
    stack = stack_in(tmp_path / "stack")
    for target in (stack, stack / "plan.json"):
        code, verdicts, stderr = scan(str(target))
        assert_violation_reported(code, verdicts)
        assert stderr == ""


def test_a_config_at_the_repository_root_is_still_found(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".mlmarket.yaml").write_text("skip:\n  - id: CKV_MLM_009\n    reason: batch-only product\n")
    stack = stack_in(tmp_path / "stacks" / "serverless")
    code, verdicts, stderr = scan(str(stack / "plan.json"), "--seller-account", SELLER)
    assert set(verdicts.values()) == {"SKIPPED"}
    assert (code, stderr) == (0, "")


# --- Trust: only files the user owns and only the user may write (git's safe.directory rule) ---------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root")
def test_a_config_owned_by_another_user_is_ignored_with_a_warning(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text(SKIP_EVERYTHING)
    os.chown(config, 12345, 12345)
    code, verdicts, stderr = scan(str(stack))
    assert_violation_reported(code, verdicts)
    assert stderr == f"mlmarket: warning: ignoring {config}: owned by uid 12345, not you\n"


def test_a_config_owned_by_another_user_is_not_trusted(tmp_path, monkeypatch, capsys):
    # Works for any user: the process pretends to run as another uid, so the file is someone else's.
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(SKIP_EVERYTHING)
    owner = config.stat().st_uid
    monkeypatch.setattr(settings.os, "geteuid", lambda: owner + 1)
    assert settings.find_config(str(tmp_path)) is None
    assert capsys.readouterr().err == f"mlmarket: warning: ignoring {config}: owned by uid {owner}, not you\n"


def test_a_config_writable_by_others_is_ignored_with_a_warning(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text(SKIP_EVERYTHING)
    config.chmod(0o666)
    code, verdicts, stderr = scan(str(stack))
    assert_violation_reported(code, verdicts)
    assert stderr == f"mlmarket: warning: ignoring {config}: writable by others\n"


def test_a_config_writable_by_a_shared_group_is_not_trusted(tmp_path, monkeypatch, capsys):
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(SKIP_EVERYTHING)
    config.chmod(0o664)
    group = config.stat().st_gid
    monkeypatch.setattr(settings.os, "getegid", lambda: group + 1)  # the file's group is not the user's own
    assert settings.find_config(str(tmp_path)) is None
    assert capsys.readouterr().err == f"mlmarket: warning: ignoring {config}: writable by group {group}\n"


def test_a_config_writable_by_the_users_own_group_is_trusted(tmp_path, monkeypatch):
    # umask 002 with user-private groups makes every file group-writable: the user's own group is the user.
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(SKIP_EVERYTHING)
    config.chmod(0o664)
    monkeypatch.setattr(settings.os, "getegid", lambda: config.stat().st_gid)
    assert settings.find_config(str(tmp_path)) == str(config)


def test_a_symlink_to_another_users_file_is_not_trusted(tmp_path, monkeypatch, capsys):
    target = tmp_path / "elsewhere.yaml"
    target.write_text(SKIP_EVERYTHING)
    (tmp_path / ".mlmarket.yaml").symlink_to(target)
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        if os.fspath(path) == str(tmp_path / ".mlmarket.yaml") and kwargs.get("follow_symlinks", True):
            return os.stat_result((result.st_mode, *result[1:4], 12345, *result[5:]))
        return result

    monkeypatch.setattr(settings.os, "stat", stat)
    assert settings.find_config(str(tmp_path)) is None
    assert "owned by uid 12345, not you" in capsys.readouterr().err


def test_an_untrusted_config_lets_discovery_go_on_upward(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".mlmarket.yaml").write_text("skip:\n  - id: CKV_MLM_009\n    reason: batch-only product\n")
    stack = stack_in(tmp_path / "stack")
    (stack / ".mlmarket.yaml").write_text(SKIP_EVERYTHING)
    (stack / ".mlmarket.yaml").chmod(0o666)
    assert settings.find_config(str(stack)) == str(tmp_path / ".mlmarket.yaml")


def test_an_explicit_config_is_trusted_and_a_config_skipping_everything_says_so(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = tmp_path / "shared.yaml"
    config.write_text(SKIP_EVERYTHING)
    config.chmod(0o666)  # the user named it: trusted
    result = run_cli("scan", str(stack), str(stack / "plan.json"), "--config", str(config), "--format", "json")
    assert result.returncode == 0
    assert {r["verdict"] for r in json.loads(result.stdout)["results"]} == {"SKIPPED"}
    # Two scanned paths, one configuration: said once.
    assert result.stderr == f"mlmarket: warning: {config} skips every rule; nothing is checked\n"


def test_a_discovered_config_skipping_everything_says_so_once_per_process(tmp_path, capsys):
    from mlmarket.scan import scan_path

    stack = stack_in(tmp_path / "stack")
    (stack / ".mlmarket.yaml").write_text(SKIP_EVERYTHING)
    for _ in range(3):  # as the checkov plugin resolves the settings once per scan root
        assert {r.verdict.value for r in scan_path(str(stack), settings.Settings())} == {"SKIPPED"}
    message = f"mlmarket: warning: {stack / '.mlmarket.yaml'} skips every rule; nothing is checked\n"
    assert capsys.readouterr().err == message


# --- Limits are finite numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "shown"),
    [(".nan", ".nan"), (".NaN", ".nan"), (".inf", ".inf"), ("-.inf", "-.inf"), ("1.0e+999", ".inf")],
)
def test_a_non_finite_limit_is_an_input_error(tmp_path, spelling, shown):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text(f"image_size_budget_gib: {spelling}\n")
    code, verdicts, stderr = scan(str(stack / "plan.json"))
    assert_one_line_error(code, verdicts, stderr, f"{config}: image_size_budget_gib: {shown} is not a finite number")


def test_a_limit_beyond_the_schema_maximum_is_an_input_error(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text("image_size_budget_gib: 1e+300\n")  # YAML 1.1: no dot, so a string; 1.0e+300 is a number
    code, verdicts, stderr = scan(str(stack / "plan.json"))
    assert code == 2 and verdicts == {}
    config.write_text("image_size_budget_gib: 1.0e+300\n")
    code, verdicts, stderr = scan(str(stack / "plan.json"))
    assert_one_line_error(
        code, verdicts, stderr, f"{config}: image_size_budget_gib: 1e+300 is greater than the maximum of 1048576"
    )


# --- Hostile YAML and special files --------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(BILLION_LAUGHS)
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        settings.load_config(str(config))
    assert time.perf_counter() - started < 0.5
    assert raised.value.one_line() == f"{config}:3: invalid YAML: aliases (*a) are not allowed in a configuration file"


def test_a_yaml_alias_bomb_exits_2_with_one_line(tmp_path):
    stack = stack_in(tmp_path / "stack")
    (stack / ".mlmarket.yaml").write_text(BILLION_LAUGHS)
    code, verdicts, stderr = scan(str(stack))
    message = f"{stack / '.mlmarket.yaml'}:3: invalid YAML: aliases (*a) are not allowed in a configuration file"
    assert_one_line_error(code, verdicts, stderr, message)


def test_deeply_nested_yaml_is_an_input_error_not_a_recursion_error(tmp_path):
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(DEEP)
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        settings.load_config(str(config))
    assert time.perf_counter() - started < 0.5
    expected = f"{config}:1: invalid YAML: nested more than {settings.MAX_CONFIG_DEPTH} levels deep"
    assert raised.value.one_line() == expected


def test_deeply_nested_yaml_exits_2_with_one_line(tmp_path):
    stack = stack_in(tmp_path / "stack")
    (stack / ".mlmarket.yaml").write_text(DEEP)
    code, verdicts, stderr = scan(str(stack / "plan.json"))
    message = f"{stack / '.mlmarket.yaml'}:1: invalid YAML: nested more than {settings.MAX_CONFIG_DEPTH} levels deep"
    assert_one_line_error(code, verdicts, stderr, message)


def test_a_config_larger_than_the_bound_is_refused_before_it_is_parsed(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text("# " + "x" * settings.MAX_CONFIG_BYTES + "\n")
    size = config.stat().st_size
    code, verdicts, stderr = scan(str(stack))
    message = f"{config}: {size} bytes is larger than a configuration file may be ({settings.MAX_CONFIG_BYTES} bytes)"
    assert_one_line_error(code, verdicts, stderr, message)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_the_config_is_refused_without_blocking(tmp_path):
    stack = stack_in(tmp_path / "stack")
    os.mkfifo(stack / ".mlmarket.yaml")
    code, verdicts, stderr = scan(str(stack), timeout=20)
    message = f"{stack / '.mlmarket.yaml'}: not a regular file (a FIFO); a configuration file must be one"
    assert_one_line_error(code, verdicts, stderr, message)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_given_with_config_is_refused_without_blocking(tmp_path):
    stack = stack_in(tmp_path / "stack")
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    code, verdicts, stderr = scan(str(stack), "--config", str(fifo), timeout=20)
    assert_one_line_error(
        code, verdicts, stderr, f"{fifo}: not a regular file (a FIFO); a configuration file must be one"
    )


def test_a_directory_named_like_the_config_is_refused(tmp_path):
    stack = stack_in(tmp_path / "stack")
    (stack / ".mlmarket.yaml").mkdir()
    code, verdicts, stderr = scan(str(stack))
    message = f"{stack / '.mlmarket.yaml'}: not a regular file (a directory); a configuration file must be one"
    assert_one_line_error(code, verdicts, stderr, message)


# --- Junk in the environment or a flag is an input error naming its source ------------------------------------


def test_junk_seller_account_in_the_environment_is_an_input_error(tmp_path):
    stack = stack_in(tmp_path / "stack")
    code, verdicts, stderr = scan(str(stack), env={"MLMARKET_SELLER_ACCOUNT": "junk"})
    message = "environment variable MLMARKET_SELLER_ACCOUNT: 'junk' is not a 12-digit AWS account ID"
    assert_one_line_error(code, verdicts, stderr, message)


def test_an_empty_seller_account_variable_counts_as_unset(tmp_path):
    stack = stack_in(tmp_path / "stack")
    code, verdicts, stderr = scan(str(stack), env={"MLMARKET_SELLER_ACCOUNT": ""})
    assert_violation_reported(code, verdicts)
    assert stderr == ""


@pytest.mark.parametrize("region", ["junk", "", "US-EAST-1", "us-east-1\nx"])
def test_junk_publishing_region_flag_is_an_input_error(tmp_path, region):
    stack = stack_in(tmp_path / "stack")
    code, verdicts, stderr = scan(str(stack), "--publishing-region", region)
    assert_one_line_error(
        code, verdicts, stderr, f"--publishing-region: {region!r} is not a region name (such as us-east-1)"
    )


def test_junk_publishing_region_in_the_config_is_an_input_error(tmp_path):
    stack = stack_in(tmp_path / "stack")
    config = stack / ".mlmarket.yaml"
    config.write_text("publishing_region: junk\n")
    code, verdicts, stderr = scan(str(stack))
    assert_one_line_error(
        code, verdicts, stderr, f"{config}: publishing_region: 'junk' does not match '^[a-z]{{2}}(-[a-z]+)+-[0-9]+$'"
    )

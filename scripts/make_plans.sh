#!/usr/bin/env bash
# Regenerate plan.json for the Terraform example stacks, from real offline plans.
#
# Usage: scripts/make_plans.sh [STACK_DIR ...]
#
# A stack is a directory under terraform_examples/ holding *.tf files that is not a
# local module called by another stack. Without arguments every stack is planned;
# with arguments only the named stack directories are. A stack directory holding a
# file named NO_PLAN is skipped; that file's first line says why.
#
# For each stack the whole terraform_examples/ tree (so local modules come along)
# is planned in a temporary copy:
#   terraform init -backend=false, validate, plan -refresh=false, show -json
# and only <stack>/plan.json is written back. plan.json is terraform's own
# `show -json` output, unmodified (one line). Nothing else in the repository is
# created or changed: .terraform/, lock files and tfplan stay in the temporary copy.
#
# Needs only terraform and a filesystem mirror holding hashicorp/aws 5.x; no network,
# no AWS credentials (the stacks use mock keys and skip every account lookup).
# Environment: TERRAFORM (binary, default: terraform on PATH),
#              TF_PLUGIN_MIRROR (default: /opt/tf-plugins).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
examples_dir="$repo_root/terraform_examples"
cli_config_template="$repo_root/scripts/terraform.rc.tmpl"
plugin_mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
terraform_bin=${TERRAFORM:-terraform}

die() {
    echo "make_plans: error: $*" >&2
    exit 2
}

command -v "$terraform_bin" >/dev/null 2>&1 ||
    die "terraform not found (install it or set TERRAFORM=/path/to/terraform)"
[[ -d $plugin_mirror/registry.terraform.io/hashicorp/aws ]] ||
    die "no hashicorp/aws provider in the mirror $plugin_mirror (set TF_PLUGIN_MIRROR)"
[[ -d $examples_dir ]] || die "no terraform_examples/ directory at $examples_dir"
[[ -f $cli_config_template ]] || die "missing CLI config template $cli_config_template"

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/make_plans.XXXXXX")
trap 'rm -rf "$work_dir"' EXIT

# Keep the plans hermetic: no input variables, profiles or credentials from the caller.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(TF_VAR_|TF_CLI_ARGS)' || true)
unset TF_DATA_DIR TF_WORKSPACE TF_PLUGIN_CACHE_DIR AWS_PROFILE AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

sed "s|@PLUGIN_MIRROR@|$plugin_mirror|" "$cli_config_template" >"$work_dir/terraform.rc"
export TF_CLI_CONFIG_FILE="$work_dir/terraform.rc"

copy_dir="$work_dir/terraform_examples"
cp -R "$examples_dir" "$copy_dir"
find "$copy_dir" \( -name .terraform -o -name tfplan -o -name .terraform.lock.hcl \) -prune \
    -exec rm -rf {} +

# Every directory with *.tf files, relative to terraform_examples/.
mapfile -t tf_dirs < <(
    find "$copy_dir" -name '*.tf' -type f -printf '%h\n' | sort -u | sed "s|^$copy_dir/\{0,1\}||"
)

# Directories called as local modules (source = "./..." or "../...") are not stacks.
declare -A is_module=()
for dir in "${tf_dirs[@]}"; do
    while IFS= read -r source_path; do
        module_dir=$(realpath -m "$copy_dir/$dir/$source_path")
        is_module["${module_dir#"$copy_dir"/}"]=1
    done < <(sed -nE 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"(\.\.?\/[^"]*)".*/\1/p' \
        "$copy_dir/$dir"/*.tf)
done

all_stacks=()
for dir in "${tf_dirs[@]}"; do
    [[ -n ${is_module[$dir]:-} ]] || all_stacks+=("$dir")
done

# Stack directories named on the command line: absolute, relative to the current
# directory, or relative to terraform_examples/.
stacks=()
if (($# == 0)); then
    stacks=("${all_stacks[@]}")
else
    for arg in "$@"; do
        if [[ -d $arg ]]; then
            path=$(realpath "$arg")
        elif [[ -d $examples_dir/$arg ]]; then
            path=$(realpath "$examples_dir/$arg")
        else
            die "no such stack directory: $arg"
        fi
        [[ $path == "$examples_dir"/* ]] || die "$arg is not inside $examples_dir"
        rel=${path#"$examples_dir"/}
        found=
        for stack in "${all_stacks[@]}"; do [[ $stack == "$rel" ]] && found=1; done
        [[ -n $found ]] || die "$arg is not a stack (no *.tf files, or a module called by a stack)"
        stacks+=("$rel")
    done
fi

written=0
failed=()
declare -A skip_count=()
skip_reasons=()
started=$SECONDS

for stack in "${stacks[@]}"; do
    if [[ -f $examples_dir/$stack/NO_PLAN ]]; then
        reason=$(head -n 1 "$examples_dir/$stack/NO_PLAN")
        reason=${reason:-no reason given in NO_PLAN}
        echo "skip  $stack: $reason"
        [[ -n ${skip_count[$reason]:-} ]] || skip_reasons+=("$reason")
        skip_count[$reason]=$((${skip_count[$reason]:-0} + 1))
        continue
    fi
    stack_started=$SECONDS
    log_file="$work_dir/terraform.log"
    # errexit does not apply inside an if condition: chain the steps with &&.
    if (
        cd "$copy_dir/$stack" &&
            "$terraform_bin" init -input=false -backend=false -no-color &&
            "$terraform_bin" validate -no-color &&
            "$terraform_bin" plan -input=false -refresh=false -lock=false -no-color -out=tfplan &&
            "$terraform_bin" show -json tfplan >"$work_dir/plan.json"
    ) >"$log_file" 2>&1; then
        cp "$work_dir/plan.json" "$examples_dir/$stack/plan.json"
        written=$((written + 1))
        echo "plan  $stack: plan.json written ($((SECONDS - stack_started)) s)"
    else
        failed+=("$stack")
        echo "FAIL  $stack: terraform failed; its output:" >&2
        sed 's/^/      /' "$log_file" >&2
    fi
done

skipped_total=0
skip_summary=()
for reason in "${skip_reasons[@]}"; do
    skipped_total=$((skipped_total + skip_count[$reason]))
    skip_summary+=("${skip_count[$reason]}: $reason")
done
summary="$written plans written, $skipped_total stacks skipped"
if ((skipped_total > 0)); then
    joined=$(printf '; %s' "${skip_summary[@]}")
    summary+=" (${joined#; })"
fi
if ((${#failed[@]} > 0)); then
    summary+=", ${#failed[@]} failed: ${failed[*]}"
fi
echo "$summary [$((SECONDS - started)) s]"
((${#failed[@]} == 0))

#!/bin/bash
# Measures issue 14's whole-process figures (BENCHMARKS.md, "Dense trust graphs"): each command
# of iamscope on the generated accounts, against the time Python's json.load takes to parse the
# same file, interleaved in one run.
#
#   scripts/measure-dense.sh [RUNS] [DIR]
#
# RUNS (default 3) rounds; DIR (default a new temporary folder) holds the binary and the
# generated accounts, which are made once and reused. Each line: the command, wall seconds,
# user and system seconds, peak resident memory, and bytes written.
set -euo pipefail
runs=${1:-3}
dir=${2:-$(mktemp -d)}
cd "$(dirname "$0")/.."
mkdir -p "$dir"
go build -o "$dir/iamscope" .
gen() { [ -s "$dir/$1.json" ] || go run ./internal/synth/cmd/synth "${@:2}" -o "$dir/$1.json"; }
gen sparse
gen dense -shape dense
gen rt2000 -shape root-trust -roles 2000 -users 1 -policies 0
gen rt20000 -shape root-trust -roles 20000 -users 1 -policies 0
gen wide -shape wide-trust -roles 1 -users 1 -policies 0 -trusted-accounts 30000

b="$dir/iamscope"
c=(--context aws:CurrentTime=2026-01-01T00:00:00Z)
acct=574714094597
run() {
	local name=$1
	shift
	/usr/bin/time -f "$name %e s %U u %S s %M KB" "$@" >"$dir/out" 2>"$dir/err" || true
	echo "$(tail -1 "$dir/err") $(stat -c %s "$dir/out") B"
}
parse() { run "json.load-$1" python3 -c "import json;json.load(open('$dir/$1.json'))"; }
for _ in $(seq "$runs"); do
	parse dense
	run who-can-dense "$b" who-can s3:GetObject arn:aws:s3:::bucket-17/x -f "$dir/dense.json" "${c[@]}"
	run can-dense "$b" can "arn:aws:iam::$acct:role/inventory-webhook-dev" s3:GetObject arn:aws:s3:::bucket-17/x -f "$dir/dense.json" "${c[@]}"
	run what-can-dense "$b" what-can "arn:aws:iam::$acct:role/inventory-webhook-dev" -f "$dir/dense.json" "${c[@]}"
	run what-can-no-chains-dense "$b" what-can --no-chains "arn:aws:iam::$acct:role/inventory-webhook-dev" -f "$dir/dense.json" "${c[@]}"
	run what-can-json-dense "$b" what-can --json "arn:aws:iam::$acct:role/inventory-webhook-dev" -f "$dir/dense.json" "${c[@]}"
	run paths-dense "$b" paths -f "$dir/dense.json" "${c[@]}"
	parse sparse
	run who-can-sparse "$b" who-can s3:GetObject arn:aws:s3:::bucket-17/x -f "$dir/sparse.json" "${c[@]}"
	run paths-sparse "$b" paths -f "$dir/sparse.json" "${c[@]}"
	parse rt2000
	run what-can-rt2000 "$b" what-can "arn:aws:iam::$acct:user/user-0" -f "$dir/rt2000.json" "${c[@]}"
	run what-can-json-rt2000 "$b" what-can --json "arn:aws:iam::$acct:user/user-0" -f "$dir/rt2000.json" "${c[@]}"
	run paths-rt2000 "$b" paths -f "$dir/rt2000.json" "${c[@]}"
	parse rt20000
	run what-can-rt20000 "$b" what-can "arn:aws:iam::$acct:user/user-0" -f "$dir/rt20000.json" "${c[@]}"
	run what-can-json-rt20000 "$b" what-can --json "arn:aws:iam::$acct:user/user-0" -f "$dir/rt20000.json" "${c[@]}"
	run paths-rt20000 "$b" paths -f "$dir/rt20000.json" "${c[@]}"
	parse wide
	run who-can-wide "$b" who-can sts:AssumeRole "arn:aws:iam::$acct:role/wide-trust" -f "$dir/wide.json" "${c[@]}"
done

#!/usr/bin/env bash
# Runs the fuzz campaign of README's Reliability section: every fuzzer of the repository, each
# for a while (10 minutes unless FUZZTIME says otherwise), LANES of them at a time (each with
# one worker), then copies what each found into its package's testdata/fuzz/ corpus (which
# `go test ./...` replays) and prints a Markdown table: fuzzer, time, executions, inputs that
# widened coverage, result.
#
#   scripts/fuzz.sh                      # every fuzzer, 10 minutes each, 2 at a time
#   FUZZTIME=60s scripts/fuzz.sh FuzzRead FuzzMatch
#   scripts/fuzz.sh --report             # the table and corpora of the last campaign's logs
#
# A failing input is written by go test into testdata/fuzz/<Fuzzer>/ as usual: fix the bug and
# keep the file, it is then a regression case. Logs go to $FUZZLOG (default /tmp/iamscope-fuzz).
# Needs: go. Outside CI: it keeps every CPU busy for the whole campaign.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
fuzztime=${FUZZTIME:-10m}
lanes=${LANES:-2}
logs=${FUZZLOG:-/tmp/iamscope-fuzz}
mkdir -p "$logs"
report_only=false
if [ "${1:-}" = --report ]; then
  report_only=true
  shift
fi

# Every fuzzer: package and name, from the test files.
mapfile -t all < <(grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
  sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f" | while read -r name; do
    echo "$(dirname "$f") $name"
  done
done)
if [ $# -gt 0 ]; then
  wanted=" $* "
  picked=()
  for item in "${all[@]}"; do
    [[ $wanted == *" ${item#* } "* ]] && picked+=("$item")
  done
  all=("${picked[@]}")
fi
[ ${#all[@]} -gt 0 ] || { echo "fuzz.sh: no fuzzer matches: $*" >&2; exit 2; }

# run PKG NAME: one fuzzer, its output in $logs/NAME.log and its exit status in NAME.rc.
run() {
  local pkg=$1 name=$2
  (cd "$root" && go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" -parallel=1 \
    -timeout=0 "$pkg" >"$logs/$name.log" 2>&1)
  echo $? >"$logs/$name.rc"
}

running=0
$report_only && all_to_run=() || all_to_run=("${all[@]}")
for item in "${all_to_run[@]}"; do
  if [ "$running" -ge "$lanes" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  echo "$(date -u +%FT%TZ) start ${item}" >&2
  run $item &
  running=$((running + 1))
done
wait || true

# Copy each fuzzer's corpus (the inputs that widened coverage, kept in the Go build cache)
# into the repository, beside the seeds and regression cases already there.
cache=$(go env GOCACHE)/fuzz/$(go list -m)
echo "| fuzzer | package | time | executions | new inputs | result |"
echo "| --- | --- | --- | --- | --- | --- |"
status=0
for item in "${all[@]}"; do
  set -- $item
  pkg=$1 name=$2
  rel=${pkg#./}
  log=$logs/$name.log
  if [ ! -f "$log" ]; then
    echo "| $name | $rel | not run | | | |"
    continue
  fi
  if [ -d "$cache/$rel/$name" ]; then
    mkdir -p "$rel/testdata/fuzz/$name"
    cp -n "$cache/$rel/$name"/* "$rel/testdata/fuzz/$name/" 2>/dev/null || true
  fi
  last=$(grep -E '^fuzz: elapsed' "$log" | tail -1 || true)
  execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$last")
  fresh=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
  elapsed=$(sed -n 's/^fuzz: elapsed: \([0-9hms]*\),.*/\1/p' <<<"$last")
  if [ "$(cat "$logs/$name.rc")" = 0 ]; then
    result="no failure"
  else
    result="FAILED: see $log"
    status=1
  fi
  echo "| $name | $rel | $elapsed | ${execs:-?} | ${fresh:-?} | $result |"
done
exit $status

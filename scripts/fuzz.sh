#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan+UBSan) in build-fuzz/ and runs each for a fixed
# time on its committed corpus. Exits non-zero when a target crashes, leaks, hangs or trips a sanitizer; the
# input that did it is kept in build-fuzz/artifacts/<target>/.
# Usage: scripts/fuzz.sh [--seconds N (default 60)] [--merge] [target...]
#   --merge  afterwards, fold the inputs that reached new code into the committed corpus (tests/fuzz/corpus)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
merge=0
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=(fuzz_jsonrpc_session fuzz_json_schema fuzz_halo_responses fuzz_http_request)

"$root/scripts/setup.sh" --with-test-tools --packages-only  # clang and libFuzzer come with the test tools

build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHALOPSA_FUZZ=ON \
  -DHALOPSA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >&2

status=0
for t in "${targets[@]}"; do
  seeds="$root/tests/fuzz/corpus/$t"
  found="$build/corpus/$t"       # inputs that reached new code in this run
  artifacts="$build/artifacts/$t"
  mkdir -p "$found" "$artifacts"
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds} s ($(ls "$seeds" | wc -l) seeds)" >&2
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=15 -rss_limit_mb=3072 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$found" "$seeds" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    echo "fuzz: $t ok: $runs runs, $cov edges covered, $(ls "$found" | wc -l) new inputs" >&2
  else
    status=1
    echo "fuzz: $t FAILED; the input is in $artifacts, the log in $log:" >&2
    grep -E "ERROR|SUMMARY|runtime error|#[0-9]+ 0x" "$log" | head -30 >&2
  fi
  if ((merge)); then
    "$build/tests/fuzz/$t" -merge=1 -max_len=65536 "$seeds" "$found" >/dev/null 2>&1 || true
  fi
done
exit $status

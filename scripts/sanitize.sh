#!/usr/bin/env bash
# Runs tests in a sanitizer build (after scripts/test.sh has installed what they need).
#   scripts/sanitize.sh asan   every test (unit, end-to-end, conformance, packaging) in an ASan+UBSan build (build-asan/)
#   scripts/sanitize.sh tsan   the concurrency tests in a ThreadSanitizer build (build-tsan/): the session and stdio
#                              transport, HTTP sessions (in-process and end to end), resource subscriptions across
#                              sessions, resumable SSE streams, the HaloPSA client's token refresher
# Extra arguments go to ctest (e.g. -R core).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-}"
status=0
shift || true
case "$kind" in
  asan)
    build="$root/build-asan"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHALOPSA_SANITIZE=ON >/dev/null
    cmake --build "$build" -j"$(nproc)" >&2
    reports="$build/sanitizer-reports"
    rm -rf "$reports" && mkdir -p "$reports"
    # Reports also go to files: a server spawned by an end-to-end test may die or exit without the test noticing.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:log_path=$reports/asan"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1200 "$@" || status=$?
    ;;
  tsan)
    build="$root/build-tsan"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHALOPSA_TSAN=ON >/dev/null
    cmake --build "$build" -j"$(nproc)" --target test_core test_http test_halo_client halopsa-mcp conformance-fixture >&2
    reports="$build/sanitizer-reports"
    rm -rf "$reports" && mkdir -p "$reports"
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 log_path=$reports/tsan"
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1200 -R '^(core|http|halo_client|e2e_http_sdk|e2e_core|e2e_resource_subscriptions|e2e_http_resume)$' "$@" || status=$?
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize: reports in $reports:" >&2
  cat "$reports"/* >&2
  exit 1
fi
echo "sanitize: no sanitizer reports" >&2
exit $status

#!/usr/bin/env bash
# Formats the tracked C++ sources with the root .clang-format (clang-format 14, Debian 12).
# Usage: scripts/format.sh          rewrite every file in place
#        scripts/format.sh --check  change nothing; list each file that would change and exit 1 if any would
# The test command runs the check (ctest's `format` test). Test data under tests/data is not ours to format.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The style is pinned to clang-format 14 (Debian 12's); another major version formats some lines differently.
clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null || { echo "format: $clang_format is not installed (apt-get install clang-format)" >&2; exit 2; }
mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.h' ':!:tests/data/**')
((${#files[@]})) || { echo "format: no tracked C++ files found under $root" >&2; exit 2; }
if [[ "${1:-}" == "--check" ]]; then
  bad=()
  for f in "${files[@]}"; do
    "$clang_format" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
  done
  if ((${#bad[@]})); then
    printf 'format: %s is not formatted (run scripts/format.sh)\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files formatted"
elif [[ $# == 0 ]]; then
  "$clang_format" --style=file -i "${files[@]}"
else
  echo "format: unknown argument $1 (use --check or nothing)" >&2; exit 2
fi

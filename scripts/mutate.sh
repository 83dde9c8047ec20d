#!/usr/bin/env bash
# A mutation run over the checks that keep a model or a client from doing harm: the argument guard, the duplicate
# and stale-write guards, the tool policy (read-only, --allow-writes, --tools, --toolsets, and the resources and
# prompts that stand for tools), the `extra` allowlist and the audit log's masking. Each mutant deletes one check
# (its condition becomes false), the binary is rebuilt, and the tests that should notice are run. A mutant is
# killed when a unit test fails or an e2e subtest fails that passes on the unmutated code; otherwise it lived.
# Not part of the test command: it rebuilds once per mutant (minutes). Figures go to bench/README.md.
# Usage: scripts/mutate.sh [ID...]   (default: every mutant); needs a configured build/ and tests/e2e/node_modules.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d /tmp/halopsa-mutate-XXXXXX)"
current=""  # the file being mutated: put back whatever ends the run
trap '[[ -n $current ]] && cp "$work/original" "$current"; exit 130' INT TERM

# id # file # exact text (occurs once) # replacement # unit tests (ctest regex, or -) # e2e files (or -)
# "\n" in the texts is a newline.
mutants=$(cat <<'EOF'
guard-int64#server/tool_registry.cpp#if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))#if (false)#^audit$#bad_input
guard-float#server/tool_registry.cpp#if (!std::isfinite(d) || d >= kInt64Limit || d <= -kInt64Limit)#if (false)#^audit$#bad_input
guard-control-chars#server/tool_registry.cpp#if (c < 0x20 && c != '\t'#if (false && c != '\t'#^audit$#bad_input
dup-client#tools/clients_tools.cpp#if (!args.value("allow_duplicate", false) && normalise_name(c.value("name", std::string())) == norm)#if (false)#^tools_unit_tests$#tools_clients workflows_onboarding
dup-contact#tools/contacts_tools.cpp#    if (same)\n      return duplicate_result(#    if (false)\n      return duplicate_result(#^tools_unit_tests$#tools_contacts workflows_onboarding
stale-write#tools/writes.cpp#if (!same_instant(stamp, since->get<std::string>())) {#if (false) {#^tools_unit_tests$#tools_clients tools_contacts tools_sites
stale-no-stamp#tools/writes.cpp#    if (stamp.empty())  //#    if (false)  //#^tools_unit_tests$#tools_sites
policy-read-only#server/tool_registry.cpp#if (policy.read_only && s.writes())#if (false)#^core$#tools_policy security_audit settings_booleans
policy-allow-writes#server/tool_registry.cpp#else if (policy.allow_writes && s.writes() && !policy.allow_writes->count(s.toolset))#else if (false)#^core$#tools_policy security_audit
policy-tools#server/tool_registry.cpp#else if (!policy.tools.empty() && !policy.tools.count(s.name))#else if (false)#^core$#tools_policy settings_env
policy-toolsets#server/tool_registry.cpp#else if (!policy.toolsets.empty() && !policy.toolsets.count(s.toolset))#else if (false)#^core$#tools_policy settings_env
policy-find-hidden#server/tool_registry.cpp#return e && !e->hidden ? &e->spec : nullptr;#return e ? &e->spec : nullptr;#^core$#tools_policy security_audit
policy-resource-read#server/catalog.cpp#  offers(uri);  // a hidden resource#  // offers(uri);  // a hidden resource#^core$#tools_policy
policy-resource-offers#server/catalog.cpp#      if (t.hidden) refuse(rpc::kResourceNotFound#      if (false) refuse(rpc::kResourceNotFound#^core$#tools_policy
policy-template-list#server/catalog.cpp#    if (t.hidden) continue;#    if (false) continue;#^core$#tools_policy
policy-template-find#server/catalog.cpp#      if (t.hidden) refuse(rpc::kInvalidParams#      if (false) refuse(rpc::kInvalidParams#^core$#tools_policy
policy-prompt-list#server/catalog.cpp#    if (!p.hidden) out["prompts"]#    out["prompts"]#^core$#tools_policy
policy-prompt-find#server/catalog.cpp#      if (p.hidden) refuse(#      if (false) refuse(#^core$#tools_policy
allow-helper-prefix#halo/field_policy.cpp#if (!field.empty() && field.front() == '_')#if (false)#^tools_unit_tests$#tools_clients tools_contacts tools_sites
allow-listed#halo/field_policy.cpp#    if (schema != l.schema || field != l.field) continue;#    continue;#^tools_unit_tests$#tools_clients tools_contacts tools_sites
allow-secret-names#halo/field_policy.cpp#  if (contains(field, "password") ||#  if (false) if (contains(field, "password") ||#^tools_unit_tests$#tools_clients tools_contacts tools_sites
allow-derived#halo/field_policy.cpp#if (is_derived(field)) return#if (false) return#^tools_unit_tests$#tools_clients tools_contacts tools_sites
allow-nested#halo/field_policy.cpp#it != s->end() && (it->second.type == Type::Array || it->second.type == Type::Object))#it != s->end() && false)#^tools_unit_tests$#tools_clients tools_contacts tools_sites
extra-unknown#tools/records.cpp#      if (!known.contains(field))\n#      if (false)\n#^tools_unit_tests$#tools_clients tools_contacts tools_sites
extra-own-argument#tools/records.cpp#argument_for(kind, field); !owner.empty())#argument_for(kind, field); false)#^tools_unit_tests$#tools_clients tools_contacts tools_sites
extra-refusal#tools/records.cpp#if (auto refused = halo::openapi::refusal(kind_info(kind).openapi, field))#if (auto refused = halo::openapi::refusal(kind_info(kind).openapi, field); false)#^tools_unit_tests$#tools_clients tools_contacts tools_sites
extra-type#tools/records.cpp#      if (!ok)\n        throw InputError("extra."#      if (false)\n        throw InputError("extra."#^tools_unit_tests$#tools_clients tools_contacts tools_sites
extra-length-cap#tools/records.cpp#if (value.get<std::string>().size() > cap)#if (false)#^tools_unit_tests$#tools_clients tools_contacts tools_sites
audit-mask-named#server/audit_log.cpp#(is_secret_key(key) || (named_secret && is_value_key(key)))#(is_secret_key(key) || false)#^audit$#security_audit
audit-mask-lines#server/audit_log.cpp#if (line.starts_with("- ") && colon != std::string_view::npos#if (false && colon != std::string_view::npos#^audit$#security_audit
audit-fdatasync#server/audit_log.cpp#  if (::fdatasync(fd_) != 0#  if (false && ::fdatasync(fd_) != 0#^audit$#security_audit
env-rate-limit#halo/config.cpp#  c.rate_limit = read_int(getenv, "HALOPSA_RATE_LIMIT", c.rate_limit);#  // c.rate_limit = read_int(getenv, "HALOPSA_RATE_LIMIT", c.rate_limit);#-#settings_env
flag-rate-limit#app/app.cpp#  if (o.rate_limit > 0) config.rate_limit = o.rate_limit;#  // if (o.rate_limit > 0) config.rate_limit = o.rate_limit;#-#settings_env
EOF
)

want=" $* "
failing_subtests() {  # e2e files → the names of the subtests that fail, one a line, sorted
  local out=$1; shift
  : >"$out"
  for f in "$@"; do
    (cd tests/e2e && HALOPSA_MCP_BIN="$root/build/halopsa-mcp" timeout 900 node --test --test-reporter=tap "$f.test.mjs" 2>/dev/null) |
      grep -E '^\s*not ok ' | sed -E "s/^\s*not ok [0-9]+ - /$f: /" >>"$out"
  done
  sort -u -o "$out" "$out"
}
build() { cmake --build build -j2 --target halopsa-mcp test_audit test_core tools_unit_tests >"$work/build.log" 2>&1; }

build || { echo "mutate: the unmutated build fails; see $work/build.log" >&2; exit 2; }
selected=$(echo "$mutants" | while IFS='#' read -r id rest; do [[ $want == "  " || $want == *" $id "* ]] && echo "$id#$rest"; done)
all_e2e=$(echo "$selected" | cut -d'#' -f6 | tr ' ' '\n' | grep -v '^-$' | sort -u)
echo "mutate: baseline run of $(echo $all_e2e | wc -w) e2e files" >&2
failing_subtests "$work/baseline" $all_e2e
echo "mutate: failing before any mutation (ignored): $(wc -l <"$work/baseline")" >&2

killed=0; lived=0; total=0; survivors=()
while IFS='#' read -r id file old new unit e2e; do
  [[ -z $id ]] && continue
  [[ $want != "  " && $want != *" $id "* ]] && continue
  cp "$file" "$work/original"; current=$file
  if ! python3 - "$file" "$old" "$new" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].replace("\\n", "\n"), sys.argv[3].replace("\\n", "\n")
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"{path}: the text to mutate occurs {text.count(old)} times, not once: {old!r}")
open(path, "w").write(text.replace(old, new))
PY
  then echo "mutate: $id: NOT APPLIED (the code moved; update the table)" >&2; continue; fi
  total=$((total + 1))
  verdict=lived
  if ! build; then
    verdict="killed (does not compile)"
  else
    if [[ $unit != - ]] && ! ctest --test-dir build -R "$unit" >"$work/unit.log" 2>&1; then verdict="killed (unit $unit)"; fi
    # One e2e file at a time, stopping at the first that fails anew: most mutants die in the first.
    for f in $([[ $e2e != - ]] && echo $e2e); do
      [[ $verdict != lived ]] && break
      failing_subtests "$work/now" "$f"
      new_failures=$(comm -13 "$work/baseline" "$work/now")
      [[ -n $new_failures ]] && verdict="killed ($(echo "$new_failures" | head -1))"
    done
  fi
  cp "$work/original" "$file"; current=""
  if [[ $verdict == lived ]]; then lived=$((lived + 1)); survivors+=("$id"); else killed=$((killed + 1)); fi
  printf '%-24s %s\n' "$id" "$verdict"
done <<<"$mutants"
build >/dev/null
echo "mutants: $total, killed: $killed, lived: $lived${survivors[*]:+ (${survivors[*]})}"
rm -rf "$work"

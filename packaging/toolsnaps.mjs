#!/usr/bin/env node
// Snapshots of every tool's definition as the built server serves it (name, title, description, annotations, both
// schemas, _meta), one file per tool in tests/toolsnaps/. A change to what the model sees then shows in review as a
// change to these files, and the test fails until they are updated on purpose.
//
//   node packaging/toolsnaps.mjs --bin build/halopsa-mcp --check     exit 1 naming each tool that differs
//   node packaging/toolsnaps.mjs --bin build/halopsa-mcp --update    rewrite the snapshots (cmake target toolsnaps)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listFromServer } from "./served-tools.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(repo, "tests", "toolsnaps");
const UPDATE = "cmake --build build --target toolsnaps   (or: node packaging/toolsnaps.mjs --bin build/halopsa-mcp --update)";

const argv = process.argv.slice(2);
const bin = resolve(argv.includes("--bin") ? argv[argv.indexOf("--bin") + 1] : join(repo, "build", "halopsa-mcp"));
const update = argv.includes("--update");
if (!update && !argv.includes("--check")) {
  console.error("usage: toolsnaps.mjs [--bin PATH] (--check | --update)");
  process.exit(2);
}
if (!existsSync(bin)) {
  console.error(`no server binary at ${bin}; build it first`);
  process.exit(2);
}

const served = await listFromServer(bin);
const text = (tool) => JSON.stringify(tool, null, 2) + "\n";
const wanted = new Map(served.tools.map((t) => [`${t.name}.json`, text(t)]));
const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];

if (update) {
  mkdirSync(dir, { recursive: true });
  for (const f of present) if (!wanted.has(f)) rmSync(join(dir, f));
  for (const [f, body] of wanted) writeFileSync(join(dir, f), body);
  console.error(`toolsnaps: wrote ${wanted.size} snapshots to ${dir}`);
  process.exit(0);
}
const problems = [];
for (const [f, body] of wanted) {
  if (!present.includes(f)) problems.push(`${f}: a served tool without a snapshot`);
  else if (readFileSync(join(dir, f), "utf8") !== body) problems.push(`${f}: the served definition differs from the snapshot`);
}
for (const f of present) if (!wanted.has(f)) problems.push(`${f}: a snapshot of a tool the server no longer serves`);
if (problems.length) {
  console.error(problems.join("\n") + `\nIf the change is meant, update the snapshots and review the diff: ${UPDATE}`);
  process.exit(1);
}
console.error(`toolsnaps: ${wanted.size} tool definitions match their snapshots`);

#!/usr/bin/env node
// What the tool list costs a model: the bytes and tokens of each tool definition as the server serves it, with and
// without its output schema, and in total. Tokens are counted with Anthropic's published tokenizer
// (@anthropic-ai/tokenizer, pinned in bench/package.json): an approximation of what current models count, good for
// comparing one version of the list with another.
//
//   (cd bench && npm ci) && node bench/tools_cost.mjs [--bin build/halopsa-mcp] [--json]
import { countTokens } from "@anthropic-ai/tokenizer";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listFromServer } from "../packaging/served-tools.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const bin = resolve(argv.includes("--bin") ? argv[argv.indexOf("--bin") + 1] : join(repo, "build", "halopsa-mcp"));
const { tools } = await listFromServer(bin);

const measure = (value) => {
  const text = JSON.stringify(value);
  return { bytes: Buffer.byteLength(text), tokens: countTokens(text) };
};
const rows = tools.map((t) => {
  const { outputSchema, ...withoutOutput } = t;
  return { name: t.name, full: measure(t), input_only: measure(withoutOutput) };
});
const total = (key, unit) => rows.reduce((sum, r) => sum + r[key][unit], 0);
const summary = {
  tools: rows.length,
  bytes: total("full", "bytes"),
  tokens: total("full", "tokens"),
  bytes_without_output_schemas: total("input_only", "bytes"),
  tokens_without_output_schemas: total("input_only", "tokens"),
};
if (argv.includes("--json")) {
  console.log(JSON.stringify({ summary, tools: rows }, null, 2));
} else {
  console.log("| tool | bytes | tokens | tokens without output schema |\n|---|---|---|---|");
  for (const r of rows.sort((a, b) => b.full.tokens - a.full.tokens))
    console.log(`| ${r.name} | ${r.full.bytes} | ${r.full.tokens} | ${r.input_only.tokens} |`);
  console.log(`| **all ${summary.tools}** | **${summary.bytes}** | **${summary.tokens}** | **${summary.tokens_without_output_schemas}** |`);
}

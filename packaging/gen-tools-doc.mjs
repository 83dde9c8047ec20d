#!/usr/bin/env node
// Renders docs/tools.md, the tool reference, from the built server's own tools/list and prompts/list (titles,
// descriptions, annotations, both schemas, toolsets): the reference is what a model is served, so it cannot drift.
//
//   node packaging/gen-tools-doc.mjs --bin build/halopsa-mcp --out docs/tools.md     write it
//   node packaging/gen-tools-doc.mjs --bin build/halopsa-mcp --check docs/tools.md   exit 1 if it differs
//
// The server runs on the in-memory sandbox with every HALOPSA_* variable of the caller removed, so a
// developer's tenant configuration or tool policy never changes the output.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listFromServer } from "./served-tools.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Toolsets in reading order; a toolset the server does not know yet simply has no tools.
const TOOLSETS = ["status", "clients", "sites", "contacts", "workflows"];
const REGENERATE = "cmake --build build --target tools-doc   (or: node packaging/gen-tools-doc.mjs --bin build/halopsa-mcp --out docs/tools.md)";

function parseArgs(argv) {
  const args = { bin: join(repo, "build", "halopsa-mcp"), out: null, check: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i], value = argv[i + 1];
    if (!["--bin", "--out", "--check"].includes(flag) || value === undefined)
      throw new Error(`usage: gen-tools-doc.mjs --bin PATH (--out FILE | --check FILE); bad argument ${flag}`);
    args[flag.slice(2)] = resolve(value);
    i++;
  }
  if (!args.out && !args.check) throw new Error("give --out FILE to write or --check FILE to compare");
  return args;
}

const cell = (text) => String(text ?? "").replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();
const code = (value) => "`" + (typeof value === "string" ? value : JSON.stringify(value)) + "`";

function resolveRef(schema, root) {
  if (!schema?.$ref || !schema.$ref.startsWith("#/")) return schema;
  let target = root;
  for (const part of schema.$ref.slice(2).split("/")) target = target?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return target ? { ...target, ...schema, $ref: undefined } : schema;
}

function typeOf(schema, root) {
  schema = resolveRef(schema, root);
  if (!schema || schema === true) return "any";
  if (schema.const !== undefined) return code(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map((s) => typeOf(s, root)).join(" | ");
  let type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type ?? (schema.properties ? "object" : "any");
  if (type === "array" && schema.items) type = `array of ${typeOf(schema.items, root)}`;
  if (schema.format) type += ` (${schema.format})`;
  return type;
}

function constraints(schema, root) {
  schema = resolveRef(schema, root);
  const out = [];
  if (schema.enum) out.push("one of " + schema.enum.map(code).join(", "));
  if (schema.items?.enum) out.push("each one of " + schema.items.enum.map(code).join(", "));
  if (schema.default !== undefined) out.push("default " + code(schema.default));
  const bounds = [["minimum", "≥"], ["exclusiveMinimum", ">"], ["maximum", "≤"], ["exclusiveMaximum", "<"]];
  for (const [key, sign] of bounds) if (typeof schema[key] === "number") out.push(`${sign} ${schema[key]}`);
  if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.pattern) out.push("matches " + code(schema.pattern));
  return out;
}

// Rows for an object schema's properties, descending into nested objects and arrays of objects.
function propertyRows(schema, root, prefix = "", depth = 0) {
  schema = resolveRef(schema, root);
  const rows = [];
  const required = new Set(schema?.required ?? []);
  for (const [name, raw] of Object.entries(schema?.properties ?? {})) {
    const prop = resolveRef(raw, root);
    const path = prefix + name;
    const notes = [prop.description, ...constraints(prop, root)].filter(Boolean).join("; ");
    rows.push({ path, type: typeOf(prop, root), required: required.has(name), notes });
    if (depth >= 2) continue;
    if (prop.properties) rows.push(...propertyRows(prop, root, path + ".", depth + 1));
    const items = resolveRef(prop.items, root);
    if (items?.properties) rows.push(...propertyRows(items, root, path + "[].", depth + 1));
  }
  return rows;
}

// One branch of a composition rule, in words: "`client` given", "`a` and `b` given", or its description.
function rule(branch) {
  for (const [key, word] of [["anyOf", "at least one of"], ["oneOf", "exactly one of"], ["allOf", "all of"]])
    if (Array.isArray(branch?.[key])) return `${word} (${branch[key].map(rule).join(", ")})`;
  if (branch?.required?.length) return branch.required.map(code).join(" and ") + " given";
  if (branch?.not?.required?.length) return branch.not.required.map(code).join(" and ") + " not given";
  return branch?.description ?? code(branch);
}

function schemaSection(title, schema, withRequired) {
  const lines = [`**${title}**`, ""];
  const rows = propertyRows(schema, schema);
  if (rows.length === 0) {
    lines.push(withRequired ? "None." : "No structured fields.", "");
    return lines;
  }
  lines.push(withRequired ? "| name | type | required | notes |" : "| field | type | always there | notes |");
  lines.push(withRequired ? "|---|---|---|---|" : "|---|---|---|---|");
  for (const r of rows) lines.push(`| ${code(r.path)} | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${cell(r.notes)} |`);
  // Rules across arguments (create_contact's "client or site_id"): the top-level anyOf / oneOf / allOf.
  for (const [key, word] of [["anyOf", "at least one of"], ["oneOf", "exactly one of"], ["allOf", "all of"]])
    if (Array.isArray(schema[key])) lines.push("", `Also required, ${word}: ` + schema[key].map((s) => rule(s)).join("; ") + ".");
  if (schema.additionalProperties === false && withRequired) lines.push("", "Other arguments are refused.");
  lines.push("");
  return lines;
}

function traits(tool) {
  const a = tool.annotations ?? {};
  const out = [a.readOnlyHint ? "read-only" : a.destructiveHint ? "writes, destructive" : "writes"];
  if (!a.readOnlyHint && a.idempotentHint) out.push("idempotent");
  return out;
}

function render(groups, prompts) {
  const lines = [
    "# Tool reference",
    "",
    "<!-- GENERATED by packaging/gen-tools-doc.mjs from the server's tools/list and prompts/list. Do not edit. -->",
    `<!-- Regenerate: ${REGENERATE} -->`,
    "",
    "Every tool the server can expose, by toolset. `--toolsets`, `--tools`, `--read-only` and `--allow-writes`",
    "(or their `HALOPSA_*` variables) narrow what a client sees; a write tool is one without `readOnlyHint`.",
    "Arguments are checked against the input schema before anything reaches HaloPSA; results carry the",
    "output schema's fields in `structuredContent` and the same data as text.",
    "",
    "| tool | toolset | kind | what it does |",
    "|---|---|---|---|",
  ];
  for (const { toolset, tools } of groups)
    for (const t of tools) lines.push(`| [${code(t.name)}](#${t.name}) | ${toolset} | ${traits(t).join(", ")} | ${cell(t.title ?? "")} |`);
  lines.push("");
  for (const { toolset, tools } of groups) {
    if (tools.length === 0) continue;
    lines.push(`## Toolset \`${toolset}\``, "");
    for (const t of tools) {
      const input = t.inputSchema ?? {};
      const output = t.outputSchema;
      lines.push(`### ${t.name}`, "");
      lines.push(`${t.title ? `**${cell(t.title)}** · ` : ""}${traits(t).join(" · ")}`, "");
      if (t.description) lines.push(t.description.trim(), "");
      lines.push(...schemaSection("Arguments", input, true));
      if (output) lines.push(...schemaSection("Result", output, false));
    }
  }
  if (prompts.length) {
    lines.push("## Prompts", "", "| prompt | arguments | what it does |", "|---|---|---|");
    for (const p of prompts) {
      const args = (p.arguments ?? []).map((a) => code(a.name) + (a.required ? " (required)" : "")).join(", ");
      lines.push(`| ${code(p.name)} | ${args} | ${cell(p.description ?? p.title ?? "")} |`);
    }
    lines.push("");
  }
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.bin)) throw new Error(`no server binary at ${args.bin}; build it first (cmake --build build)`);
  const all = await listFromServer(args.bin, {});
  if (!all) throw new Error(`${args.bin} refused to start with an empty configuration`);
  const seen = new Set();
  const groups = [];
  for (const toolset of TOOLSETS) {
    const listed = await listFromServer(args.bin, { HALOPSA_TOOLSETS: toolset });
    const names = new Set((listed?.tools ?? []).map((t) => t.name));
    const tools = all.tools.filter((t) => names.has(t.name));
    tools.forEach((t) => seen.add(t.name));
    groups.push({ toolset, tools });
  }
  const others = all.tools.filter((t) => !seen.has(t.name));
  if (others.length) groups.push({ toolset: "other", tools: others });


  const text = render(groups, all.prompts) + "\n";
  if (args.out) {
    writeFileSync(args.out, text);
    console.error(`gen-tools-doc: wrote ${args.out} (${all.tools.length} tools, ${all.prompts.length} prompts)`);
    return 0;
  }
  const current = existsSync(args.check) ? readFileSync(args.check, "utf8") : "";
  if (current === text) {
    console.log(`${args.check} is up to date (${all.tools.length} tools, ${all.prompts.length} prompts)`);
    return 0;
  }
  const a = current.split("\n"), b = text.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  console.error(`${args.check} is out of date with the server's tools/list.`);
  console.error(`First difference at line ${i + 1}:\n  checked in: ${a[i] ?? "(end of file)"}\n  generated:  ${b[i] ?? "(end of file)"}`);
  console.error(`Regenerate it with:\n  ${REGENERATE}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`gen-tools-doc: ${err.message}`);
    process.exit(2);
  },
);

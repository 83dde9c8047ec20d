#!/usr/bin/env node
// Stages and packs the npm packages: `halopsa-mcp` (the launcher) and the platform package holding the portable
// binary. Run by the `npm-packages` target of a portable build folder (and by tests/portable/npm.test.mjs):
//   node npm/stage.mjs --binary build-portable/halopsa-mcp --version 0.1.0 --out build-portable/npm [--platform linux-x64]
// Prints the two tarballs' paths, the platform package's first.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { binary: { type: "string" }, version: { type: "string" }, out: { type: "string" },
                                          platform: { type: "string", default: "linux-x64" } } });
for (const key of ["binary", "version", "out"])
  if (!values[key]) { console.error(`stage.mjs: --${key} is required`); process.exit(2); }
const out = resolve(values.out);
rmSync(out, { recursive: true, force: true });

const stage = (name) => {
  const dir = join(out, name);
  cpSync(join(here, name), dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  pkg.version = values.version;
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) pkg.optionalDependencies[dep] = values.version;
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  return dir;
};
const platformDir = stage(values.platform);
mkdirSync(join(platformDir, "bin"), { recursive: true });
copyFileSync(values.binary, join(platformDir, "bin", "halopsa-mcp"));
chmodSync(join(platformDir, "bin", "halopsa-mcp"), 0o755);
copyFileSync(join(here, "..", "LICENSE"), join(platformDir, "LICENSE"));
const mainDir = stage("halopsa-mcp");
copyFileSync(join(here, "..", "LICENSE"), join(mainDir, "LICENSE"));

const pack = (dir) => {
  const [info] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" }));
  return join(out, info.filename);
};
console.log(pack(platformDir));
console.log(pack(mainDir));

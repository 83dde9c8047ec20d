#!/usr/bin/env node
// Starts the native halopsa-mcp binary of this platform, from the @halopsa-mcp/<os>-<cpu> package npm installed
// beside this one (selected by its "os"/"cpu" fields), with this process's arguments, environment and stdio, so
// stdout carries the server's MCP messages only. Signals are passed on and the server's exit becomes ours.
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const platformPackage = `@halopsa-mcp/${process.platform}-${process.arch}`;
const supported = ["@halopsa-mcp/linux-x64"];

function binaryPath() {
  if (process.env.HALOPSA_MCP_BINARY) return process.env.HALOPSA_MCP_BINARY;
  const exe = process.platform === "win32" ? "halopsa-mcp.exe" : "halopsa-mcp";
  try {
    return path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), "bin", exe);
  } catch {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
    const why = !supported.includes(platformPackage)
      ? `there is no halopsa-mcp build for ${process.platform}-${process.arch} yet (builds: ${supported.join(", ")})`
      : process.platform === "linux" && !glibc
        ? "this Linux has no glibc (musl, e.g. Alpine): the Linux build needs glibc 2.31 or later"
        : `${platformPackage} is not installed (npm skips optional dependencies with --omit=optional or --no-optional)`;
    process.stderr.write(`halopsa-mcp: ${why}.\n` +
      "Other ways to run it (a container image, building from source): https://github.com/halopsa-mcp/halopsa-mcp/blob/main/docs/install.md\n");
    process.exit(127);
  }
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit", windowsHide: true });
child.on("error", (error) => {
  process.stderr.write(`halopsa-mcp: could not start ${error.path ?? "the server"}: ${error.message}\n`);
  process.exit(127);
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => { if (child.exitCode === null) child.kill(signal); });
}
child.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);  // end the way the server ended, so the client sees the same status
  } else {
    process.exit(code ?? 1);
  }
});

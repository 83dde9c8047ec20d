// Boolean settings are read one way everywhere (true/false, yes/no, on/off, 1/0, any case, blanks trimmed), and
// a value that is none of these stops the server with a message naming the setting: a user who wrote
// HALOPSA_READ_ONLY=True must get a read-only server, never a writable one that looks configured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect, binary } from "./harness.mjs";

const WRITE_TOOLS = ["create_client", "update_client", "set_client_active", "delete_client", "create_contact"];

async function toolNames(options) {
  const mcp = await connect(options);
  try {
    return { names: (await mcp.client.listTools()).tools.map((t) => t.name), stderr: mcp.stderr() };
  } finally {
    await mcp.close();
  }
}

// Runs the binary to its exit (stdin closed: a server that does start ends at once). Bounded by `ms`.
function runToExit({ env = {}, args = [] }, ms = 20000) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:", ...env },
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error("did not exit: " + stderr))), ms);
    child.on("exit", (code) => (clearTimeout(timer), resolve({ code, stderr })));
  });
}

test("HALOPSA_READ_ONLY accepts True, TRUE, Yes, ON and \" 1\": every write tool is hidden", async () => {
  for (const value of ["True", "TRUE", "Yes", "ON", " 1", "on "]) {
    const { names } = await toolNames({ env: { HALOPSA_READ_ONLY: value } });
    assert.ok(names.includes("search_clients"), `HALOPSA_READ_ONLY=${JSON.stringify(value)}: read tools stay`);
    for (const name of WRITE_TOOLS)
      assert.ok(!names.includes(name), `HALOPSA_READ_ONLY=${JSON.stringify(value)}: ${name} is hidden`);
  }
});

test("HALOPSA_READ_ONLY=False / off / NO / 0 leave the write tools", async () => {
  for (const value of ["False", "off", "NO", "0"]) {
    const { names } = await toolNames({ env: { HALOPSA_READ_ONLY: value } });
    for (const name of WRITE_TOOLS)
      assert.ok(names.includes(name), `HALOPSA_READ_ONLY=${JSON.stringify(value)}: ${name} is listed`);
  }
});

test("a flag's value is read the same way and beats its variable", async () => {
  const off = await toolNames({ args: ["--read-only=false"], env: { HALOPSA_READ_ONLY: "1" } });
  assert.ok(off.names.includes("create_client"), "--read-only=false wins over HALOPSA_READ_ONLY=1");
  const on = await toolNames({ args: ["--read-only=Yes"] });
  assert.ok(!on.names.includes("create_client"), "--read-only=Yes is read-only");
});

test("HALOPSA_REDACT_PII=Yes turns masking on", async () => {
  const { stderr } = await toolNames({ env: { HALOPSA_REDACT_PII: "Yes" } });
  assert.match(stderr, /e-mail addresses and phone numbers are masked/);
});

test("any other value stops the server at start-up, naming the setting and the accepted values", async () => {
  const cases = [
    [{ env: { HALOPSA_READ_ONLY: "maybe" } }, "HALOPSA_READ_ONLY", "maybe"],
    [{ env: { HALOPSA_READ_ONLY: "2" } }, "HALOPSA_READ_ONLY", "2"],
    [{ env: { HALOPSA_REDACT_PII: "enable" } }, "HALOPSA_REDACT_PII", "enable"],
    [{ env: { HALOPSA_VALIDATE_OUTPUT: "t" } }, "HALOPSA_VALIDATE_OUTPUT", "t"],
    [{ args: ["--read-only=nope"] }, "--read-only", "nope"],
    [{ args: ["--http=y", "--port", "0"] }, "--http", "y"],
  ];
  for (const [options, name, value] of cases) {
    const { code, stderr } = await runToExit(options);
    assert.equal(code, 2, `${name}=${value}: exit code (stderr: ${stderr})`);
    assert.ok(stderr.includes(`${name} must be true/false, yes/no, on/off or 1/0 (any case), got '${value}'`),
      `${name}=${value}: ${stderr}`);
    assert.doesNotMatch(stderr, /serving \d+ tools/, `${name}=${value}: nothing was served`);
  }
});

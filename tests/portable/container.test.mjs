// The container image, without a container engine: this machine cannot build or pull images, so the test reads
// the Dockerfile's runtime stage, assembles the same filesystem on a Debian 13 minbase root filesystem (the
// runtime's base, debian:13-slim, is a minbase Debian 13), and runs it as the engine would: chroot as the
// image's user, its ENV, its ENTRYPOINT, with no folder the process can write to (as under --read-only), and
// its HEALTHCHECK command inside the same root.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { cannotRun, chrootBin, portableBin, projectVersion, repo, run, runTree } from "./helpers.mjs";

const skip = cannotRun();
if (skip) console.log(`# SKIPPED: the container test: ${skip}`);

// The runtime stage: its FROM, COPY, ENV, USER, EXPOSE, HEALTHCHECK and ENTRYPOINT. Anything else there (a RUN,
// say) would need an engine, so the test refuses it rather than run something different from the image.
function runtimeStage() {
  const text = readFileSync(join(repo, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const start = lines.findIndex((l) => /^FROM \S+ AS runtime$/i.test(l));
  assert.ok(start >= 0, "the Dockerfile has a stage named runtime");
  const stage = { from: lines[start].split(/\s+/)[1], copies: [], env: {}, user: null, expose: null, healthcheck: null, entrypoint: null };
  for (const line of lines.slice(start + 1)) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op === "FROM") break;
    if (op === "COPY") {
      const parts = rest.filter((p) => !p.startsWith("--from="));
      stage.copies.push({ from: rest.find((p) => p.startsWith("--from="))?.slice(7) ?? null, src: parts[0], dest: parts[1] });
    } else if (op === "ENV") {
      for (const pair of rest) { const [k, ...v] = pair.split("="); stage.env[k] = v.join("="); }
    } else if (op === "USER") stage.user = args;
    else if (op === "EXPOSE") stage.expose = Number(args);
    else if (op === "HEALTHCHECK") stage.healthcheck = JSON.parse(args.slice(args.indexOf("CMD") + 3));
    else if (op === "ENTRYPOINT") stage.entrypoint = JSON.parse(args);
    else assert.fail(`the runtime stage has ${op}, which this test cannot reproduce without an engine`);
  }
  return stage;
}

// Where each COPY of the runtime stage comes from here: the build stage's files are this machine's (a Debian 12
// like the build stage) and the portable binary it builds; the rest comes from the repository.
function sourceOf({ from, src }) {
  if (from === "build") return src === "/src/build-portable/halopsa-mcp" ? portableBin : src;
  assert.equal(from, null, `COPY --from=${from} is not a stage this test knows`);
  return join(repo, src);
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

let stage, tree, port, server, serverStderr = "";
const token = "container-test-token-0123456789";
const userspec = () => `--userspec=${stage.user}`;
const imageEnv = (extra = {}) => ({ PATH: "/usr/local/bin:/usr/bin:/bin", ...stage.env, HALOPSA_HTTP_PORT: String(port), ...extra });

before(async () => {
  if (skip) return;
  stage = runtimeStage();
  assert.equal(stage.from, "debian:13-slim");
  tree = runTree("trixie");
  for (const copy of stage.copies) {
    const dest = join(tree, copy.dest);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(sourceOf(copy), dest);
    chmodSync(dest, 0o755);
  }
  // As under `docker run --read-only`: the copy's world-writable folders (its own, not the cache's) lose that.
  for (const dir of run("find", [tree, "-xdev", "-type", "d", "-perm", "-0002"]).stdout.split("\n").filter(Boolean))
    chmodSync(dir, 0o755);
  port = await freePort();
});
after(() => server?.kill("SIGKILL"));

test("the image runs as an unprivileged user, exposes its port and checks its health", { skip: skip ?? false }, () => {
  assert.match(stage.user, /^[1-9]\d*:[1-9]\d*$/, "USER is a non-root uid:gid");
  assert.equal(stage.expose, Number(stage.env.HALOPSA_HTTP_PORT));
  assert.ok(stage.healthcheck?.length && stage.entrypoint?.length);
  assert.equal(run("find", [tree, "-xdev", "-type", "d", "-perm", "-0002"]).stdout, "", "no folder anyone may write to");
});

test("without a token the entrypoint refuses to serve, and says what to set", { skip: skip ?? false }, () => {
  const r = run(chrootBin, [userspec(), tree, ...stage.entrypoint], { env: imageEnv(), timeout: 30000 });
  assert.equal(r.status, 64, r.stderr);
  assert.match(r.stderr, /set HALOPSA_MCP_TOKEN/);
});

test("with a token it serves HTTP on every interface: /healthz, the HEALTHCHECK, and MCP behind the token",
     { skip: skip ?? false }, async () => {
  server = spawn(chrootBin, [userspec(), tree, ...stage.entrypoint], { env: imageEnv({ HALOPSA_MCP_TOKEN: token }),
                                                                      stdio: ["ignore", "ignore", "pipe"] });
  const listening = new Promise((resolve, reject) => {
    server.stderr.on("data", (chunk) => { serverStderr += chunk; if (/listening on/.test(serverStderr)) resolve(); });
    server.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${serverStderr}`)));
  });
  await listening;
  assert.match(serverStderr, new RegExp(`listening on http://0\\.0\\.0\\.0:${port}`), serverStderr);
  assert.match(serverStderr, /bearer token required/);

  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  const check = run(chrootBin, [userspec(), tree, ...stage.healthcheck], { env: imageEnv(), timeout: 30000 });
  assert.equal(check.status, 0, `HEALTHCHECK ${stage.healthcheck.join(" ")}: ${check.stdout}${check.stderr}`);

  const initialize = { jsonrpc: "2.0", id: 1, method: "initialize",
                       params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "container-test", version: "1" } } };
  const post = (headers) => fetch(`http://127.0.0.1:${port}/mcp`, {
    method: "POST", body: JSON.stringify(initialize),
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } });
  assert.equal((await post({})).status, 401, "no token, no MCP");
  const ok = await post({ authorization: `Bearer ${token}` });
  assert.equal(ok.status, 200);
  const body = await ok.text();
  assert.match(body, new RegExp(`"name":"halopsa-mcp".*"version":"${projectVersion.replace(/\./g, "\\.")}"`));

  // `docker stop` sends SIGTERM: the server ends cleanly, and the health check then fails.
  const exited = new Promise((resolve) => server.once("exit", (code, signal) => resolve({ code, signal })));
  server.kill("SIGTERM");
  assert.deepEqual(await exited, { code: 0, signal: null }, serverStderr);
  const down = run(chrootBin, [userspec(), tree, ...stage.healthcheck], { env: imageEnv(), timeout: 30000 });
  assert.notEqual(down.status, 0, "the health check fails once the server is gone");
});

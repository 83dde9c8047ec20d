// Shared by the portable-binary tests: where the binary and the cached root filesystems are, a test CA and an
// HTTPS front for a sandbox tenant, and an MCP session through the official SDK client (tests/e2e's copy).
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
export const portableBin = process.env.HALOPSA_PORTABLE_BIN ?? join(repo, "build-portable", "halopsa-mcp");
export const projectVersion = process.env.HALOPSA_PROJECT_VERSION;
// Root filesystems outlive the build folder: made once (about a minute each), reused by every later run.
export const cacheDir = process.env.HALOPSA_CACHE_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? "/root", ".cache"), "halopsa-mcp");

const temporaries = [];
process.on("exit", () => temporaries.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
export function tempDir(tag, parent = tmpdir()) {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `halopsa-portable-${tag}-`));
  temporaries.push(dir);
  return dir;
}

export function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: "utf8", timeout: 600000, stdio: ["ignore", "pipe", "pipe"], ...options });
}

// Why the tests of the binary itself cannot run, or null: making the portable build's sysroot needs root once
// (debootstrap), so without root and without the binary they are skipped; as root a missing binary is a failure.
export function noPortableBinary() {
  if (existsSync(portableBin)) return null;
  if (process.getuid?.() === 0) return null;
  return `${portableBin} is not built, and building it needs root once (debootstrap): run scripts/setup.sh --portable as root`;
}

// chroot by its full path: the tests give the server a PATH of the chroot's, in which spawn would look for it.
export const chrootBin = ["/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot"].find((p) => existsSync(p)) ?? "chroot";

// Why these tests cannot run here, or null. Building root filesystems and entering them needs root.
export function cannotRun() {
  if (process.platform !== "linux") return "chroot tests run on Linux only";
  if (process.getuid() !== 0) return "needs root (debootstrap and chroot); run scripts/test.sh as root to include them";
  if (run("sh", ["-c", "command -v debootstrap"]).status !== 0)
    return "debootstrap is not installed (scripts/setup.sh --portable installs it)";
  const probe = run(chrootBin, ["/", "/bin/true"]);
  if (probe.status !== 0) return `chroot is not permitted here (${(probe.stderr || "").trim()})`;
  return null;
}

// The cached minbase root filesystem of a Debian suite (made by packaging/portable/rootfs.sh on first use).
export function rootfs(suite) {
  const dest = join(cacheDir, "rootfs", suite);
  const made = run(join(repo, "packaging", "portable", "rootfs.sh"), [suite, dest], { stdio: ["ignore", "pipe", "pipe"] });
  if (made.status !== 0) throw new Error(`could not make the ${suite} root filesystem:\n${made.stderr}`);
  return dest;
}

// A throw-away copy of a cached root filesystem holding the portable binary at /opt/halopsa-mcp/halopsa-mcp.
// The copy hard-links the cache's files (instant, no space); the tests only add files to it, and the server
// runs as nobody, so the cached tree is never written to.
export function runTree(suite) {
  const tree = tempDir(suite, join(cacheDir, "runs"));
  rmSync(tree, { recursive: true });
  const copied = run("cp", ["-al", rootfs(suite), tree]);
  if (copied.status !== 0) throw new Error(`cp -al failed: ${copied.stderr}`);
  mkdirSync(join(tree, "opt", "halopsa-mcp"), { recursive: true });
  copyFileSync(portableBin, join(tree, "opt", "halopsa-mcp", "halopsa-mcp"));
  chmodSync(join(tree, "opt", "halopsa-mcp", "halopsa-mcp"), 0o755);
  return tree;
}

// Places `content` at `path` inside `tree`, readable by everyone.
export function place(tree, path, content) {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), content, { mode: 0o644 });
}

// A CA made for this run and a server certificate it signed for 127.0.0.1 (openssl on the host).
export function makeTestCa() {
  const dir = tempDir("ca");
  const openssl = (...args) => {
    const r = run("openssl", args, { cwd: dir });
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=halopsa-mcp test CA",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
          "-extfile", "ext.cnf", "-out", "server.pem");
  return { dir, ca: join(dir, "ca.pem"), key: join(dir, "server.key"), cert: join(dir, "server.pem") };
}

// The embedded sandbox as a standalone HaloPSA-compatible tenant on plain HTTP (the portable binary, on the host).
export async function startSandbox(bin = portableBin) {
  const child = spawn(bin, ["sandbox", "--port", "0", "--db", ":memory:"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${stderr}`)), 20000);
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const m = stderr.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) { clearTimeout(timer); resolvePromise(m[0]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`sandbox exited ${code}: ${stderr}`)); });
  });
  return { url, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

// An HTTPS server on 127.0.0.1 with the test CA's certificate, passing every request on to `upstream`: the
// server under test then talks TLS to what behaves as a real HaloPSA tenant. Counts the handshakes it completed.
export async function startTlsFront(upstream, { key, cert }) {
  const target = new URL(upstream);
  let handshakes = 0;
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const forward = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method,
                                  headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    forward.on("error", (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(forward);
  });
  server.on("secureConnection", () => handshakes++);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `https://127.0.0.1:${server.address().port}`,
    handshakes: () => handshakes,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

// The official MCP SDK client, from tests/e2e's pinned node_modules.
const e2eRequire = createRequire(join(repo, "tests", "e2e", "package.json"));
async function sdk() {
  const load = (name) => {
    try {
      return import(pathToFileURL(e2eRequire.resolve(name)).href);
    } catch {
      throw new Error(`${name} missing: install the e2e test tools first with  (cd tests/e2e && npm ci)`);
    }
  };
  const [{ Client }, { StdioClientTransport }] = await Promise.all([
    load("@modelcontextprotocol/sdk/client/index.js"), load("@modelcontextprotocol/sdk/client/stdio.js")]);
  return { Client, StdioClientTransport };
}

// Starts `command args` as an MCP client would (stdio), initializes, and hands the connected client to `body`.
export async function withMcp(command, args, env, body, { cwd } = {}) {
  const { Client, StdioClientTransport } = await sdk();
  const transport = new StdioClientTransport({ command, args, env, cwd, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += chunk));
  const client = new Client({ name: "portable-test", version: "1.0.0" }, { capabilities: {} });
  try {
    await client.connect(transport);
    return await body(client, () => stderr);
  } catch (e) {
    e.message += `\nserver stderr:\n${stderr}`;
    throw e;
  } finally {
    await client.close();
  }
}

export const textOf = (result) => result.content?.find((c) => c.type === "text")?.text ?? "";

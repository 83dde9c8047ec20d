// Replicas behind nginx sharing state in Redis, as processes on loopback (tests/e2e/scale_out.test.mjs): the same
// topology as deploy/compose.yaml, with deploy/nginx/mcp.conf run as it is but for the replica addresses and the
// port. Everything (config, pid, logs, temp files) lives in one temporary folder; nothing runs as a service.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { repoRoot, startHttp } from "./harness.mjs";

export function findBinary(name, extra = []) {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...extra]) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}
export const redisBinary = findBinary("redis-server");
export const nginxBinary = findBinary("nginx", ["/usr/sbin", "/usr/local/sbin"]);

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Resolves once something accepts connections on the port (bounded: rejects after `ms`).
async function accepting(port, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing accepts connections on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);  // nginx's workers (an unprivileged user when the test runs as root) read and write here
  return dir;
}

// redis-server on a free port, no persistence; stop() and start() again on the same port (a Redis restart).
export async function startRedis(dir) {
  const port = await freePort();
  let child = null;
  const redis = {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async start() {
      child = spawn(redisBinary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir, "--logfile", path.join(dir, "redis.log")], { stdio: "ignore" });
      await accepting(port);
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      child = null;
    },
  };
  await redis.start();
  return redis;
}

// nginx with deploy/nginx/mcp.conf, its upstreams pointed at `replicaPorts` (replica1, replica2, ...), listening on
// `port` (a free one when not given: the team server's replicas must know the balancer's address before it starts).
export async function startNginx(dir, replicaPorts, { port: fixedPort } = {}) {
  const port = fixedPort ?? await freePort();
  let site = fs.readFileSync(path.join(repoRoot, "deploy", "nginx", "mcp.conf"), "utf8");
  site = site.replace(/replica(\d+):8080/g, (_, n) => `127.0.0.1:${replicaPorts[Number(n) - 1]}`);
  site = site.replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  for (const t of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) fs.mkdirSync(path.join(dir, t), { mode: 0o777 });
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
  const file = path.join(dir, "nginx.conf");
  fs.writeFileSync(file, conf);
  const check = spawnSync(nginxBinary, ["-t", "-p", dir, "-e", path.join(dir, "error.log"), "-c", file], { encoding: "utf8" });
  if (check.status !== 0) throw new Error("nginx -t: " + check.stderr);
  const child = spawn(nginxBinary, ["-p", dir, "-e", path.join(dir, "error.log"), "-c", file], { stdio: "ignore" });
  await accepting(port);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    base: `http://127.0.0.1:${port}`,
    errors: () => fs.readFileSync(path.join(dir, "error.log"), "utf8"),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGQUIT");
    }),
  };
}

// `count` replicas (replica1 …) against the sandbox, sharing Redis; `stateless` as the --stateless flag; `args` more flags.
export async function startReplicas({ count = 3, sandbox, redisUrl, stateless = true, args = [], env = {} }) {
  const replicas = [];
  for (let i = 1; i <= count; ++i) {
    replicas.push(await startHttp({
      // Every connection comes from nginx's address: the per-client connection cap, meant for a public listener,
      // would cap the balancer (docs/deployment.md).
      args: ["--replica-id", `replica${i}`, "--expected-replicas", String(count), "--max-connections-per-client", "0",
        ...(stateless ? ["--stateless"] : []), ...args],
      env: { ...sandbox.env, HALOPSA_REDIS_URL: redisUrl, ...env },
    }));
  }
  return replicas;
}

export async function health(replica) {
  const res = await fetch(replica.base + "/healthz");
  return res.json();
}

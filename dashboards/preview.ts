// `npm run preview`: the Framework's live preview (pages rebuilt as they are edited) with the data the pages
// fetch at runtime. The pages hold no data (dashboards/components/published-data.ts): they read /data/…,
// the data published with the warehouse, which the Framework's preview server does not know. So this
// script listens on the port, answers /data/… from the published data (dashboards/serve.ts, the same
// handler as `npm run dashboards`) and passes every other request, the live-reload WebSocket too, to
// `observable preview` on a port of its own.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, request } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataPaths } from "../lib/config.ts";
import { readPointer, variantDir } from "./publish-data.ts";
import { serveSite } from "./serve.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const usage = `Usage: npm run preview [-- --port 3000]

The dashboards' live preview (Observable Framework: a page is rebuilt when its file changes) with the data
published in $OBS_DATA_DIR/dashboards/data (by \`npm run build\`, \`npm run refresh\` in the service or
\`npm start\`), on http://127.0.0.1:<port>. Without published data the pages say so: run \`npm run build\`
once. Stop with Ctrl+C.

Options:
  -p, --port   port (default $PORT or 3000)
  -h, --help   show this help

Environment:
  OBS_DATA_DIR data directory (default ./data)`;

/** A free port on loopback (for the Framework's own preview server). */
async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Wait until something accepts connections on the port (the Framework's preview takes a few seconds). */
async function listening(port: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`observable preview exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`observable preview did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

export async function preview(port: number, log: (line: string) => void): Promise<() => void> {
  // the Framework caches loader output here: none of the pages' data comes from loaders any more
  rmSync(join(ROOT, "dashboards", ".observablehq", "cache", "data"), { recursive: true, force: true });
  const { dashboards } = dataPaths();
  const data = await serveSite(join(dashboards, "site"), { dataRoot: join(dashboards, "data"), log });
  const dataPort = Number(new URL(data.url).port);
  const framePort = await freePort();
  const framework = spawn(
    join(ROOT, "node_modules", ".bin", "observable"),
    ["preview", "--no-open", "--host", "127.0.0.1", "--port", String(framePort)],
    {
      cwd: ROOT,
      env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await listening(framePort, framework);

  const front = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const target = path.startsWith("/data/") ? dataPort : framePort;
    const upstream = request(
      {
        host: "127.0.0.1",
        port: target,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${target}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (e) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Podgląd nie odpowiada: ${e.message}\n`);
    });
    req.pipe(upstream);
  });
  // the live reload: the WebSocket goes to the Framework as it came
  front.on("upgrade", (req, socket, head) => {
    const upstream = connect(framePort, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] as string;
        lines.push(
          `${name}: ${name.toLowerCase() === "host" ? `127.0.0.1:${framePort}` : req.rawHeaders[i + 1]}`,
        );
      }
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(port, "127.0.0.1", resolve);
  });
  const { port: actual } = front.address() as AddressInfo;
  const current = (await readPointer(variantDir("internal"))) ?? (await readPointer(variantDir("public")));
  log(
    current
      ? `Podgląd pulpitów: http://127.0.0.1:${actual} (dane: publikacja ${current.buildId} z ${join(dashboards, "data")}). Ctrl+C kończy.`
      : `Podgląd pulpitów: http://127.0.0.1:${actual} – BEZ DANYCH: w ${join(dashboards, "data")} nic nie opublikowano; uruchom \`npm run build\` (albo \`npm start\`). Ctrl+C kończy.`,
  );
  return () => {
    front.close();
    data.server.close();
    framework.kill("SIGTERM");
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runCommand, progress, UsageError } = await import("../cli/command.ts");
  await runCommand(
    { usage, options: { port: { type: "string", short: "p" }, help: { type: "boolean", short: "h" } } },
    async ({ values }) => {
      const port = Number(values.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`not a port: ${values.port ?? process.env.PORT}`);
      const stop = await preview(port, progress);
      for (const signal of ["SIGINT", "SIGTERM"] as const)
        process.once(signal, () => {
          stop();
          process.exit(0);
        });
      await new Promise(() => {});
      return 0;
    },
  );
}

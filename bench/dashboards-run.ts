/**
 * The dashboards' first page at national scale: every file the page loads (loadData in
 * dashboards/index.md, published beside the site) is produced by its data loader from the published snapshot, and its bytes are
 * counted (raw, and gzip-compressed as a server could send them). Pages should aggregate and never
 * ship raw rows: the target is under 1 MB in all.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/dashboards-run.ts [--page index.md] [--cap-mb 200] [--timeout 120]
 *
 * A loader is stopped when its output passes --cap-mb or it runs longer than --timeout seconds; the
 * figure is then a lower bound.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { Phases, reportResult } from "./lib/child.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    page: { type: "string", default: "index.md" },
    "cap-mb": { type: "string", default: "200" },
    timeout: { type: "string", default: "120" },
  },
});
const cap = Number(values["cap-mb"]) * 1e6;
const timeoutMs = Number(values.timeout) * 1000;
const t = new Phases();

const page = readFileSync(join(ROOT, "dashboards", values.page), "utf8");
const attachments = [
  ...new Set([...page.matchAll(/loadData\(\s*["']([^"']+)["']\s*\)/g)].map((m) => `data/${m[1] as string}`)),
];

interface Output {
  file: string;
  loader: string | null;
  status: "ok" | "capped" | "timeout" | "failed" | "no loader";
  bytes: number;
  gzip_bytes: number;
  seconds: number;
  error?: string;
}

function runLoader(file: string): Promise<Output> {
  const loader = [".ts", ".js", ".mjs"]
    .map((ext) => join("dashboards", `${file}${ext}`))
    .find((p) => existsSync(join(ROOT, p)));
  if (!loader)
    return Promise.resolve({ file, loader: null, status: "no loader", bytes: 0, gzip_bytes: 0, seconds: 0 });
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, loader)], {
      cwd: ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let bytes = 0;
    let gzipBytes = 0;
    let status: Output["status"] = "ok";
    const gzip = createGzip();
    gzip.on("data", (d: Buffer) => {
      gzipBytes += d.length;
    });
    const stderr: string[] = [];
    let stderrBytes = 0;
    child.stderr.on("data", (d: Buffer) => {
      // The start of it: a fatal error comes first, the native stack trace after it.
      if (stderrBytes < 32_000) stderr.push(d.toString("utf8"));
      stderrBytes += d.length;
    });
    child.stdout.on("data", (d: Buffer) => {
      bytes += d.length;
      gzip.write(d);
      if (bytes > cap && status === "ok") {
        status = "capped";
        child.kill("SIGKILL");
      }
    });
    const timer = setTimeout(() => {
      if (status === "ok") status = "timeout";
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      gzip.on("end", () => {
        if (status === "ok" && code !== 0) status = "failed";
        // The telling line: a JavaScript error or V8's fatal message, not the native stack under it.
        const lines = stderr
          .join("")
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean);
        const error =
          status === "failed"
            ? (
                lines.find((l) => /FATAL ERROR|out of memory|RangeError|Error:/.test(l)) ??
                lines.at(-1) ??
                `exit ${code}`
              ).slice(0, 200)
            : undefined;
        resolve({
          file,
          loader,
          status,
          bytes,
          gzip_bytes: gzipBytes,
          seconds: (performance.now() - started) / 1000,
          ...(error ? { error } : {}),
        });
      });
      gzip.end();
    });
  });
}

const outputs: Output[] = [];
for (const file of attachments) outputs.push(await runLoader(file));
t.mark("loaders");

const total = outputs.reduce((n, o) => n + o.bytes, 0);
const gzipTotal = outputs.reduce((n, o) => n + o.gzip_bytes, 0);
const incomplete = outputs.filter((o) => o.status !== "ok");
const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 0)} MB`;
const biggest = [...outputs].sort((a, b) => b.bytes - a.bytes)[0];
reportResult({
  name: "dashboards",
  page: values.page,
  first_page_bytes: total,
  first_page_gzip_bytes: gzipTotal,
  lower_bound: incomplete.length > 0,
  attachments: outputs,
  summary: `first page (${values.page}) loads ${outputs.length} files: ${incomplete.length > 0 ? "at least " : ""}${mb(total)} (${mb(gzipTotal)} gzip)${biggest ? `; largest ${biggest.file} ${mb(biggest.bytes)}` : ""}${incomplete.map((o) => `; ${o.file} ${o.status}${o.error ? ` (${o.error})` : ""}`).join("")}`,
  wall_s: t.total,
  phases: t.phases,
});

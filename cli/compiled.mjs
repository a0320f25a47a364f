// Run a command of cli/ compiled into one JavaScript file, so that it starts as fast as plain Node:
//   node cli/compiled.mjs sql [args…]        (what `npm run sql` runs)
//
// tsx costs ~0.2 s at every start (its loader, then transforming each TypeScript file), which is most
// of what a short analyst query costs (bench/README.md, section 4). The first run, and any run after a
// source of the command changed, compiles cli/<command>.ts with esbuild (tsx's own dependency, so
// `npm ci` is all a fresh clone needs) into dist/cli-<command>.mjs; every later run checks the
// fingerprint written in the file's first line — the SHA-256 of every source file exactly as esbuild
// read it — against the files on disk, and runs it. A stale bundle never runs (the sandbox's rules
// live in those sources). Packages stay external: Node loads them from node_modules as usual.
// When the bundle cannot be written (a read-only checkout), the command runs through tsx instead.
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const COMMANDS = new Set(["sql"]);
const MARK = "// obserwatorium-compiled ";

const name = process.argv[2] ?? "";
if (!COMMANDS.has(name)) {
  process.stderr.write(`usage: node cli/compiled.mjs <${[...COMMANDS].join("|")}> [args…]\n`);
  process.exit(2);
}
// The command parses process.argv.slice(2) as if it had been started itself.
process.argv.splice(2, 1);
const entry = join(ROOT, "cli", `${name}.ts`);
// One level below the root, like cli/: a module that finds files from import.meta.url still does.
const bundle = join(ROOT, "dist", `cli-${name}.mjs`);

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** The fingerprint line of a compiled bundle: { inputs: { path relative to ROOT: sha256 } }, or null. */
function readStamp() {
  let fd;
  try {
    fd = openSync(bundle, "r");
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const line = head.subarray(0, n).toString("utf8").split("\n", 1)[0] ?? "";
    return line.startsWith(MARK) ? JSON.parse(line.slice(MARK.length)) : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function upToDate(stamp) {
  if (!stamp || typeof stamp.inputs !== "object" || Object.keys(stamp.inputs).length === 0) return false;
  try {
    return Object.entries(stamp.inputs).every(([p, h]) => sha(readFileSync(join(ROOT, p))) === h);
  } catch {
    return false; // a source was removed or renamed
  }
}

async function compile() {
  // esbuild comes with tsx (a dependency); resolved from tsx so that it need not be hoisted.
  const require = createRequire(import.meta.resolve("tsx"));
  const esbuild = require("esbuild");
  const inputs = {};
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    outfile: bundle,
    logLevel: "silent",
    plugins: [
      {
        name: "fingerprint",
        setup(build) {
          // Read each source once and hash exactly the bytes that are compiled.
          build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
            const contents = readFileSync(args.path);
            const path = isAbsolute(args.path) ? relative(ROOT, args.path) : args.path;
            inputs[path] = sha(contents);
            return { contents, loader: /\.[cm]?ts$/.test(args.path) ? "ts" : "js" };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error("esbuild produced no output");
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const tmp = `${bundle}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${MARK}${JSON.stringify({ inputs })}\n${code}`);
  renameSync(tmp, bundle); // atomic: a concurrent run sees the old bundle or the new one
}

let ready = upToDate(readStamp());
if (!ready) {
  try {
    await compile();
    ready = true;
  } catch (e) {
    if (process.env.OBS_DEBUG)
      process.stderr.write(`(compiling cli/${name}.ts failed: ${e?.message ?? e})\n`);
  }
}
if (ready) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(entry).href);
}

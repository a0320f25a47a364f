/**
 * The inbox ($OBS_DATA_DIR/inbox): a report dropped there is taken once it is complete — its size,
 * modification and change times unchanged for the settle time (OBS_INBOX_SETTLE_MS, default 5 s, so
 * that a copy pausing for a few seconds on a slow share or scanner is not taken half-written) and open
 * for writing by no process (Linux: /proc/<pid>/fd). A rejected one moves to inbox/rejected/ with
 * `<name>.error.txt` beside it saying why.
 *
 * Whoever can drop a file into the inbox can also plant links there. The service (often root) never
 * follows a link it did not make: inbox/ and inbox/rejected/ are checked with lstat (and made) at
 * start and before each look, a tampered one (a link, a file) stops the inbox with a message naming
 * it, the rejected folder is opened with O_NOFOLLOW and written through that open folder, and the
 * `.error.txt` is created exclusively (O_EXCL|O_NOFOLLOW), never written through a link planted there.
 */
import { constants, type Stats } from "node:fs";
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
} from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { z } from "zod";
import { keptMode, openExclusive, printable } from "../warehouse/quarantine.ts";

/**
 * How long an inbox file must stay unchanged (size, modification and change time) before it is
 * taken: long enough for a copy that pauses a few seconds (a slow network share, a scanner) not to be
 * taken half-written. OBS_INBOX_SETTLE_MS, default 5000; empty means the default.
 */
export const DEFAULT_INBOX_SETTLE_MS = 5000;

export function inboxSettleMs(): number {
  const raw = process.env.OBS_INBOX_SETTLE_MS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_INBOX_SETTLE_MS;
  const parsed = z.coerce.number().int().min(0).max(3_600_000).safeParse(raw.trim());
  if (!parsed.success) {
    throw new Error(
      `OBS_INBOX_SETTLE_MS must be a whole number of milliseconds from 0 to 3600000, not ${JSON.stringify(raw)}`,
    );
  }
  return parsed.data;
}

/** Files still being written by their tools: never taken (dot files include our own `.x.part`). */
const IN_PROGRESS = /^\.|\.(part|partial|tmp|crdownload|download|swp)$|~$/i;

export interface InboxFile {
  path: string;
  name: string;
  size: number;
}

/** A folder of the inbox is not what the service made: a link, a file. The inbox stops until fixed. */
export class InboxTampered extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "InboxTampered";
  }
}

function describeKind(s: Stats): string {
  if (s.isFile()) return "a regular file";
  if (s.isFIFO()) return "a named pipe";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a folder";
}

/**
 * Check one folder the inbox needs without following a link; make it when missing. `when`: at the
 * service's start (it refuses to run) or while it runs (inbox files are left where they are).
 */
async function checkFolder(path: string, when: "start" | "run"): Promise<void> {
  const then =
    when === "start"
      ? "and start the service again"
      : "; until then inbox files are left where they are (the inbox is looked at again every minute)";
  for (let attempt = 0; ; attempt++) {
    let s: Stats;
    try {
      s = await lstat(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || attempt > 0) throw e;
      // Not there: the service makes it (not recursive: its parent was checked just before).
      await mkdir(path, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
      continue;
    }
    if (s.isDirectory()) return;
    if (s.isSymbolicLink()) {
      const to = await readlink(path).catch(() => "?");
      throw new InboxTampered(
        path,
        `${path} is a symbolic link (to ${printable(to)}), not a folder: the service never follows a link it did not make. Remove the link (rm ${printable(path)}; the service makes the folder itself) ${then}`,
      );
    }
    throw new InboxTampered(
      path,
      `${path} is ${describeKind(s)}, not a folder: nothing could be moved into it. Move it away (mv ${printable(path)} ${printable(path)}.moved; the service makes the folder itself) ${then}`,
    );
  }
}

/**
 * Make inbox/ and inbox/rejected/ when missing; throw InboxTampered (a clear message naming the path
 * and what to do) when either is a symbolic link or not a folder. The service calls it at start and
 * refuses to run on a tampered inbox; discovery calls it before each look.
 */
export async function prepareInboxFolders(
  paths: { inbox: string; rejected: string },
  when: "start" | "run" = "start",
): Promise<void> {
  await checkFolder(paths.inbox, when);
  await checkFolder(paths.rejected, when);
}

interface Seen {
  signature: string;
  /** When this process first saw the file with this signature (Date.now()). */
  since: number;
}

/**
 * What this process saw of each inbox file and since when, by path: a file is settled once it has
 * looked the same for the settle time. Kept in the process, so that a look costs no sleep in a job.
 */
const seen = new Map<string, Seen>();

/**
 * Files and symbolic links of the inbox (lstat: a link is not followed; accept_document rejects it).
 * Folders are left alone.
 */
async function snapshot(dir: string): Promise<Map<string, { size: number; signature: string }>> {
  const out = new Map<string, { size: number; signature: string }>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (IN_PROGRESS.test(name)) continue;
    const s = await lstat(join(dir, name), { bigint: true }).catch(() => null);
    if (s?.isFile() || s?.isSymbolicLink()) {
      // Nanosecond times: a write within the same millisecond still changes the signature.
      const signature = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      out.set(name, { size: Number(s.size), signature });
    }
  }
  return out;
}

/** How soon to look again at a file open for writing. */
const OPEN_RECHECK_MS = 1000;

/**
 * The inbox files that are complete: the same size, modification and change time (and inode) for at
 * least `settleMs` as seen by this process, and open for writing by no process (Linux). Files still
 * changing or open are `unsettled`; `recheckInMs` says when the next of them may be settled.
 */
export async function settledFiles(
  dir: string,
  settleMs: number,
): Promise<{ settled: InboxFile[]; unsettled: string[]; recheckInMs: number }> {
  const now = Date.now();
  const files = await snapshot(dir);
  for (const path of seen.keys()) {
    if (path.startsWith(join(dir, "/")) && !files.has(path.slice(dir.length + 1))) seen.delete(path);
  }
  const candidates: InboxFile[] = [];
  const unsettled: string[] = [];
  let recheckInMs = Number.POSITIVE_INFINITY;
  for (const [name, { size, signature }] of files) {
    const path = join(dir, name);
    const before = seen.get(path);
    if (before?.signature !== signature) seen.set(path, { signature, since: now });
    const quietFor = before?.signature === signature ? now - before.since : 0;
    if (quietFor >= settleMs) candidates.push({ path, name, size });
    else {
      unsettled.push(name);
      recheckInMs = Math.min(recheckInMs, settleMs - quietFor);
    }
  }
  const open = await openForWriting(
    dir,
    candidates.map((c) => c.name),
  );
  const settled = candidates.filter((c) => !open.has(c.name));
  if (open.size > 0) {
    unsettled.push(...open);
    recheckInMs = Math.min(recheckInMs, OPEN_RECHECK_MS);
  }
  return {
    settled: settled.sort((a, b) => a.name.localeCompare(b.name)),
    unsettled: unsettled.sort(),
    recheckInMs: Number.isFinite(recheckInMs) ? Math.max(100, Math.ceil(recheckInMs)) : settleMs,
  };
}

/**
 * Which of these files of `dir` some process has open for writing (O_WRONLY or O_RDWR), from
 * /proc/<pid>/fd and /proc/<pid>/fdinfo: a copy in progress, a scanner still writing. Processes of
 * other users are visible only to root; elsewhere than Linux nothing is known (the settle time holds).
 */
export async function openForWriting(dir: string, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (names.length === 0 || process.platform !== "linux") return found;
  const real = await realpath(dir).catch(() => dir);
  const wanted = new Map(names.map((n) => [join(real, n), n]));
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  const look = async (pid: string) => {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => null);
      const name = target === null ? undefined : wanted.get(target);
      if (name === undefined || found.has(name)) continue;
      const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, "utf8").catch(() => "");
      const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
      // O_ACCMODE: 0 read-only, 1 write-only, 2 read-write.
      if (flags !== undefined && (Number.parseInt(flags, 8) & 3) !== 0) found.add(name);
    }
  };
  for (let i = 0; i < pids.length; i += 32) await Promise.all(pids.slice(i, i + 32).map(look));
  return found;
}

/** The longest name a file system takes (bytes), and what a rejected file's name may add to its own. */
const NAME_MAX = 255;
const ERROR_SUFFIX = ".error.txt";
const NUMBER_ROOM = "-99999".length;

/**
 * The name a rejected file is kept under: control and format characters (a newline, ESC, a
 * right-to-left override) replaced by "_", and shortened (UTF-8 aware, the extension kept) so that
 * the name with a "-n" and ".error.txt" fits in 255 bytes.
 */
export function rejectedName(name: string): string {
  let s = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029/]/gu, "_");
  if (s === "" || s === "." || s === "..") s = `_${s}`;
  const limit = NAME_MAX - Buffer.byteLength(ERROR_SUFFIX) - NUMBER_ROOM;
  if (Buffer.byteLength(s) <= limit) return s;
  let ext = extname(s);
  if (Buffer.byteLength(ext) > 16) ext = "";
  const stem = Array.from(s.slice(0, s.length - ext.length));
  while (stem.length > 0 && Buffer.byteLength(stem.join("") + ext) > limit) stem.pop();
  return `${stem.join("")}${ext}`;
}

/** A folder opened without following a link; paths under `base` resolve into that very folder. */
async function openFolder(path: string): Promise<{ base: string; handle: FileHandle }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR" || code === "ELOOP" || code === "ENOENT") {
      await checkFolder(path, "run"); // throws the clear message (or makes a missing folder)
      return openFolder(path);
    }
    throw e;
  }
  // On Linux, /proc/self/fd/<n> is the folder opened: a link swapped in at `path` later is not followed.
  const viaFd = `/proc/self/fd/${handle.fd}`;
  const base = (await lstat(viaFd).catch(() => null)) ? viaFd : path;
  return { base, handle };
}

/**
 * Move a rejected inbox file to inbox/rejected/ (never over another, never through a link) and write
 * why beside it in `<name>.error.txt`: the file's name as given (escaped), when, the reason and, for a
 * report refused for having fewer figures, how to take it anyway. Returns where the file went.
 */
export async function rejectInboxFile(
  path: string,
  rejectedDir: string,
  reason: string,
  opts: { fileName?: string; replaceHint?: boolean } = {},
): Promise<string> {
  const name = basename(path);
  const info = await lstat(path);
  const mode = info.isSymbolicLink() ? 0o644 : keptMode(info.mode);
  const { base, handle } = await openFolder(rejectedDir);
  try {
    const kept = rejectedName(name);
    const dot = kept.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [kept.slice(0, dot), kept.slice(dot)] : [kept, ""];
    // The .error.txt is made first, exclusively: it reserves the name (and is never a planted link).
    let target = "";
    let errorFile: FileHandle | null = null;
    for (let n = 1; n <= 99_999 && errorFile === null; n++) {
      target = n === 1 ? kept : `${stem}-${n}${ext}`;
      errorFile = await openExclusive(join(base, `${target}${ERROR_SUFFIX}`), mode);
      if (errorFile && (await lstat(join(base, target)).catch(() => null))) {
        await errorFile.close();
        await rm(join(base, `${target}${ERROR_SUFFIX}`), { force: true });
        errorFile = null;
      }
    }
    if (errorFile === null) throw new Error(`no free name in ${rejectedDir} for ${printable(name)}`);
    try {
      // rename never follows a link at either end: a planted link is moved (or replaced) as a link.
      await rename(path, join(base, target));
      const moved = join(rejectedDir, target);
      const lines = [
        printable(target),
        `Plik / file: ${printable(opts.fileName ?? name)}`,
        `Odrzucony / rejected: ${new Date().toISOString()}`,
        `Powód / reason: ${reason
          .split(/\r\n|\n|\r/)
          .map((l) => printable(l))
          .join("\n  ")}`,
        ...(opts.replaceHint
          ? [
              `Aby mimo to zastąpić obecną wersję / to replace the current version anyway: npm run ingest -- --replace ${JSON.stringify(moved)}`,
            ]
          : []),
        "",
      ];
      await errorFile.writeFile(lines.join("\n"));
      return moved;
    } catch (e) {
      // Not moved: give the name back, the file stays in the inbox for the next attempt.
      if ((await lstat(path).catch(() => null)) !== null)
        await rm(join(base, `${target}${ERROR_SUFFIX}`), { force: true });
      throw e;
    } finally {
      await errorFile.close();
    }
  } finally {
    await handle.close();
  }
}

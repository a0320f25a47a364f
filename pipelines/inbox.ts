/**
 * The inbox ($OBS_DATA_DIR/inbox): a report dropped there is taken once it has stopped growing;
 * a rejected one moves to inbox/rejected/ with `<name>.error.txt` beside it saying why.
 */
import { lstat, mkdir, readdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Files still being written by their tools: never taken (dot files include our own `.x.part`). */
const IN_PROGRESS = /^\.|\.(part|partial|tmp|crdownload|download|swp)$|~$/i;

export interface InboxFile {
  path: string;
  name: string;
  size: number;
}

/**
 * Files and symbolic links of the inbox (lstat: a link is not followed; accept_document rejects it).
 * Folders are left alone.
 */
async function snapshot(dir: string): Promise<Map<string, { size: number; mtimeMs: number }>> {
  const out = new Map<string, { size: number; mtimeMs: number }>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (IN_PROGRESS.test(name)) continue;
    const s = await lstat(join(dir, name)).catch(() => null);
    if (s?.isFile() || s?.isSymbolicLink()) out.set(name, { size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

/**
 * The inbox files that stopped growing: the same size and modification time across `settleMs`.
 * Files still changing are `unsettled`: look again later.
 */
export async function settledFiles(
  dir: string,
  settleMs: number,
  signal?: AbortSignal,
): Promise<{ settled: InboxFile[]; unsettled: string[] }> {
  const first = await snapshot(dir);
  if (first.size === 0) return { settled: [], unsettled: [] };
  await sleep(settleMs, undefined, { signal });
  const second = await snapshot(dir);
  const settled: InboxFile[] = [];
  const unsettled: string[] = [];
  for (const [name, now] of second) {
    const before = first.get(name);
    if (before && before.size === now.size && before.mtimeMs === now.mtimeMs) {
      settled.push({ path: join(dir, name), name, size: now.size });
    } else {
      unsettled.push(name);
    }
  }
  return { settled: settled.sort((a, b) => a.name.localeCompare(b.name)), unsettled };
}

/** Move a rejected inbox file to inbox/rejected/ (never over another) and write why beside it. */
export async function rejectInboxFile(path: string, rejectedDir: string, reason: string): Promise<string> {
  await mkdir(rejectedDir, { recursive: true });
  const name = basename(path);
  const ext = extname(name);
  let target = join(rejectedDir, name);
  for (let i = 2; await stat(target).catch(() => null); i++) {
    target = join(rejectedDir, `${basename(name, ext)}-${i}${ext}`);
  }
  await rename(path, target);
  await writeFile(
    `${target}.error.txt`,
    `${basename(target)}\nOdrzucony / rejected: ${new Date().toISOString()}\nPowód / reason: ${reason}\n`,
  );
  return target;
}

/**
 * "Reading started" marks that survive a hard crash, so that a file whose reading killed the process
 * (out of memory, a native crash, the kernel's OOM killer) is refused at the next start instead of
 * read again — a crash loop otherwise: the inbox and the job queue hand the same file over again after
 * every restart.
 *
 * Before reading, a mark `<dir>/<key>.<host>.<boot>.<pid>.<start>.reading` is written (key: the content's
 * SHA-256, so the same bytes under another name are the same file); it is removed when reading ends,
 * by success or by rejection. A mark found for the key whose process is gone means that process died
 * while reading: the file is rejected (DocumentRejected, a normal rejection: the inbox moves the file
 * to rejected/ with its reason) and the mark removed. A mark of a process still running (another
 * command reading the same file right now) is not a crash and is left alone, as is a mark of another
 * machine sharing the data directory (whether its process runs cannot be told from here).
 */
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { DocumentRejected } from "./extractor.ts";

const Mark = z.object({ fileName: z.string(), startedAt: z.string(), pid: z.number().int() });

/** This boot of the machine (Linux); "" elsewhere. */
function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8")
      .trim()
      .replace(/[^0-9a-f]/gi, "");
  } catch {
    return "";
  }
}

/** When a process started, in clock ticks since boot (Linux), so a reused pid is not taken for it; "" elsewhere. */
function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return process.platform === "linux" ? null : "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const host = () =>
  hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-");

/** Whether the process that wrote a mark (by its name) may still be running. */
function writerRunning(name: string, boot: string): boolean {
  const m = /\.([a-z0-9-]*)\.([0-9a-f]*)\.(\d+)\.(\d*)\.reading$/.exec(name);
  if (!m) return false;
  const [, markHost, markBoot, pid, ticks] = m;
  if (markHost !== host()) return true; // another machine's: not ours to judge
  if (markBoot !== boot) return false; // written before this boot: whoever wrote it is gone
  const now = startTicks(Number(pid));
  return now !== null && now === ticks && alive(Number(pid));
}

export interface ReadGuard {
  /** Where the marks are kept, e.g. $OBS_DATA_DIR/reading. */
  dir: string;
  /** The file's content hash (hex): the same bytes are the same file, under any name. */
  key: string;
  /** The file's name, for the rejection and the mark. */
  fileName: string;
}

/**
 * Run `read` (reading, recognising, extracting one file) under a "reading started" mark. Throws
 * DocumentRejected without calling `read` when an earlier reading of the same bytes never ended
 * because its process died.
 */
export async function guardedRead<T>({ dir, key, fileName }: ReadGuard, read: () => Promise<T>): Promise<T> {
  if (!/^[0-9a-f]{8,128}$/i.test(key))
    throw new Error(`guardedRead: the key must be a content hash, not ${key}`);
  const boot = bootId();
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (n) => n.startsWith(`${key}.`) && n.endsWith(".reading"),
  );
  for (const name of names) {
    if (writerRunning(name, boot)) continue;
    const earlier = Mark.safeParse(
      await readFile(join(dir, name), "utf8")
        .then((t) => JSON.parse(t) as unknown)
        .catch(() => null),
    );
    await rm(join(dir, name), { force: true });
    const when = earlier.success ? ` at ${earlier.data.startedAt}` : "";
    throw new DocumentRejected(
      fileName,
      `Czytanie tego pliku przerwało już wcześniej proces, który go czytał (brak pamięci?), więc nie jest czytany ponownie: sprawdź plik albo zgłoś go zespołowi — reading it stopped the process that read it before${when} (a crash while reading: out of memory?); it is not read again`,
    );
  }
  await mkdir(dir, { recursive: true });
  const mark = join(dir, `${key}.${host()}.${boot}.${process.pid}.${startTicks(process.pid) ?? ""}.reading`);
  await writeFile(
    mark,
    `${JSON.stringify({ fileName, startedAt: new Date().toISOString(), pid: process.pid })}\n`,
  );
  try {
    return await read();
  } finally {
    await rm(mark, { force: true });
  }
}

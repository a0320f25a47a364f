/**
 * Quarantine: a rejected file is kept, with the reason beside it, so that a person can look at it
 * and send a better copy. Nothing in the quarantine is ever read by the pipeline.
 *
 *   $OBS_DATA_DIR/quarantine/<safe name>             a copy of the file as it was given
 *   $OBS_DATA_DIR/quarantine/<safe name>.error.txt   why it was rejected, where from, when
 *
 * The copy never follows a symbolic link (a link is recorded, not copied), never overwrites an
 * earlier entry (a second file of the same name gets "-2"), and its name cannot leave the directory.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readdir, readFile, readlink, rm } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { dataDir } from "../lib/config.ts";

/** Where rejected files are kept. */
export const quarantineDir = () => join(dataDir(), "quarantine");

/** Files larger than this are recorded but not copied: a report is never near this size. */
export const QUARANTINE_COPY_LIMIT = 100 * 1024 * 1024;

const MAX_NAME_BYTES = 160;

/**
 * A file name that is safe to create in one directory: no path separators, no control characters,
 * no leading dot or dash, no spaces; Polish letters are kept. Never empty, never "." or "..".
 */
export function safeFileName(name: string): string {
  let s = basename(name.replaceAll("\\", "/"))
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}/:*?"<>|]/gu, "_")
    .replace(/\s+/gu, "_")
    .replace(/^[.-]+/, "_");
  if (s === "" || /^_*$/.test(s)) s = `unnamed${s}`;
  const ext = extname(s).slice(0, 12);
  let stem = s.slice(0, s.length - extname(s).length);
  while (Buffer.byteLength(stem + ext) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
  return stem + ext;
}

/**
 * Printable on one line, and harmless in a terminal: control characters (a newline or ESC in a file
 * name, C1 controls) and invisible format characters (a right-to-left override) shown escaped,
 * JSON-style (`\n`, `\t`, `\u001b`, `\u202e`). Printable text is left as it is, so printing twice
 * changes nothing.
 */
export function printable(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => {
    const json = JSON.stringify(c).slice(1, -1);
    return json !== c ? json : `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
  });
}

/** Permissions of a kept copy: no wider than the original's for group and others; the owner reads and writes. */
export const keptMode = (original: number) => 0o600 | (original & 0o044);

/** Create a file that is not there yet (null when it is), never through a link planted at the path. */
export async function openExclusive(path: string, mode = 0o644): Promise<FileHandle | null> {
  try {
    // O_EXCL: never overwrite, and never write through a link planted at the path.
    return await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return null;
    throw e;
  }
}

/**
 * Keep a rejected file in $OBS_DATA_DIR/quarantine with `<name>.error.txt` beside it; returns the
 * path of the kept copy (or of the .error.txt when the file could not be copied: a symbolic link,
 * a directory, a file gone or too large).
 */
export async function quarantine(
  filePath: string,
  reason: string,
  opts: { name?: string; documentId?: string } = {},
): Promise<string> {
  const dir = quarantineDir();
  await mkdir(dir, { recursive: true });
  const dirInfo = await lstat(dir);
  if (!dirInfo.isDirectory()) throw new Error(`${dir} is not a directory; quarantine refused`);

  const source = resolve(filePath);
  const info = await lstat(source).catch(() => null);
  // What is kept of a file readable by its owner only stays readable by its owner only.
  const mode = info?.isFile() ? keptMode(info.mode) : 0o644;
  const name = safeFileName(opts.name ?? basename(filePath));
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];

  // The .error.txt is created first and exclusively: it reserves the name against a concurrent run.
  let target = "";
  let errorFile: FileHandle | null = null;
  for (let n = 1; n <= 10_000 && errorFile === null; n++) {
    target = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    errorFile = await openExclusive(`${target}.error.txt`, mode);
    if (errorFile && (await lstat(target).catch(() => null))) {
      await errorFile.close();
      await rm(`${target}.error.txt`, { force: true });
      errorFile = null;
    }
  }
  if (errorFile === null) throw new Error(`no free name in ${dir} for ${name}`);

  let copied: { bytes: number; sha256: string } | null = null;
  let note: string;
  if (!info) note = "not copied: the file was gone";
  else if (info.isSymbolicLink()) {
    const to = await readlink(source).catch(() => "?");
    note = `not copied: a symbolic link to ${printable(to)} (links are never followed)`;
  } else if (!info.isFile()) note = "not copied: not a regular file";
  else if (info.size > QUARANTINE_COPY_LIMIT) note = `not copied: ${info.size} bytes`;
  else {
    try {
      copied = await copyNoFollow(source, target, mode);
      note = `copied beside this file as ${basename(target)}`;
    } catch (e) {
      note = `not copied: ${(e as Error).message}`;
    }
  }

  const lines = [
    `file: ${printable(opts.name ?? filePath)}`,
    `path: ${printable(source)}`,
    `reason: ${reason
      .split(/\r\n|\n|\r/)
      .map((l) => printable(l))
      .join("\n  ")}`,
    `rejected at: ${new Date().toISOString()}`,
    ...(opts.documentId ? [`document: ${opts.documentId}`] : []),
    ...(copied ? [`size: ${copied.bytes} bytes`, `sha256: ${copied.sha256}`] : []),
    note,
    "",
  ];
  try {
    await errorFile.writeFile(lines.join("\n"));
  } finally {
    await errorFile.close();
  }
  return copied ? target : `${target}.error.txt`;
}

/** Copy a regular file without following a link at its path, into a new file (never over one). */
async function copyNoFollow(
  source: string,
  target: string,
  mode: number,
): Promise<{ bytes: number; sha256: string }> {
  // O_NONBLOCK: a FIFO swapped in since the lstat never blocks the open.
  const from = await open(source, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await from.stat();
    if (!info.isFile()) throw new Error("not a regular file");
    const to = await openExclusive(target, keptMode(info.mode) & mode);
    if (!to) throw new Error(`${basename(target)} exists already`);
    const hash = createHash("sha256");
    let bytes = 0;
    const reader = from.createReadStream({ autoClose: false });
    reader.on("data", (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(reader, to.createWriteStream());
    return { bytes, sha256: hash.digest("hex") };
  } finally {
    await from.close();
  }
}

/**
 * The quarantined copy of a stored document already kept (by an earlier attempt of the same job):
 * a `.error.txt` naming the document whose copy beside it holds exactly these bytes. Null when none.
 */
export async function findQuarantinedCopy(documentId: string, sha256: string): Promise<string | null> {
  const dir = quarantineDir();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.endsWith(".error.txt")).sort()) {
    const text = await readFile(join(dir, n), "utf8").catch(() => "");
    if (!text.split("\n").includes(`document: ${documentId}`)) continue;
    if (!text.split("\n").includes(`sha256: ${sha256}`)) continue;
    const copy = join(dir, n.slice(0, -".error.txt".length));
    const bytes = await readFile(copy).catch(() => null);
    if (bytes && createHash("sha256").update(bytes).digest("hex") === sha256) return copy;
  }
  return null;
}

/**
 * Move a stored document into the quarantine: its bytes are copied (and checked) under its original
 * file name with the reason beside it, and only then is it taken out of the store by `remove`. Safe to
 * run again after a crash at any point: an earlier verified copy is reused, never made twice.
 */
export async function quarantineStored(
  doc: { documentId: string; path: string; fileName: string },
  reason: string,
  remove: () => Promise<void>,
): Promise<string> {
  const bytes = await readFile(doc.path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let kept = await findQuarantinedCopy(doc.documentId, sha256);
  if (!kept) {
    kept = await quarantine(doc.path, reason, { name: doc.fileName, documentId: doc.documentId });
    if (kept.endsWith(".error.txt") || (await findQuarantinedCopy(doc.documentId, sha256)) === null) {
      throw new Error(`${doc.fileName} could not be copied into the quarantine; it stays in the store`);
    }
  }
  await remove();
  return kept;
}

import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import { DocumentRejected } from "../sources/lib/extractor.ts";
import type { Recognition } from "../sources/lib/observation.ts";
import { decodeDocument, MAX_DOCUMENT_BYTES } from "../sources/lib/read-document.ts";
import { extractDocument, readerFailureMessage } from "../sources/registry.ts";
import { keptMode, printable, quarantineStored } from "./quarantine.ts";

/** The reports that ship with the project: sources/<centre>/documents/*. */
export const BUNDLED_DIR = fileURLToPath(new URL("../sources/", import.meta.url));

/** A document's id is the start of the SHA-256 of its bytes: the same report under two names is one document. */
export function documentIdOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

export const KnownDocument = z.object({
  documentId: z.string(),
  path: z.string(),
  fileName: z.string(),
  origin: z.enum(["bundled", "stored"]),
  centreId: z.string(),
  kind: z.string(),
  title: z.string(),
  periods: z.array(z.string()),
  issuedOn: z.string().nullable(),
  /** When the project first received it (bundled reports: null, they are the oldest versions). */
  receivedAt: z.string().nullable(),
  byteSize: z.number().int(),
});
export type KnownDocument = z.infer<typeof KnownDocument>;

/**
 * The bytes of a file given as a report, and its permissions. A symbolic link is not followed (in an
 * inbox it could point anywhere: /etc/shadow, another user's files), a directory or device is not a
 * report, and a file larger than any report is refused before it is read. What was checked with lstat
 * is checked again on the file opened (O_NOFOLLOW, O_NONBLOCK: a FIFO swapped in meanwhile never
 * blocks). A missing file throws ENOENT as it is.
 */
export async function readDocument(
  filePath: string,
  fileName = basename(filePath),
): Promise<{ bytes: Uint8Array; mode: number }> {
  const info = await lstat(filePath);
  if (info.isSymbolicLink()) {
    throw new DocumentRejected(
      fileName,
      "To dowiązanie symboliczne, a dowiązań się nie śledzi: podaj sam plik — it is a symbolic link; links are not followed, give the file itself",
    );
  }
  if (info.isDirectory())
    throw new DocumentRejected(
      fileName,
      "To katalog, nie plik: podaj pliki sprawozdań — it is a directory, not a file",
    );
  if (!info.isFile())
    throw new DocumentRejected(
      fileName,
      "To nie jest zwykły plik (urządzenie, potok lub gniazdo): podaj plik sprawozdania — it is not a regular file (a device, pipe or socket)",
    );
  if (info.size > MAX_DOCUMENT_BYTES) {
    throw new DocumentRejected(
      fileName,
      `Plik jest większy niż jakiekolwiek sprawozdanie: sprawdź, czy to właściwy plik (PDF zapisz bez zbędnych obrazów) — the file is ${info.size} bytes, larger than any report (limit ${MAX_DOCUMENT_BYTES})`,
    );
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(filePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new DocumentRejected(
        fileName,
        "To dowiązanie symboliczne, a dowiązań się nie śledzi: podaj sam plik — it is a symbolic link; links are not followed",
      );
    if (code === "EACCES" || code === "EPERM") {
      throw new DocumentRejected(
        fileName,
        "Nie można odczytać pliku (brak uprawnień): nadaj prawo odczytu albo skopiuj plik w inne miejsce — the file cannot be read (permission denied)",
      );
    }
    throw e;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile())
      throw new DocumentRejected(
        fileName,
        "To nie jest zwykły plik (urządzenie, potok lub gniazdo): podaj plik sprawozdania — it is not a regular file (a device, pipe or socket)",
      );
    if (opened.size > MAX_DOCUMENT_BYTES) {
      throw new DocumentRejected(
        fileName,
        `Plik jest większy niż jakiekolwiek sprawozdanie: sprawdź, czy to właściwy plik (PDF zapisz bez zbędnych obrazów) — the file is ${opened.size} bytes, larger than any report (limit ${MAX_DOCUMENT_BYTES})`,
      );
    }
    return { bytes: new Uint8Array(await handle.readFile()), mode: opened.mode };
  } finally {
    await handle.close();
  }
}

/** The bytes of a file given as a report (readDocument). */
export async function readDocumentFile(filePath: string, fileName = basename(filePath)): Promise<Uint8Array> {
  return (await readDocument(filePath, fileName)).bytes;
}

/** Read a file, recognise it and check that figures can be read from it; throws DocumentRejected. */
export async function inspectDocument(filePath: string, fileName = basename(filePath)) {
  const { bytes, mode } = await readDocument(filePath, fileName);
  // warnings: what a person should know about how it was read (control characters taken out, …)
  const { text, warnings } = await decodeDocument(bytes, fileName);
  const extracted = extractDocument(text, fileName);
  // A section reader that failed is a warning too: its figures are missing, the others' are taken.
  const all = [...warnings, ...extracted.failures.map(readerFailureMessage)];
  return { bytes, mode, text, ...extracted, warnings: all, documentId: documentIdOf(bytes) };
}

export interface StoreResult {
  status: "stored" | "duplicate";
  /** What a person should know about how it was read (control characters taken out, and where). */
  warnings: string[];
  documentId: string;
  fileName: string;
  recognition: Recognition;
  observationCount: number;
}

/**
 * A re-issue (same centre, kind of report and periods) with fewer figures than the current version:
 * it would replace it, and figures would vanish (a copy taken half-written, a shorter PDF). Refused
 * unless asked for (`npm run ingest -- --replace <file>`).
 */
export class FewerFigures extends DocumentRejected {
  constructor(
    fileName: string,
    readonly figures: number,
    readonly current: { documentId: string; fileName: string; figures: number; what: string },
  ) {
    super(
      fileName,
      `Sprawozdanie ma mniej liczb (${figures}) niż obecna wersja (${current.figures}) tego sprawozdania (${current.what}, ${printable(current.fileName)}), więc jej nie zastępuje — czy to pełna kopia? Aby mimo to zastąpić: npm run ingest -- --replace <plik> / ` +
        `it has fewer figures (${figures}) than the current version (${current.figures}) of this report, so it does not replace it — is it a complete copy? To replace it anyway: npm run ingest -- --replace <file>`,
    );
    this.name = "FewerFigures";
  }
}

/** The version of a report a new one would supersede: the latest of the same centre, kind and periods. */
export async function currentVersionOf(r: Recognition): Promise<KnownDocument | undefined> {
  const periods = [...r.periods].sort().join(",");
  // As the warehouse orders versions (stg_documents): received_at (bundled first), then document_id.
  const order = (d: KnownDocument) => `${d.receivedAt ?? ""} ${d.documentId}`;
  let current: KnownDocument | undefined;
  for (const d of await listDocuments()) {
    if (d.centreId !== r.centre_id || d.kind !== r.kind || [...d.periods].sort().join(",") !== periods)
      continue;
    if (!current || order(d) > order(current)) current = d;
  }
  return current;
}

/**
 * Recognise, validate and keep a document in the store ($OBS_DATA_DIR/documents).
 * Writes are atomic (temp file + rename), so a crash never leaves half a document; the same bytes
 * twice (under any name) are one document. Stored files are no more readable than the original was
 * (a file readable by its owner only stays so). A re-issue with fewer figures than the version it
 * would supersede is refused (FewerFigures) unless `replace` says to take it.
 */
export async function storeDocument(
  filePath: string,
  fileName = basename(filePath),
  opts: { replace?: boolean } = {},
): Promise<StoreResult> {
  const doc = await inspectDocument(filePath, fileName);
  const base = {
    documentId: doc.documentId,
    fileName,
    recognition: doc.recognition,
    observationCount: doc.observations.length,
    warnings: doc.warnings,
  };
  if (await findDocument(doc.documentId)) return { status: "duplicate", ...base };

  if (!opts.replace) {
    const current = await currentVersionOf(doc.recognition);
    if (current) {
      const figures = (await inspectDocument(current.path, current.fileName)).observations.length;
      if (doc.observations.length < figures) {
        throw new FewerFigures(fileName, doc.observations.length, {
          documentId: current.documentId,
          fileName: current.fileName,
          figures,
          what: `${current.centreId}/${current.kind} ${current.periods.join(", ")}`,
        });
      }
    }
  }

  const dir = dataPaths().documents;
  await mkdir(dir, { recursive: true });
  const ext = extname(fileName).toLowerCase() === ".pdf" ? ".pdf" : ".txt";
  const target = join(dir, `${doc.documentId}${ext}`);
  const meta: KnownDocument = {
    documentId: doc.documentId,
    path: target,
    fileName,
    origin: "stored",
    centreId: doc.recognition.centre_id,
    kind: doc.recognition.kind,
    title: doc.recognition.title,
    periods: doc.recognition.periods,
    issuedOn: doc.recognition.issued_on,
    receivedAt: new Date().toISOString(),
    byteSize: doc.bytes.length,
  };
  const mode = keptMode(doc.mode);
  await atomicWrite(target, doc.bytes, mode);
  faultPoint("store:after-bytes");
  // The metadata is written last: a document counts as stored only once its .json exists.
  await atomicWrite(join(dir, `${doc.documentId}.json`), `${JSON.stringify(meta, null, 2)}\n`, mode);
  return { status: "stored", ...base };
}

/** Write a new file under a fresh name (never through a link), then rename it over `path`. */
export async function atomicWrite(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, data, {
    mode,
    flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
  });
  await rename(tmp, path);
}

let bundledCache: KnownDocument[] | undefined;

async function bundledDocuments(): Promise<KnownDocument[]> {
  if (bundledCache) return bundledCache;
  const out: KnownDocument[] = [];
  for (const centre of (await readdir(BUNDLED_DIR, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    const dir = join(BUNDLED_DIR, centre.name, "documents");
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const fileName of files.sort()) {
      const path = join(dir, fileName);
      const doc = await inspectDocument(path, fileName);
      out.push({
        documentId: doc.documentId,
        path,
        fileName,
        origin: "bundled",
        centreId: doc.recognition.centre_id,
        kind: doc.recognition.kind,
        title: doc.recognition.title,
        periods: doc.recognition.periods,
        issuedOn: doc.recognition.issued_on,
        receivedAt: null,
        byteSize: doc.bytes.length,
      });
    }
  }
  bundledCache = out;
  return out;
}

const READ_AT_ONCE = 64;

/**
 * One stored or bundled document by its id, without listing the store: the per-document jobs
 * (extract_document) cost the same with 10 or 40,000 documents stored. The same answer as
 * `(await listDocuments()).find(d => d.documentId === id)`: a bundled report wins over a stored copy.
 */
export async function findDocument(documentId: string): Promise<KnownDocument | undefined> {
  // Ids are hex content hashes; anything else (a path, "..") names no document.
  if (!/^[0-9a-f]{8,64}$/.test(documentId)) return undefined;
  const bundled = (await bundledDocuments()).find((b) => b.documentId === documentId);
  if (bundled) return bundled;
  const file = join(dataPaths().documents, `${documentId}.json`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const parsed = KnownDocument.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not valid document metadata: ${parsed.error.message}`);
  return parsed.data;
}

/** Every document the warehouse is built from: the bundled reports, then those ingested into the data dir. */
export async function listDocuments(): Promise<KnownDocument[]> {
  const bundled = await bundledDocuments();
  const dir = dataPaths().documents;
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort();
  const bundledIds = new Set(bundled.map((b) => b.documentId));
  const stored: KnownDocument[] = [];
  // Many small files: read READ_AT_ONCE at a time (one awaited read each costs ~0.2 ms of round trips).
  for (let start = 0; start < names.length; start += READ_AT_ONCE) {
    const batch = names.slice(start, start + READ_AT_ONCE);
    const texts = await Promise.all(batch.map((name) => readFile(join(dir, name), "utf8")));
    texts.forEach((text, i) => {
      const parsed = KnownDocument.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(
          `${join(dir, batch[i] as string)} is not valid document metadata: ${parsed.error.message}`,
        );
      if (!bundledIds.has(parsed.data.documentId)) stored.push(parsed.data);
    });
  }
  stored.sort((a, b) => (a.receivedAt ?? "").localeCompare(b.receivedAt ?? ""));
  return [...bundled, ...stored];
}

/**
 * Take a stored document out of the store into the quarantine (warehouse/quarantine.ts) with the
 * reason beside it: its bytes are kept there, checked, before it leaves the store (metadata first: a
 * document counts as stored while its .json exists). Returns where it was kept; null when it is no
 * longer in the store (withdrawn by an earlier attempt). A bundled report cannot be withdrawn.
 */
export async function withdrawDocument(documentId: string, reason: string): Promise<string | null> {
  const doc = await findDocument(documentId);
  if (!doc) return null;
  if (doc.origin !== "stored")
    throw new Error(`${doc.fileName} is bundled with the project; it cannot be withdrawn`);
  return quarantineStored(doc, reason, async () => {
    await rm(join(dataPaths().documents, `${documentId}.json`), { force: true });
    await rm(doc.path, { force: true });
    // its cached figures too: the same file ingested again (after a fix) is read afresh
    const { extracted } = dataPaths();
    const cached = (await readdir(extracted).catch(() => [] as string[])).filter((f) =>
      f.startsWith(`${documentId}.`),
    );
    await Promise.all(cached.map((f) => rm(join(extracted, f), { force: true })));
  });
}

export { DocumentRejected };

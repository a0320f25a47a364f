/**
 * A PDF's text layer, read within bounds. A PDF is a container of compressed streams: a 200 KB file
 * can inflate to 200 MB of text per page, and pdf.js then holds every text item of it (issue 10: the
 * service reached 9.6 GB in 80 s, and read the file again after the restart; the 0.7 MB bomb of the
 * tests took 2.3 GB and 3 minutes read in-process, and an ingest of it was past 3 GB when killed).
 * So the text is read in a process of its own (pdf-text-child.mjs), where
 *
 * - the Flate streams that reading text decodes are inflated first, counted and let go: past
 *   maxInflatedBytes the PDF is refused before pdf.js sees it,
 * - the number of pages is checked before any page is read,
 * - the text is counted as it streams out, page by page, and reading stops past a limit,
 * - the process's memory (what inflated streams take too, not only the JavaScript heap) is watched
 *   and the process killed past a limit, its heap capped as well, and
 * - the whole read has a time limit.
 *
 * A PDF that passes a limit is rejected (DocumentRejected, naming the file and the limit) like any
 * other bad file: the caller's process never holds more than the text of one report and never dies
 * of a PDF — its failure is a normal rejection, so the file goes to rejected/ or the quarantine and
 * is not read again. Reading a PDF costs a process start (~0.2 s) besides pdf.js's own time.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DocumentRejected } from "./extractor.ts";

export interface PdfLimits {
  /** What the Flate streams read for text (not images) inflate to, together; checked before reading. */
  maxInflatedBytes: number;
  /** More pages than any report (a municipal annual report has a few hundred at most). */
  maxPages: number;
  /** Characters of text, all pages together: 5 M is ~1,700 dense pages, 140× the largest report here. */
  maxTextChars: number;
  /** Resident memory of the reading process; inflated streams count, not only the JS heap. */
  maxMemoryMb: number;
  /** The reading process's V8 heap (--max-old-space-size), a second bound behind maxMemoryMb. */
  maxHeapMb: number;
  /** The whole read, from start to the last page. */
  timeoutMs: number;
}

export const PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  maxInflatedBytes: 128 * 1024 * 1024,
  maxPages: 1000,
  maxTextChars: 5_000_000,
  maxMemoryMb: 768,
  maxHeapMb: 1024,
  timeoutMs: 60_000,
});

/** What the parent sends the reading process. */
export interface PdfChildRequest {
  bytes: Uint8Array;
  maxInflatedBytes: number;
  maxPages: number;
  maxTextChars: number;
}

/** What the reading process answers: checked at this boundary, as anything crossing a process is. */
const PdfChildReply = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready") }),
  z.object({ kind: z.literal("text"), pages: z.array(z.string()) }),
  z.object({ kind: z.literal("inflates-too-much"), bytes: z.number().int() }),
  z.object({ kind: z.literal("too-many-pages"), pages: z.number().int() }),
  z.object({ kind: z.literal("too-much-text"), chars: z.number().int(), page: z.number().int() }),
  z.object({ kind: z.literal("unreadable"), name: z.string(), message: z.string() }),
]);
export type PdfChildReply = z.infer<typeof PdfChildReply>;

export interface PdfText {
  pages: string[];
  /** The reading process's peak resident memory as sampled (MB; 0 where /proc is not there). */
  peakMemoryMb: number;
  seconds: number;
}

/** Plain JavaScript: it starts for every PDF, without tsx's loader (see the file). */
const CHILD = fileURLToPath(new URL("./pdf-text-child.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WATCH_EVERY_MS = 20;
const MB = 1024 * 1024;

/** Resident memory of a process in bytes, from /proc (Linux); null where it cannot be read. */
function residentBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Why the parent stopped the reading process, if it did. */
type Stop = { why: "memory"; bytes: number } | { why: "time" };

/**
 * The text of every page of a PDF, read in a bounded process of its own. Throws DocumentRejected for
 * a PDF that cannot be read or passes a limit; a plain Error only when the reader cannot start at all
 * (then the document is not at fault).
 */
export function readPdfPages(
  bytes: Uint8Array,
  fileName: string,
  limits: Partial<PdfLimits> = {},
): Promise<PdfText> {
  const lim: PdfLimits = { ...PDF_LIMITS, ...limits };
  const started = performance.now();
  return new Promise<PdfText>((resolve, reject) => {
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    let child: ChildProcess;
    try {
      child = fork(CHILD, [], {
        cwd: ROOT,
        env,
        execPath: process.execPath,
        execArgv: [`--max-old-space-size=${lim.maxHeapMb}`],
        serialization: "advanced",
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
    } catch (e) {
      reject(new Error(`the PDF reader could not be started: ${(e as Error).message}`));
      return;
    }
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (s: string) => {
      stderr = (stderr + s).slice(-4000);
    });
    let ready = false;
    let answered = false;
    let stop: Stop | null = null;
    let peak = 0;
    const kill = (why: Stop) => {
      if (stop || answered) return;
      stop = why;
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      const rss = residentBytes(child.pid);
      if (rss === null) return;
      peak = Math.max(peak, rss);
      if (rss > lim.maxMemoryMb * MB) kill({ why: "memory", bytes: rss });
    }, WATCH_EVERY_MS);
    const timer = setTimeout(() => kill({ why: "time" }), lim.timeoutMs);
    const done = () => {
      clearInterval(watch);
      clearTimeout(timer);
    };

    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      done();
      fn();
    };
    const rejected = (reason: string) => settle(() => reject(new DocumentRejected(fileName, reason)));

    child.on("message", (raw: unknown) => {
      const parsed = PdfChildReply.safeParse(raw);
      if (!parsed.success) {
        child.kill("SIGKILL");
        return rejected(
          "Nie udało się odczytać PDF (czytnik PDF odpowiedział nie tym, czego oczekiwano): zapisz PDF ponownie; gdy to się powtarza, zgłoś plik zespołowi — the PDF reader answered something else; the PDF cannot be read",
        );
      }
      const a = parsed.data;
      if (a.kind === "ready") {
        ready = true;
        const request: PdfChildRequest = {
          bytes,
          maxInflatedBytes: lim.maxInflatedBytes,
          maxPages: lim.maxPages,
          maxTextChars: lim.maxTextChars,
        };
        child.send(request);
        return;
      }
      // The answer is all there is to wait for: the process is ended now, not when it gets to it.
      answered = true;
      child.kill("SIGKILL");
      switch (a.kind) {
        case "text": {
          const seconds = (performance.now() - started) / 1000;
          return settle(() => resolve({ pages: a.pages, peakMemoryMb: Math.round(peak / MB), seconds }));
        }
        case "inflates-too-much":
          return rejected(
            `PDF po rozpakowaniu byłby wielokrotnie większy niż jakiekolwiek sprawozdanie (bomba dekompresyjna?) i nie był czytany: sprawdź, czy to właściwy plik, albo wyeksportuj go ponownie — its compressed streams inflate to more than ${Math.round(lim.maxInflatedBytes / MB)} MB, far more than any report ` +
              "(a decompression bomb); it was not read",
          );
        case "too-many-pages":
          return rejected(
            `PDF ma więcej stron niż jakiekolwiek sprawozdanie (${a.pages}) i nie był czytany: podaj samo sprawozdanie — the PDF has ${a.pages} pages, more than any report (limit ${lim.maxPages}); it was not read`,
          );
        case "too-much-text":
          return rejected(
            `PDF zawiera więcej tekstu niż jakiekolwiek sprawozdanie; czytanie przerwano: sprawdź, czy to właściwy plik — the PDF holds more text than any report (more than ${lim.maxTextChars} characters by page ${a.page}; ` +
              "a decompression bomb?); reading was stopped",
          );
        case "unreadable":
          if (/password/i.test(`${a.name} ${a.message}`)) {
            return rejected(
              "PDF jest zabezpieczony hasłem: podaj kopię bez hasła — the PDF is encrypted with a password; give an unprotected copy",
            );
          }
          return rejected(
            `PDF jest uszkodzony i nie da się go odczytać: wyeksportuj go ponownie z oryginału — the PDF is damaged and cannot be read (${a.message})`,
          );
      }
    });
    child.on("error", (e) => {
      if (!ready && !stop) {
        child.kill("SIGKILL");
        settle(() => reject(new Error(`the PDF reader could not be started: ${e.message}`)));
      }
    });
    // "close": the process has ended and its stderr is read to the end (what it said before dying).
    child.on("close", (code, signal) => {
      const s = stop as Stop | null;
      if (s?.why === "memory") {
        return rejected(
          `Czytanie PDF zajęło zbyt dużo pamięci i zostało przerwane (bomba dekompresyjna?): sprawdź, czy to właściwy plik, albo wyeksportuj go ponownie — reading the PDF took more than ${lim.maxMemoryMb} MB of memory (${Math.round(s.bytes / MB)} MB when it was stopped): ` +
            "its compressed streams inflate to far more than any report (a decompression bomb?)",
        );
      }
      if (s?.why === "time") {
        return rejected(
          `Czytanie PDF trwało zbyt długo i zostało przerwane (bomba dekompresyjna?): sprawdź, czy to właściwy plik, albo wyeksportuj go ponownie — reading the PDF took longer than ${Math.round(lim.timeoutMs / 1000)} s and was stopped (a decompression bomb?)`,
        );
      }
      if (!ready) {
        return settle(() =>
          reject(new Error(`the PDF reader could not be started (exit ${code ?? signal}): ${stderr.trim()}`)),
        );
      }
      if (/heap limit|out of memory|allocation failed/i.test(stderr)) {
        return rejected(
          `Czytanie PDF zajęło zbyt dużo pamięci i zostało przerwane (bomba dekompresyjna?): sprawdź, czy to właściwy plik, albo wyeksportuj go ponownie — reading the PDF took more than ${lim.maxHeapMb} MB of memory and was stopped (a decompression bomb?)`,
        );
      }
      return rejected(
        `Czytnik PDF zatrzymał się na tym pliku i nie da się go odczytać: wyeksportuj PDF ponownie z oryginału — the PDF reader stopped on it (exit ${code ?? signal}); the PDF cannot be read`,
      );
    });
  });
}

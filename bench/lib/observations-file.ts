import { createReadStream } from "node:fs";

/**
 * The plain observations file of the benchmark: one CSV row per figure, the columns of
 * raw.observations (RFC 4180 quoting; no field spans lines). Both the pipeline build and the raw
 * DuckDB baseline read it with the same reader, so reading costs the same on both sides.
 */
export const OBSERVATION_COLUMNS = [
  "document_id",
  "ordinal",
  "centre_id",
  "period_id",
  "as_of_date",
  "metric_id",
  "breakdown",
  "value",
  "unit",
  "line",
  "quote",
  "label",
  "flags",
  "note",
] as const;

/** Documents: the columns of raw.documents; `periods` joined with ';'. */
export const DOCUMENT_COLUMNS = [
  "document_id",
  "centre_id",
  "kind",
  "title",
  "file_name",
  "origin",
  "periods",
  "issued_on",
  "received_at",
  "byte_size",
  "extractor_id",
] as const;

export function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvRow = (values: (string | number | null)[]) => `${values.map(csvField).join(",")}\n`;

/** Split one CSV line (no embedded newlines) into fields; "" stays "" (the caller decides what is null). */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in CSV line: ${line.slice(0, 80)}`);
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      i++; // the comma
    } else {
      const c = line.indexOf(",", i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * The data rows of a CSV file (header checked against the expected columns), streamed in 4 MB
 * chunks and handed out a chunk's rows at a time (one await per chunk, not per row).
 */
export async function* readCsvBatches(path: string, columns: readonly string[]): AsyncGenerator<string[][]> {
  let rest = "";
  let header = true;
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 4 << 20 })) {
    const text = rest + (chunk as string);
    const batch: string[][] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const line = text.slice(start, nl);
      start = nl + 1;
      if (header) {
        if (line !== columns.join(",")) throw new Error(`${path}: unexpected header ${line}`);
        header = false;
        continue;
      }
      if (line !== "") batch.push(parseCsvLine(line));
    }
    rest = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (rest !== "") yield [parseCsvLine(rest)];
}

/** Every row of a CSV file small enough to hold (documents, seeds). */
export async function readCsvAll(path: string, columns: readonly string[]): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of readCsvBatches(path, columns)) for (const r of batch) rows.push(r);
  return rows;
}

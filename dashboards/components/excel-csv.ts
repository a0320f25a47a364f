// CSV for Polish Excel: semicolon separator, decimal comma, UTF-8 with BOM, CRLF. Used by the download
// loaders (Node) and by the SQL console's "download result" (browser): one implementation.

export interface CsvTable {
  columns: string[];
  /** DuckDB type names where known (TIMESTAMP values lose their 'T' and fraction). */
  types?: string[];
  rows: Record<string, unknown>[];
}

export function excelCell(value: unknown, type = ""): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number")
    text = Number.isInteger(value) ? String(value) : String(value).replace(".", ",");
  else if (typeof value === "bigint") text = String(value);
  else if (typeof value === "boolean") text = value ? "PRAWDA" : "FAŁSZ";
  else if (Array.isArray(value)) text = value.join(", ");
  else if (value instanceof Date)
    text = value
      .toISOString()
      .replace("T", " ")
      .replace(/(\.000)?Z$/, "");
  else if (type.startsWith("TIMESTAMP"))
    text = String(value)
      .replace("T", " ")
      .replace(/(\.\d+)?Z$/, "");
  else text = String(value);
  // Excel would run text starting with = + - @ as a formula: keep it text.
  if (typeof value === "string" && /^[=+\-@]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
  return /[;"\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toExcelCsv({ columns, types = [], rows }: CsvTable): string {
  const lines = [columns.map((c) => excelCell(c)).join(";")];
  for (const row of rows) lines.push(columns.map((c, i) => excelCell(row[c], types[i] ?? "")).join(";"));
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

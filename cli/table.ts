/**
 * The one table printer of the CLI (`npm run sql`'s tables, `npm run status`): columns as wide as
 * their longest cell up to `maxWidth`, a longer cell cut with "…".
 */
export interface TableStyle {
  maxWidth: number;
  /** Between two cells. */
  separator: string;
  /** A rule under the header: its segments joined where the separator stands. */
  rule?: { line: string; cross: string };
  /** Before every line. */
  indent?: string;
}

/** The header and rows as lines of text. */
export function formatTable(header: string[], rows: string[][], style: TableStyle): string[] {
  const widths = header.map((h, i) => {
    let w = h.length;
    for (const r of rows) w = Math.max(w, (r[i] ?? "").length);
    return Math.min(style.maxWidth, w);
  });
  const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const indent = style.indent ?? "";
  const line = (r: string[]) =>
    `${indent}${widths.map((w, i) => clip(r[i] ?? "", w)).join(style.separator)}`.trimEnd();
  const lines = [line(header)];
  if (style.rule)
    lines.push(`${indent}${widths.map((w) => style.rule?.line.repeat(w)).join(style.rule.cross)}`);
  for (const r of rows) lines.push(line(r));
  return lines;
}

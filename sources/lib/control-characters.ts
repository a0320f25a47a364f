/**
 * Control characters in a report's text. A report is text for people: a NUL byte, a terminal escape
 * sequence ("\x1b[31m") or a bidirectional override never belongs to it. They come from a damaged copy,
 * a tool that wrote a log into the file, or someone tampering with it, and inside a number they make
 * the extractor read another number or none ("1\0 189" read as 189), while a quote carrying them
 * shows something else than the document says. So they are taken out before any figure is read —
 * removed, not replaced by a space, because a character inserted into "1 189" must leave "1 189" —
 * and the reader is told where (the lines to check against the original).
 */

export interface ControlCharacterReport {
  /** The text without them; line breaks (\n, \r) and tabs are kept, so every line keeps its number. */
  text: string;
  /** What was removed, by kind: "NUL" → 3. */
  removed: Map<string, number>;
  /** 1-based lines where something was removed, in order. */
  lines: number[];
  /** 1-based lines holding U+FFFD (a letter lost in a conversion): kept, but worth a look. */
  replacementCharacterLines: number[];
  /** How many U+FFFD the text holds. */
  replacementCharacters: number;
}

const ESC = 0x1b;
const BEL = 0x07;
/** C1's CSI (0x9b) starts a terminal sequence like "ESC [" does. */
const CSI_8BIT = 0x9b;

/** Characters that change how a line is displayed (reordered right to left), never letters of a report. */
const BIDI = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);

/** The kind of a control character to remove, or null for a character that stays. */
function kindOf(c: number): string | null {
  if (c === 0x09 || c === 0x0a || c === 0x0d) return null;
  if (c === 0x00) return "NUL";
  if (c === 0x0b || c === 0x0c) return "form feed / vertical tab";
  if (c < 0x20) return "other C0 control character";
  if (c === 0x7f) return "DEL";
  if (c >= 0x80 && c <= 0x9f) return "C1 control character";
  if (BIDI.has(c)) return "bidirectional-text control";
  return null;
}

/**
 * Where a terminal escape sequence starting at `i` (ESC or C1's CSI) ends (exclusive): a CSI
 * ("ESC [31m"), an OSC ("ESC ]0;title BEL"), a character-set designation ("ESC ( B") or the keypad
 * modes ("ESC =", "ESC >"). Anything else — a sequence without its final character, ESC before a
 * letter or digit — is a lone ESC: only the ESC goes, never a digit of a figure after it.
 */
function escapeSequenceEnd(text: string, i: number): number {
  const at = (k: number) => (k < text.length ? text.charCodeAt(k) : -1);
  const lone = i + 1;
  let k = i + 1;
  if (at(i) === ESC) {
    const next = at(k);
    if (next === 0x5d /* ] */) {
      // OSC: up to BEL or ESC \ (never past the line).
      for (k++; k < text.length; k++) {
        const c = at(k);
        if (c === BEL) return k + 1;
        if (c === ESC && at(k + 1) === 0x5c) return k + 2;
        if (c === 0x0a || c === 0x0d) return lone;
      }
      return lone;
    }
    if (next === 0x3d || next === 0x3e) return k + 1; // ESC = / ESC >
    if (next >= 0x20 && next <= 0x2f) {
      while (at(k) >= 0x20 && at(k) <= 0x2f) k++; // intermediates: "("
      return at(k) >= 0x30 && at(k) <= 0x7e ? k + 1 : lone; // the final: "B"
    }
    if (next !== 0x5b /* [ */) return lone;
    k++;
  }
  // CSI: parameters, intermediates, then the final letter ("31;1" "m").
  while (at(k) >= 0x30 && at(k) <= 0x3f) k++;
  while (at(k) >= 0x20 && at(k) <= 0x2f) k++;
  return at(k) >= 0x40 && at(k) <= 0x7e ? k + 1 : lone;
}

/** Whether a text holds any character removeControlCharacters takes out (for checks: a quote never does). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === ESC || c === CSI_8BIT || kindOf(c) !== null) return true;
  }
  return false;
}

/** Take control characters and terminal escape sequences out of a text, saying what and where. */
export function removeControlCharacters(text: string): ControlCharacterReport {
  const removed = new Map<string, number>();
  const lines: number[] = [];
  const replacementCharacterLines: number[] = [];
  let replacementCharacters = 0;
  const parts: string[] = [];
  let kept = 0; // start of the run of characters kept since the last removal
  let line = 1;
  const note = (kind: string) => {
    removed.set(kind, (removed.get(kind) ?? 0) + 1);
    if (lines[lines.length - 1] !== line) lines.push(line);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      i++;
      continue;
    }
    if (c === 0xfffd) {
      replacementCharacters++;
      if (replacementCharacterLines[replacementCharacterLines.length - 1] !== line)
        replacementCharacterLines.push(line);
      i++;
      continue;
    }
    if (c === ESC || c === CSI_8BIT) {
      const end = escapeSequenceEnd(text, i);
      parts.push(text.slice(kept, i));
      note("terminal escape sequence");
      i = end;
      kept = end;
      continue;
    }
    const kind = kindOf(c);
    if (kind === null) {
      i++;
      continue;
    }
    parts.push(text.slice(kept, i));
    note(kind);
    i++;
    kept = i;
  }
  if (kept === 0) return { text, removed, lines, replacementCharacterLines, replacementCharacters };
  parts.push(text.slice(kept));
  return { text: parts.join(""), removed, lines, replacementCharacterLines, replacementCharacters };
}

const listLines = (lines: number[], max = 10) =>
  lines.length <= max ? lines.join(", ") : `${lines.slice(0, max).join(", ")} and ${lines.length - max} more`;

/** The warnings a person reads about what was taken out (none when nothing was). */
export function controlCharacterWarnings(report: ControlCharacterReport): string[] {
  const warnings: string[] = [];
  if (report.removed.size > 0) {
    const what = [...report.removed].map(([kind, n]) => `${n} × ${kind}`).join(", ");
    const one = report.lines.length === 1;
    warnings.push(
      `Usunięto znaki sterujące z ${one ? "wiersza" : "wierszy"} ${listLines(report.lines)}: porównaj liczby ` +
        `w ${one ? "tym wierszu" : "tych wierszach"} z oryginałem — ` +
        `removed control characters (${what}) from line${one ? "" : "s"} ${listLines(report.lines)}; ` +
        `check the figures on ${one ? "that line" : "those lines"} against the original`,
    );
  }
  if (report.replacementCharacters > 0) {
    warnings.push(
      `Przy konwersji utracono literę (znak �): porównaj z oryginałem — ` +
        `a letter was lost in a conversion (replacement character �) on line${
          report.replacementCharacterLines.length === 1 ? "" : "s"
        } ${listLines(report.replacementCharacterLines)}`,
    );
  }
  return warnings;
}

// Which SQL statements only read data: pure text rules with no imports, shared by the browser's SQL console
// (DuckDB-wasm can prepare a CREATE as readily as a SELECT and says nothing of its kind, so the text is all
// the console has to go on) and the analysts' CLI sandbox (warehouse/sandbox.ts, which also asks DuckDB for
// each prepared statement's type and uses these rules to read EXPLAIN's head).

/** Comments and white space before the first keyword (DuckDB's own comments: `-- …` and `/* … *\/`). */
export const LEADING_COMMENTS = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
/** The head of an EXPLAIN: `EXPLAIN`, `EXPLAIN ANALYZE` (or ANALYSE), `EXPLAIN (ANALYZE, FORMAT JSON)`. */
export const EXPLAIN_HEAD = /^explain(?:\s+(analy[sz]e)(?=\s)|\s*\(([a-z_\s,]*)\))?\s+/i;

/** Where a query's text begins: what may stand first in it (a parenthesis, or one of these words). */
export const QUERY_START =
  /^(?:\(|(?:select|with|from|values|table|describe|desc|show|summarize|pivot|unpivot)\b)/i;

/** An EXPLAIN's text: its head and the text it explains (undefined when the head is written some other way). */
export function splitExplain(sql: string): { what: string; explained: string | undefined } | undefined {
  const text = sql.replace(LEADING_COMMENTS, "");
  if (!/^explain\b/i.test(text)) return undefined;
  const head = EXPLAIN_HEAD.exec(text);
  if (!head) return { what: "EXPLAIN", explained: undefined };
  const analyze = head[1] !== undefined || /analy[sz]e/i.test(head[2] ?? "");
  return { what: analyze ? "EXPLAIN ANALYZE" : "EXPLAIN", explained: text.slice(head[0].length) };
}

/**
 * The statements of a script, split at the semicolons that stand outside strings, quoted names and
 * comments. Each statement's text keeps its words and parentheses; string literals become `''`, quoted
 * names `""` and comments a space, so no word inside them can be taken for a keyword.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      current += " ";
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
      current += " ";
    } else if (c === "'") {
      // E'…' strings escape with a backslash; all strings double a quote to escape it
      const escapes = /e/i.test(sql[i - 1] ?? "") && !/\w/.test(sql[i - 2] ?? "");
      let j = i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === "\\") j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      i = j + 1;
      current += "''";
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      i = j + 1;
      current += '""';
    } else if (c === "$" && /^\$(\w*)\$/.test(sql.slice(i)) && !/\w/.test(sql[i - 1] ?? "")) {
      const tag = (/^\$(\w*)\$/.exec(sql.slice(i)) as RegExpExecArray)[0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? sql.length : end + tag.length;
      current += "''";
    } else if (c === ";") {
      statements.push(current);
      current = "";
      i++;
    } else {
      current += c;
      i++;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== "");
}

/** Words a WITH may lead to besides a query: `WITH t AS (…) INSERT INTO …` writes. */
const WRITES_AFTER_WITH = new Set(["insert", "update", "delete", "merge"]);

/** The words standing outside every parenthesis of a statement (what a CTE's body cannot hide). */
function topLevelWords(statement: string): string[] {
  const words: string[] = [];
  let depth = 0;
  for (const m of statement.matchAll(/[()]|[a-z_][a-z0-9_$]*/gi)) {
    if (m[0] === "(") depth++;
    else if (m[0] === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) words.push(m[0].toLowerCase());
  }
  return words;
}

export type StatementVerdict =
  | { reads: true; statements: number }
  | {
      reads: false;
      /** 1-based number of the first statement that does not only read */
      statement: number;
      /** what it does, as SQL says it: "CREATE", "EXPLAIN INSERT", "WITH … INSERT" */
      kind: string;
    };

const firstWord = (s: string) => (/^[a-z_]+/i.exec(s)?.[0] ?? s.slice(0, 1)).toUpperCase();

/** The kind of a statement that does more than read, or undefined for a query. */
function writingKind(statement: string): string | undefined {
  if (!QUERY_START.test(statement)) return firstWord(statement);
  if (/^with\b/i.test(statement)) {
    const write = topLevelWords(statement).find((w) => WRITES_AFTER_WITH.has(w));
    if (write) return `WITH … ${write.toUpperCase()}`;
  }
  return undefined;
}

/**
 * Whether every statement of a script only reads data: a query (SELECT, WITH … SELECT, FROM-first,
 * VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT, UNPIVOT) or an EXPLAIN [ANALYZE] of one. Everything
 * else — CREATE, INSERT, UPDATE, DELETE, COPY, ATTACH, PRAGMA, SET, INSTALL, LOAD, EXPORT, CALL, USE … —
 * and an EXPLAIN of it does not. An allow-list: a statement it does not know is refused.
 */
export function classifyStatements(sql: string): StatementVerdict {
  const statements = splitStatements(sql);
  for (const [i, statement] of statements.entries()) {
    const explain = splitExplain(statement);
    let kind: string | undefined;
    if (explain === undefined) kind = writingKind(statement);
    else if (explain.explained === undefined) kind = "EXPLAIN";
    else {
      const inner = writingKind(explain.explained.trim());
      if (inner !== undefined) kind = `${explain.what} ${inner}`;
    }
    if (kind !== undefined) return { reads: false, statement: i + 1, kind };
  }
  return { reads: true, statements: statements.length };
}

/** The console's refusal, in Polish, for a statement that does more than read. */
export function refusalPl(verdict: Extract<StatementVerdict, { reads: false }>): string {
  return (
    `Ta konsola tylko czyta dane: instrukcja ${verdict.statement} (${verdict.kind}) zmieniałaby bazę ` +
    "lub jej ustawienia, więc nic nie zostało uruchomione. Dozwolone są zapytania: SELECT, WITH … SELECT, " +
    "FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT oraz EXPLAIN takiego zapytania."
  );
}

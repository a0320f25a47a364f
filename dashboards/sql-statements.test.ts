import { describe, expect, it } from "vitest";
import { classifyStatements, refusalPl, splitStatements } from "./components/sql-statements.ts";

const kindOf = (sql: string) => {
  const v = classifyStatements(sql);
  return v.reads ? "reads" : `${v.statement}: ${v.kind}`;
};

describe("the SQL console's read-only rule", () => {
  it("lets every form of a query through", () => {
    for (const sql of [
      "select 1",
      "  -- komentarz\n/* i drugi */ SELECT * FROM marts.families",
      "with a as (select 1 as x) select * from a",
      "from marts.dim_centre",
      "values (1), (2)",
      "table marts.dim_centre",
      "describe marts.families",
      "desc marts.families",
      "show tables",
      "summarize marts.families",
      "pivot marts.families on period_kind using sum(families_assisted)",
      "(select 1) union all (select 2)",
      "explain select 1",
      "explain analyze select 1",
      "EXPLAIN (ANALYZE, FORMAT JSON) select 1",
      "select 1; select 2;",
      "select 'create table x; insert' as tekst",
      'select 1 as "delete"',
      "with a as (select 'insert' as w) select w from a",
    ]) {
      expect(kindOf(sql), sql).toBe("reads");
    }
  });

  it("refuses DDL, writes, settings and extensions, and EXPLAIN of them, naming the statement", () => {
    const cases: [string, string][] = [
      ["create table t (a int)", "1: CREATE"],
      ["select 1; create table t as select 1", "2: CREATE"],
      ["insert into marts.families select * from marts.families", "1: INSERT"],
      ["update marts.dim_centre set name_pl = 'x'", "1: UPDATE"],
      ["delete from marts.families", "1: DELETE"],
      ["drop table marts.families", "1: DROP"],
      ["alter table marts.families add column x int", "1: ALTER"],
      ["copy marts.families to 'x.csv'", "1: COPY"],
      ["attach 'x.db' as x", "1: ATTACH"],
      ["detach x", "1: DETACH"],
      ["pragma table_info('marts.families')", "1: PRAGMA"],
      ["set threads = 1", "1: SET"],
      ["reset threads", "1: RESET"],
      ["install httpfs", "1: INSTALL"],
      ["load httpfs", "1: LOAD"],
      ["export database 'x'", "1: EXPORT"],
      ["import database 'x'", "1: IMPORT"],
      ["call pragma_version()", "1: CALL"],
      ["use marts", "1: USE"],
      ["checkpoint", "1: CHECKPOINT"],
      ["begin transaction", "1: BEGIN"],
      ["with a as (select 1 as x) insert into t select * from a", "1: WITH … INSERT"],
      ["with recursive a(x) as (select 1) delete from t where x in (select x from a)", "1: WITH … DELETE"],
      ["explain create table t (a int)", "1: EXPLAIN CREATE"],
      ["explain analyze insert into t values (1)", "1: EXPLAIN ANALYZE INSERT"],
      ["EXPLAIN (ANALYZE) copy t to 'x'", "1: EXPLAIN ANALYZE COPY"],
      ["explain(weird stuff", "1: EXPLAIN"],
      ["/* select */ create table t (a int)", "1: CREATE"],
      ["select ';' as s; -- ;\n drop table x", "2: DROP"],
      ["select $$;$$; create table t(a int)", "2: CREATE"],
    ];
    for (const [sql, kind] of cases) expect(kindOf(sql), sql).toBe(kind);
  });

  it("explains the refusal in Polish", () => {
    const verdict = classifyStatements("select 1; create table t (a int)");
    if (verdict.reads) throw new Error("a CREATE passed");
    expect(refusalPl(verdict)).toMatch(/tylko czyta dane: instrukcja 2 \(CREATE\)/);
  });

  it("splits at semicolons outside strings, names and comments", () => {
    expect(splitStatements(`select 'a;b', "c;d" -- e;f\n; select E'x\\';y'; /* ; */`)).toEqual([
      `select '', ""`,
      "select E''",
    ]);
  });
});

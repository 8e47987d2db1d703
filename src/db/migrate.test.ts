import { describe, expect, it } from 'vitest';
import { listMigrations, splitSql } from './migrate.ts';

describe('splitSql', () => {
  it('splits on semicolons at line ends and drops comment lines', () => {
    expect(splitSql('-- a table\nCREATE TABLE a (x int);\n\nCREATE INDEX a_x ON a (x);\n')).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX a_x ON a (x)']);
  });
  it('keeps a $$ function body whole, semicolons and all', () => {
    const sql = 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  PERFORM 2;\nEND $$;\nSELECT f();\n';
    expect(splitSql(sql)).toEqual(['CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  PERFORM 2;\nEND $$', 'SELECT f()']);
  });
  it('splits every shipped migration into statements that each end outside a $$ body', () => {
    for (const m of listMigrations()) {
      for (const stmt of splitSql(m.sql)) expect((stmt.split('$$').length - 1) % 2, `${m.name}: ${stmt.slice(0, 60)}`).toBe(0);
    }
  });
});

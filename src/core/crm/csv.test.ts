import { describe, expect, it } from 'vitest';
import { csvField, detectDelimiter, neutraliseFormula, parseCsv, writeCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields, "" escapes and line breaks inside quotes, keeping start lines', () => {
    const text = 'name,notes\r\n"Wang, Fang","said ""hi""\nthen left"\r\nLi,plain\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['name', 'notes'] },
      { line: 2, fields: ['Wang, Fang', 'said "hi"\nthen left'] },
      { line: 4, fields: ['Li', 'plain'] },
    ]);
  });

  it('drops a UTF-8 BOM and blank lines, handles CR-only files and a missing final newline', () => {
    expect(parseCsv('\ufeff姓名,手机\r\r张三,13800138000')).toEqual([
      { line: 1, fields: ['姓名', '手机'] },
      { line: 3, fields: ['张三', '13800138000'] },
    ]);
  });

  it('detects semicolon and tab delimiters from the first line', () => {
    expect(detectDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(parseCsv('name;phone\nA;1')[1]!.fields).toEqual(['A', '1']);
  });

  it('keeps empty fields and an unterminated quote to the end', () => {
    expect(parseCsv('a,,c\n')[0]!.fields).toEqual(['a', '', 'c']);
    expect(parseCsv('a,"open\nrest')[0]!.fields).toEqual(['a', 'open\nrest']);
  });
});

describe('writeCsv', () => {
  it('quotes what needs quoting and round-trips', () => {
    const rows = [['name', 'notes'], ['Wang, Fang', 'line1\nline2 "q"'], [' padded', '+8613800138000']];
    const text = writeCsv(rows);
    expect(text).toBe('name,notes\r\n"Wang, Fang","line1\nline2 ""q"""\r\n" padded",+8613800138000\r\n');
    expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
  });

  it('adds a BOM on request and defuses formulas but not phone numbers', () => {
    expect(writeCsv([['a']], { bom: true })).toBe('\ufeffa\r\n');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('+86 10 8888 8888')).toBe('+86 10 8888 8888');
    expect(csvField(null)).toBe('');
  });
});

describe('neutraliseFormula (OWASP CSV injection)', () => {
  it('prefixes a quote to every cell a spreadsheet would run', () => {
    for (const cell of ['=1+1', '=HYPERLINK("http://x","y")', '+SUM(A1:A2)', '-2+3+cmd|\' /C calc\'!A0', '@SUM(A1)', '\t=1', '\r=1', '+', '-', '-A1', '+1+cmd|x']) {
      expect(neutraliseFormula(cell), JSON.stringify(cell)).toBe(`'${cell}`);
      expect(csvField(cell).replace(/^"/, '').startsWith("'"), JSON.stringify(cell)).toBe(true);
    }
  });

  it('leaves plain text, numbers and written phone numbers alone', () => {
    for (const cell of ['Wang Fang', '', '12', '-5', '-0.25', '+8613800138000', '+86 (10) 8888-8888', "'=already"]) {
      expect(neutraliseFormula(cell), JSON.stringify(cell)).toBe(cell);
    }
  });

  it('csvField takes numbers and null', () => {
    expect(csvField(42)).toBe('42');
    expect(csvField(undefined)).toBe('');
  });
});

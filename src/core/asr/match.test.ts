import { describe, expect, it } from 'vitest';
import { directoryPhrases, matchEntries, soundKey } from './match.ts';
import type { DirectoryEntry } from './speech.ts';

const entry = (id: string, name: string, nicknames: string[] = []): DirectoryEntry => ({ id, name, nicknames, seat: null, number: null });

describe('voice directory matching', () => {
  const book = [entry('a', '王芳', ['小王']), entry('b', '王方'), entry('c', 'John Smith', ['Johnny']), entry('d', '李娜')];

  it('keys Han text by tone-less pinyin and Latin text by letters', () => {
    expect(soundKey('王芳')).toBe('wangfang');
    expect(soundKey('wang2 fang1')).toBe('wangfang');
    expect(soundKey('Wáng Fāng')).toBe('wangfang');
    expect(soundKey('John  Smith!')).toBe('johnsmith');
    expect(soundKey('绿')).toBe('lv');
  });

  it('finds the exact spelling first, then homophones', () => {
    expect(matchEntries('王芳', book)).toEqual([0, 1]);
    expect(matchEntries('王方', book)).toEqual([1, 0]);
    expect(matchEntries('wang fang', book)).toEqual([0, 1]);
    expect(matchEntries('小王', book)).toEqual([0]);
    expect(matchEntries('johnny', book)).toEqual([2]);
    expect(matchEntries('张伟', book)).toEqual([]);
    expect(matchEntries('  ', book)).toEqual([]);
  });

  it('lists names and nicknames as grammar phrases', () => {
    expect(directoryPhrases(book).map((p) => `${p.phrase}:${p.entry}`)).toEqual(['王芳:0', '小王:0', '王方:1', 'John Smith:2', 'Johnny:2', '李娜:3']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseOsd, parseTsv } from './tsv.ts';

describe('tesseract output', () => {
  it('takes the words of a TSV report with confidences as 0..1', () => {
    const tsv = ['level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t1050\t600\t-1\t', '4\t1\t1\t1\t1\t0\t62\t52\t374\t36\t-1\t',
      '5\t1\t1\t1\t1\t1\t62\t52\t374\t36\t92.5\t北京', '5\t1\t1\t1\t1\t2\t156\t48\t32\t56\t-1\t ', ''].join('\n');
    expect(parseTsv(tsv)).toEqual([{ text: '北京', confidence: 0.925, block: 1, paragraph: 1, line: 1, left: 62, top: 52, width: 374, height: 36 }]);
  });

  it('reads the rotation of an OSD report', () => {
    expect(parseOsd('Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 3.27\nScript: Latin\n')).toEqual({ rotate: 270, confidence: 3.27 });
    expect(parseOsd('Too few characters. Skipping this page\n')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { extractCardFields } from './card-fields.ts';
import type { TextLine } from './lines.ts';

const line = (text: string, height = 30, confidence = 0.9): TextLine => ({ text, confidence, height, top: 0, segments: text.split('  ').map((t) => ({ text: t, confidence, height })) });

describe('card fields', () => {
  it('reads a Chinese card with labels, fax and a name beside the title', () => {
    const f = extractCardFields([
      line('北京华信科技有限公司', 40), line('王建国  销售经理', 60), line('手机: 138 7868 0431'),
      line('电话: 010-77618550 传真: 010-77618551'), line('邮箱: wangjg@huaxin-tech.com 网址: www.huaxin-tech.com'), line('地 址: 北京市海淀区中关村大街27 号'),
    ]);
    expect(f.name?.value).toBe('王建国');
    expect(f.title?.value).toBe('销售经理');
    expect(f.company?.value).toBe('北京华信科技有限公司');
    expect(f.email?.value).toBe('wangjg@huaxin-tech.com');
    expect(f.website?.value).toBe('www.huaxin-tech.com');
    expect(f.address?.value).toBe('北京市海淀区中关村大街27号');
    expect(f.phones.map((p) => [p.number, p.kind])).toEqual([['+8613878680431', 'mobile'], ['+861077618550', 'landline'], ['+861077618551', 'fax']]);
  });

  it('reads an English card; 400 numbers are service numbers; F: is a fax', () => {
    const f = extractCardFields([
      line('Orient Trading Co., Ltd.'), line('Susan Clark', 50), line('General Manager'),
      line('Mobile: +86 138 2779 7945 Tel: 400-800-8888'), line('F: 021-69508348'), line('Email: susan.clark @ orient-trade.com'),
      line('100 Century Avenue, Pudong, Shanghai'),
    ]);
    expect(f.name?.value).toBe('Susan Clark');
    expect(f.title?.value).toBe('General Manager');
    expect(f.company?.value).toBe('Orient Trading Co., Ltd.');
    expect(f.email?.value).toBe('susan.clark@orient-trade.com');
    expect(f.address?.value).toBe('100 Century Avenue, Pudong, Shanghai');
    expect(f.phones.map((p) => p.kind)).toEqual(['mobile', 'service', 'fax']);
  });

  it('splits two numbers OCR ran together, and finds nothing in noise', () => {
    const f = extractCardFields([line('138 8706 1767 020-81895538')]);
    expect(f.phones.map((p) => p.number)).toEqual(['+8613887061767', '+862081895538']);
    expect(extractCardFields([line('~~ ;; ||')])).toMatchObject({ name: null, company: null, phones: [] });
  });
});

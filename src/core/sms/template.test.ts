import { describe, expect, it } from 'vitest';
import { needsCustomer, renderTemplate, templateFields } from './template.ts';

describe('SMS templates', () => {
  const c = { name: '王芳', company: '华为', title: null, email: 'wf@example.com', attributes: { plan: 'gold', n: 3 } };
  it('fills customer fields, the number and attributes; missing ones become empty', () => {
    expect(renderTemplate('{{name}}您好，{{company}} {{ title }}套餐{{attributes.plan}}/{{attributes.n}}/{{attributes.none}} {{number}}', '+8613800138000', c))
      .toBe('王芳您好，华为 套餐gold/3/ +8613800138000');
  });
  it('names unknown fields and says when a customer is needed', () => {
    expect(templateFields('{{nmae}} {{name}}').unknown).toEqual(['nmae']);
    expect(needsCustomer('hi {{number}}')).toBe(false);
    expect(needsCustomer('hi {{name}}')).toBe(true);
    expect(renderTemplate('hi {{name}}', '+1', null)).toBe('hi ');
  });
});

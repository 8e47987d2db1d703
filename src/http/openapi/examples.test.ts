import { describe, expect, it } from 'vitest';
import { exampleOf } from './examples.ts';

const none = () => undefined;

describe('request body examples made from a schema', () => {
  it('fills required fields within their bounds, formats and patterns', () => {
    const schema = {
      type: 'object', required: ['name', 'id', 'email', 'n', 'tags'], properties: {
        name: { type: 'string', minLength: 1, maxLength: 3 }, id: { type: 'string', pattern: '^[a-z0-9-]+$' }, email: { type: 'string', format: 'email' },
        n: { type: 'integer', minimum: 5, maximum: 9 }, tags: { type: 'array', items: { type: 'string', enum: ['vip'] } }, optional: { type: 'string' },
      },
    };
    expect(exampleOf(schema, none)).toEqual({ name: 'exa', id: 'example', email: 'li.wei@example.com', n: 5, tags: ['vip'] });
  });
  it('prefers the schema\'s own examples and defaults', () => {
    expect(exampleOf({ type: 'string', examples: ['138 0013 8000'] }, none)).toBe('138 0013 8000');
    expect(exampleOf({ type: 'integer', default: 50 }, none)).toBe(50);
  });
  it('gives a change (minProperties) one field, and gives up rather than guess', () => {
    expect(exampleOf({ type: 'object', minProperties: 1, properties: { name: { type: 'string' } } }, none)).toEqual({ name: 'example' });
    expect(exampleOf({ type: 'object', required: ['x'], properties: { x: { type: 'string', pattern: '^Q{5}$' } } }, none)).toBeUndefined();
    expect(exampleOf({ type: 'array', minItems: 2, uniqueItems: true, items: { type: 'string' } }, none)).toBeUndefined();
    expect(exampleOf({ type: 'integer', maximum: 0 }, none)).toBe(0);
    expect(exampleOf({ type: 'integer', minimum: 1, maximum: 9, multipleOf: 5 }, none)).toBe(5);
  });
  it('follows references', () => {
    expect(exampleOf({ $ref: '#/components/schemas/X' }, () => ({ type: 'boolean' }))).toBe(true);
  });
});

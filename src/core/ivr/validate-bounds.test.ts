/** The validator answers for any size or depth of input: a node cap, and no recursion that a chain or a nesting can overflow. */
import { describe, expect, it } from 'vitest';
import { MAX_NODES, validateFlow } from './validate.ts';

/** play n0 -> play n1 -> ... -> hangup. */
function chain(n: number): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < n - 1; i++) nodes[`n${i}`] = { type: 'play', prompt: { text: 'hi', voice: 'en-us' }, next: `n${i + 1}` };
  nodes[`n${n - 1}`] = { type: 'hangup' };
  return { id: 'long', name: 'Long', entry: 'n0', nodes };
}

describe('validateFlow bounds', () => {
  it('a 20,000-node chain is refused with one clear error, not a stack overflow', () => {
    const r = validateFlow(chain(20_000));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([{ path: '/nodes', message: `20000 nodes: a flow has at most ${MAX_NODES}; split it into several flows` }]);
  });

  it('a chain of the largest allowed size is valid; a loop at its end is found', () => {
    expect(validateFlow(chain(MAX_NODES)).ok).toBe(true);
    const looped = chain(MAX_NODES);
    (looped.nodes as Record<string, unknown>)[`n${MAX_NODES - 1}`] = { type: 'play', prompt: { text: 'again', voice: 'en-us' }, next: 'n0' };
    const r = validateFlow(looped);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toHaveLength(1);
    expect(!r.ok && r.errors[0]!.path).toBe(`/nodes/n${MAX_NODES - 1}/next`);
  });

  it('a deeply nested node gets errors, not a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const r = validateFlow({ id: 'deep', name: 'Deep', entry: 'a', nodes: { a: { type: 'play', prompt: deep, next: 'b' }, b: { type: 'hangup' } } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.length).toBeGreaterThan(0);
    const meta = validateFlow({ id: 'deep', name: deep, entry: 'a', nodes: { a: { type: 'hangup' } } });
    expect(meta.ok).toBe(false);
  });
});

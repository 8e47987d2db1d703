#!/usr/bin/env node
// Import cycles are refused, type-only imports included: a cycle means two
// modules that cannot be understood (or moved to another layer) one without
// the other. Reads every .ts/.tsx under src/, drivers/ and web/src with the
// TypeScript scanner, follows relative imports, and prints each cycle found
// (strongly connected components of the import graph). Exit 1 on any.
//   node scripts/check-cycles.mjs
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['src', 'drivers', 'web/src'];

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(e) && !/\.test\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const files = DIRS.flatMap((d) => (existsSync(join(ROOT, d)) ? walk(join(ROOT, d)) : []));
const known = new Set(files);
const edges = new Map();
for (const f of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  const to = new Set();
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = resolve(dirname(f), fileName);
    const hit = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => known.has(c));
    if (hit) to.add(hit);
  }
  edges.set(f, [...to]);
}

// Tarjan's strongly connected components, iteratively (no recursion limit).
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const cycles = [];
for (const start of files) {
  if (idx.has(start)) continue;
  const work = [[start, 0]];
  idx.set(start, index); low.set(start, index); index++; stack.push(start); onStack.add(start);
  while (work.length) {
    const top = work[work.length - 1];
    const [v, i] = top;
    const next = edges.get(v)[i];
    if (next !== undefined) {
      top[1]++;
      if (!idx.has(next)) {
        idx.set(next, index); low.set(next, index); index++; stack.push(next); onStack.add(next);
        work.push([next, 0]);
      } else if (onStack.has(next)) low.set(v, Math.min(low.get(v), idx.get(next)));
      continue;
    }
    work.pop();
    if (work.length) { const u = work[work.length - 1][0]; low.set(u, Math.min(low.get(u), low.get(v))); }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || edges.get(v).includes(v)) cycles.push(comp.map((c) => relative(ROOT, c)).sort());
    }
  }
}

if (cycles.length) {
  console.error(`import cycles (${cycles.length}); break each by moving the shared types to a module both import:`);
  for (const c of cycles) console.error(`  ${c.join(' <-> ')}`);
  process.exit(1);
}
console.log(`import cycles: none (${files.length} modules)`);

/**
 * The load generator as its own process, so that its work does not share the
 * measured daemon's event loop: `node --import tsx load-child.ts '<json>'`
 * runs load() with the options given and prints the LoadResult as JSON.
 * `phones: n` cycles GET /api/v1/customers?phone= over seeded numbers 1..n.
 */
import { load, type LoadOptions } from './load.ts';
import { seededNumber } from './seed.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions & { phones?: number };
let i = 0;
const n = opts.phones;
const paths = n ? () => `/api/v1/customers?phone=${encodeURIComponent(seededNumber((i++ % n) + 1))}` : undefined;
const result = await load({ ...opts, ...(paths ? { paths } : {}) });
process.stdout.write(JSON.stringify(result));

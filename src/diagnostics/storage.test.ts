import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { printDiagnostics } from './run.ts';
import { folderCheck, storageChecks } from './storage.ts';
import { fillUp, makeReadOnlyFolder, mountTmpfs, unmountAll } from '../../test/helpers/fs-faults.ts';

const work = mkdtempSync(join(tmpdir(), 'kefu-diag-storage-'));
afterAll(() => { unmountAll(); rmSync(work, { recursive: true, force: true }); });

const text = (checks: Awaited<ReturnType<typeof storageChecks>>) => {
  let out = '';
  printDiagnostics({ ok: checks.every((c) => c.ok), at: '', checks }, (s) => { out += s; });
  return out;
};

describe('diagnose: storage', () => {
  it('a writable data folder (and a recordings folder not made yet) pass with their free space', async () => {
    const checks = await storageChecks(loadConfig({ overrides: { dataDir: join(work, 'ok') } }));
    expect(checks.map((c) => [c.id, c.ok])).toEqual([['data-dir', true], ['recordings-dir', true]]);
    expect(checks[1]!.detail).toMatch(/does not exist yet; .* is writable, .* MiB free/);
  });

  it('a folder that is a file: ✗ with the fix', async () => {
    writeFileSync(join(work, 'plain'), 'x');
    const checks = await storageChecks(loadConfig({ overrides: { dataDir: join(work, 'plain'), recording: { dir: join(work, 'plain', 'rec') } } }));
    expect(checks.every((c) => !c.ok)).toBe(true);
    const out = text(checks);
    expect(out).toContain('✗ data folder');
    expect(out).toMatch(/ENOTDIR/);
    expect(out).toContain('fix: ');
    expect(out).toContain('is a file, not a folder');
  });

  it('a read-only recordings folder (a read-only mount when root): ✗ with the fix', async () => {
    const dir = join(work, 'ro');
    makeReadOnlyFolder(dir);
    const c = await folderCheck('recordings-dir', 'recordings folder', dir, 'recording.dir');
    expect(c.ok).toBe(false);
    expect(c.detail).toMatch(/EROFS|EACCES/);
    expect(c.fix).toMatch(/read-only file system|write there/);
  });

  it('a full and a nearly full disk: ✗ with the fix', async () => {
    const small = join(work, 'small');
    mountTmpfs(small, { sizeKiB: 1024 });
    const nearly = await folderCheck('data-dir', 'data folder', small, 'dataDir');
    expect(nearly).toMatchObject({ ok: false, fix: expect.stringContaining('kefu prune') as unknown });
    expect(nearly.detail).toMatch(/^nearly full: writable, 1\.00 MiB free of 1\.00 MiB/);
    mkdirSync(join(small, 'calls'));
    fillUp(small);
    const full = await folderCheck('data-dir', 'data folder', join(small, 'calls'), 'dataDir');
    expect(full.ok).toBe(false);
    expect(full.detail).toContain('ENOSPC');
    expect(full.fix).toContain('is full');
  });
});

describe('kefu diagnose', () => {
  it('reports an unwritable data folder as ✗ with the fix and exits 1', { timeout: 90_000 }, () => {
    writeFileSync(join(work, 'file-as-dir'), 'x');
    const cfg = join(work, 'diag.yaml');
    writeFileSync(cfg, `database: { url: "pglite://memory" }\ndataDir: ${join(work, 'file-as-dir', 'data')}\n`);
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync(process.execPath, [join(root, 'bin/kefu.js'), 'diagnose', '--config', cfg], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ data folder .*file-as-dir\/data: cannot write/);
    expect(r.stdout).toMatch(/✗ recordings folder .*: cannot write/);
    expect(r.stdout).toContain('fix: ');
  });
});

/** kefu diagnose's speech checks against the real engines installed here (pocketsphinx) and absent ones (sherpa-onnx). */
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { ConfigSchema, type Config } from '../config/schema.ts';
import { asrChecks } from './asr.ts';

const config = (asr: Record<string, unknown>): Config => Value.Default(ConfigSchema, { asr }) as Config;

describe('asr diagnostics', () => {
  it('pocketsphinx: installed, model present, the self-test hears the phrase', async () => {
    const checks = await asrChecks(config({ engine: 'pocketsphinx' }));
    expect(checks.map((c) => [c.id, c.ok])).toEqual([['asr', true], ['asr-self-test', true]]);
    expect(checks[1]!.detail).toMatch(/heard "john smith"/);
  });

  it('pocketsphinx with a missing model says which files and how to fix it', async () => {
    const [c] = await asrChecks(config({ engine: 'pocketsphinx', pocketsphinx: { hmm: '/nonexistent/en-us' } }));
    expect(c).toMatchObject({ ok: false, detail: expect.stringContaining('/nonexistent/en-us/mdef') as string, fix: expect.stringContaining('pocketsphinx-en-us') as string });
  });

  it('sherpa-onnx: reports the package not installed and the model missing', async () => {
    const [c] = await asrChecks(config({ engine: 'sherpa-onnx', sherpaOnnx: { model: '/nonexistent/model.onnx' } }));
    expect(c!.ok).toBe(false);
    expect(c!.detail).toContain('npm package sherpa-onnx-node not installed');
    expect(c!.detail).toContain('model file /nonexistent/model.onnx missing');
    expect(c!.detail).toContain('asr.sherpaOnnx.tokens not set');
  });

  it('none: listen and directory nodes take keys only', async () => {
    expect(await asrChecks(config({ engine: 'none' }))).toEqual([expect.objectContaining({ id: 'asr', ok: true, detail: expect.stringContaining('keys only') as string })]);
  });
});

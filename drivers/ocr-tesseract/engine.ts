/**
 * Debian's tesseract (`tesseract-ocr`, languages `tesseract-ocr-chi-sim` and
 * `tesseract-ocr-eng`; orientation detection uses the `osd` data that comes
 * with tesseract-ocr) behind the OCR port, run as a child process per image:
 * PNG on stdin, TSV on stdout, bounded in time, output and concurrency.
 *
 * Facts measured here (docs/card-scan.md): a clean 1050×600 card takes about
 * 1 s with `chi_sim+eng`; `--psm 0` finds quarter turns of horizontal text
 * with confidence 3+; the image is given as grey levels, never thresholded
 * (tesseract's own binarisation does better than a global threshold).
 */
import { KefuError } from '../../src/core/errors.ts';
import { runTool } from '../../src/media/run-tool.ts';
import type { OcrCheck, OcrLayout, OcrOrientation, OcrPage, TextRecognizer } from '../../src/core/ocr/types.ts';
import { parseOsd, parseTsv } from './tsv.ts';

/** Options of {@link TesseractRecognizer}. */
export interface TesseractOptions {
  /** The binary. Default `tesseract`. */
  binary?: string;
  /** Languages joined by `+`. Default `chi_sim+eng`. */
  languages?: string;
  /** Kill one run after this long. Default 30 s. */
  timeoutMs?: number;
  /** Runs at once; more wait their turn. Default 1 (each run uses one core). */
  maxConcurrent?: number;
  /** Resolution told to tesseract (cards are prepared at about this). Default 300. */
  dpi?: number;
}

const PSM: Record<OcrLayout, string> = { auto: '3', block: '6', line: '7' };

export class TesseractRecognizer implements TextRecognizer {
  readonly engine = 'tesseract';
  readonly languages: string;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly o: Required<TesseractOptions>;

  constructor(opts: TesseractOptions = {}) {
    this.o = {
      binary: opts.binary ?? 'tesseract',
      languages: opts.languages ?? 'chi_sim+eng',
      timeoutMs: opts.timeoutMs ?? 30_000,
      maxConcurrent: opts.maxConcurrent ?? 1,
      dpi: opts.dpi ?? 300,
    };
    this.languages = this.o.languages;
  }

  async recognize(png: Buffer, opts: { layout?: OcrLayout; signal?: AbortSignal } = {}): Promise<OcrPage> {
    const started = Date.now();
    const out = await this.run(['stdin', 'stdout', '-l', this.o.languages, '--psm', PSM[opts.layout ?? 'auto'], '--dpi', String(this.o.dpi), 'tsv'], png, opts.signal);
    const words = parseTsv(out.toString('utf8'));
    const page = /^1\t1\t0\t0\t0\t0\t0\t0\t(\d+)\t(\d+)/m.exec(out.toString('utf8'));
    return { words, width: Number(page?.[1] ?? 0), height: Number(page?.[2] ?? 0), elapsedMs: Date.now() - started };
  }

  async orientation(png: Buffer, opts: { signal?: AbortSignal } = {}): Promise<OcrOrientation | null> {
    try {
      const out = await this.run(['stdin', 'stdout', '--psm', '0', '--dpi', String(this.o.dpi)], png, opts.signal);
      return parseOsd(out.toString('utf8'));
    } catch (err) {
      // "Too few characters" / "Invalid resolution": OSD exits non-zero when it cannot tell.
      if (err instanceof KefuError && err.code === 'MEDIA_ERROR' && /exited with status/.test(err.message)) return null;
      throw err;
    }
  }

  async check(): Promise<OcrCheck> {
    let listed: string;
    try {
      listed = (await runTool(this.o.binary, ['--list-langs'], { timeoutMs: 10_000, maxOutputBytes: 64 * 1024, packageName: 'tesseract-ocr' })).toString('utf8');
    } catch (err) {
      return { ok: false, detail: (err as Error).message, fix: 'apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng', languages: [] };
    }
    const languages = listed.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    const missing = [...this.o.languages.split('+'), 'osd'].filter((l) => !languages.includes(l));
    if (missing.length > 0) {
      const pkgs = missing.map((l) => (l === 'osd' ? 'tesseract-ocr' : `tesseract-ocr-${l.replace(/_/g, '-')}`));
      return { ok: false, detail: `languages missing: ${missing.join(', ')} (installed: ${languages.join(', ') || 'none'})`, fix: `apt-get install ${pkgs.join(' ')}`, languages };
    }
    return { ok: true, detail: `${this.o.binary} runs; languages ${languages.join(', ')}`, fix: null, languages };
  }

  private async run(args: string[], input: Buffer, signal?: AbortSignal): Promise<Buffer> {
    await this.acquire(signal);
    try {
      return await runTool(this.o.binary, args, {
        input, timeoutMs: this.o.timeoutMs, maxOutputBytes: 8 * 1024 * 1024, packageName: 'tesseract-ocr',
        ...(signal ? { signal } : {}),
      });
    } finally {
      this.release();
    }
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    while (this.running >= this.o.maxConcurrent) {
      if (signal?.aborted) throw new KefuError('CANCELLED', 'recognition cancelled while waiting for tesseract');
      await new Promise<void>((r) => this.waiting.push(r));
    }
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

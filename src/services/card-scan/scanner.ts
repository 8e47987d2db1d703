/**
 * Business-card scanning: a photo in, the card's fields out as a draft
 * contact (not saved). Checks what the bytes are, prepares the image
 * (preprocess.ts), finds its orientation with the engine (quarter turns) and
 * the skew by itself, reads it, and extracts the fields. When the reading is
 * poor it tries the other ways up (a card upside down, or vertical text read
 * column by column) and keeps the best.
 */
import { KefuError } from '../../core/errors.ts';
import { describeNonImage, sniffImage, type ImageType } from '../../core/ocr/image-type.ts';
import { pageLines, type TextLine } from '../../core/ocr/lines.ts';
import { extractCardFields, type CardFields } from '../../core/ocr/card-fields.ts';
import type { OcrWord, QuarterTurn, TextRecognizer } from '../../core/ocr/types.ts';
import { prepareCard, skewOf, toPng, turn, type Grey } from './preprocess.ts';
import { verticalStripOf } from './vertical.ts';
import { rereadUnsure } from './reread.ts';

/** Options of {@link CardScanner}. */
export interface CardScannerOptions {
  /** Largest decoded image, in pixels (sharp's limitInputPixels). */
  maxPixels: number;
  /** Fields read with less confidence than this are listed in `lowConfidence`. */
  lowConfidence: number;
  /** Scans in progress or waiting at once; more are refused (RATE_LIMITED). Default 8. */
  maxPending?: number;
}

/** What a scan found. */
export interface CardScan {
  fields: CardFields;
  /** Field names whose confidence is under the threshold. */
  lowConfidence: string[];
  /** The text read, line by line. */
  text: string;
  /** Mean confidence of the text, 0..1. */
  confidence: number;
  image: { type: ImageType; rotated: QuarterTurn; skewDegrees: number; cropped: boolean; layout: 'horizontal' | 'vertical' };
  engine: string;
  elapsedMs: number;
}

interface Reading { words: OcrWord[]; lines: TextLine[]; fields: CardFields; score: number; confidence: number; layout: 'horizontal' | 'vertical' }

/** How good a reading is: the fields found, weighted by their confidence. */
export function readingScore(f: CardFields): number {
  let s = 0;
  for (const k of ['name', 'title', 'company', 'email', 'website', 'address'] as const) s += f[k]?.confidence ?? 0;
  for (const p of f.phones.slice(0, 4)) s += p.confidence;
  return s;
}

const meanConfidence = (lines: readonly TextLine[]) => {
  let n = 0, sum = 0;
  for (const l of lines) { const len = l.text.length; n += len; sum += l.confidence * len; }
  return n === 0 ? 0 : sum / n;
};

export class CardScanner {
  private pending = 0;

  constructor(private readonly ocr: TextRecognizer, private readonly o: CardScannerOptions) {}

  get engine(): string { return this.ocr.engine; }

  /** Reads a card photo. BAD_REQUEST naming `image` for what is no readable photo; RATE_LIMITED when too many scans wait. */
  async scan(image: Buffer, opts: { signal?: AbortSignal } = {}): Promise<CardScan> {
    const max = this.o.maxPending ?? 8;
    if (this.pending >= max) throw new KefuError('RATE_LIMITED', `${max} card scans are already in progress; try again shortly`);
    this.pending++;
    try {
      return await this.scanOne(image, opts.signal);
    } finally {
      this.pending--;
    }
  }

  private async scanOne(image: Buffer, signal: AbortSignal | undefined): Promise<CardScan> {
    const started = Date.now();
    if (image.length === 0) throw new KefuError('BAD_REQUEST', 'image: the body is empty; send the card photo (JPEG, PNG or WebP) as the body', { field: 'image' });
    const type = sniffImage(image);
    if (!type) throw new KefuError('BAD_REQUEST', `image: expected a JPEG, PNG or WebP photo, got ${describeNonImage(image)}`, { field: 'image' });
    const prepared = await prepareCard(image, { maxPixels: this.o.maxPixels });
    const osd = await this.ocr.orientation(await toPng(prepared.grey), signal ? { signal } : {});
    let rotated: QuarterTurn = osd && osd.confidence >= 1 ? osd.rotate : 0;
    let upright = await turn(prepared.grey, rotated, 0);
    const skew = await skewOf(upright);
    if (Math.abs(skew) >= 0.3) upright = await turn(upright, 0, -skew);

    let best = await this.read(upright, 'horizontal', signal);
    if (best.score < 3 || best.confidence < 0.75) {
      // Poor (few fields, or text read with little confidence): maybe upside down (OSD unsure), or vertical text.
      const flipped = await this.read(await turn(upright, 180, 0), 'horizontal', signal);
      if (flipped.score > best.score) { best = flipped; rotated = ((rotated + 180) % 360) as QuarterTurn; }
      // Horizontal text read well (an email under the columns) is kept and blanked out of the column analysis.
      const kept = best.words.filter((w) => w.confidence >= 0.75 && /[A-Za-z0-9@.]{6,}/.test(w.text));
      const strip = verticalStripOf(upright, kept);
      if (strip) {
        const vertical = await this.read(strip, 'vertical', signal, pageLines(kept));
        if (vertical.score > best.score) best = vertical;
      }
    }
    const fields = best.fields;
    const lowConfidence: string[] = [];
    for (const k of ['name', 'title', 'company', 'email', 'website', 'address'] as const) {
      const f = fields[k];
      if (f && f.confidence < this.o.lowConfidence) lowConfidence.push(k);
    }
    fields.phones.forEach((p, i) => { if (p.confidence < this.o.lowConfidence) lowConfidence.push(`phones.${i}`); });
    return {
      fields, lowConfidence,
      text: best.lines.map((l) => l.text).join('\n'),
      confidence: Math.round(best.confidence * 1000) / 1000,
      image: { type, rotated, skewDegrees: Math.abs(skew) >= 0.3 ? skew : 0, cropped: prepared.cropped, layout: best.layout },
      engine: this.ocr.engine,
      elapsedMs: Date.now() - started,
    };
  }

  private async read(g: Grey, layout: Reading['layout'], signal?: AbortSignal, extra: readonly TextLine[] = []): Promise<Reading> {
    const page = await this.ocr.recognize(await toPng(g), { layout: layout === 'vertical' ? 'block' : 'auto', ...(signal ? { signal } : {}) });
    const words = layout === 'horizontal' ? await rereadUnsure(page.words, g, this.ocr, signal) : page.words;
    const lines = [...pageLines(words), ...extra];
    const fields = extractCardFields(lines);
    return { words, lines, fields, score: readingScore(fields), confidence: meanConfidence(lines), layout };
  }
}

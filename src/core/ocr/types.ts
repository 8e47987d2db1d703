/**
 * The text-recognition (OCR) port: an image in, words with confidences and
 * boxes out. Engines live one per folder under drivers/ (ocr-tesseract);
 * business-card scanning (src/services/card-scan) uses them only through
 * this interface.
 *
 * Contract: `recognize` and `orientation` take a PNG (8-bit grey or RGB) the
 * caller has already prepared; they never change it. Both honour `signal`
 * (the run is killed, CANCELLED) and the engine's own time bound
 * (MEDIA_ERROR naming the tool). Runs beyond the engine's concurrency wait
 * their turn. A missing engine or language fails with MEDIA_ERROR naming the
 * Debian package.
 */

/** One recognised word; coordinates in pixels of the image given. */
export interface OcrWord {
  text: string;
  /** 0..1 (the engine's own scale, mapped). */
  confidence: number;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Layout position given by the engine: block, paragraph and line numbers (a line is unique by all three). */
  block: number;
  paragraph: number;
  line: number;
}

/** What the engine read in one image. */
export interface OcrPage {
  words: OcrWord[];
  width: number;
  height: number;
  elapsedMs: number;
}

/**
 * How to segment the page:
 * - `auto`: find blocks and lines (cards, documents);
 * - `block`: one uniform block of text (a re-laid-out strip);
 * - `line`: one line.
 */
export type OcrLayout = 'auto' | 'block' | 'line';

/** Clockwise quarter turns that make the text upright. */
export type QuarterTurn = 0 | 90 | 180 | 270;

/** The orientation the engine sees: rotate the image clockwise by `rotate` to make it upright. */
export interface OcrOrientation {
  rotate: QuarterTurn;
  /** Engine's confidence (tesseract: above ~2 is reliable). */
  confidence: number;
}

/** Result of {@link TextRecognizer.check} (kefu diagnose). */
export interface OcrCheck {
  ok: boolean;
  detail: string;
  fix: string | null;
  /** Languages the engine has installed, e.g. ['chi_sim', 'eng', 'osd']. */
  languages: string[];
}

export interface TextRecognizer {
  /** Engine name for logs and the API ("tesseract"). */
  readonly engine: string;
  /** Languages used, as the engine spells them ("chi_sim+eng"). */
  readonly languages: string;
  recognize(png: Buffer, opts?: { layout?: OcrLayout; signal?: AbortSignal }): Promise<OcrPage>;
  /** The page's orientation, or null when the engine cannot tell (too little text). */
  orientation(png: Buffer, opts?: { signal?: AbortSignal }): Promise<OcrOrientation | null>;
  /** Installed, languages present, runs. */
  check(): Promise<OcrCheck>;
}

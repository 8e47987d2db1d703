import type { RecordingRepo } from '../db/repos/recordings.ts';
import { readWav } from './wav.ts';
import { KefuError } from '../core/errors.ts';

/**
 * `{ file: id }` prompts: a stored recording (by id) played back as telephone
 * PCM. Uploaded prompt files come with the prompt library later.
 */
export const loadStoredAudio = (recordings: RecordingRepo) => async (fileId: string): Promise<Buffer> => {
  const rec = await recordings.get(fileId).catch(() => null);
  if (!rec) throw new KefuError('NOT_FOUND', `audio file ${fileId} not found`);
  const { format, pcm } = await readWav(rec.path);
  if (format.sampleRate !== 8000 || format.channels !== 1 || format.bitsPerSample !== 16) {
    throw new KefuError('MEDIA_ERROR', `audio file ${fileId} is not 8 kHz mono 16-bit`);
  }
  return pcm;
};

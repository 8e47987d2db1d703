/**
 * What `listen` and `directory` IVR nodes need besides the media port: the
 * recogniser and the address book as a voice directory. The daemon gives
 * them in the flow's run context (src/core/ivr/context.ts).
 */
import type { Recognizer } from './types.ts';

/** One person the caller can ask for by name. */
export interface DirectoryEntry {
  /** Contact id. */
  id: string;
  /** Name as written in the address book ("王芳", "John Smith"). */
  name: string;
  /** Other names the caller may say ("Johnny", "小王"). */
  nicknames: string[];
  /** Seat id to ring on a PBX backend, or null. */
  seat: string | null;
  /** Number to transfer to (E.164 or a local extension), or null. */
  number: string | null;
}

/** The address book as the voice directory sees it. */
export interface ContactDirectory {
  /** Entries to offer, at most `limit` (contacts in one of `groups`, when given). */
  entries(opts: { groups?: readonly string[] | undefined; limit: number }): Promise<DirectoryEntry[]>;
}

/** Speech services of a flow run. */
export interface SpeechContext {
  recognizer: Recognizer;
  directory?: ContactDirectory;
}

/** A directory over a fixed list (a flow's dry run, tests, the demo's seed). */
export function listDirectory(list: readonly (DirectoryEntry & { groups?: readonly string[] })[]): ContactDirectory {
  return {
    entries: ({ groups, limit }) => Promise.resolve(
      list.filter((e) => !groups || (e.groups ?? []).some((g) => groups.includes(g))).slice(0, limit).map(({ groups: _g, ...e }) => e),
    ),
  };
}

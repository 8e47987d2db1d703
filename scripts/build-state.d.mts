// Types of scripts/build-state.mjs, for the TypeScript test helpers.
export declare const ROOT: string;
export declare const STAMP: string;
export declare const PARTS: Record<'dist' | 'web', { out: string; sources: string[] }>;
export declare function staleReason(part: 'dist' | 'web', root?: string): string | null;

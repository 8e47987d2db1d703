/** One diagnostic check's answer: ✓/✗, what was seen, and the fix to try. */
export interface Check { id: string; title: string; ok: boolean; detail: string; fix: string | null; data?: unknown }

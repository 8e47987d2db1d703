/**
 * Checks of one schema-valid node that JSON Schema cannot express: prompts
 * with words in them, DTMF keys, digit counts, times, dates and time zones.
 */
import type { FlowIssue } from './schema-errors.ts';
import { DEFAULT_TIMEZONE, MENU_KEYS, WEEKDAYS, type FlowNode, type Prompt } from './schema.ts';
import { isIsoDate, isValidTimeZone, parseHhMm } from './time.ts';

const checkPrompt = (issues: FlowIssue[], path: string, prompt: Prompt | undefined, required: boolean): void => {
  if (prompt === undefined || !('text' in prompt)) return;
  if (prompt.text.trim() !== '') return;
  issues.push({
    path: `${path}/text`,
    message: required ? 'prompt is required: expected the words to speak' : 'prompt text is empty: write the words to speak or remove the prompt',
  });
};

/** Semantic problems of one node whose shape already passed the schema. */
export function nodeRuleIssues(node: FlowNode, base: string): FlowIssue[] {
  const issues: FlowIssue[] = [];
  switch (node.type) {
    case 'play':
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      break;
    case 'menu': {
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      checkPrompt(issues, `${base}/invalidPrompt`, node.invalidPrompt, false);
      checkPrompt(issues, `${base}/timeoutPrompt`, node.timeoutPrompt, false);
      const keys = Object.keys(node.options);
      if (keys.length === 0) issues.push({ path: `${base}/options`, message: 'a menu needs at least one option: expected a key 0-9, * or #' });
      for (const key of keys) {
        if (!(MENU_KEYS as readonly string[]).includes(key)) {
          issues.push({ path: `${base}/options/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: `"${key}" is not a DTMF key: expected one of 0-9, * or #` });
        }
      }
      break;
    }
    case 'collect':
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      checkPrompt(issues, `${base}/invalidPrompt`, node.invalidPrompt, false);
      if ((node.minDigits ?? 1) > node.maxDigits) {
        issues.push({ path: `${base}/minDigits`, message: `minDigits ${node.minDigits} is more than maxDigits ${node.maxDigits}: expected minDigits <= maxDigits` });
      }
      break;
    case 'hours':
      hoursIssues(node, base, issues);
      break;
    case 'voicemail':
    case 'handset':
    case 'queue':
    case 'fax':
    case 'hangup':
      checkPrompt(issues, `${base}/prompt`, node.prompt, false);
      break;
    case 'listen': {
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      checkPrompt(issues, `${base}/noMatchPrompt`, node.noMatchPrompt, false);
      checkPrompt(issues, `${base}/noInputPrompt`, node.noInputPrompt, false);
      const phrases = new Map<string, number>();
      const keys = new Map<string, number>();
      node.choices.forEach((c, i) => {
        const norm = c.phrase.trim().toLowerCase().replace(/\s+/g, ' ');
        if (norm === '') issues.push({ path: `${base}/choices/${i}/phrase`, message: 'phrase is empty: expected the words the caller says' });
        else if (phrases.has(norm)) issues.push({ path: `${base}/choices/${i}/phrase`, message: `"${c.phrase}" is the same phrase as choice ${phrases.get(norm)}: expected each phrase once` });
        else phrases.set(norm, i);
        if (c.key !== undefined) {
          if (keys.has(c.key)) issues.push({ path: `${base}/choices/${i}/key`, message: `key ${c.key} already chooses choice ${keys.get(c.key)}: expected each key once` });
          else keys.set(c.key, i);
        }
      });
      break;
    }
    case 'directory':
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      checkPrompt(issues, `${base}/noMatchPrompt`, node.noMatchPrompt, false);
      checkPrompt(issues, `${base}/noInputPrompt`, node.noInputPrompt, false);
      break;
    case 'survey':
      checkPrompt(issues, `${base}/prompt`, node.prompt, true);
      checkPrompt(issues, `${base}/invalidPrompt`, node.invalidPrompt, false);
      checkPrompt(issues, `${base}/thanksPrompt`, node.thanksPrompt, false);
      break;
    case 'caller':
    case 'goto':
      break;
  }
  return issues;
}

function hoursIssues(node: Extract<FlowNode, { type: 'hours' }>, base: string, issues: FlowIssue[]): void {
  const tz = node.timezone ?? DEFAULT_TIMEZONE;
  if (!isValidTimeZone(tz)) {
    issues.push({ path: `${base}/timezone`, message: `unknown time zone "${tz}": expected an IANA name such as ${DEFAULT_TIMEZONE}` });
  }
  for (const day of WEEKDAYS) {
    const ranges = node.schedule[day] ?? [];
    ranges.forEach((range, i) => {
      const path = `${base}/schedule/${day}/${i}`;
      const [start = '', end = ''] = range;
      const s = parseHhMm(start);
      const e = parseHhMm(end);
      if (s === null || s === 1440) issues.push({ path: `${path}/0`, message: `"${start}" is not a start time: expected HH:MM from 00:00 to 23:59` });
      if (e === null) issues.push({ path: `${path}/1`, message: `"${end}" is not an end time: expected HH:MM from 00:01 to 24:00` });
      if (s !== null && e !== null && s >= e) {
        issues.push({ path, message: `start ${start} is not before end ${end}: expected start < end (split ranges that cross midnight)` });
      }
    });
  }
  (node.holidays ?? []).forEach((date, i) => {
    if (!isIsoDate(date)) issues.push({ path: `${base}/holidays/${i}`, message: `"${date}" is not a date: expected YYYY-MM-DD` });
  });
}

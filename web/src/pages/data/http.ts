/** Sending a file as the request body with its own content type (CSV, vCard). */
import { api } from '../../api.ts';

export const postFile = <T>(path: string, body: string, contentType: string): Promise<T> => api.postText<T>(path, body, contentType);

/** vCard when the file says so (name or type or first line), else CSV. */
export const isVcard = (text: string, file: File): boolean =>
  /\.(vcf|vcard)$/i.test(file.name) || /vcard|directory/i.test(file.type) || /^\ufeff?\s*BEGIN:VCARD/i.test(text);

/** Reads a chosen file as text (UTF-8; a BOM is kept, the server skips it). */
export const readText = (file: File): Promise<string> => file.text();


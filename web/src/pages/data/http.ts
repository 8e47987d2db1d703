/** Import files (CSV, vCard): their kind and their text. */
/** vCard when the file says so (name or type or first line), else CSV. */
export const isVcard = (text: string, file: File): boolean =>
  /\.(vcf|vcard)$/i.test(file.name) || /vcard|directory/i.test(file.type) || /^\ufeff?\s*BEGIN:VCARD/i.test(text);

/** Reads a chosen file as text (UTF-8; a BOM is kept, the server skips it). */
export const readText = (file: File): Promise<string> => file.text();


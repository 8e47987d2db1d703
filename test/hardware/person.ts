/** The far side of a real line is a person: they are told what to do on stderr. */
export function ask(what: string): void {
  process.stderr.write(`\n>>> ${what}\n`);
}

/** An environment variable the hardware contract needs, or an error that says how to set it. */
export function need(name: string, what: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: ${what}. See README, "Checking real hardware".`);
  return v;
}

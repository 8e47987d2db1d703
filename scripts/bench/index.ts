/**
 * npm run bench: every benchmark in turn. Each prints a table and writes its
 * JSON under bench/results/; this writes bench/results/summary.json too.
 * Figures only: nothing here passes or fails on timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };

if (want('startup')) { console.log('\n## start-up'); results.startup = await (await import('./startup.ts')).run(); }
if (want('screenpop')) { console.log('\n## screen pop'); results.screenpop = await (await import('./screenpop.ts')).run(); }
if (want('customers')) { console.log('\n## GET /customers?phone='); results.customers = await (await import('./customers.ts')).run(); }
if (want('crm')) { console.log('\n## CRM roster, export, merge'); results.crm = await (await import('./crm.ts')).run(); }
if (want('blacklist')) { console.log('\n## blacklist'); results.blacklist = await (await import('./blacklist.ts')).run(); }
if (want('blacklist-rebuild')) { console.log('\n## blacklist rebuilds (service, database)'); results.blacklistRebuild = await (await import('./blacklist-rebuild.ts')).run(); }
if (want('acd')) { console.log('\n## ACD routing'); results.acd = await (await import('./acd.ts')).run(); }
if (want('dialer')) { console.log('\n## dialer pacing (simulated shifts)'); results.dialer = await (await import('./dialer.ts')).run(); }
if (want('answer-detect')) { console.log('\n## answer detection by ear (call-progress classifier)'); results.answerDetect = await (await import('./answer-detect.ts')).run(); }
if (want('asr')) { console.log('\n## speech recognition (names over telephone audio)'); results.asr = await (await import('./asr.ts')).run(); }
if (want('import')) { console.log('\n## imports while /health is asked'); results.import = await (await import('./import.ts')).run(); }
if (want('pbx')) { console.log('\n## PBX (real Asterisk lab)'); results.pbx = await (await import('./pbx.ts')).run(); }
if (want('amd')) { console.log('\n## answering-machine detection (real Asterisk lab)'); results.amd = await (await import('./amd.ts')).run(); }
if (want('sms')) { console.log('\n## SMS (simulated dongle on a pty; PDU codec vs node-pdu)'); results.sms = await (await import('./sms.ts')).run(); }
if (want('campaigns')) { console.log('\n## campaigns per mode (real Asterisk lab)'); results.campaigns = await (await import('./campaigns.ts')).run(); }
if (want('webhooks')) { console.log('\n## webhooks (loopback receiver)'); results.webhooks = await (await import('./webhooks.ts')).run(); }
if (want('events')) { console.log('\n## event log (ids, stream latency)'); results.events = await (await import('./events.ts')).run(); }
if (want('care')) { console.log('\n## care plans and task.due'); results.care = await (await import('./care.ts')).run(); }
if (want('fax')) { console.log('\n## fax (real Asterisk lab)'); results.fax = await (await import('./fax.ts')).run(); }
if (want('scorecards')) { console.log('\n## scorecards (a month computed through the KPI port: statistics rollups + records)'); results.scorecards = await (await import('./scorecards.ts')).run(); }
if (want('stats')) { console.log('\n## statistics at 1 M call records (PostgreSQL: rollups vs GROUP BY)'); results.stats = await (await import('./stats.ts')).run(); }
if (want('card-scan')) { console.log('\n## business-card scanning (generated cards, real tesseract)'); results.cardScan = await (await import('./card-scan.ts')).run(); }
if (want('ha')) { console.log('\n## HA: two daemons, one Asterisk node, kill tests (real Asterisk lab, PostgreSQL of its own)'); results.ha = await (await import('./ha.ts')).run(); }
// The soak runs 30 minutes (KEFU_SOAK_S): only when asked by name.
if (only.has('soak')) { console.log('\n## soak (real Asterisk lab + demo line)'); results.soak = await (await import('./soak.ts')).run(); }

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/summary.json', JSON.stringify(results, null, 2));
console.log('\nwrote bench/results/*.json');

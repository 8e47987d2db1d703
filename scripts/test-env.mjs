#!/usr/bin/env node
// Makes sure the system parts the test tiers use are present (see README,
// "Tests"). As root it installs what is missing with apt-get; otherwise it
// stops and prints the exact command to run. Never skips silently.
//   node scripts/test-env.mjs check      (npm pretest)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** command on PATH (or file) -> Debian package that provides it */
const NEEDS = [
  ['socat', 'socat'],
  ['espeak-ng', 'espeak-ng'],
  ['sox', 'sox'],
  ['pg_virtualenv', 'postgresql-common'],
  ['/usr/lib/postgresql/15/bin/postgres', 'postgresql-15'],
  ['udevadm', 'udev'],
  ['/usr/bin/chromium', 'chromium'],
  // Chinese text in the console's screenshots
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'fonts-wqy-microhei'],
  // speech recognition (grammar mode, English) and fax documents (PDF -> TIFF-F, TIFF -> PDF)
  ['pocketsphinx_continuous', 'pocketsphinx'],
  ['/usr/share/pocketsphinx/model/en-us', 'pocketsphinx-en-us'],
  ['gs', 'ghostscript'],
  ['tiff2pdf', 'libtiff-tools'],
  // the HA harness's T5: PostgreSQL under Patroni (etcd as its store, HAProxy in front; deploy/patroni)
  ['patroni', 'patroni'],
  ['/usr/lib/python3/dist-packages/etcd/__init__.py', 'python3-etcd'],
  ['etcd', 'etcd-server'],
  ['haproxy', 'haproxy'],
  // the HA lab's SIP front (scripts/asterisk-lab start-ha; dispatcher, usrloc and uac are in the main package)
  ['kamailio', 'kamailio'],
  // the shipped config's phone locations in PostgreSQL (test/asterisk/kamailio-usrloc.test.ts)
  ['/usr/lib/x86_64-linux-gnu/kamailio/modules/db_postgres.so', 'kamailio-postgres-modules'],
  // business-card scanning (OCR, Chinese and English)
  ['tesseract', 'tesseract-ocr'],
  ['/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata', 'tesseract-ocr-chi-sim'],
  ['/usr/share/tesseract-ocr/5/tessdata/eng.traineddata', 'tesseract-ocr-eng'],
];

const have = (cmd) =>
  cmd.startsWith('/') ? existsSync(cmd) : spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const LAB_STAMP = `${process.env.KEFU_ASTERISK_ROOT ?? '/var/cache/kefu/asterisk-root'}/.kefu-lab-ready`;

/** The Asterisk lab's root (Debian's Asterisk 22 in a cached chroot); built once, then reused. */
function ensureLab() {
  if (existsSync(LAB_STAMP)) return;
  if (!isRoot) {
    console.error('test environment: the Asterisk lab is not built. Run as root:\n  sudo bash scripts/asterisk-lab build\nthen npm test again.');
    process.exit(1);
  }
  console.log('test environment: building the Asterisk lab (scripts/asterisk-lab build, about a minute the first time)');
  const r = spawnSync('bash', ['scripts/asterisk-lab', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('test environment: scripts/asterisk-lab build failed');
    process.exit(1);
  }
}

const missing = [...new Set(NEEDS.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg))];
if (missing.length === 0) {
  console.log('test environment: all system packages present');
  ensureLab();
  process.exit(0);
}
const install = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (isRoot) {
  console.log(`test environment: installing ${missing.join(', ')}`);
  const r = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test environment: "${install}" failed (exit ${r.status})`);
    process.exit(1);
  }
  const still = NEEDS.filter(([cmd]) => !have(cmd)).map(([cmd]) => cmd);
  if (still.length > 0) {
    console.error(`test environment: still missing after install: ${still.join(', ')}`);
    process.exit(1);
  }
  ensureLab();
  process.exit(0);
}
console.error(`test environment: missing system packages: ${missing.join(', ')}\nRun as root:\n  sudo sh -c '${install}'\nthen npm test again.`);
process.exit(1);

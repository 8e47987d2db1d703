/** USB devices as the kernel lists them in sysfs (no libusb needed). */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface UsbDevice { id: string; vendorId: string | null; productId: string | null; manufacturer: string | null; product: string | null }

const SYS = '/sys/bus/usb/devices';
const read = async (dir: string, f: string): Promise<string | null> => (await readFile(join(dir, f), 'utf8').catch(() => null))?.trim() ?? null;

export async function listUsbDevices(root = SYS): Promise<{ ok: boolean; devices: UsbDevice[]; error?: string }> {
  if (!existsSync(root)) return { ok: false, devices: [], error: `this kernel shows no USB bus (${root} is absent)` };
  const out: UsbDevice[] = [];
  for (const id of await readdir(root)) {
    if (id.includes(':')) continue; // interfaces, not devices
    const dir = join(root, id);
    out.push({ id, vendorId: await read(dir, 'idVendor'), productId: await read(dir, 'idProduct'), manufacturer: await read(dir, 'manufacturer'), product: await read(dir, 'product') });
  }
  return { ok: true, devices: out };
}

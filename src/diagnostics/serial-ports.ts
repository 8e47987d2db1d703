import { SerialPort } from 'serialport';

export interface PortInfo { path: string; manufacturer: string | null; vendorId: string | null; productId: string | null; serialNumber: string | null }

/** Serial ports the system knows (needs udevadm on Linux). */
export async function listSerialPorts(): Promise<{ ok: boolean; ports: PortInfo[]; error?: string }> {
  try {
    const list = await SerialPort.list();
    return {
      ok: true,
      ports: list.map((p) => ({ path: p.path, manufacturer: p.manufacturer ?? null, vendorId: p.vendorId ?? null, productId: p.productId ?? null, serialNumber: p.serialNumber ?? null })),
    };
  } catch (err) {
    return { ok: false, ports: [], error: err instanceof Error ? err.message : String(err) };
  }
}

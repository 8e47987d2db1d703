/**
 * Which hosts webhooks may be sent to (config webhooks.allowHosts /
 * webhooks.denyHosts). An entry is a host name ("crm.example.com"), a name
 * pattern ("*.example.com": any name under it), an address ("10.0.0.5",
 * "::1") or a CIDR block ("10.0.0.0/8", "fc00::/7"). Names are checked when
 * a subscription is saved and again before each request; the addresses a name
 * resolves to are checked when connecting, so a name that later points at a
 * refused address is refused too.
 */
import { BlockList, isIP } from 'node:net';

export interface HostLists { allowHosts: readonly string[]; denyHosts: readonly string[] }

interface Compiled { names: string[]; suffixes: string[]; blocks: BlockList; hasBlocks: boolean }

/** Why `entry` is not a valid list entry, or null. */
export function hostEntryProblem(entry: string): string | null {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined) return `"${entry}" is not a host, an address or a CIDR block`;
  if (bits !== undefined) {
    const v = isIP(addr!);
    const n = Number(bits);
    if (v === 0 || !/^\d{1,3}$/.test(bits) || n > (v === 4 ? 32 : 128)) return `"${entry}" is not a CIDR block`;
    return null;
  }
  if (isIP(entry)) return null;
  return /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(entry) ? null : `"${entry}" is not a host name`;
}

function compile(entries: readonly string[]): Compiled {
  const c: Compiled = { names: [], suffixes: [], blocks: new BlockList(), hasBlocks: false };
  for (const raw of entries) {
    const e = raw.toLowerCase();
    const [addr, bits] = e.split('/');
    const v = isIP(addr!);
    if (v) {
      const type = v === 4 ? 'ipv4' : 'ipv6';
      if (bits !== undefined) c.blocks.addSubnet(addr!, Number(bits), type); else c.blocks.addAddress(addr!, type);
      c.hasBlocks = true;
    } else if (e.startsWith('*.')) c.suffixes.push(e.slice(1));
    else c.names.push(e);
  }
  return c;
}

const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
const hasName = (c: Compiled, host: string) => c.names.includes(host) || c.suffixes.some((s) => host.endsWith(s));
const hasAddress = (c: Compiled, ip: string) => {
  const v = isIP(ip);
  if (!v || !c.hasBlocks) return false;
  if (c.blocks.check(ip, v === 4 ? 'ipv4' : 'ipv6')) return true;
  // an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 one
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return !!m && c.blocks.check(m[1]!, 'ipv4');
};

export class HostPolicy {
  private readonly allow: Compiled;
  private readonly deny: Compiled;
  private readonly allowAll: boolean;

  constructor(lists: HostLists) {
    this.allow = compile(lists.allowHosts);
    this.deny = compile(lists.denyHosts);
    this.allowAll = lists.allowHosts.length === 0;
  }

  /** Why a URL's host is refused by name (or as a literal address), or null. */
  hostProblem(hostname: string): string | null {
    const h = bare(hostname);
    const ip = isIP(h) ? h : null;
    if (hasName(this.deny, h) || (ip && hasAddress(this.deny, ip))) return `host ${h} is refused by webhooks.denyHosts`;
    if (this.allowAll) return null;
    if (hasName(this.allow, h) || (ip && hasAddress(this.allow, ip))) return null;
    // a name may still resolve to an allowed address: checked when connecting
    if (!ip && this.allow.hasBlocks) return null;
    return `host ${h} is not in webhooks.allowHosts`;
  }

  /** Why connecting to `address` (which `hostname` resolved to) is refused, or null. */
  addressProblem(hostname: string, address: string): string | null {
    const h = bare(hostname);
    if (hasAddress(this.deny, address)) return `address ${address} of ${h} is refused by webhooks.denyHosts`;
    if (this.allowAll || hasName(this.allow, h) || hasAddress(this.allow, address)) return null;
    return `address ${address} of ${h} is not in webhooks.allowHosts`;
  }
}

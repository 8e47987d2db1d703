import { describe, expect, it } from 'vitest';
import { HostPolicy, hostEntryProblem } from './hosts.ts';

describe('webhook host lists', () => {
  it('refuses nothing by default, loopback included', () => {
    const p = new HostPolicy({ allowHosts: [], denyHosts: [] });
    expect(p.hostProblem('127.0.0.1')).toBeNull();
    expect(p.hostProblem('localhost')).toBeNull();
    expect(p.addressProblem('localhost', '::1')).toBeNull();
  });
  it('denies names, *.domains, addresses and CIDR blocks, by name and by resolved address', () => {
    const p = new HostPolicy({ allowHosts: [], denyHosts: ['metadata.internal', '*.corp.example', '169.254.0.0/16', '10.0.0.0/8', '::1', 'fc00::/7'] });
    expect(p.hostProblem('metadata.internal')).toMatch(/denyHosts/);
    expect(p.hostProblem('METADATA.internal.')).toMatch(/denyHosts/);
    expect(p.hostProblem('a.b.corp.example')).toMatch(/denyHosts/);
    expect(p.hostProblem('corp.example.com')).toBeNull();
    expect(p.hostProblem('169.254.169.254')).toMatch(/denyHosts/);
    expect(p.hostProblem('[::1]')).toMatch(/denyHosts/);
    expect(p.hostProblem('crm.example.com')).toBeNull();
    // a harmless name that resolves to a refused address (DNS rebinding)
    expect(p.addressProblem('crm.example.com', '10.1.2.3')).toMatch(/address 10.1.2.3 of crm.example.com is refused/);
    expect(p.addressProblem('crm.example.com', '::ffff:10.1.2.3')).toMatch(/refused/);
    expect(p.addressProblem('crm.example.com', 'fd00::5')).toMatch(/refused/);
    expect(p.addressProblem('crm.example.com', '203.0.113.9')).toBeNull();
  });
  it('allows only the allow list when it is not empty', () => {
    const p = new HostPolicy({ allowHosts: ['crm.example.com', '*.erp.example', '192.0.2.0/24'], denyHosts: ['192.0.2.66'] });
    expect(p.hostProblem('crm.example.com')).toBeNull();
    expect(p.hostProblem('x.erp.example')).toBeNull();
    expect(p.hostProblem('192.0.2.10')).toBeNull();
    expect(p.hostProblem('192.0.2.66')).toMatch(/denyHosts/);
    expect(p.hostProblem('198.51.100.1')).toMatch(/not in webhooks.allowHosts/);
    // a name may resolve into an allowed block: decided when connecting
    expect(p.hostProblem('other.example')).toBeNull();
    expect(p.addressProblem('other.example', '192.0.2.10')).toBeNull();
    expect(p.addressProblem('other.example', '198.51.100.1')).toMatch(/not in webhooks.allowHosts/);
    expect(p.addressProblem('crm.example.com', '198.51.100.1')).toBeNull();
    expect(new HostPolicy({ allowHosts: ['crm.example.com'], denyHosts: [] }).hostProblem('other.example')).toMatch(/not in webhooks.allowHosts/);
  });
  it('checks list entries', () => {
    for (const ok of ['crm.example.com', '*.example.com', '10.0.0.0/8', '::1', 'fc00::/7', 'localhost']) expect(hostEntryProblem(ok), ok).toBeNull();
    for (const bad of ['10.0.0.0/33', 'http://x', 'a/b/c', 'exa mple.com', '*.', '::1/129']) expect(hostEntryProblem(bad), bad).not.toBeNull();
  });
});

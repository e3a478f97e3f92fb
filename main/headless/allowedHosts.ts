import os from 'node:os';

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '']);

/** `[::1]` for an IPv6 address, the name itself otherwise: how it appears in a Host header. */
function hostForm(name: string): string {
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

/** This machine's interface addresses (without IPv6 zone ids, which browsers never send). */
function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && !entry.address.includes('%'))
    .map((entry) => entry!.address);
}

export interface AllowedHostsOptions {
  /** The address the server is bound to (a wildcard means every interface address). */
  bindHost: string;
  port: number;
  /** More names the user allowed (`name` or `name:port`), e.g. a tunnel's local port or a LAN name. */
  extra?: readonly string[];
}

/**
 * The Host header values the host answers to: the bound address, localhost, 127.0.0.1 and
 * [::1], each with the listening port (and bare on port 80). A page on another site that got its
 * name resolved to 127.0.0.1 (DNS rebinding) sends its own name, and is refused even before its
 * lack of a token is.
 */
export function allowedHosts(options: AllowedHostsOptions): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (WILDCARD_BINDS.has(options.bindHost)) names.push(...interfaceAddresses());
  else names.push(options.bindHost);
  const allowed = new Set<string>();
  for (const name of names) {
    const form = hostForm(name.toLowerCase());
    allowed.add(`${form}:${options.port}`);
    if (options.port === 80) allowed.add(form);
  }
  for (const entry of options.extra ?? []) {
    const form = entry.trim().toLowerCase();
    if (!form) continue;
    // "name:port" and "[v6]:port" carry their port; a bare name or v6 address takes the host's.
    const hasPort = /^\[.*\]:\d+$/.test(form) || /^[^:[\]]+:\d+$/.test(form);
    allowed.add(hasPort ? form : `${hostForm(form)}:${options.port}`);
  }
  return allowed;
}

export function hostAllowed(allowed: ReadonlySet<string>, host: string | undefined): boolean {
  return host !== undefined && allowed.has(host.toLowerCase());
}

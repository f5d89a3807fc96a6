import { isLoopbackHost } from './auth';

/**
 * DNS rebinding guard for ALERTS_AUTH=none (issue #28.7). Without a login, the only thing that
 * tells a page of this machine's own from a hostile page whose name was rebound to 127.0.0.1 is
 * the `Host` header the browser sends: the hostile page's name. So, as Jupyter
 * (jupyter_server `base/handlers.py` `check_host`: loopback or `local_hostnames`, unless
 * `allow_remote_access`) and
 * webpack-dev-server (`allowedHosts`, `lib/Server.js` `isValidHost`) do, only loopback names or a
 * configured name (ALERTS_ALLOWED_HOSTS) are served.
 */

/** `Host` header value → the bare name: `[::1]:8080` → `::1`, `Example.COM.:80` → `example.com`. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/** Whether a request with this `Host` may be served without authentication. */
export function hostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (hostHeader === undefined || hostHeader === '') return false;
  const name = hostName(hostHeader);
  if (name === '') return false;
  return isLoopbackHost(name) || allowedHosts.some((a) => a.toLowerCase().replace(/\.$/, '') === name);
}

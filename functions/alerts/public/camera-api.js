// @ts-check
// The cameras page's API calls and status line. The session cookie (set by /login) carries the
// identity; writes need the admin role.
import { $ } from './dom.js';

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>} the JSON answer (null when empty)
 * @throws Error "<status>: <error>" on a non-2xx answer
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${res.status}: ${(data && data.error) || res.statusText}`);
  return data;
}

/** @param {string} id */
export const camPath = (id) => `/api/cameras/${encodeURIComponent(id)}`;

/** @param {string} text @param {boolean} [error] */
export function say(text, error = false) {
  const m = $('msg');
  m.textContent = text;
  m.classList.toggle('error', error);
}

/** @param {unknown} err */
export const messageOf = (err) => (err instanceof Error ? err.message : String(err));

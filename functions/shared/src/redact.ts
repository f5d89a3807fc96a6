/**
 * Removes credentials from URLs in a text (`redis://:secret@host` → `redis://:***@host`), for
 * every message that may name REDIS_URL (issue #18.8: the Redis password was in a start-up error).
 */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s"']*)@/gi, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : '***'}@`;
  });
}

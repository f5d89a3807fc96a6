/**
 * The longest name an authenticated caller may have (a proxy user, `admin token`, …), checked
 * once, at authentication (functions/alerts/src/core/proxy-identity.ts), and the same bound every
 * record that stores a name applies on read (feedback `by`, an acknowledgement's `acknowledgedBy`).
 * One number, so a record accepted on write is never dropped on read (issue #28.12).
 */
export const IDENTITY_MAX_CHARS = 100;

import { randomBytes } from 'node:crypto';
import {
  maskPassword,
  openPassword,
  parseCredentialsKey,
  sealPassword,
  splitPassword,
  withPassword,
} from '../src/camera-registry/credentials';
import { publicEntry, sealBodyCredentials } from '../src/camera-registry/credential-input';
import { parseCameraEntry } from '../src/camera-registry/schema';
import { seedEntries } from '../src/camera-registry/seed';
import { cameraTarget } from '../../capture/src/core/camera-target';

const MARKER = 'Cam#Pass@2024-marker';
const ENCODED = encodeURIComponent(MARKER);
const key = randomBytes(32);

describe('camera credentials (issue #26.2)', () => {
  it('masks the password with new URL(), keeping user, host, port, path and the {N} template', () => {
    expect(splitPassword(`rtsp://admin:${ENCODED}@10.0.0.3:554/cam{N}?ch=1`)).toEqual({
      url: 'rtsp://admin:***@10.0.0.3:554/cam{N}?ch=1',
      password: MARKER,
    });
    expect(maskPassword('rtsp://10.0.0.3/live')).toBe('rtsp://10.0.0.3/live');
    expect(splitPassword('rtsp://admin:***@h/x')).toEqual({ url: 'rtsp://admin:***@h/x', password: undefined });
    expect(withPassword('rtsp://admin:***@h:554/x', MARKER)).toBe(`rtsp://admin:${ENCODED}@h:554/x`);
  });

  it('seals with AES-256-GCM: a fresh IV each time, opens only with the same key', () => {
    const a = sealPassword(MARKER, key);
    expect(a).not.toContain(MARKER);
    expect(a).not.toBe(sealPassword(MARKER, key));
    expect(openPassword(a, key)).toBe(MARKER);
    expect(() => openPassword(a, randomBytes(32))).toThrow();
    // one ciphertext bit flipped on the bytes, not on the text: the last base64url character of a body
    // whose length is not a multiple of 3 has unused low bits, so editing it may change nothing
    const [version, iv, tag, body] = a.split('.') as [string, string, string, string];
    const tampered = Buffer.from(body, 'base64url');
    tampered[0] = tampered[0]! ^ 1;
    expect(() => openPassword([version, iv, tag, tampered.toString('base64url')].join('.'), key)).toThrow();
  });

  it('parses a 32-byte key from base64 or hex only', () => {
    expect(parseCredentialsKey(key.toString('base64'))).toEqual(key);
    expect(parseCredentialsKey(key.toString('hex'))).toEqual(key);
    expect(parseCredentialsKey('short')).toBeUndefined();
  });

  it('stores a sent password sealed; a *** echo keeps it; another user or no key is refused; no password drops it', () => {
    const sent = sealBodyCredentials({ url: `rtsp://admin:${ENCODED}@h/x`, credential: 'forged' }, undefined, key) as {
      url: string;
      credential: string;
    };
    expect(sent.url).toBe('rtsp://admin:***@h/x');
    expect(openPassword(sent.credential, key)).toBe(MARKER);
    const stored = parseCameraEntry({ id: 'c', ...sent });
    expect(JSON.stringify(stored)).not.toContain(MARKER);
    // the dashboard echoes what it was shown: the stored password stays
    expect(sealBodyCredentials({ url: 'rtsp://admin:***@h2/x' }, stored, key)).toMatchObject({
      url: 'rtsp://admin:***@h2/x',
      credential: sent.credential,
    });
    // a PATCH without url keeps everything (merged by patchCameraEntry)
    expect(sealBodyCredentials({ enabled: false, credential: 'x' }, stored, key)).toEqual({ enabled: false });
    expect(() => sealBodyCredentials({ url: 'rtsp://other:***@h/x' }, stored, key)).toThrow(/same user/);
    expect(() => sealBodyCredentials({ url: `rtsp://admin:${ENCODED}@h/x` }, undefined, undefined)).toThrow(
      /CAMERA_CREDENTIALS_KEY/,
    );
    expect(sealBodyCredentials({ url: 'rtsp://h/x' }, stored, key)).toEqual({
      url: 'rtsp://h/x',
      credential: undefined,
    });
  });

  it('API answers: no credential, and even a legacy clear password masked', () => {
    const legacy = parseCameraEntry({ id: 'c', url: `rtsp://admin:${ENCODED}@h/x`, credential: 'v1.a.b.c' });
    expect(JSON.stringify(publicEntry(legacy))).not.toMatch(new RegExp(`${ENCODED}|credential`));
  });

  it('seeded entries never hold the template password; capture takes it from the template', () => {
    const template = `rtsp://admin:${ENCODED}@10.0.0.9:554/cam{N}`;
    const [cam1] = seedEntries({ numStreams: 1, rtspUrlTemplate: template });
    expect(cam1!.url).toBe('rtsp://admin:***@10.0.0.9:554/cam1');
    expect(cameraTarget(cam1!, { template, transport: 'udp' })).toEqual({
      url: `rtsp://admin:${ENCODED}@10.0.0.9:554/cam1`,
      transport: 'udp',
    });
  });

  it('capture opens a sealed password and uses the entry transport over RTSP_TRANSPORT', () => {
    const entry = { url: 'rtsp://admin:***@h/x', credential: sealPassword(MARKER, key), transport: 'tcp' as const };
    expect(cameraTarget(entry, { key, template: '', transport: 'udp' })).toEqual({
      url: `rtsp://admin:${ENCODED}@h/x`,
      transport: 'tcp',
    });
    // wrong key: the masked URL (the camera answers 401), nothing thrown, nothing printed
    expect(cameraTarget(entry, { key: randomBytes(32), template: '', transport: 'udp' }).url).toBe(
      'rtsp://admin:***@h/x',
    );
  });
});

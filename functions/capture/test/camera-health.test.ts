import { initialHealth, onClip, onTick } from '../src/core/camera-health';

describe('camera health state machine', () => {
  const OFF = 20_000;

  it('goes offline after the offline time without a clip, counting from start-up', () => {
    const s = initialHealth(0);
    expect(onTick(s, OFF - 1, OFF).transition).toBeUndefined();
    expect(onTick(s, OFF, OFF).transition).toMatchObject({ to: 'offline' });
  });

  it('gives the first clip one extra segment of grace', () => {
    const s = initialHealth(0);
    expect(onTick(s, OFF + 4_999, OFF, 5_000).transition).toBeUndefined();
    expect(onTick(s, OFF + 5_000, OFF, 5_000).transition).toMatchObject({ to: 'offline' });
  });

  it('counts from the last clip once clips arrive', () => {
    const { state } = onClip(initialHealth(0), 15_000);
    expect(onTick(state, 15_000 + OFF - 1, OFF).transition).toBeUndefined();
    expect(onTick(state, 15_000 + OFF, OFF)).toMatchObject({
      transition: { to: 'offline' },
      state: { status: 'offline' },
    });
  });

  it('announces offline once, and online only as a recovery', () => {
    const first = onClip(initialHealth(0), 1000);
    expect(first).toMatchObject({ announce: false, state: { status: 'online' } });
    const off = onTick(first.state, 1000 + OFF, OFF);
    expect(off.transition?.to).toBe('offline');
    expect(onTick(off.state, 1000 + 2 * OFF, OFF).transition).toBeUndefined();
    expect(onClip(off.state, 50_000)).toMatchObject({ announce: true, transition: { to: 'online' } });
  });

  it('carries an offline status over from a previous owner', () => {
    expect(onClip(initialHealth(0, 'offline'), 10).announce).toBe(true);
  });

  it('does not repeat online for every clip', () => {
    const a = onClip(initialHealth(0), 1);
    expect(onClip(a.state, 2).transition).toBeUndefined();
  });

  it('a clip whose media ended before the camera went offline (announced late) does not bring it back', () => {
    let s = onClip(initialHealth(0), 1000).state;
    s = onTick(s, 9000, 7000).state;
    expect(s.status).toBe('offline');
    const stale = onClip(s, 8000);
    expect(stale.transition).toBeUndefined();
    expect(stale.state.status).toBe('offline');
    const fresh = onClip(stale.state, 12_000);
    expect(fresh.transition?.to).toBe('online');
    expect(fresh.announce).toBe(true);
  });
});

import { claimWindowMs, handoffStep, handOffOnStop, otherLiveReplicas } from '../src/core/handoff';

describe('make-before-break hand-over decisions', () => {
  it('counts only the other replicas that heartbeated recently', () => {
    const now = 100_000;
    const beats: [string, number][] = [
      ['me', now],
      ['fresh', now - 1000],
      ['edge', now - 5000],
      ['dead', now - 5001],
    ];
    expect(otherLiveReplicas(beats, 'me', now, 5000)).toEqual(['fresh', 'edge']);
    expect(otherLiveReplicas([['me', now]], 'me', now, 5000)).toEqual([]);
  });

  it('hands over on stop only in lease mode, with the bound on, cameras held and another live replica', () => {
    const base = { leaseMode: true, timeoutMs: 15_000, owned: 2, otherLive: 1 };
    expect(handOffOnStop(base)).toBe(true);
    // alone (npm start's Ctrl-C, one replica): stop at once, as before
    expect(handOffOnStop({ ...base, otherLive: 0 })).toBe(false);
    expect(handOffOnStop({ ...base, leaseMode: false })).toBe(false);
    expect(handOffOnStop({ ...base, timeoutMs: 0 })).toBe(false);
    expect(handOffOnStop({ ...base, owned: 0 })).toBe(false);
  });

  const o = { elapsedMs: 1000, timeoutMs: 15_000, claimWindowMs: 4000 };

  it('waits while the new owner has claimed but not yet recorded, and while the claim may still come', () => {
    expect(handoffStep({ holder: 'b', recordedBy: undefined }, o)).toEqual({ action: 'wait' });
    expect(handoffStep({ holder: undefined, recordedBy: undefined }, o)).toEqual({ action: 'wait' });
    // a marker of another replica (not the holder) says nothing about this hand-over
    expect(handoffStep({ holder: 'b', recordedBy: 'c' }, { ...o, elapsedMs: 10_000 })).toEqual({ action: 'wait' });
  });

  it('stops once the lease holder has recorded the camera', () => {
    expect(handoffStep({ holder: 'b', recordedBy: 'b' }, o)).toEqual({ action: 'stop', why: 'recorded' });
    expect(handoffStep({ holder: 'b', recordedBy: 'b' }, { ...o, elapsedMs: 20_000 })).toEqual({
      action: 'stop',
      why: 'recorded',
    });
  });

  it('gives up when nobody claims within the claim window, or at the timeout', () => {
    expect(handoffStep({ holder: undefined, recordedBy: undefined }, { ...o, elapsedMs: 4000 })).toEqual({
      action: 'stop',
      why: 'unclaimed',
    });
    // claimed but never recorded: bounded by the timeout, not the claim window
    expect(handoffStep({ holder: 'b', recordedBy: undefined }, { ...o, elapsedMs: 14_999 })).toEqual({
      action: 'wait',
    });
    expect(handoffStep({ holder: 'b', recordedBy: undefined }, { ...o, elapsedMs: 15_000 })).toEqual({
      action: 'stop',
      why: 'timeout',
    });
  });

  it('allows two of the taker’s lease rounds and a second for a claim', () => {
    expect(claimWindowMs(5000)).toBe(11_000);
    expect(claimWindowMs(1333)).toBe(3666);
  });
});

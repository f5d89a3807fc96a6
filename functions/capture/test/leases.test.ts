import { claimCandidates, fairShare, renewIntervalMs, replicaOffset, surplus } from '../src/core/leases';

const cams = ['cam1', 'cam2', 'cam3', 'cam4', 'cam5'];

describe('lease decisions', () => {
  it('tries every camera we do not own while below the share (others may hold some)', () => {
    expect(claimCandidates(cams, new Set(['cam1']), 3)).toEqual(['cam2', 'cam3', 'cam4', 'cam5']);
    expect(claimCandidates(cams, new Set(['cam1', 'cam2']), 2)).toEqual([]);
  });

  it('rotates the start so replicas do not all race for cam1', () => {
    expect(claimCandidates(cams, new Set(), 2, 3).slice(0, 2)).toEqual(['cam4', 'cam5']);
    expect(claimCandidates(cams, new Set(), 5, 3)).toEqual(['cam4', 'cam5', 'cam1', 'cam2', 'cam3']);
  });

  it('shares cameras evenly over live replicas, capped by CAPTURE_MAX_CAMERAS', () => {
    expect(fairShare(10, 1, 100)).toBe(10);
    expect(fairShare(10, 2, 100)).toBe(5);
    expect(fairShare(10, 3, 100)).toBe(4);
    expect(fairShare(10, 0, 100)).toBe(10);
    expect(fairShare(10, 1, 4)).toBe(4);
  });

  it('hands back one camera per round above the share', () => {
    expect(surplus(['cam1', 'cam2', 'cam3'], 2)).toEqual(['cam3']);
    expect(surplus(['cam1', 'cam2'], 2)).toEqual([]);
  });

  it('renews at a third of the TTL, stably offsets by replica id', () => {
    expect(renewIntervalMs(15)).toBe(5000);
    expect(replicaOffset('a', 10)).toBe(replicaOffset('a', 10));
    expect(replicaOffset('a', 10)).toBeLessThan(10);
  });
});

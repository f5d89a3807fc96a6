import { isSlice, mdatPayloadOffset, parameterSets, toAnnexB } from '../src/core/annexb';

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => Buffer.from([n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const avcC = Buffer.concat([
  Buffer.from([1, 0x42, 0xc0, 0x1e, 0xff, 0xe1]), // lengthSizeMinusOne 3, one SPS
  u16(SPS.length),
  SPS,
  Buffer.from([1]),
  u16(PPS.length),
  PPS,
]);

describe('parameterSets', () => {
  it('reads the SPS and PPS and the NAL length size of an avcC', () => {
    expect(parameterSets('avc1', avcC)).toEqual({ codec: 'h264', lengthSize: 4, nals: [SPS, PPS] });
  });

  it('reads every array of an hvcC (VPS, SPS, PPS)', () => {
    const [vps, sps, pps] = [Buffer.from([0x40, 1]), Buffer.from([0x42, 1, 2]), Buffer.from([0x44, 1])];
    const arrays = [
      [32, vps],
      [33, sps],
      [34, pps],
    ] as const;
    const hvcC = Buffer.concat([
      Buffer.alloc(21),
      Buffer.from([0xfc | 3, arrays.length]), // lengthSizeMinusOne 3
      ...arrays.flatMap(([type, nal]) => [Buffer.from([type]), u16(1), u16(nal.length), nal]),
    ]);
    expect(parameterSets('hvc1', hvcC)).toEqual({ codec: 'hevc', lengthSize: 4, nals: [vps, sps, pps] });
  });

  it('refuses a configuration whose lengths run past the box, and codecs it cannot rebuild', () => {
    expect(parameterSets('avc1', avcC.subarray(0, avcC.length - 2))).toBeUndefined();
    expect(parameterSets('mp4v', avcC)).toBeUndefined();
  });
});

describe('mdatPayloadOffset', () => {
  const box = (type: string, body: Buffer, size = 8 + body.length) =>
    Buffer.concat([u32(size), Buffer.from(type), body]);
  it('finds the payload of an mdat whose size the killed muxer never wrote (0)', () => {
    const file = Buffer.concat([
      box('ftyp', Buffer.alloc(24)),
      box('free', Buffer.alloc(0)),
      box('mdat', Buffer.from([9]), 0),
    ]);
    expect(mdatPayloadOffset(file)).toBe(32 + 8 + 8);
  });
  it('has none without an mdat', () => {
    expect(mdatPayloadOffset(box('ftyp', Buffer.alloc(24)))).toBeUndefined();
  });
});

describe('toAnnexB', () => {
  const ps = { codec: 'h264' as const, lengthSize: 4, nals: [SPS, PPS] };
  const nal = (n: number) => Buffer.alloc(n, n);
  it('puts the parameter sets first and a start code before each whole NAL, dropping the cut-off last one', () => {
    const payload = Buffer.concat([u32(3), nal(3), u32(5), nal(5), u32(100), nal(10)]);
    const { stream, nals, slices } = toAnnexB(payload, ps);
    expect(nals).toBe(2);
    expect(slices).toBe(2); // types 3 and 5 (the fill byte): slices
    const sc = Buffer.from([0, 0, 0, 1]);
    expect(stream).toEqual(Buffer.concat([sc, SPS, sc, PPS, sc, nal(3), sc, nal(5)]));
  });
  it('stops at a zero length (bytes never written)', () => {
    expect(toAnnexB(Buffer.concat([u32(2), nal(2), Buffer.alloc(16)]), ps).nals).toBe(1);
  });
  it('counts slices apart from other NAL units (an SEI, an access unit delimiter)', () => {
    const sei = Buffer.from([0x06, 5, 1]);
    const aud = Buffer.from([0x09, 0xf0]);
    expect(toAnnexB(Buffer.concat([u32(3), sei, u32(2), aud]), ps)).toMatchObject({ nals: 2, slices: 0 });
    expect(isSlice('hevc', 0x26)).toBe(true); // IDR_W_RADL (19)
    expect(isSlice('hevc', 0x4e)).toBe(false); // prefix SEI (39)
  });
});

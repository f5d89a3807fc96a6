/** The CloudEvent publisher against a real HTTP sink. */
import pino from 'pino';
import { Registry } from 'prom-client';
import { HTTP } from 'cloudevents';
import { Publisher } from '../src/cloudevents';
import { EventType } from '../src/events';
import { RetryableError, UnrecoverableError } from '../src/errors';
import { startCloudEventSink } from '../../../test/support';

const logger = pino({ level: 'silent' });
const online = { cameraId: 'cam2', status: 'online' as const, at: '2026-11-28T20:40:00.000Z' };

describe('Publisher', () => {
  let sink: Awaited<ReturnType<typeof startCloudEventSink>>;
  afterEach(async () => sink?.close());

  test('posts a binary-mode CloudEvent with source /cameras/<id> and the cameraid extension', async () => {
    sink = await startCloudEventSink({ status: 200 });
    const registry = new Registry();
    const p = new Publisher({ sink: sink.url, maxRetries: 0, timeoutMs: 2000, logger, registry });
    await p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: online, id: 'evt-1' });
    expect(sink.received).toHaveLength(1);
    const r = sink.received[0]!;
    expect(r.headers['ce-type']).toBe('com.safetyhanta.camera.online');
    expect(r.headers['ce-source']).toBe('/cameras/cam2');
    expect(r.headers['ce-cameraid']).toBe('cam2');
    expect(r.headers['ce-id']).toBe('evt-1');
    const event = HTTP.toEvent({ headers: r.headers, body: r.body });
    expect(Array.isArray(event) ? undefined : event.data).toEqual(online);
    expect(await registry.getSingleMetricAsString('safetyhanta_events_published_total')).toMatch(/camera.online"} 1/);
  });

  test('retries 503 and 429 with backoff, then delivers once', async () => {
    sink = await startCloudEventSink({ statuses: [503, 429], status: 200 });
    const registry = new Registry();
    const p = new Publisher({ sink: sink.url, maxRetries: 3, timeoutMs: 2000, logger, registry, backoff: () => 10 });
    await p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: online });
    expect(sink.received).toHaveLength(3);
    expect(await registry.getSingleMetricAsString('safetyhanta_events_publish_retries_total')).toMatch(/} 2/);
  });

  test('a 400 from the sink is not retried; the failure is counted and thrown, never silent', async () => {
    sink = await startCloudEventSink({ statuses: [400], status: 200 });
    const registry = new Registry();
    const p = new Publisher({ sink: sink.url, maxRetries: 3, timeoutMs: 2000, logger, registry, backoff: () => 10 });
    await expect(p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: online })).rejects.toBeInstanceOf(
      RetryableError,
    );
    expect(sink.received).toHaveLength(1);
    expect(await registry.getSingleMetricAsString('safetyhanta_events_publish_failed_total')).toMatch(
      /reason="status"} 1/,
    );
  });

  test('a sink that is down: retries exhausted, RetryableError that says what to check', async () => {
    sink = await startCloudEventSink({ status: 200 });
    const url = sink.url;
    await sink.close();
    const p = new Publisher({ sink: url, maxRetries: 2, timeoutMs: 500, logger, backoff: () => 5 });
    await expect(p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: online })).rejects.toThrow(
      /Check that the sink is up/,
    );
  });

  test('invalid data is refused before anything is sent', async () => {
    sink = await startCloudEventSink({ status: 200 });
    const p = new Publisher({ sink: sink.url, maxRetries: 0, timeoutMs: 500, logger });
    const bad = { ...online, status: 'sideways' } as unknown as typeof online;
    await expect(p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: bad })).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(sink.received).toHaveLength(0);
  });

  test('K_SINK unset: logs only and still validates', async () => {
    const p = new Publisher({ sink: undefined, maxRetries: 0, timeoutMs: 500, logger });
    const event = await p.publish({ type: EventType.cameraOnline, cameraId: 'cam2', data: online });
    expect(event.type).toBe(EventType.cameraOnline);
  });
});

import { describe, expect, it } from 'vitest';
import { parseDataPlaneEnv } from './env.ts';

describe('parseDataPlaneEnv', () => {
  it('applies defaults', () => {
    const result = parseDataPlaneEnv({});
    expect(result).toEqual({
      ok: true,
      config: {
        port: 8080,
        host: '127.0.0.1',
        redisUrl: undefined,
        busPrefix: 'tollgate',
        secretKey: undefined,
        dataDir: '.tollgate',
        maxBodyBytes: 4 * 1024 * 1024,
        limitsLocalShare: 1,
        logLevel: 'info',
        drainTimeoutMs: 25_000,
        instanceId: undefined,
        heartbeatIntervalMs: 5_000,
        snapshotDir: undefined,
        otlpEndpoint: undefined,
        serviceName: 'tollgate-data-plane',
      },
    });
  });

  it('reads the standard OpenTelemetry variables', () => {
    const result = parseDataPlaneEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', OTEL_SERVICE_NAME: 'gw' });
    expect(result.ok && result.config.otlpEndpoint).toBe('http://otel-collector:4318');
    expect(result.ok && result.config.serviceName).toBe('gw');
    expect(parseDataPlaneEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }).ok).toBe(false);
  });

  it('reads every variable', () => {
    const result = parseDataPlaneEnv({
      DATA_PLANE_PORT: '0',
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://localhost:6379/0',
      TOLLGATE_BUS_PREFIX: 'tg-test',
      TOLLGATE_SECRET_KEY: 'k1:abc',
      TOLLGATE_DATA_DIR: '/var/lib/tollgate',
      TOLLGATE_MAX_BODY_BYTES: '1024',
      LOG_LEVEL: 'debug',
    });
    expect(result).toMatchObject({ ok: true, config: { port: 0, host: '0.0.0.0', redisUrl: 'redis://localhost:6379/0', busPrefix: 'tg-test', secretKey: 'k1:abc', dataDir: '/var/lib/tollgate', maxBodyBytes: 1024, logLevel: 'debug', snapshotDir: '/var/lib/tollgate' } });
  });

  it('reports every error at once, and treats empty as unset', () => {
    const result = parseDataPlaneEnv({ DATA_PLANE_PORT: '99999', REDIS_URL: 'http://nope', TOLLGATE_MAX_BODY_BYTES: '-1', TOLLGATE_BUS_PREFIX: 'a b', HOST: '' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(4);
    for (const name of ['DATA_PLANE_PORT', 'REDIS_URL', 'TOLLGATE_MAX_BODY_BYTES', 'TOLLGATE_BUS_PREFIX']) {
      expect(result.errors.some((error) => error.startsWith(`${name}:`))).toBe(true);
    }
  });
});

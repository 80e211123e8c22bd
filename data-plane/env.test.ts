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
        secretKeyKdf: 'none',
        byokAllowedCidrs: [],
        dataDir: '.tollgate',
        maxBodyBytes: 4 * 1024 * 1024,
        limitsLocalShare: 1,
        cacheMemoryBytes: 64 * 1024 * 1024,
        logLevel: 'info',
        drainTimeoutMs: 25_000,
        instanceId: undefined,
        heartbeatIntervalMs: 5_000,
        idleMemoryReturn: true,
        snapshotStaleAfterMs: 10_000,
        snapshotDir: undefined,
        otlpEndpoint: undefined,
        serviceName: 'tollgate-data-plane',
        routing: { retry: {}, timeouts: {}, cooldown: {} },
      },
    });
  });

  it('reads the routing defaults, leaving unset ones to the built-in defaults', () => {
    const result = parseDataPlaneEnv({
      TOLLGATE_MAX_ATTEMPTS: '3',
      TOLLGATE_MAX_ATTEMPTS_PER_MODEL: '2',
      TOLLGATE_RETRY_BACKOFF_MS: '100',
      TOLLGATE_TIMEOUT_CONNECT_MS: '2000',
      TOLLGATE_TIMEOUT_FIRST_BYTE_MS: '15000',
      TOLLGATE_TIMEOUT_IDLE_MS: '30000',
      TOLLGATE_COOLDOWN_FAILURES: '5',
      TOLLGATE_COOLDOWN_MS: '10000',
    });
    expect(result.ok && result.config.routing).toEqual({
      retry: { maxAttempts: 3, maxAttemptsPerModel: 2, backoffBaseMs: 100 },
      timeouts: { connectMs: 2000, firstByteMs: 15000, idleMs: 30000 },
      cooldown: { failuresToCool: 5, cooldownMs: 10000 },
    });
    const bad = parseDataPlaneEnv({ TOLLGATE_MAX_ATTEMPTS: '0', TOLLGATE_TIMEOUT_TOTAL_MS: 'soon' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((error) => error.split(':')[0]).sort()).toEqual(['TOLLGATE_MAX_ATTEMPTS', 'TOLLGATE_TIMEOUT_TOTAL_MS']);
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
      TOLLGATE_SECRET_KEY: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
      TOLLGATE_BYOK_ALLOWED_CIDRS: '10.1.0.0/16, fd00::/8',
      TOLLGATE_DATA_DIR: '/var/lib/tollgate',
      TOLLGATE_MAX_BODY_BYTES: '1024',
      LOG_LEVEL: 'debug',
      TOLLGATE_IDLE_MEMORY_RETURN: 'off',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        port: 0,
        host: '0.0.0.0',
        redisUrl: 'redis://localhost:6379/0',
        busPrefix: 'tg-test',
        secretKey: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
        byokAllowedCidrs: ['10.1.0.0/16', 'fd00::/8'],
        dataDir: '/var/lib/tollgate',
        maxBodyBytes: 1024,
        logLevel: 'debug',
        snapshotDir: '/var/lib/tollgate',
        idleMemoryReturn: false,
      },
    });
  });

  it('reports every error at once, and treats empty as unset', () => {
    const result = parseDataPlaneEnv({
      DATA_PLANE_PORT: '99999',
      REDIS_URL: 'http://nope',
      TOLLGATE_MAX_BODY_BYTES: '-1',
      TOLLGATE_BUS_PREFIX: 'a b',
      HOST: '',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(4);
    for (const name of ['DATA_PLANE_PORT', 'REDIS_URL', 'TOLLGATE_MAX_BODY_BYTES', 'TOLLGATE_BUS_PREFIX']) {
      expect(result.errors.some((error) => error.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('REDIS_URL may name a Redis Cluster (redis+cluster://host:port,...), checked at start', () => {
    expect(parseDataPlaneEnv({ REDIS_URL: 'redis+cluster://a:7000,b:7001' }).ok).toBe(true);
    const bad = parseDataPlaneEnv({ REDIS_URL: 'redis+cluster://a' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([expect.stringMatching(/^REDIS_URL: cluster node "a" is not host:port/)]);
  });
});

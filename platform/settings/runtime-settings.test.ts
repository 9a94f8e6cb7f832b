import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { readSettings } from './runtime-settings.js';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

function configError(env: Record<string, string>): string {
  try {
    readSettings({ ...base, ...env });
  } catch (err) {
    expect(isOutputstraatError(err, 'OST_ERR_CONFIG')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('readSettings accepted the environment');
}

describe('runtime settings: the internal port', () => {
  it('serves metrics on 0.0.0.0:9464 unless METRICS_HOST and METRICS_PORT say otherwise', () => {
    expect(readSettings(base)).toMatchObject({ port: 8080, metricsHost: '0.0.0.0', metricsPort: 9464 });
    expect(readSettings({ ...base, METRICS_HOST: '10.0.0.7', METRICS_PORT: '9100' })).toMatchObject({
      metricsHost: '10.0.0.7',
      metricsPort: 9100,
    });
  });

  it('refuses a METRICS_PORT that is not a port, or is the public port, naming the variable', () => {
    expect(configError({ METRICS_PORT: 'metrics' })).toMatch(/METRICS_PORT=metrics is not a TCP port/);
    expect(configError({ METRICS_PORT: '70000' })).toMatch(/METRICS_PORT/);
    expect(configError({ PORT: '9000', METRICS_PORT: '9000' })).toMatch(
      /METRICS_PORT=9000 is also PORT.*set METRICS_PORT to another port/,
    );
  });
});

describe('OST_STREAM_REPLICAS', () => {
  it('is 1 unless set, so a single nats-server works as before', () => {
    expect(readSettings(base).streamReplicas).toBe(1);
  });

  it('asks for three copies of every stream in a three-node cluster', () => {
    expect(readSettings({ ...base, OST_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
  });

  it.each(['0', '6', 'three'])('refuses %s and says what to use', (value) => {
    let thrown: unknown;
    try {
      readSettings({ ...base, OST_STREAM_REPLICAS: value });
    } catch (err) {
      thrown = err;
    }
    expect(isOutputstraatError(thrown, 'OST_ERR_CONFIG')).toBe(true);
    expect((thrown as Error).message).toContain(`OST_STREAM_REPLICAS=${value}`);
    expect((thrown as Error).message).toContain('use 1 for a single nats-server, 3 for a three-node cluster');
  });
});

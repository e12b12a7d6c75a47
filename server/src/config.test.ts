import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs on the embedded default with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      publicUrl: undefined,
      secureCookies: false,
    });
  });

  it('treats empty variables as unset, as docker-compose passes them', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '', PORT: '' }).port).toBe(3000);
  });

  it('marks cookies Secure when Hearth is reached over https', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://hearth.example.org/' });
    expect(config.publicUrl).toBe('https://hearth.example.org');
    expect(config.secureCookies).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a port number/],
    [{ SESSION_TTL_HOURS: '0' }, /SESSION_TTL_HOURS must be a whole number of hours from 1 to 720/],
    [{ PORT: ' ' }, /PORT must be a port number/],
    [{ PORT: '1e3' }, /PORT must be a port number/],
    [{ PORT: '0x50' }, /PORT must be a port number/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be true or false/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL must be a URL/],
    [{ METRICS_TOKEN: 'short' }, /^(?!.*short\b.*short).*METRICS_TOKEN must be at least 24 characters/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a bad value, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2-secret@h/db' })).toThrow(
      /^(?!.*hunter2).*DATABASE_URL/,
    );
  });
});

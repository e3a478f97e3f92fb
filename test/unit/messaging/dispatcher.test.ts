import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../main/messaging/Dispatcher';

const info = {
  name: 'Z1 Workbench',
  version: '0',
  host: 'cli' as const,
  platform: 'linux',
  arch: 'x64',
  nodeVersion: '20',
  storeDir: '/tmp/s',
  startupNotebook: null,
};

describe('Dispatcher', () => {
  const dispatcher = new Dispatcher({ 'app.info': () => info });

  it('answers a valid request with the handler result and the same id', async () => {
    expect(await dispatcher.handle({ type: 'request', id: 7, method: 'app.info', params: {} })).toEqual({
      type: 'response',
      id: 7,
      result: info,
    });
  });

  it('names the field of a malformed envelope', async () => {
    const answer = await dispatcher.handle({ type: 'request', id: 3, method: 42, params: {} });
    expect(answer).toMatchObject({ id: 3, error: { code: 'invalid-params', path: 'message.method' } });
  });

  it('names an unexpected parameter', async () => {
    const answer = await dispatcher.handle({ type: 'request', id: 4, method: 'app.info', params: { bogus: 1 } });
    expect(answer).toMatchObject({ id: 4, error: { code: 'invalid-params', path: 'params' } });
    expect('error' in answer && answer.error.message).toContain('bogus');
  });

  it('rejects an unknown method by name', async () => {
    const answer = await dispatcher.handle({ type: 'request', id: 5, method: 'nope.never', params: {} });
    expect(answer).toEqual({
      type: 'response',
      id: 5,
      error: { code: 'unknown-method', message: 'message.method: unknown method "nope.never"', path: 'message.method' },
    });
  });

  it('answers non-objects with id -1 instead of throwing', async () => {
    expect(await dispatcher.handle('junk')).toMatchObject({ id: -1, error: { code: 'invalid-params', path: 'message' } });
    expect(await dispatcher.handle(null)).toMatchObject({ id: -1, error: { code: 'invalid-params' } });
  });

  it('relays engine methods with validated params and keeps host methods local', async () => {
    const relayed: unknown[] = [];
    const relaying = new Dispatcher({}, async (request) => {
      relayed.push(request);
      return { type: 'response', id: request.id, result: { pid: 1, uptimeMs: 2 } };
    });
    expect(await relaying.handle({ type: 'request', id: 9, method: 'engine.ping', params: {} })).toEqual({
      type: 'response',
      id: 9,
      result: { pid: 1, uptimeMs: 2 },
    });
    expect(relayed).toEqual([{ type: 'request', id: 9, method: 'engine.ping', params: {} }]);
    const local = await relaying.handle({ type: 'request', id: 10, method: 'app.info', params: {} });
    expect(local).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('turns a throwing handler into an error response', async () => {
    const failing = new Dispatcher({
      'app.info': () => {
        throw new Error('disk on fire');
      },
    });
    expect(await failing.handle({ type: 'request', id: 1, method: 'app.info', params: {} })).toEqual({
      type: 'response',
      id: 1,
      error: { code: 'failed', message: 'disk on fire' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seededRandom } from '../../../common/math/seededRandom';
import { fuzzCase, type FuzzCase } from './fuzzTraffic';
import { closeCodeOf, connectRaw, statusOf } from './rawWebSocket';
import { appInfo, startServe, type ServeProcess } from './serveProcess';

// Reproduce a failure with the printed seed: Z1WB_FUZZ_SEED=… npx vitest run test/integration/headless/hostFuzz.test.ts
const SEED = Number(process.env.Z1WB_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SECONDS = Number(process.env.Z1WB_FUZZ_SECONDS ?? 12);
const CONNECTIONS = 8;
/** How long a case waits for the host to answer or close before it hangs up itself. */
const CASE_MS = 400;

async function play(port: number, c: FuzzCase): Promise<Buffer> {
  const conn = await connectRaw(port);
  const closed = conn.closed.then(() => true);
  for (const bytes of c.writes) {
    if (conn.socket.destroyed) break;
    conn.socket.write(bytes);
    // Let an upgrade's 101 come back before the frames follow.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5))]);
  }
  if (c.reset) conn.socket.resetAndDestroy();
  else await Promise.race([closed, new Promise((r) => setTimeout(r, CASE_MS))]);
  conn.socket.destroy();
  return conn.received();
}

/** An authorised request and answer over a fresh WebSocket. */
async function socketRoundTrip(t: ServeProcess): Promise<unknown> {
  const client = new WebSocket(`ws://127.0.0.1:${t.port}/api/ws?token=${t.token}`);
  try {
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const answer = new Promise((resolve) => client.once('message', (data) => resolve(JSON.parse(data.toString()))));
    client.send(JSON.stringify({ type: 'request', id: 41, method: 'app.info', params: {} }));
    return await answer;
  } finally {
    client.terminate();
  }
}

describe(`fuzzing a real z1wb serve process for ${SECONDS} s (seed ${SEED})`, () => {
  let t: ServeProcess;
  beforeAll(async () => {
    console.log(`host fuzz: seed ${SEED} (set Z1WB_FUZZ_SEED=${SEED} to replay)`);
    t = await startServe();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(
    'is still serving after random and malformed HTTP and WebSocket traffic, with and without the token',
    async () => {
      const target = { port: t.port, token: t.token };
      const deadline = Date.now() + SECONDS * 1000;
      const kinds = new Map<string, number>();
      const statuses = new Set<number>();
      const closeCodes = new Set<number>();
      const recent: string[] = [];
      let next = 0;
      const context = () => `seed ${SEED}; last cases: ${recent.join(' | ')}\nhost stderr: ${t.stderr().slice(-2000)}`;

      const worker = async () => {
        while (Date.now() < deadline && t.alive()) {
          const index = next++;
          const c = fuzzCase(seededRandom(SEED + index), target);
          recent.push(`#${index} ${c.kind}`);
          if (recent.length > 2 * CONNECTIONS) recent.shift();
          kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
          const received = await play(t.port, c).catch(() => Buffer.alloc(0));
          const status = statusOf(received);
          if (status !== null) statuses.add(status);
          const code = closeCodeOf(received);
          if (status === 101 && code !== null) closeCodes.add(code);
        }
      };
      const watcher = async () => {
        while (Date.now() < deadline && t.alive()) {
          await new Promise((r) => setTimeout(r, 2000));
          expect(t.alive(), context()).toBe(true);
          expect((await appInfo(t.origin, t.token)).status, context()).toBe(200);
        }
      };
      await Promise.all([...Array.from({ length: CONNECTIONS }, worker), watcher()]);

      expect(t.alive(), context()).toBe(true);
      expect((await appInfo(t.origin, t.token)).body, context()).toMatchObject({
        id: 7,
        result: { name: 'Z1 Workbench' },
      });
      expect(await socketRoundTrip(t), context()).toMatchObject({ id: 41, result: { host: 'headless' } });
      console.log(
        `host fuzz: ${next} cases`,
        Object.fromEntries(kinds),
        'statuses',
        [...statuses].sort(),
        'close codes',
        [...closeCodes].sort(),
      );
      // The traffic reached every layer (refusals, parse errors, upgrades, the frame parser), also on a
      // busy machine: these are each a sizeable share of the cases.
      expect(next).toBeGreaterThan(100);
      for (const status of [101, 400, 401]) expect(statuses, `status ${status} seen`).toContain(status);
      expect(closeCodes, 'a protocol error closed a socket').toContain(1002);
    },
    (SECONDS + 30) * 1000,
  );
});

import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/loadDataset';

/** A stand-in for the Hub: the Parquet listing API and the files, one gated dataset. */
const GSM = Buffer.from(
  parquetWriteBuffer({
    columnData: [
      { name: 'question', data: ['Tom has 3 apples and buys 4. How many?', 'Half of 10?'], type: 'STRING' },
      { name: 'answer', data: ['3 + 4 = 7\n#### 7', '10 / 2 = 5\n#### 5'], type: 'STRING' },
    ],
  }),
);
const GPQA = Buffer.from(
  parquetWriteBuffer({
    columnData: [
      { name: 'Record ID', data: ['rec1'], type: 'STRING' },
      { name: 'Question', data: ['Which particle is a lepton?'], type: 'STRING' },
      { name: 'Correct Answer', data: ['electron'], type: 'STRING' },
      { name: 'Incorrect Answer 1', data: ['proton'], type: 'STRING' },
      { name: 'Incorrect Answer 2', data: ['neutron'], type: 'STRING' },
      { name: 'Incorrect Answer 3', data: ['pion'], type: 'STRING' },
    ],
  }),
);

let server: Server;
let endpoint: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const gated = req.url!.includes('Idavidrein/gpqa');
    if (gated && req.headers.authorization !== 'Bearer hf_secret') {
      res.writeHead(401).end('{"error":"Access to dataset Idavidrein/gpqa is restricted"}');
      return;
    }
    const listing: Record<string, string> = {
      '/api/datasets/openai/gsm8k/parquet/main/test':
        'https://huggingface.co/api/datasets/openai/gsm8k/parquet/main/test/0.parquet',
      '/api/datasets/Idavidrein/gpqa/parquet/gpqa_diamond/train':
        'https://huggingface.co/api/datasets/Idavidrein/gpqa/parquet/gpqa_diamond/train/0.parquet',
    };
    if (listing[req.url!]) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([listing[req.url!]]));
    } else if (req.url === '/api/datasets/openai/gsm8k/parquet/main/test/0.parquet') {
      res.writeHead(200, { 'content-length': GSM.length }).end(GSM);
    } else if (req.url === '/api/datasets/Idavidrein/gpqa/parquet/gpqa_diamond/train/0.parquet') {
      res.writeHead(200, { 'content-length': GPQA.length }).end(GPQA);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HF_ENDPOINT = endpoint;
  delete process.env.HF_TOKEN;
  delete process.env.HUGGING_FACE_HUB_TOKEN;
});

afterAll(async () => {
  delete process.env.HF_ENDPOINT;
  await new Promise((resolve) => server.close(resolve));
});

describe('Hugging Face datasets (through HF_ENDPOINT)', () => {
  it('downloads a preset with progress, maps it, and uses the cache the second time', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-hf-'));
    const progress: number[] = [];
    const before = requests.length;
    const dataset = await loadDataset(
      { from: 'preset', preset: 'gsm8k' },
      { baseDir: storeDir, storeDir, onProgress: (p) => progress.push(p.receivedBytes) },
    );
    expect(dataset.rows.map((r) => [r.id, r.answer])).toEqual([
      ['1', '7'],
      ['2', '5'],
    ]);
    expect(dataset.presetGrader).toMatchObject({ grader: 'math', fallbacks: ['last-number'] });
    expect(progress.at(-1)).toBe(GSM.length);
    expect(requests.slice(before)).toEqual([
      '/api/datasets/openai/gsm8k/parquet/main/test',
      '/api/datasets/openai/gsm8k/parquet/main/test/0.parquet',
    ]);

    const again = await loadDataset(
      {
        from: 'huggingface',
        repo: 'openai/gsm8k',
        config: 'main',
        split: 'test',
        gated: false,
        map: { problem: 'question' },
        answerAfter: '####',
      },
      { baseDir: storeDir, storeDir },
    );
    expect(again.fingerprint).toBe(dataset.fingerprint);
    expect(requests.length).toBe(before + 2); // served from the store's cache
  });

  it('asks for a token for a gated dataset and uses it when given', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-hf-'));
    await expect(
      loadDataset({ from: 'preset', preset: 'gpqa-diamond' }, { baseDir: storeDir, storeDir }),
    ).rejects.toThrow('gated: it needs your Hugging Face token');
    await expect(
      loadDataset({ from: 'preset', preset: 'gpqa-diamond' }, { baseDir: storeDir, storeDir, token: 'hf_wrong' }),
    ).rejects.toThrow('your token has no access');
    const dataset = await loadDataset(
      { from: 'preset', preset: 'gpqa-diamond' },
      { baseDir: storeDir, storeDir, token: 'hf_secret' },
    );
    expect(dataset.rows).toEqual([
      expect.objectContaining({ id: 'rec1', answer: 'electron', choices: ['electron', 'proton', 'neutron', 'pion'] }),
    ]);
    expect(dataset.redactProblems).toBe(true);
  });

  it('names a missing split', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-hf-'));
    await expect(
      loadDataset(
        { from: 'huggingface', repo: 'openai/gsm8k', config: 'main', split: 'validation', gated: false, map: {} },
        { baseDir: storeDir, storeDir },
      ),
    ).rejects.toThrow('no config "main" / split "validation"');
  });
});

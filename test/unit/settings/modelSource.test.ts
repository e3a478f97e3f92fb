import { describe, expect, it } from 'vitest';
import { parseModelSource } from '../../../common/settings/modelSource';
import { isDownloadSource, resolveModelSource } from '../../../main/runner/modelSource';

describe('parseModelSource: the one parser of a model cell source', () => {
  it('tells servers, fixtures, downloads and local files apart', () => {
    expect(parseModelSource('openai:http://127.0.0.1:8080/v1')).toEqual({
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:8080/v1',
    });
    expect(parseModelSource('fixture:oracle')).toEqual({ kind: 'fixture', fixture: 'oracle' });
    for (const uri of [
      'hf:mradermacher/Z1-7B-GGUF:Q4_K_M',
      'huggingface:mradermacher/Z1-7B-GGUF:Q4_K_M',
      'hf.co/mradermacher/Z1-7B-GGUF',
      'huggingface.co/mradermacher/Z1-7B-GGUF',
      'HF:user/repo',
      'https://127.0.0.1:9/model.gguf',
      'http://127.0.0.1:9/model.gguf',
    ]) {
      expect(parseModelSource(uri), uri).toEqual({ kind: 'download', uri });
    }
    for (const file of [
      'models/z1.Q4_K_M.gguf',
      '/abs/z1.gguf',
      'C:\\models\\z1.gguf',
      'hf-local.gguf',
      'fixtures.gguf',
    ]) {
      expect(parseModelSource(file), file).toEqual({ kind: 'local', path: file });
    }
  });

  it('names the known fixtures when asked for an unknown one', () => {
    expect(() => parseModelSource('fixture:nope')).toThrow(
      'unknown fixture model "fixture:nope" (known: fixture:oracle, fixture:stochastic, fixture:bench)',
    );
  });

  it('is what the runner goes by: a huggingface: source is downloaded, not taken for a file', async () => {
    expect(isDownloadSource('huggingface:user/repo:Q8_0')).toBe(true);
    expect(await resolveModelSource('huggingface:user/repo:Q8_0', { baseDir: '/notebooks', storeDir: '/store' })).toBe(
      'huggingface:user/repo:Q8_0',
    );
    expect(await resolveModelSource('models/z1.gguf', { baseDir: '/notebooks', storeDir: '/store' })).toBe(
      '/notebooks/models/z1.gguf',
    );
  });
});

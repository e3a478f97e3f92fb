import { describe, expect, it } from 'vitest';
import { isNotebookPath, notebookPathsFromArgv, PendingOpenFiles } from '../../../main/electron/openFileArgs';

describe('notebookPathsFromArgv', () => {
  it('picks .z1.json files from a packaged launch and resolves them against the working directory', () => {
    expect(notebookPathsFromArgv(['papers/run.z1.json'], '/home/u')).toEqual(['/home/u/papers/run.z1.json']);
  });

  it('skips flags Chromium adds, the app directory and other files', () => {
    const argv = ['.', '--no-sandbox', '--enable-features=X', 'notes.txt', 'data.json', '/abs/a.z1.json'];
    expect(notebookPathsFromArgv(argv, '/cwd')).toEqual(['/abs/a.z1.json']);
  });

  it('accepts file:// URLs from file managers and any letter case of the extension', () => {
    expect(notebookPathsFromArgv(['file:///home/u/My%20Run.Z1.JSON'], '/')).toEqual(['/home/u/My Run.Z1.JSON']);
  });

  it('ignores malformed file URLs and duplicates', () => {
    expect(notebookPathsFromArgv(['file://host-not-local/x.z1.json', '/a.z1.json', '/a.z1.json'], '/')).toEqual([
      '/a.z1.json',
    ]);
  });

  it('finds nothing in an empty or notebook-free command line', () => {
    expect(notebookPathsFromArgv([], '/')).toEqual([]);
    expect(notebookPathsFromArgv(['/opt/Z1 Workbench/z1-workbench'], '/')).toEqual([]);
  });
});

describe('isNotebookPath', () => {
  it('wants the full double extension', () => {
    expect(isNotebookPath('/a/b.z1.json')).toBe(true);
    expect(isNotebookPath('/a/b.json')).toBe(false);
    expect(isNotebookPath('/a/z1.json.bak')).toBe(false);
  });
});

describe('PendingOpenFiles', () => {
  it('hands out queued files once, in arrival order, without duplicates', () => {
    const pending = new PendingOpenFiles();
    pending.add('/a.z1.json');
    pending.add('/b.z1.json');
    pending.add('/a.z1.json');
    expect(pending.takeAll()).toEqual(['/a.z1.json', '/b.z1.json']);
    expect(pending.takeAll()).toEqual([]);
  });
});

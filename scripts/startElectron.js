#!/usr/bin/env node
// `npm start`: launches the built app in Electron. Electron's npm package downloads its binary
// on first use; where that cannot work (offline, firewalled, a Node too old for its installer)
// this says so in one paragraph, with the way around it, instead of the installer's stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const { version, engines } = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8'));

/** The binary, when Electron's installer has put it in place (the checks its own install.js makes). */
function installedBinary() {
  try {
    const relative = readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
    const installed = readFileSync(path.join(electronDir, 'dist', 'version'), 'utf8').replace(/^v/, '');
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist'), relative);
    return installed.trim() === version && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** The installer's reason in one line (its output is a stack trace). */
function reasonOf(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.find((l) => !l.startsWith('at ')) ?? '';
  return error.replace(/^[A-Za-z]*Error:\s*/, '') || 'no reason given';
}

/** Words into lines of at most `width` characters: one paragraph a terminal shows whole. */
function wrap(text, width = 100) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines.join('\n');
}

function explain(reason) {
  const mirror = process.env.ELECTRON_MIRROR ? ` from ELECTRON_MIRROR=${process.env.ELECTRON_MIRROR}` : '';
  const node = engines?.node ? ` (its installer asks for Node.js ${engines.node}; this is ${process.version})` : '';
  console.error(
    `\n${wrap(
      `npm start could not start the desktop app: Electron ${version} downloads its program on first launch, ` +
        `and the download${mirror} failed: ${reason}. ` +
        'The workbench runs without Electron: `npm run serve` starts the headless host and prints a URL ' +
        'that opens the same notebook UI in any browser. ' +
        'To get the desktop app, run `npm start` again where GitHub is reachable, or set ELECTRON_MIRROR to ' +
        `a mirror this machine can reach, e.g. ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/${node}.`,
    )}\n`,
  );
}

let binary = installedBinary();
if (!binary) {
  console.log(`Downloading Electron ${version} (once, about 100 MB)…`);
  const install = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { encoding: 'utf8' });
  binary = install.status === 0 ? installedBinary() : null;
  if (!binary) {
    explain(
      install.error
        ? install.error.message
        : reasonOf(`${install.stderr ?? ''}\n${install.stdout ?? ''}`) ||
            'the installer finished but the binary is missing',
    );
    process.exit(1);
  }
}

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workbench } from '../../api/Workbench';
import { spawnNodeEngine } from '../../engine-supervisor/nodeEngineChild';
import { startHeadlessHost } from '../../headless/HeadlessHost';
import { TOKEN_RULES, newToken, tokenProblem } from '../../headless/tokenAuth';
import { STORE_ENV, defaultStoreDir } from '../../store/storeDir';
import { EXIT, UsageError, flagInteger, flagString, parseArgs, type CliIo } from '../cliIo';

export const serveUsage = `z1wb serve [--port 7860] [--host 127.0.0.1] [--token TOKEN] [--allow-host NAME,...] [--store DIR] [NOTEBOOK]
  Serves the workbench UI and API to a browser. Binds loopback unless --host says otherwise.
  Every request needs the printed token (or the one given with --token / Z1WB_TOKEN: at least
  ${TOKEN_RULES.minLength} characters, letters, digits and . _ ~ -).
  Requests must name this host: the bound address, localhost, 127.0.0.1 or [::1] with the port
  (others get 421). --allow-host adds names, e.g. a LAN name or a tunnel's other local port
  (gpu-box, localhost:8888).`;

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * --token, else Z1WB_TOKEN, else a random one. A given token that is empty or short is refused
 * rather than replaced: whoever set it expects that token to work (and an empty one would let an
 * empty cookie in).
 */
function chosenToken(fromFlag: string | undefined): string {
  const fromEnv = process.env.Z1WB_TOKEN;
  const [token, source] =
    fromFlag !== undefined
      ? [fromFlag, '--token']
      : fromEnv !== undefined
        ? [fromEnv, 'Z1WB_TOKEN']
        : [newToken(), 'token'];
  const problem = tokenProblem(token, source);
  if (problem) throw new UsageError(problem);
  return token;
}

/** Runs the headless host until SIGINT/SIGTERM. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['port', 'host', 'token', 'store', 'renderer', 'allow-host'] });
  if (parsed.positional.length > 1)
    throw new UsageError(`expected at most one notebook, got ${parsed.positional.length}`);
  const port = flagInteger(parsed, 'port', { min: 0, max: 65535 }) ?? 7860;
  const host = flagString(parsed, 'host') ?? '127.0.0.1';
  const token = chosenToken(flagString(parsed, 'token'));
  const allowHosts = (flagString(parsed, 'allow-host') ?? '').split(',').filter((name) => name.trim());
  const storeDir = path.resolve(flagString(parsed, 'store') ?? defaultStoreDir());
  const rendererDir = path.resolve(flagString(parsed, 'renderer') ?? path.join(REPO_ROOT, 'out', 'renderer'));
  const notebook = parsed.positional[0] ? path.resolve(parsed.positional[0]) : null;

  try {
    await access(path.join(rendererDir, 'index.html'));
  } catch {
    io.stderr.write(`error: no renderer bundle at ${rendererDir}: run \`npm run build\` first\n`);
    return EXIT.failed;
  }
  if (notebook) {
    try {
      await access(notebook);
    } catch {
      io.stderr.write(`error: notebook not found: ${notebook}\n`);
      return EXIT.failed;
    }
  }
  if (!LOOPBACK.has(host)) {
    io.stderr.write(
      `warning: binding ${host}: the workbench is reachable from other machines; anyone with the token can run code-grading sandboxes and read your store\n`,
    );
  }

  const workbench = new Workbench({
    host: 'headless',
    storeDir,
    startupNotebook: notebook,
    spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
  });
  const running = await startHeadlessHost({ workbench, rendererDir, token, host, port, allowHosts });
  io.stdout.write(`Z1 Workbench: ${running.url}\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  await workbench.close();
  return EXIT.ok;
}

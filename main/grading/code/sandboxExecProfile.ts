/**
 * The macOS sandbox (`sandbox-exec -p PROFILE`), the same promises as bubblewrap where Seatbelt
 * can make them: nothing is allowed unless listed; system files and the interpreter are readable,
 * the per-test working directory is the only place to write, no network, no process outside the
 * sandbox can be signalled. Not tested on this project's CI (Linux): see docs/desktop.md.
 */
export function sandboxExecProfile(options: { work: string; pythonPrefix: string | null }): string {
  const quote = (text: string) => JSON.stringify(text);
  const readable = [
    '/usr',
    '/System',
    '/Library/Frameworks',
    '/Library/Developer/CommandLineTools',
    '/private/var/db/dyld',
    '/opt/homebrew',
    '/usr/local',
  ];
  if (options.pythonPrefix) readable.push(options.pythonPrefix);
  return [
    '(version 1)',
    '(deny default)',
    '(allow process-fork)',
    `(allow process-exec ${readable.map((dir) => `(subpath ${quote(dir)})`).join(' ')})`,
    `(allow file-read* ${readable.map((dir) => `(subpath ${quote(dir)})`).join(' ')} (subpath ${quote(options.work)}) (literal "/") (literal "/dev/null") (literal "/dev/urandom") (literal "/dev/random") (literal "/private/etc/localtime"))`,
    `(allow file-read-metadata)`,
    `(allow file-write* (subpath ${quote(options.work)}) (literal "/dev/null"))`,
    '(allow sysctl-read)',
    '(allow signal (target same-sandbox))',
    '(deny network*)',
    '(deny file-write* (subpath "/tmp") (subpath "/private/tmp") (subpath "/private/var/tmp"))',
    '',
  ].join('\n');
}

import { PLAIN_VALUES_SOURCE } from './plainValues';
import { PROCESS_PRELUDE_SOURCE, PROCESS_START_SOURCE } from './processHarness';
import { PROGRAM_ROLES_SOURCE } from './programRoles';
import { TEST_ROLES_SOURCE } from './testRoles';
import { UNITTEST_ROLE_SOURCE } from './unittestRole';

/**
 * Which Python program a sandboxed process runs: `program` (the candidate alone: stdio, call, or
 * serving calls as `solution`), `tests` (function/assert tests, no candidate code), `unittest`
 * (tests and candidate in one process, hardened).
 */
export type HarnessRole = 'program' | 'tests' | 'unittest';

const ROLE_SOURCE: Record<HarnessRole, string> = {
  program: PROGRAM_ROLES_SOURCE,
  tests: TEST_ROLES_SOURCE,
  unittest: UNITTEST_ROLE_SOURCE,
};

const sources = new Map<HarnessRole, string>();

/** The `python3 -I -c` source of a role. */
export function harnessSource(role: HarnessRole): string {
  let source = sources.get(role);
  if (source === undefined) {
    source = PROCESS_PRELUDE_SOURCE + PLAIN_VALUES_SOURCE + ROLE_SOURCE[role] + PROCESS_START_SOURCE;
    sources.set(role, source);
  }
  return source;
}

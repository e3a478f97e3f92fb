#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx z1wb` works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli/z1wb.ts');
runCli();

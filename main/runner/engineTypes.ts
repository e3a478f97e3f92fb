import type { z } from 'zod';
import type { hardwareInfo } from '../../common/api/contract/generation';

export type HardwareInfo = z.infer<typeof hardwareInfo>;

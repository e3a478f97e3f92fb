import type { z } from 'zod';
import { editorJsonSchema } from '../../../common/settings/jsonSchema';
import { modelSettings } from '../../../common/settings/model';
import { promptSettings } from '../../../common/settings/prompt';
import { samplingSettings } from '../../../common/settings/sampling';
import { windowCellSettings } from '../../../common/settings/windowCell';
import { datasetSource } from '../../../common/notebook/datasetSettings';

import type { SettingsKind } from './modelUris';

/** The zod schema of each kind: the one the engine validates with. */
export const SETTINGS_SCHEMAS: Record<SettingsKind, z.ZodType> = {
  window: windowCellSettings,
  model: modelSettings,
  prompt: promptSettings,
  sampling: samplingSettings,
  dataset: datasetSource,
};

/** The JSON Schemas Monaco uses for completion, hover docs and markers, derived from zod. */
export const editorSchemas = (Object.keys(SETTINGS_SCHEMAS) as SettingsKind[]).map((kind) => ({
  kind,
  uri: `z1://schemas/${kind}.json`,
  fileMatch: `*.${kind}.json`,
  schema: editorJsonSchema(SETTINGS_SCHEMAS[kind]),
}));

/** The kinds of settings a JSON editor in the notebook can hold. */
export type SettingsKind = 'window' | 'model' | 'prompt' | 'sampling' | 'dataset';

/**
 * An editor's model URI names its kind (`z1://cells/<cell>.window.json`); Monaco's JSON service
 * picks the schema by that suffix, so every window editor shares one schema registration. (Kept
 * apart from the schemas so that naming a model does not pull zod's JSON Schema code into the
 * first-paint bundle.)
 */
export function settingsModelUri(cellId: string, kind: SettingsKind): string {
  return `z1://cells/${encodeURIComponent(cellId)}.${kind}.json`;
}

/** A text editor's model URI (prompt templates, markdown). */
export function textModelUri(cellId: string, kind: 'prompt-template' | 'markdown'): string {
  return `z1://cells/${encodeURIComponent(cellId)}.${kind}`;
}

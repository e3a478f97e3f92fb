import type { DatasetRow } from '../../../common/notebook/datasetSettings';

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/**
 * Fills a prompt template from a dataset row for the preview, by the runner's rule
 * (main/runner/promptTemplate.ts: `problem`, `answer`, `id`, `choices` as a lettered list,
 * `choice_A`…, and every source column; lists and objects as JSON). The renderer may not import
 * main-side code; if the rule moves to common/, this copy should go.
 */
export function fillTemplate(template: string, row: DatasetRow): { text: string; missing: string[] } {
  const variables: Record<string, unknown> = { ...row.fields, id: row.id, problem: row.problem };
  if (row.answer !== null) variables.answer = row.answer;
  if (row.choices) {
    variables.choices = row.choices.map((c, i) => `${String.fromCharCode(65 + i)}) ${c}`).join('\n');
    row.choices.forEach((c, i) => (variables[`choice_${String.fromCharCode(65 + i)}`] = c));
  }
  const missing: string[] = [];
  const text = template.replace(VARIABLE, (whole, name: string) => {
    if (!(name in variables)) {
      missing.push(name);
      return whole;
    }
    const value = variables[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return { text, missing };
}

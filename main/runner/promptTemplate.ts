import type { DatasetRow } from '../../common/notebook/datasetSettings';

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The {{variables}} a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/**
 * Fills a prompt template from a dataset row: `problem`, `answer`, `id`, `choices` (the options
 * as a lettered list, in the order given), `choice_A` …, and every column of the source row.
 * Lists and objects are written as JSON.
 */
export function fillTemplate(template: string, row: DatasetRow, presentedChoices: readonly string[] | null): string {
  const variables = rowVariables(row, presentedChoices);
  return template.replace(VARIABLE, (whole, name: string) => {
    if (!(name in variables)) throw new Error(`the prompt uses {{${name}}}, which problem "${row.id}" does not have`);
    const value = variables[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

export function rowVariables(row: DatasetRow, presentedChoices: readonly string[] | null): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...row.fields, id: row.id, problem: row.problem };
  if (row.answer !== null) variables.answer = row.answer;
  if (presentedChoices) {
    variables.choices = presentedChoices.map((c, i) => `${String.fromCharCode(65 + i)}) ${c}`).join('\n');
    presentedChoices.forEach((c, i) => (variables[`choice_${String.fromCharCode(65 + i)}`] = c));
  }
  return variables;
}

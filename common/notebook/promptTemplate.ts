import type { DatasetRow } from './datasetSettings';

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The {{variables}} a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/**
 * The variables a dataset row offers a prompt: `problem`, `answer`, `id`, `choices` (the options
 * as a lettered list, in the order presented), `choice_A` …, and every column of the source row.
 */
export function rowVariables(row: DatasetRow, presentedChoices: readonly string[] | null): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...row.fields, id: row.id, problem: row.problem };
  if (row.answer !== null) variables.answer = row.answer;
  if (presentedChoices) {
    variables.choices = presentedChoices.map((c, i) => `${String.fromCharCode(65 + i)}) ${c}`).join('\n');
    presentedChoices.forEach((c, i) => (variables[`choice_${String.fromCharCode(65 + i)}`] = c));
  }
  return variables;
}

/**
 * Fills a template from a row (lists and objects written as JSON). Variables the row lacks are
 * left as written and listed in `missing`: the runner refuses them, the editor's preview shows them.
 */
export function fillTemplate(
  template: string,
  row: DatasetRow,
  presentedChoices: readonly string[] | null,
): { text: string; missing: string[] } {
  const variables = rowVariables(row, presentedChoices);
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

/** Group names go into hover templates, where % and braces mean something to Plotly. */
export function escapeHover(text: string): string {
  return text.replace(/%/g, '%%').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

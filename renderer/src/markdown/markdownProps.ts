/** What a piece of Markdown is drawn from: shared by the lazy view and the renderer it loads. */
export interface MarkdownProps {
  source: string;
  /** Inside a table cell or a line: no paragraph margins. */
  inline?: boolean;
}

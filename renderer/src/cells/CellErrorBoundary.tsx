import { Component, type ReactNode } from 'react';

/**
 * A cell whose content cannot be shown (a file with a malformed cell, a bug) shows why and its
 * JSON instead of taking the whole notebook down; the notebook's issues list says what to fix.
 */
export class CellErrorBoundary extends Component<{ cell: unknown; children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert">
        <div className="status-line error">This cell cannot be shown: {this.state.error.message}</div>
        <pre className="prompt-preview">{JSON.stringify(this.props.cell, null, 2)}</pre>
      </div>
    );
  }
}

import { useTheme, type ThemePreference } from './theme';

const NEXT: Record<ThemePreference, ThemePreference> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemePreference, string> = { system: 'auto', light: 'light', dark: 'dark' };

/** Cycles system → light → dark. */
export function ThemeToggle() {
  const { preference, setPreference } = useTheme();
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={() => setPreference(NEXT[preference])}
      aria-label={`Theme: ${LABEL[preference]} (change)`}
      data-testid="theme-toggle"
    >
      theme: {LABEL[preference]}
    </button>
  );
}

import { useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { ThemeContext, loadThemePreference, resolveTheme, saveThemePreference, type ThemePreference } from './theme';

/** Holds the light/dark choice, mirrors it onto <html data-theme> and follows the OS for 'system'. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [preference, setPreferenceState] = useState<ThemePreference>(loadThemePreference);
  const [system, setSystem] = useState(() => resolveTheme('system'));
  const theme = preference === 'system' ? system : preference;

  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => setSystem(resolveTheme('system'));
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);

  // Before paint, so CSS and the figures never show a frame in the old theme.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const value = useMemo(
    () => ({
      preference,
      theme,
      setPreference: (next: ThemePreference) => {
        saveThemePreference(next);
        setPreferenceState(next);
      },
    }),
    [preference, theme],
  );
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

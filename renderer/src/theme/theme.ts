import { createContext, useContext } from 'react';

/** What the user picked; 'system' follows the OS (prefers-color-scheme). */
export type ThemePreference = 'light' | 'dark' | 'system';
export type ResolvedTheme = 'light' | 'dark';

const STORAGE_KEY = 'z1wb.theme';

export function loadThemePreference(): ThemePreference {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function saveThemePreference(preference: ThemePreference): void {
  if (preference === 'system') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, preference);
}

export function resolveTheme(preference: ThemePreference): ResolvedTheme {
  if (preference !== 'system') return preference;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Colours that code (Plotly layouts, Monaco) needs as values; CSS reads the same palette from
 * the custom properties in styles.css, keyed by `data-theme` on <html>.
 */
export interface ThemeColors {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  border: string;
}

export const THEME_COLORS: Record<ResolvedTheme, ThemeColors> = {
  light: { background: '#ffffff', foreground: '#1f2328', muted: '#656d76', grid: '#e6e8eb', border: '#d0d7de' },
  dark: { background: '#0d1117', foreground: '#e6edf3', muted: '#8d96a0', grid: '#262c34', border: '#30363d' },
};

export interface ThemeState {
  preference: ThemePreference;
  theme: ResolvedTheme;
  setPreference(preference: ThemePreference): void;
}

export const ThemeContext = createContext<ThemeState>({
  preference: 'system',
  theme: 'light',
  setPreference: () => undefined,
});

export function useTheme(): ThemeState {
  return useContext(ThemeContext);
}

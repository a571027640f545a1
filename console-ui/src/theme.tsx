import { useEffect, useState } from 'react';

// Light, dark, or the system's choice. The shared colours are light-dark() pairs, so
// pinning one is setting color-scheme on the root; the choice is kept per browser.

const KEY = 'gatehouse-console-theme';
type Theme = 'system' | 'light' | 'dark';
const read = (): Theme => {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
};

export function ThemePicker() {
  const [theme, setTheme] = useState<Theme>(read);
  useEffect(() => {
    document.documentElement.style.colorScheme = theme === 'system' ? '' : theme;
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  }, [theme]);
  return (
    <label className="theme">
      Theme{' '}
      <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
        <option value="system">as the system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

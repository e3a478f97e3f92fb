import { useCallback, useState } from 'react';

/**
 * Whether the cell's settings editor holds valid text, kept by the body as well as reported to
 * the frame: invalid text never reaches the notebook, so the body must not act on the last valid
 * settings as if they were the ones shown.
 */
export function useReportedValidity(onValidity: (valid: boolean) => void): [boolean, (valid: boolean) => void] {
  const [valid, setValid] = useState(true);
  const report = useCallback(
    (next: boolean) => {
      setValid(next);
      onValidity(next);
    },
    [onValidity],
  );
  return [valid, report];
}

/**
 * The version of the grading rules. Stored grades belong to the rules that made them: bump this
 * whenever a change can alter some verdict (docs/grading.md, "Versions of the rules", says what
 * each version changed). A run cell run again then regrades its stored trajectories under the
 * new rules, beside the old grading, without generating a token.
 */
export const GRADING_RULES_VERSION = 2;

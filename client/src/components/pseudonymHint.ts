export const pseudonymHint =
  'Other members see only this name, never your username. It does not need to be your real name.';

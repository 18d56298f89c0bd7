/**
 * The targets the benches check, each as its bench judged it, for the summary `npm run bench` prints last: one
 * place to read whether this run met them, each figure's own line above showing what the machine allowed meanwhile.
 */
interface Verdict {
  target: string;
  figure: string;
  met: boolean;
}

const verdicts: Verdict[] = [];

/** Records a target's verdict in this run; answers `met` or `NOT MET` for the bench's own line. */
export function judge(target: string, figure: string, met: boolean): 'met' | 'NOT MET' {
  verdicts.push({ target, figure, met });
  return met ? 'met' : 'NOT MET';
}

/** Each target judged so far with its figure, then how many were met; nothing when no bench judged one. */
export function summary(): string[] {
  if (verdicts.length === 0) return [];
  const missed = verdicts.filter((v) => !v.met).length;
  return [
    ...verdicts.map((v) => `${v.met ? 'met    ' : 'NOT MET'}  ${v.target}: ${v.figure}`),
    `${verdicts.length - missed} of ${verdicts.length} targets met in this run`,
  ];
}

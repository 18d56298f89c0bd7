/**
 * What a fake push service answers, token by token: scripted answers used once each in order, then a default;
 * and a count of the requests that arrived, which tests can wait for instead of sleeping.
 */
export function scriptedAnswers<A>(initial: A) {
  const scripts = new Map<string, A[]>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let fallback = initial;
  let count = 0;
  return {
    get count() {
      return count;
    },
    /** Counts a request that has fully arrived. */
    arrived() {
      count++;
      for (let i = waiters.length - 1; i >= 0; i--) if (count >= waiters[i]!.n) waiters.splice(i, 1)[0]!.resolve();
    },
    /** The next scripted answer for this token, else the default. */
    answerFor(token: string): A {
      return scripts.get(token)?.shift() ?? fallback;
    },
    /** Answers for one token, used once each in order; then the default applies again. */
    script(token: string, ...answers: A[]) {
      scripts.set(token, [...(scripts.get(token) ?? []), ...answers]);
    },
    /** The answer for every request without a scripted one. */
    setDefault(answer: A) {
      fallback = answer;
    },
    /** Resolves once `count` reaches n. */
    waitFor(n: number): Promise<void> {
      return count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

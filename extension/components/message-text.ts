import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import { checkMessageSize, type PushOptions } from '../../shared/push-payload';
import { checkText, normalizeText, type TextCheck } from '../../shared/text';

const NO_OPTIONS = computed<PushOptions>(() => ({}));

/** The live checks of one title and body, counted and measured exactly as the server does (the push's options take bytes too). */
export function textChecks(title: ReadonlySignal<string>, body: ReadonlySignal<string>, options: ReadonlySignal<PushOptions> = NO_OPTIONS) {
  const titleCheck = computed(() => checkText('title', title.value));
  const bodyCheck = computed(() => checkText('body', body.value));
  /** The push this text makes, measured as the server measures it, once each field passed its own check. */
  const sizeCheck = computed(() =>
    titleCheck.value.problem || bodyCheck.value.problem
      ? null
      : checkMessageSize(normalizeText(title.value), normalizeText(body.value), options.value),
  );
  /** The body field shows a push too large for Apple and Google too: the body is nearly always what makes it so. */
  const bodyFieldCheck = computed<TextCheck>(() =>
    sizeCheck.value?.problem ? { ...bodyCheck.value, problem: sizeCheck.value.problem, tooLarge: true } : bodyCheck.value,
  );
  /** Why this text cannot go yet, in words, or null. */
  const problem = computed(() => {
    if (titleCheck.value.problem) return titleCheck.value.count ? titleCheck.value.problem : 'Add a title.';
    if (bodyCheck.value.problem) return bodyCheck.value.count ? bodyCheck.value.problem : 'Add a body.';
    return sizeCheck.value?.problem ?? null;
  });
  return { titleCheck, bodyCheck, sizeCheck, bodyFieldCheck, problem };
}

/** One more language of the message: its tag (canonical BCP 47), its own title and body, and their checks. */
export interface LanguageText extends ReturnType<typeof textChecks> {
  language: string;
  title: Signal<string>;
  body: Signal<string>;
}

export function languageText(
  language: string,
  options: ReadonlySignal<PushOptions>,
  text: { title: string; body: string } = { title: '', body: '' },
): LanguageText {
  const title = signal(text.title);
  const body = signal(text.body);
  return { language, title, body, ...textChecks(title, body, options) };
}

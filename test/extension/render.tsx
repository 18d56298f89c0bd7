import { render } from 'preact';
import { createAppState } from '../../extension/components/app-state';
import { ConnectionForm } from '../../extension/components/ConnectionForm';
import { ConsoleRules } from '../../extension/components/ConsoleRules';
import { DirectorySource } from '../../extension/components/DirectorySource';
import { TemplateManager } from '../../extension/components/TemplateManager';
import { App } from '../../extension/entrypoints/popup/App';
import { draftItem } from '../../extension/utils/storage';
import { fakeApi, settle, type Routes } from './fake-herald';

/** The popup as the toolbar shows it, on a fake Herald; the saved draft is loaded first. */
export async function renderPopup(routes: Routes, options: { deviceSearch?: string; timeZone?: string } = {}) {
  const state = createAppState(fakeApi(routes), options.timeZone);
  const root = document.createElement('div');
  document.body.append(root);
  state.load(await draftItem.getValue());
  render(<App state={state} connected deviceSearch={options.deviceSearch} />, root);
  await settle();
  return { state, root, ...queries(root) };
}

/** The options page's two sections, with what is saved loaded. */
export async function renderOptions() {
  const root = document.createElement('div');
  document.body.append(root);
  render(
    <>
      <ConnectionForm />
      <DirectorySource />
      <TemplateManager />
      <ConsoleRules />
    </>,
    root,
  );
  await settle();
  return { root, ...queries(root) };
}

export function queries(root: HTMLElement) {
  const byLabel = <T extends HTMLElement = HTMLInputElement>(label: string) => {
    const found = [...root.querySelectorAll('label')].filter((l) => l.textContent?.trim() === label);
    const control = found
      .map((l) => (l.htmlFor ? root.querySelector<T>(`#${l.htmlFor}`) : l.querySelector<T>('input, textarea')))
      .find((c) => c);
    if (!control) throw new Error(`No control labelled ${label}`);
    return control;
  };
  const button = (name: string) => {
    const found = [...root.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name);
    if (!found) throw new Error(`No button named ${name}`);
    return found;
  };
  const type = (control: HTMLInputElement | HTMLTextAreaElement, text: string) => {
    control.value = text;
    control.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const key = (control: HTMLElement, key: string) => control.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  const text = (testId: string) => root.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
  return { byLabel, button, type, key, text };
}

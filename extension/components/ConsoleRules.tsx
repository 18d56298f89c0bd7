import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { ruleProblem } from '../utils/device-url';
import { originStillNeeded } from '../utils/host-permission';
import { logFailure } from '../utils/log-failure';
import { consoleRulesItem, type ConsoleRule } from '../utils/storage';

/** The admin's own consoles: a URL match pattern and a regex capturing the device id; adding one asks for its host permission. */
export function ConsoleRules() {
  const rules = useSignal<ConsoleRule[]>([]);
  const pattern = useSignal('');
  const regex = useSignal('');
  const message = useSignal<{ problem: boolean; text: string }>({ problem: false, text: '' });
  useEffect(() => {
    void consoleRulesItem.getValue().then((saved) => (rules.value = saved));
  }, []);

  const save = async (next: ConsoleRule[]) => {
    rules.value = next;
    await consoleRulesItem.setValue(next);
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const rule = { id: crypto.randomUUID(), pattern: pattern.value.trim(), regex: regex.value.trim() };
    const problem = ruleProblem(rule.pattern, rule.regex);
    if (problem) return void (message.value = { problem: true, text: problem });
    if (!(await browser.permissions.request({ origins: [rule.pattern] })))
      return void (message.value = { problem: true, text: `Not added: permission for ${rule.pattern} was not granted.` });
    await save([...rules.value, rule]);
    pattern.value = '';
    regex.value = '';
    message.value = { problem: false, text: `Added: the Send Custom Notification button now shows on ${rule.pattern}.` };
  };
  /** The background unregisters the rule's content script when the rules change; its host permission is given back here. */
  const remove = async (rule: ConsoleRule) => {
    const rest = rules.value.filter((r) => r.id !== rule.id);
    await save(rest);
    if (!(await originStillNeeded(rule.pattern, rest)))
      await browser.permissions.remove({ origins: [rule.pattern] }).catch(logFailure(`giving back the permission for ${rule.pattern}`));
    message.value = { problem: false, text: `Removed the rule for ${rule.pattern}.` };
  };
  return (
    <section aria-labelledby="rules-heading">
      <h2 id="rules-heading">Custom console rules</h2>
      <p class="hint">
        The Intune admin center is built in. Add other consoles (or a self-hosted directory): pages matching the pattern get the button when
        the regular expression's first group captures a device id from the URL.
      </p>
      <ul class="rules" aria-label="Console rules">
        {rules.value.map((rule) => (
          <li key={rule.id}>
            <code>{rule.pattern}</code> <code>{rule.regex}</code>
            <button type="button" aria-label={`Remove rule for ${rule.pattern}`} onClick={() => void remove(rule)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label="Add a console rule">
        <div class="field">
          <label for="rule-pattern">URL match pattern</label>
          <input
            id="rule-pattern"
            type="text"
            placeholder="https://console.example.com/*"
            value={pattern}
            onInput={(e) => (pattern.value = e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="rule-regex">Device id regular expression</label>
          <input
            id="rule-regex"
            type="text"
            placeholder="devices/([0-9a-f-]{36})"
            value={regex}
            onInput={(e) => (regex.value = e.currentTarget.value)}
          />
        </div>
        <button type="submit">Add rule</button>
      </form>
      <p class={message.value.problem ? 'problem' : 'hint'} role="status" aria-live="polite" data-testid="rules-result">
        {message.value.text}
      </p>
    </section>
  );
}

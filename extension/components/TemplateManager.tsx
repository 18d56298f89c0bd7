import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { templateCreateSchema } from '../../shared/templates';
import type { Template } from '../utils/api-types';
import { savedApi } from '../utils/connection';
import { draftMessage } from '../utils/message-fields';
import { holdsOverWholeTenant } from '../utils/permissions';
import { describeProblem } from '../utils/problem';
import { draftItem, entraSessionItem, serverUrlItem, tokenItem } from '../utils/storage';
import { TemplateRow } from './TemplateRow';

type Message = { problem: boolean; text: string };

/** The tenant's saved messages: a read-only list, or with Organization.Update over the whole tenant create (from the popup's draft), rename and delete. */
export function TemplateManager() {
  const templates = useSignal<Template[] | null>(null);
  const canManage = useSignal(false);
  const name = useSignal('');
  const message = useSignal<Message>({ problem: false, text: '' });
  const say = (text: string, problem = false) => void (message.value = { problem, text });

  const load = async () => {
    if (!(await tokenItem.getValue()) && !(await entraSessionItem.getValue()))
      return say('Save an API token or sign in with Microsoft to see the templates.');
    try {
      const api = await savedApi();
      const [page, me] = await Promise.all([api.templates(), api.me()]);
      templates.value = page.items;
      canManage.value = holdsOverWholeTenant(me, 'Organization.Update');
    } catch (error) {
      say(describeProblem(error), true);
    }
  };
  useEffect(() => {
    void load();
    const unwatch = [serverUrlItem, tokenItem, entraSessionItem].map((item) => item.watch(() => void load()));
    return () => unwatch.forEach((stop) => stop());
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    const { title, body, translations, urgency, requireAcknowledgement } = draftMessage(await draftItem.getValue());
    const input = { name: name.value, title, body, translations, urgency, requireAcknowledgement };
    const parsed = templateCreateSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path[0] === 'name' ? '' : `the draft’s ${issue.path[0] === 'translations' ? `${String(issue.path[1])} ` : ''}`;
      return say(`Not saved: ${where}${issue.message}`, true);
    }
    try {
      const created = await (await savedApi()).createTemplate(input);
      name.value = '';
      say(`Saved the draft as the template “${created.name}”.`);
      await load();
    } catch (error) {
      say(`Not saved: ${describeProblem(error)}`, true);
    }
  };
  const rename = async (template: Template, to: string) => {
    try {
      const renamed = await (await savedApi()).updateTemplate(template.id, { name: to });
      say(`Renamed “${template.name}” to “${renamed.name}”.`);
      await load();
      return true;
    } catch (error) {
      say(`Not renamed: ${describeProblem(error)}`, true);
      return false;
    }
  };
  const remove = async (template: Template) => {
    try {
      await (await savedApi()).deleteTemplate(template.id);
      say(`Deleted “${template.name}”; messages sent with it are kept.`);
      await load();
    } catch (error) {
      say(`Not deleted: ${describeProblem(error)}`, true);
    }
  };

  return (
    <section class="templates" aria-labelledby="templates-heading">
      <h2 id="templates-heading">Templates</h2>
      <p class={message.value.problem ? 'problem' : 'hint'} role="status" data-testid="templates-result">
        {message.value.text}
      </p>
      {templates.value?.length === 0 ? <p class="hint">No templates yet.</p> : null}
      <ul class="rules" aria-label="Templates">
        {templates.value?.map((t) => (
          <TemplateRow key={t.id} template={t} canManage={canManage.value} onRename={rename} onDelete={remove} />
        ))}
      </ul>
      {canManage.value ? (
        <form onSubmit={(e) => void create(e)}>
          <label for="template-name">Template name</label>
          <input id="template-name" type="text" value={name} onInput={(e) => (name.value = e.currentTarget.value)} />
          <button type="submit">Save the draft as a template</button>
        </form>
      ) : templates.value ? (
        <p class="hint">Only those with Organization.Update over the whole tenant can change templates.</p>
      ) : null}
    </section>
  );
}

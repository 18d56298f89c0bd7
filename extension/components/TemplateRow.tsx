import { useSignal } from '@preact/signals';
import type { Template } from '../utils/api-types';

interface Props {
  template: Template;
  canManage: boolean;
  onRename: (template: Template, name: string) => Promise<boolean>;
  onDelete: (template: Template) => Promise<void>;
}

/** One saved template: its name and title; rename and delete for those who manage templates. */
export function TemplateRow({ template, canManage, onRename, onDelete }: Props) {
  const renaming = useSignal(false);
  const name = useSignal(template.name);
  const id = `rename-${template.id}`;
  const save = async (event: Event) => {
    event.preventDefault();
    if (await onRename(template, name.value)) renaming.value = false;
  };
  return (
    <li data-testid="template">
      {renaming.value ? (
        <form class="rename" onSubmit={(e) => void save(e)}>
          <label for={id}>New name for {template.name}</label>
          <input id={id} type="text" value={name} onInput={(e) => (name.value = e.currentTarget.value)} />
          <button type="submit">Save name</button>
          <button type="button" onClick={() => (renaming.value = false)}>
            Cancel
          </button>
        </form>
      ) : (
        <span>
          <strong>{template.name}</strong> <span class="hint">{template.title}</span>
        </span>
      )}
      {canManage && !renaming.value ? (
        <span class="actions">
          <button type="button" aria-label={`Rename ${template.name}`} onClick={() => (renaming.value = true)}>
            Rename
          </button>
          <button type="button" aria-label={`Delete ${template.name}`} onClick={() => void onDelete(template)}>
            Delete
          </button>
        </span>
      ) : null}
    </li>
  );
}

import { MAX_TARGET_GROUPS } from '../../shared/targets';
import type { Group } from '../utils/api-types';
import { useAppState } from './app-state';
import { ChipsHead } from './ChipsHead';
import { ReachPreview } from './ReachPreview';
import { Typeahead } from './Typeahead';

/** Target groups: type-ahead search, chosen groups as removable chips, the `N/25` count and the live reach. */
export function GroupPicker() {
  const { api, draft, announcement } = useAppState();
  const groups = draft.groups;
  const count = groups.value.length;
  const add = (group: Group) => {
    if (groups.value.some((g) => g.id === group.id)) return;
    groups.value = [...groups.value, { id: group.id, displayName: group.displayName }];
    announcement.value = `Added group ${group.displayName}. ${groups.value.length} of ${MAX_TARGET_GROUPS} groups.`;
  };
  const remove = (id: string, name: string) => {
    groups.value = groups.value.filter((g) => g.id !== id);
    announcement.value = `Removed group ${name}. ${groups.value.length} of ${MAX_TARGET_GROUPS} groups.`;
  };
  return (
    <section class="picker" aria-label="Target groups">
      <Typeahead<Group>
        id="group-search"
        label="Add groups"
        placeholder="Search groups by name"
        search={async (text, signal) => (await api.groups(text, signal)).items.filter((g) => !groups.peek().some((c) => c.id === g.id))}
        keyOf={(g) => g.id}
        render={(g) => g.displayName}
        onChoose={add}
      />
      <ChipsHead count={count} max={MAX_TARGET_GROUPS} noun="groups" />
      <ul class="chips" aria-label="Chosen groups">
        {groups.value.map((g) => (
          <li key={g.id} class="chip">
            <span>{g.displayName}</span>
            <button type="button" aria-label={`Remove group ${g.displayName}`} onClick={() => remove(g.id, g.displayName)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <ReachPreview />
    </section>
  );
}

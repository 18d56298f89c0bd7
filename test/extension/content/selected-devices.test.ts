import { describe, expect, it } from 'vitest';
import { selectedDeviceIds, selectionKey, selectionOf } from '../../../extension/content/selected-devices';

const guid = (n: number) => `6f1c2b1e-8d4a-4c3e-9a57-${n.toString(16).padStart(12, '0')}`;
const overview = (id: string) => `#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${id}`;

/** Rows shaped like the admin center's All devices list (Fluent DetailsList). */
function list(rows: { id: string | null; selected: boolean }[]): HTMLElement {
  const grid = document.createElement('div');
  grid.setAttribute('role', 'grid');
  grid.innerHTML = rows
    .map(
      ({ id, selected }, i) =>
        `<div role="row" class="ms-DetailsRow" aria-selected="${selected}"><div role="gridcell"><div role="checkbox" aria-checked="${selected}" aria-label="Select row"></div></div>` +
        `<div role="gridcell">${id ? `<a href="${overview(id)}">Device ${i}</a>` : `Device ${i}`}</div></div>`,
    )
    .join('');
  return grid;
}

describe('the devices selected in a console list', () => {
  it('are the selected rows’ devices, in list order, each once; rows without a device link are left out', () => {
    const grid = list([
      { id: guid(1), selected: true },
      { id: guid(2), selected: false },
      { id: null, selected: true },
      { id: guid(3), selected: true },
      { id: guid(1), selected: true },
    ]);
    expect(selectedDeviceIds(grid)).toEqual([guid(1), guid(3)]);
  });

  it('are none while nothing is selected', () => {
    expect(selectedDeviceIds(list([{ id: guid(1), selected: false }]))).toEqual([]);
  });

  it('stop at 100, as Intune’s bulk actions do', () => {
    const grid = list(Array.from({ length: 120 }, (_, i) => ({ id: guid(i), selected: true })));
    const ids = selectedDeviceIds(grid);
    expect(ids).toHaveLength(100);
    expect(ids.at(-1)).toBe(guid(99));
  });

  it('make one key per selection and back', () => {
    expect(selectionOf(selectionKey([guid(1), guid(2)]))).toEqual([guid(1), guid(2)]);
    expect(selectionOf(selectionKey([]))).toEqual([]);
  });
});

/** The head of a chip list: "Chosen groups" and its `N/max` counter, red past the limit and read out as "N of max groups chosen". */
export function ChipsHead({ count, max, noun }: { count: number; max: number; noun: 'groups' | 'devices' }) {
  return (
    <div class="chips-head">
      <span>Chosen {noun}</span>
      <span class={count > max ? 'counter over' : 'counter'} role="status" aria-label={`${count} of ${max} ${noun} chosen`}>
        {count}/{max}
      </span>
    </div>
  );
}

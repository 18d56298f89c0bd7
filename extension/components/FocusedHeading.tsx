import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A view's heading that takes the focus once when the view opens, so keyboard and screen reader users land there. */
export function FocusedHeading({ id, children }: { id: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <h2 id={id} tabIndex={-1} ref={heading}>
      {children}
    </h2>
  );
}

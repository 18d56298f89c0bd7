/** Styles for the shadow root: Fluent-like, so it sits well beside the admin center's device actions. */
export const INJECTED_CSS = `
button { all: unset; display: inline-flex; align-items: center; gap: 6px; height: 32px; padding: 0 10px; margin-left: 4px;
  font: 14px 'Segoe UI', system-ui, sans-serif; color: #323130; cursor: pointer; border-radius: 2px; }
button:hover { background: #f3f2f1; }
button:focus-visible { outline: 2px solid #0078d4; outline-offset: 1px; }
svg { width: 16px; height: 16px; fill: #4f46e5; }
`;

/**
 * The admin console's quick action: opens Herald's composer for the device on screen, or (`selection`) for the rows
 * selected in a device list, then named with their count: "Send Custom Notification (3)".
 */
export function InjectedButton({
  deviceIds,
  selection = false,
  onOpen,
}: {
  deviceIds: string[];
  selection?: boolean;
  onOpen: (deviceIds: string[]) => void;
}) {
  return (
    <button
      type="button"
      data-device-id={deviceIds.join(' ')}
      title={
        selection
          ? `Send a custom notification to the ${deviceIds.length} selected devices with Herald`
          : 'Send a custom notification to this device with Herald'
      }
      onClick={() => onOpen(deviceIds)}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d="M8 1a4 4 0 0 0-4 4v3L2.5 11h11L12 8V5a4 4 0 0 0-4-4zm-1.7 11a1.7 1.7 0 0 0 3.4 0z" />
      </svg>
      {selection ? `Send Custom Notification (${deviceIds.length})` : 'Send Custom Notification'}
    </button>
  );
}

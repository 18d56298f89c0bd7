import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { INJECTED_CSS, InjectedButton } from '../components/InjectedButton';
import { followDevice } from '../content/follow-device';
import { selectedDeviceIds, selectionKey, selectionOf } from '../content/selected-devices';
import { sendMessage } from '../utils/messages';

/** Fluent UI's command bar of the device blade; it renders after the page, so the UI waits for it (autoMount). */
export const DEVICE_ACTIONS = 'div.ms-OverflowSet[role="menubar"]';

/**
 * On a device's page (the Intune admin center, or an admin's own console rule registered by the background), adds a
 * "Send Custom Notification" button beside the device actions, in a shadow root, following single-page navigation. In a
 * device list with rows selected, the button reads "Send Custom Notification (N)" and opens the composer with them.
 */
export default defineContentScript({
  matches: ['https://intune.microsoft.com/*', 'https://endpoint.microsoft.com/*'],
  cssInjectionMode: 'manual',
  main(ctx) {
    const show = followDevice({
      deviceIdFor: (url) => sendMessage('deviceIdForUrl', { url }),
      createUi: (deviceId) => createButton(ctx, [deviceId]),
      isInvalid: () => ctx.isInvalid,
    });
    // After the extension reloads, this old script can no longer reach the background: it just stops.
    const follow = (url: string) => void show(url).catch((error: unknown) => ctx.isValid && console.error('Herald', error));
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => follow(newUrl.href));
    ctx.addEventListener(window, 'hashchange', () => follow(location.href));
    follow(location.href);

    // The selection follows the same rule: one button for the latest selection, none while nothing is selected.
    const showSelection = followDevice({
      deviceIdFor: async (key) => key || null,
      createUi: (key) => createButton(ctx, selectionOf(key), true),
      isInvalid: () => ctx.isInvalid,
    });
    const followSelection = () =>
      void showSelection(selectionKey(selectedDeviceIds(document))).catch(
        (error: unknown) => ctx.isValid && console.error('Herald', error),
      );
    // The admin center changes its DOM all the time: look at the selection at most every 50 ms.
    let looking = false;
    const rows = new MutationObserver(() => {
      if (looking) return;
      looking = true;
      ctx.setTimeout(() => {
        looking = false;
        followSelection();
      }, 50);
    });
    rows.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-selected'] });
    ctx.onInvalidated(() => rows.disconnect());
  },
});

function createButton(ctx: ContentScriptContext, deviceIds: string[], selection = false) {
  return createShadowRootUi(ctx, {
    name: 'herald-send-notification',
    position: 'inline',
    anchor: DEVICE_ACTIONS,
    append: 'after',
    css: INJECTED_CSS,
    onMount(container) {
      render(
        <InjectedButton
          deviceIds={deviceIds}
          selection={selection}
          onOpen={(ids) => void sendMessage('openComposer', { deviceIds: ids })}
        />,
        container,
      );
      return container;
    },
    onRemove(container) {
      if (container) render(null, container);
    },
  });
}

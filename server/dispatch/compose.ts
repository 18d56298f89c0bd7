import { appUpdateRequired } from './app-versions';
import type { Claimed } from './claim';
import { deliveryUuid } from './delivery-id';
import type { PushMessage } from './providers/types';

/** The title of a content-free push; the app reads the message itself from the device inbox. */
export const CONTENT_FREE_TITLE = 'New message from your organization';

const APP_NAMES = { companyPortal: 'Company Portal', intuneApp: 'Intune' } as const;

export interface Composed {
  message: PushMessage;
  /** Recorded on the delivery when the push is not the message itself. */
  fallback: 'appUpdateRequired' | null;
}

/**
 * What is pushed for one delivery: the message; or, to an Android app too old to show custom notifications,
 * a prompt to update it (the message waits in the inbox); or, for a tenant with content-free push (or a
 * message whose text retention has already erased), a generic title and the ids only.
 */
export function compose(d: Claimed): Composed {
  let title: string;
  let body: string;
  let fallback: Composed['fallback'] = null;
  if (appUpdateRequired(d.platform, d.app, d.appVersion)) {
    const app = APP_NAMES[d.app!];
    title = `Update ${app} to read a message`;
    body = `Your organization sent you a message. Update the ${app} app to read it.`;
    fallback = 'appUpdateRequired';
  } else if (d.contentFree || d.title === null || d.body === null) {
    title = CONTENT_FREE_TITLE;
    body = '';
  } else {
    title = d.title;
    body = d.body;
  }
  // one object per push, built whole: this runs for every delivery of a batch
  const message: PushMessage = {
    deliveryId: deliveryUuid(d.notificationId, d.deviceId),
    notificationId: d.notificationId,
    token: d.token,
    title,
    body,
    expiresAt: d.expiresAt,
    urgency: d.urgency,
    requireAcknowledgement: d.requireAcknowledgement,
  };
  return { message, fallback };
}

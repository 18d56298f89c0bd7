/**
 * Child-process entry for benches: the fake APNs and FCM in their own process (and core), so a bench measures
 * the client, not two event loops sharing one thread. Reports how to reach them over IPC; exits when the parent does.
 */
import { startFakeApns } from '../fakes/apns';
import { startFakeFcm } from '../fakes/fcm';

export interface FakeServices {
  apns: { origin: string; keyFile: string; keyId: string; teamId: string; topic: string };
  fcm: { origin: string; serviceAccountFile: string; projectId: string; accessToken: string };
  ca: string;
}

const [apns, fcm] = await Promise.all([startFakeApns({ record: false }), startFakeFcm({ record: false })]);
// A bearer token for the raw FCM loop, which skips OAuth.
const accessToken = 'ya29.bench';
fcm.accessTokens.add(accessToken);
const ready: FakeServices = {
  apns: { origin: apns.origin, keyFile: apns.key.keyFile, keyId: apns.key.keyId, teamId: apns.key.teamId, topic: apns.topic },
  fcm: { origin: fcm.origin, serviceAccountFile: fcm.serviceAccount.file, projectId: fcm.serviceAccount.projectId, accessToken },
  ca: apns.ca,
};
process.send!(ready);
// The bench asks how much CPU the fakes have used, to print it beside the client's.
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send!({ cpuUs: user + system });
});
process.on('disconnect', () => process.exit(0));

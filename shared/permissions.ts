export const PERMISSIONS = [
  'Organization.Read',
  'Organization.Update',
  'ManagedDevices.Read',
  'ManagedDevices.Update',
  'RemoteTasks.SendCustomNotifications',
  /** Sends with urgency `high` (time-sensitive on iOS), on top of the permission the target needs. */
  'RemoteTasks.SendUrgentNotifications',
  'Roles.Read',
  'Roles.Update',
  'Audit.Read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export interface BuiltInRole {
  id: string;
  displayName: string;
  permissions: readonly Permission[];
  builtIn: true;
}

/** Built-in roles are read-only and the same in every tenant. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  { id: 'administrator', displayName: 'Administrator', permissions: PERMISSIONS, builtIn: true },
  {
    id: 'helpDeskOperator',
    displayName: 'Help Desk Operator',
    permissions: ['Organization.Read', 'ManagedDevices.Read', 'RemoteTasks.SendCustomNotifications'],
    builtIn: true,
  },
  {
    id: 'readOnlyOperator',
    displayName: 'Read Only Operator',
    permissions: ['Organization.Read', 'ManagedDevices.Read'],
    builtIn: true,
  },
];

/** The app roles of Herald's Entra app registration (a token's `roles` claim) and the built-in role each grants over the whole tenant. */
export const APP_ROLES: ReadonlyMap<string, string> = new Map([
  ['Herald.Administrator', 'administrator'],
  ['Herald.HelpDeskOperator', 'helpDeskOperator'],
  ['Herald.ReadOnlyOperator', 'readOnlyOperator'],
]);

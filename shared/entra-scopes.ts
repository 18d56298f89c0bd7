/** The Herald API's delegated scope an access token must carry (`api://<clientId>/Notifications.Send`). */
export const HERALD_API_SCOPE = 'Notifications.Send';

/**
 * The scopes a client asks for, for the app registration `clientId`: Herald's API and a refresh token. The extension
 * builds them itself rather than take the ones a server names, so a hostile server cannot have it ask Microsoft for a
 * token to something else (Microsoft Graph's mail, say) and receive it.
 */
export const entraScopes = (clientId: string) => [`api://${clientId}/${HERALD_API_SCOPE}`, 'offline_access'];

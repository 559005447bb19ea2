import type { Core } from '../core/create-core';
import { cliActor } from './os-account';

/**
 * `token client create|list|rotate|revoke`: the OAuth 2.0 clients Entra signs in with (client
 * credentials), for scripts. Through the admin handlers, as the Authentication screen does, and
 * audited as this OS account; beside a running service or not (the service re-reads the clients
 * within a second). The lines scripts rely on: `Token endpoint: <url>`, `Client ID: <id>`,
 * `Client secret (shown once): <secret>`.
 */
export const TOKEN_CLIENT_ACTIONS = ['create', 'list', 'rotate', 'revoke'] as const;

export interface TokenClientArgs {
  readonly action: string | undefined;
  readonly clientId: string | undefined;
  readonly lifetimeDays: number | undefined;
}

/** Runs one client action; `usage` makes the error for a wrong command line. */
export async function runTokenClient(core: Pick<Core, 'admin'>, args: TokenClientArgs, usage: (message: string) => Error): Promise<void> {
  const handlers = core.admin.handlers;
  const context = { actor: cliActor() };
  const lifetime = args.lifetimeDays !== undefined ? { lifetimeDays: args.lifetimeDays } : {};
  const needId = () => {
    if (!args.clientId) throw usage(`token client ${args.action ?? ''} needs a client ID`);
    return args.clientId;
  };
  switch (args.action) {
    case 'create': {
      const issued = await handlers['auth.createClient']({ ...lifetime }, context);
      console.log(`Token endpoint: ${issued.tokenEndpoint}`);
      console.log(`Client ID: ${issued.client.clientId}`);
      console.log(`Client secret (shown once): ${issued.secret}`);
      console.log(`Secret expires: ${issued.client.expires ?? 'never'}`);
      console.log('In Entra choose "OAuth 2.0 client credentials" and paste these three; send the credentials in the header, the body, or both; scope: scim.');
      return;
    }
    case 'rotate': {
      const issued = await handlers['auth.rotateClient']({ clientId: needId(), ...lifetime }, context);
      console.log(`Token endpoint: ${issued.tokenEndpoint}`);
      console.log(`Client ID: ${issued.client.clientId}`);
      console.log(`Client secret (shown once): ${issued.secret}`);
      console.log(`Secret expires: ${issued.client.expires ?? 'never'}`);
      console.log('The earlier secret keeps working for 7 days (or until its own end): paste the new one into Entra before then.');
      return;
    }
    case 'revoke': {
      const revoked = await handlers['auth.revokeClient']({ clientId: needId() }, context);
      console.log(`Revoked ${revoked.clientId}: its secrets and access tokens stopped working.`);
      return;
    }
    case 'list': {
      const status = await handlers['auth.status']({}, context);
      console.log(`Token endpoint: ${status.tokenEndpoint}`);
      if (status.clients.length === 0) console.log('No OAuth clients.');
      for (const client of status.clients) {
        const state = client.revoked ? `revoked ${client.revoked}` : client.expires ? `secret ends ${client.expires}${client.expiresSoon ? ' (soon: rotate it)' : ''}` : 'no active secret';
        console.log(`Client ID: ${client.clientId}  ${client.name}  ${state}  last used ${client.lastUsed ?? 'never'}`);
      }
      return;
    }
    default:
      throw usage(`token client needs one of: ${TOKEN_CLIENT_ACTIONS.join(', ')}`);
  }
}

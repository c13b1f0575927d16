// Builds Mosquitto's acl_file. Each pot account `pot-<id>` gets a `user` block: publish under its
// own `<prefix>/<id>/` (telemetry, status, cmd/ack and its claim verifier) and read only its own
// config and cmd. A `pattern` line cannot express this: Mosquitto substitutes %u and %c with the
// whole user name or client id, and both carry a prefix (`pot-`, `poco-`) that the topic level
// does not. The hub account reads everything under the prefix and writes config and cmd.
// Mosquitto denies whatever no line allows, so any other account in the password file gets no topic.
import { isPotId } from '../../domain/pot-id.js';
import { CLAIM_TOPIC_KIND } from '../../domain/pot-claim.js';

export const POT_USER_PREFIX = 'pot-';

/** MQTT user name of a pot. */
export function potUsername(potId: string): string {
  return POT_USER_PREFIX + potId;
}

/** Pot id of a pot user name, or null for other accounts. */
export function potIdOfUsername(username: string): string | null {
  if (!username.startsWith(POT_USER_PREFIX)) return null;
  const id = username.slice(POT_USER_PREFIX.length);
  return isPotId(id) ? id : null;
}

export interface AclInput {
  prefix: string;
  hubUsername: string;
  potIds: readonly string[];
}

const SAFE_PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const SAFE_USER = /^[A-Za-z0-9._-]{1,64}$/;

/** Returns the ACL file text; throws on a prefix, user name or pot id that could break a line. */
export function buildAcl(input: AclInput): string {
  if (!SAFE_PREFIX.test(input.prefix)) throw new Error(`invalid MQTT prefix ${JSON.stringify(input.prefix)}: use letters, digits, "-", "_" and "/"`);
  if (!SAFE_USER.test(input.hubUsername)) throw new Error(`invalid hub MQTT user name ${JSON.stringify(input.hubUsername)}: use 1 to 64 letters, digits, ".", "_" or "-"`);
  const p = input.prefix;
  const lines = [
    '# Written by the POCO hub (hub/broker-auth); edits here are overwritten.',
    '',
    `user ${input.hubUsername}`,
    `topic read ${p}/#`,
    `topic write ${p}/+/config`,
    `topic write ${p}/+/cmd`,
  ];
  for (const id of [...new Set(input.potIds)].sort()) {
    if (!isPotId(id)) throw new Error(`invalid pot id ${JSON.stringify(id)} in the ACL: expected 12 lowercase hex digits`);
    lines.push(
      '',
      `user ${potUsername(id)}`,
      `topic write ${p}/${id}/telemetry`,
      `topic write ${p}/${id}/status`,
      `topic write ${p}/${id}/cmd/ack`,
      `topic write ${p}/${id}/${CLAIM_TOPIC_KIND}`,
      `topic read ${p}/${id}/config`,
      `topic read ${p}/${id}/cmd`,
    );
  }
  return lines.join('\n') + '\n';
}

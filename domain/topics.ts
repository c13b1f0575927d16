// MQTT topic layout, documented in docs/protocol.md. Espruino-compatible syntax.
import { isPotId, parsePotId, type PotId } from './pot-id.js';

export const DEFAULT_PREFIX = 'poco';

export type TopicKind = 'telemetry' | 'status' | 'config' | 'cmd' | 'cmd/ack' | 'claim';

// `claim` carries a pot's retained claim verifier (domain/pot-claim.ts).
const KINDS: TopicKind[] = ['telemetry', 'status', 'config', 'cmd', 'cmd/ack', 'claim'];

export function topicFor(prefix: string, id: PotId, kind: TopicKind): string {
  return prefix + '/' + id + '/' + kind;
}

/** Subscription filter the hub uses for one kind of message from every pot. */
export function filterFor(prefix: string, kind: TopicKind): string {
  return prefix + '/+/' + kind;
}

export interface ParsedTopic {
  ok: boolean;
  potId?: PotId;
  kind?: TopicKind;
  error?: string;
}

/** Splits `<prefix>/<id>/<kind>`; the id must already be canonical (12 lowercase hex digits). */
export function parseTopic(prefix: string, topic: string): ParsedTopic {
  if (topic.indexOf(prefix + '/') !== 0) {
    return { ok: false, error: 'topic "' + topic.slice(0, 200) + '" is outside the prefix "' + prefix + '/"' };
  }
  const rest = topic.slice(prefix.length + 1);
  const slash = rest.indexOf('/');
  const id = slash < 0 ? rest : rest.slice(0, slash);
  const kind = slash < 0 ? '' : rest.slice(slash + 1);
  if (!isPotId(id)) {
    // Twelve lowercase hex digits that still fail are a multicast or all-zero MAC: say which.
    const canonicalForm = id.length === 12 && id === id.toLowerCase() && parsePotId(id).error !== undefined;
    const reason = canonicalForm ? String(parsePotId(id).error) : 'use the 12 lowercase hex digits of the MAC';
    return {
      ok: false,
      error: 'topic "' + topic.slice(0, 200) + '" has an invalid pot id "' + id.slice(0, 40) + '": ' + reason,
    };
  }
  if (KINDS.indexOf(kind as TopicKind) < 0) {
    return { ok: false, potId: id, error: 'topic "' + topic.slice(0, 200) + '" has an unknown kind "' + kind.slice(0, 40) + '"' };
  }
  return { ok: true, potId: id, kind: kind as TopicKind };
}

import type { Channel } from '../../core/contract.ts';
import { DAY } from './calendar.ts';
import { Queue, type Ev } from './queue.ts';

/** The event builders of one account: each builds one SPEC.md event and queues it at its time. */

export interface Agent {
  id: string;
  /** Relative share of assignments. */
  load: number;
  /** Median time to answer a customer message, ms. */
  reply: number;
}
export interface Room {
  id: string;
  ch: Channel;
  contact: string;
  agent: Agent | null;
  /** Time of the customer's last message, ms (for the WhatsApp 24 h window). */
  lastIn: number;
}

/** One account's queue of drawn events, and the builders that fill it. */
export class Outbox {
  readonly q = new Queue();
  /** Events queued so far (account and room events), for steering towards a target count. */
  created = 0;

  /** `to`: end of the simulated period, UTC ms; events at or after it are not made. */
  constructor(readonly account: string, private to: number) {}

  push(t: number, e: Ev) {
    if (t >= this.to) return; // not happened yet
    this.q.push(Math.floor(t), e);
    this.created++;
  }
  // Events are object literals of a fixed shape per type (no spreads): V8 builds and stringifies those fastest.
  // `id` and `occurred_at` are filled in when the event leaves the queue.
  opened(t: number, room: Room, origin: string) {
    this.push(t, { id: '', type: 'room.opened', account_id: this.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, origin });
  }
  inbound(t: number, room: Room) {
    room.lastIn = t;
    this.push(t, { id: '', type: 'message', account_id: this.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, direction: 'inbound' });
  }
  outbound(t: number, room: Room, sender: string, agentId?: string, template?: boolean, campaignId?: string) {
    const e: Ev = { id: '', type: 'message', account_id: this.account, occurred_at: '', room_id: room.id, channel: room.ch, contact_id: room.contact, direction: 'outbound', sender };
    if (agentId) e.agent_id = agentId;
    if (template) e.template = true;
    if (campaignId) e.campaign_id = campaignId;
    this.push(t, e);
  }
  agentSays(t: number, room: Room) {
    // Past WhatsApp's 24 h customer window only a template may be sent.
    this.outbound(t, room, 'agent', room.agent!.id, room.ch === 'whatsapp' && t - room.lastIn > DAY);
  }
  /** room.resolved, room.assigned (agentId required), csat.requested. */
  roomEvent(t: number, type: string, room: Room, agentId?: string) {
    this.push(t, agentId
      ? { id: '', type, account_id: this.account, occurred_at: '', room_id: room.id, agent_id: agentId }
      : { id: '', type, account_id: this.account, occurred_at: '', room_id: room.id });
  }
}

import { Type, type Static } from 'typebox';

/** The campaign report's shapes (SPEC "Beyond the essentials"). Money is integer rupiah. */

const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const CampaignFields = {
  first_sent_at: Type.String({ description: 'Its first outbound message in the period' }),
  last_sent_at: Type.String(),
  messages: Int('Outbound messages with this campaign_id in the period'),
  contacts: Int('Distinct (channel, contact_id) among them'),
  replied: Int('Those contacts with an inbound message in (t, t + 24 h] after a campaign message to them at t in the period'),
  reply_rate: Nullable(Type.Number({ description: 'replied / contacts x 100' })),
  conversations: Type.Object(
    { total: Int(), free: Int(), charged: Int() },
    { description: "WhatsApp conversations (MCC) opened in the period by one of the campaign's messages, free or charged as Billing decided" },
  ),
  charges: Type.Object({
    mcc: Int('Charges of those conversations, rupiah'),
    muv: Int("Charges of visitors whose first inbound message of the month came in (t, t + 24 h] after a message of the campaign to them at t (the latest campaign message wins), rupiah"),
    total: Int('mcc + muv, rupiah'),
  }),
};

export const CampaignRow = Type.Object({
  campaign_id: Type.String(),
  ...CampaignFields,
  channels: Type.Array(Type.Object({ channel: Type.String(), ...CampaignFields }), { description: 'The same figures per channel of the sends (conversations are WhatsApp\'s; a visitor counts on its own channel)' }),
});

export const CampaignsResponse = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String(), tz: Type.String() }),
  campaigns: Type.Array(CampaignRow),
  without_campaign: Type.Object(
    { conversations: Int(), charges_mcc: Int('rupiah') },
    { description: 'Conversations opened in the period by a message without a campaign: with the campaigns they add up to Billing\'s mcc_service + mcc_initiated' },
  ),
});

export const CampaignContact = Type.Object({
  channel: Type.String(),
  contact_id: Type.String(),
  first_message_id: Type.String(),
  first_sent_at: Type.String({ description: "The campaign's first message to the contact in the period" }),
  replied: Type.Boolean(),
  replied_at: Nullable(Type.String({ description: 'Its first inbound message in (t, t + 24 h] after a campaign message at t' })),
  conversation: Nullable(
    Type.Object({ message_id: Type.String(), opened_at: Type.String(), category: Type.String(), free: Type.Boolean(), charge: Int('rupiah') }, { description: 'The conversation a campaign message opened with the contact' }),
  ),
  visitor_charge: Int('MUV charge attributed to the campaign for this contact, rupiah'),
});

export const CampaignContactsResponse = Type.Object({
  campaign_id: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String(), tz: Type.String() }),
  total: Int('Contacts of the campaign in the period'),
  contacts: Type.Array(CampaignContact),
  next_cursor: Nullable(Type.String()),
});

export type Campaigns = Static<typeof CampaignsResponse>;
export type CampaignContacts = Static<typeof CampaignContactsResponse>;
export type CampaignContactRow = Static<typeof CampaignContact>;

/**
 * What each number means, in English and Indonesian: one glossary for the dashboard's
 * definitions (the ⓘ beside a KPI or a column) and the About sheet of every workbook,
 * so the two can never say different things. Pure data: the dashboard bundles it.
 */
export type GlossaryLang = 'en' | 'id';

export interface Entry {
  term: string;
  definition: string;
}

export const GLOSSARY_KEYS = [
  'total_chats',
  'response_time',
  'first_response_time',
  'median_p90',
  'resolved',
  'csat',
  'csat_pct',
  'avg_score',
  'response_rate',
  'per_agent',
  'mcc',
  'mcc_service',
  'mcc_initiated',
  'muv',
  'free_quota',
  'balance',
  'periods',
  'sla_first_response',
  'sla_resolution',
  'expired_window',
  'campaign',
] as const;
export type GlossaryKey = (typeof GLOSSARY_KEYS)[number];

export const GLOSSARY: Record<GlossaryLang, Record<GlossaryKey, Entry>> = {
  en: {
    total_chats: {
      term: 'Total chats',
      definition:
        "Rooms whose start (the earliest event of any kind of the room) falls in the period. Origin: the room.opened origin, else the room's first message: inbound (the customer wrote first), broadcast, or outbound (the business wrote first).",
    },
    response_time: {
      term: 'Response time',
      definition: "For each room resolved in the period (its latest resolve), the time from the room's first assignment to an agent to that resolve. Rooms never assigned are left out.",
    },
    first_response_time: {
      term: 'First response time',
      definition: 'For each room first assigned in the period, the time from that assignment to the first agent message at or after it. Rooms without such a message are left out.',
    },
    median_p90: {
      term: 'Median (p50) and 90th percentile (p90)',
      definition: "Half of the rooms took at most the median; nine in ten took at most the p90. Exact, interpolated as Excel's PERCENTILE.INC; one slow room moves the average, not the median.",
    },
    resolved: {
      term: 'Resolved',
      definition: 'Rooms whose latest resolve falls in the period, assigned to an agent or not (response time counts only the assigned ones).',
    },
    csat: {
      term: 'CSAT',
      definition: "The latest survey answer (score 1-5) of each room, counted when it falls in the period.",
    },
    csat_pct: {
      term: 'CSAT %',
      definition: 'The share of answers scored 4 or 5.',
    },
    avg_score: {
      term: 'Average score',
      definition: 'The mean of the answers\' scores, 1 (worst) to 5 (best).',
    },
    response_rate: {
      term: 'Response rate',
      definition:
        'Answers in the period divided by rooms with a survey sent in the period. It can pass 100% when answers come in for surveys sent before the period began.',
    },
    per_agent: {
      term: 'Per agent',
      definition: 'The agent that resolved the room, else the last agent assigned to it; "(unassigned)" when neither. For CSAT, the survey\'s own agent when it names one.',
    },
    mcc: {
      term: 'MCC (monthly conversation credits)',
      definition:
        'WhatsApp conversations: an outbound message opens one when none of that contact is open; it stays open 24 hours and the messages inside it cost nothing more.',
    },
    mcc_service: {
      term: 'Service conversation',
      definition: 'A conversation opened by the business within 24 hours after the contact wrote: a reply to the customer.',
    },
    mcc_initiated: {
      term: 'Initiated conversation',
      definition: 'A conversation opened by a template or broadcast message, or when the contact had not written in the 24 hours before: the business started it.',
    },
    muv: {
      term: 'MUV (monthly unique visitors)',
      definition:
        'Distinct (channel, contact) pairs with at least one inbound message in the month, on any channel. The n-th visitor first seen in the month is free while n is within the free MUV quota, then costs the MUV price.',
    },
    free_quota: {
      term: 'Free quota',
      definition:
        "Each month grants the plan's free conversations (with rollover, the unused part carries into the next month) and free visitors. Conversations use the quota in time order, service and initiated alike; the rest are charged at their category's price.",
    },
    balance: {
      term: 'Balance',
      definition: 'Top-ups and adjustments minus charges, up to that time. A charge happens when its conversation opens or its visitor is first seen. It may be negative.',
    },
    periods: {
      term: 'Periods',
      definition: 'Half-open: from the start up to, not including, the end. Days and months are those of the time zone shown.',
    },
    sla_first_response: {
      term: 'First-response target',
      definition:
        'Rooms first assigned in the period: met when the first agent message came within the target after the assignment; breached when later, or when none came yet and the target has passed; else pending. Met % = met / (met + breached).',
    },
    sla_resolution: {
      term: 'Resolution target',
      definition: 'Rooms first assigned in the period: met when resolved (latest resolve) within the target after the assignment; breached when later, or unresolved past the target; else pending.',
    },
    expired_window: {
      term: 'Expired window',
      definition:
        "A customer's 24-hour window closes unanswered when 24 hours pass after their last message with no agent or bot reply. On WhatsApp, reaching them again needs a template: an initiated conversation, at its price.",
    },
    campaign: {
      term: 'Campaign',
      definition:
        "Outbound messages with the same campaign_id. Replied: contacts who wrote within 24 hours after a campaign message. Its money: the conversations its messages opened (free or charged as billed) and the visitors who first wrote in the month within 24 hours after one.",
    },
  },
  id: {
    total_chats: {
      term: 'Total obrolan',
      definition:
        'Ruang yang awalnya (peristiwa paling awal dari jenis apa pun di ruang itu) jatuh dalam periode. Asal: origin dari room.opened, bila tidak ada pesan pertama ruang: masuk (pelanggan menulis lebih dulu), siaran, atau keluar (bisnis menulis lebih dulu).',
    },
    response_time: {
      term: 'Waktu respons',
      definition: 'Untuk setiap ruang yang diselesaikan dalam periode (penyelesaian terakhirnya), waktu dari penugasan pertama ke agen sampai penyelesaian itu. Ruang yang tidak pernah ditugaskan tidak dihitung.',
    },
    first_response_time: {
      term: 'Waktu respons pertama',
      definition: 'Untuk setiap ruang yang pertama kali ditugaskan dalam periode, waktu dari penugasan itu sampai pesan agen pertama pada atau sesudahnya. Ruang tanpa pesan seperti itu tidak dihitung.',
    },
    median_p90: {
      term: 'Median (p50) dan persentil ke-90 (p90)',
      definition: 'Separuh ruang memerlukan paling lama median; sembilan dari sepuluh paling lama p90. Tepat, diinterpolasi seperti PERCENTILE.INC di Excel; satu ruang yang lambat menggeser rata-rata, bukan median.',
    },
    resolved: {
      term: 'Selesai',
      definition: 'Ruang yang penyelesaian terakhirnya jatuh dalam periode, ditugaskan ke agen atau tidak (waktu respons hanya menghitung yang ditugaskan).',
    },
    csat: {
      term: 'CSAT',
      definition: 'Jawaban survei terakhir (skor 1-5) dari setiap ruang, dihitung bila jatuh dalam periode.',
    },
    csat_pct: {
      term: 'CSAT %',
      definition: 'Porsi jawaban dengan skor 4 atau 5.',
    },
    avg_score: {
      term: 'Skor rata-rata',
      definition: 'Rata-rata skor jawaban, 1 (terburuk) sampai 5 (terbaik).',
    },
    response_rate: {
      term: 'Tingkat jawaban',
      definition: 'Jawaban dalam periode dibagi ruang yang dikirimi survei dalam periode. Bisa melebihi 100% bila jawaban masuk untuk survei yang dikirim sebelum periode dimulai.',
    },
    per_agent: {
      term: 'Per agen',
      definition: 'Agen yang menyelesaikan ruang, bila tidak ada agen terakhir yang ditugaskan; "(belum ditugaskan)" bila keduanya tidak ada. Untuk CSAT, agen survei itu sendiri bila disebutkan.',
    },
    mcc: {
      term: 'MCC (kredit percakapan bulanan)',
      definition: 'Percakapan WhatsApp: pesan keluar membuka satu percakapan bila tidak ada yang terbuka untuk kontak itu; percakapan terbuka 24 jam dan pesan di dalamnya tidak menambah biaya.',
    },
    mcc_service: {
      term: 'Percakapan layanan',
      definition: 'Percakapan yang dibuka bisnis dalam 24 jam sesudah kontak menulis: balasan kepada pelanggan.',
    },
    mcc_initiated: {
      term: 'Percakapan dimulai bisnis',
      definition: 'Percakapan yang dibuka oleh pesan template atau siaran, atau ketika kontak tidak menulis dalam 24 jam sebelumnya: bisnis yang memulainya.',
    },
    muv: {
      term: 'MUV (pengunjung unik bulanan)',
      definition:
        'Pasangan (kanal, kontak) yang berbeda dengan setidaknya satu pesan masuk dalam bulan itu, di kanal mana pun. Pengunjung ke-n yang pertama terlihat dalam bulan itu gratis selama n masih dalam kuota MUV gratis, sesudahnya dikenai harga MUV.',
    },
    free_quota: {
      term: 'Kuota gratis',
      definition:
        'Setiap bulan memberi percakapan gratis paket (dengan rollover, sisanya dibawa ke bulan berikutnya) dan pengunjung gratis. Percakapan memakai kuota menurut urutan waktu, layanan maupun dimulai bisnis; sisanya dikenai harga kategorinya.',
    },
    balance: {
      term: 'Saldo',
      definition: 'Isi ulang dan penyesuaian dikurangi biaya, sampai saat itu. Biaya terjadi ketika percakapannya dibuka atau pengunjungnya pertama terlihat. Bisa negatif.',
    },
    periods: {
      term: 'Periode',
      definition: 'Setengah terbuka: dari awal sampai, tidak termasuk, akhir. Hari dan bulan mengikuti zona waktu yang ditampilkan.',
    },
    sla_first_response: {
      term: 'Target respons pertama',
      definition:
        'Ruang yang pertama kali ditugaskan dalam periode: tercapai bila pesan agen pertama datang dalam target sesudah penugasan; terlewati bila lebih lambat, atau belum ada dan target sudah lewat; selain itu tertunda. % tercapai = tercapai / (tercapai + terlewati).',
    },
    sla_resolution: {
      term: 'Target penyelesaian',
      definition: 'Ruang yang pertama kali ditugaskan dalam periode: tercapai bila diselesaikan (penyelesaian terakhir) dalam target sesudah penugasan; terlewati bila lebih lambat, atau belum selesai melewati target; selain itu tertunda.',
    },
    expired_window: {
      term: 'Jendela kedaluwarsa',
      definition:
        'Jendela 24 jam pelanggan tertutup tanpa jawaban bila 24 jam berlalu sesudah pesan terakhirnya tanpa balasan agen atau bot. Di WhatsApp, menghubunginya lagi perlu template: percakapan dimulai bisnis, dengan harganya.',
    },
    campaign: {
      term: 'Kampanye',
      definition:
        'Pesan keluar dengan campaign_id yang sama. Membalas: kontak yang menulis dalam 24 jam sesudah pesan kampanye. Biayanya: percakapan yang dibuka pesannya (gratis atau berbayar sesuai tagihan) dan pengunjung yang pertama menulis dalam bulan itu dalam 24 jam sesudahnya.',
    },
  },
};

/** The channels' names as people write them (brands: the same in both languages). */
export const CHANNEL_NAMES: Record<string, string> = {
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  facebook: 'Facebook',
  twitter: 'Twitter',
  email: 'Email',
  webchat: 'Webchat',
  telegram: 'Telegram',
  line: 'LINE',
};

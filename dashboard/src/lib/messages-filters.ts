/** The labels of the business-hours switch and of the rooms' and CSAT pages' own filters, merged into messages.ts. */
export const FILTERS_EN = {
  business_hours_toggle: 'Business hours only',
  business_hours_help: "Response times counted in the account's office hours only (set in the account settings); with none set, calendar time",
  show_only: 'Show only',
  only_unresolved: 'Unresolved',
  only_unassigned: 'Unassigned',
  only_low_csat: 'Low CSAT (1-3)',
  slow_label: 'Response at least',
  slow_any: 'any',
  room_chip: 'Room {room}',
  all_rooms: 'All rooms',
  csat_responses_low: 'Answers scored 1-2, newest first',
} as const;

export const FILTERS_ID: Record<keyof typeof FILTERS_EN, string> = {
  business_hours_toggle: 'Hanya jam kerja',
  business_hours_help: 'Waktu respons dihitung hanya dalam jam kerja akun (diatur di pengaturan akun); bila tidak diatur, waktu kalender',
  show_only: 'Tampilkan hanya',
  only_unresolved: 'Belum selesai',
  only_unassigned: 'Tanpa agen',
  only_low_csat: 'CSAT rendah (1-3)',
  slow_label: 'Respons minimal',
  slow_any: 'semua',
  room_chip: 'Ruang {room}',
  all_rooms: 'Semua ruang',
  csat_responses_low: 'Jawaban dengan skor 1-2, terbaru dulu',
};

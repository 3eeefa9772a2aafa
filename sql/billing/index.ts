/**
 * The billing query layer: every function takes the Db and an account and returns plain
 * JSON-ready objects (money in integer rupiah). The HTTP routes (api/routes/billing.ts)
 * and the Excel export call these same functions.
 */
export { usage, type Usage } from './usage.ts';
export { balance, type Balance } from './balance.ts';
export { statement, type Statement, type StatementMonth } from './statement.ts';
export { ledger, type Ledger, type LedgerRow, type Interval } from './ledger.ts';
export { conversations, type Conversation, type ConversationPage } from './conversations.ts';
export { visitors, type Visitor, type VisitorPage } from './visitors.ts';
export { transactions, type Transactions } from './transactions.ts';
export { sync } from './sync.ts';

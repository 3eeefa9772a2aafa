import type { Writable } from 'node:stream';
import type { BuildResult, ReportInput } from './report.ts';

export async function buildBilling(_input: ReportInput, _out: Writable): Promise<BuildResult> {
  throw new Error('billing export: waiting for the billing queries');
}

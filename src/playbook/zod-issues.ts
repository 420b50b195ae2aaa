/** zod issues → short messages that say what was expected and what was found, with suggestions for enums. */
import type { z } from 'zod';
import { isSecret } from '../command';
import { didYouMean } from '../suggest';

export function describeValue(v: unknown, showValue = true): string {
  if (v === null || v === undefined) return 'nothing';
  if (isSecret(v)) return 'a secret';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (!showValue) return `a ${typeof v}`;
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 37) + '...' : s}`;
}

/**
 * The message for one issue; `value` is the input at the issue's path. `showValue` false (rendered values,
 * which may hold secrets) names only the value's type.
 */
export function issueMessage(issue: z.core.$ZodIssue, value: unknown, showValue = true): string {
  if (issue.code === 'invalid_type')
    return `expected ${issue.expected}, got ${describeValue(value, showValue)}`;
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((x) => JSON.stringify(x)).join(', ');
    const near = showValue && typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
    return `${describeValue(value, showValue)} is not one of ${values}${near}`;
  }
  if (issue.code === 'invalid_format') return `${issue.message}, got ${describeValue(value, showValue)}`;
  return issue.message;
}

/** The input at a path, or undefined. */
export function valueAtPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

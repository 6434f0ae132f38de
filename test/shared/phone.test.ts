import { describe, expect, it } from 'vitest';
import { toE164 } from '../../shared/phone.ts';

describe('toE164', () => {
  it.each([
    ['07840 258823', '+447840258823'],
    ['+44 7840 258823', '+447840258823'],
    ['+44 (0)20 8759 9036', '+442087599036'],
    ['0044 20 8759 9036', '+442087599036'],
    ['020-8759-9036', '+442087599036'],
  ])('reads the UK number %s as %s', (input, expected) => {
    expect(toE164(input, 'GB')).toBe(expected);
  });

  it.each(['0784025882', '12345', '07840 258823 ext 2', '+44 0', 'phone'])('refuses %s as a UK number', (input) => {
    expect(toE164(input, 'GB')).toBeUndefined();
  });

  it('reads US numbers with or without the 1', () => {
    expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(toE164('1 415 555 2671', 'US')).toBe('+14155552671');
    expect(toE164('(015) 555-2671', 'US')).toBeUndefined();
  });

  it('accepts another country’s number when written with its +code', () => {
    expect(toE164('+33 1 23 45 67 89', 'GB')).toBe('+33123456789');
  });
});

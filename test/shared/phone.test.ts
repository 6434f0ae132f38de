import { describe, expect, it } from 'vitest';
import { exactE164, phonePlan } from '../../edge/forms/schema.ts';
import { BUILT_IN_PLANS, type PhonePlan, toE164 } from '../../shared/phone.ts';

const { GB, US } = BUILT_IN_PLANS as Record<'GB' | 'US', PhonePlan>;

describe('toE164', () => {
  it.each([
    ['07840 258823', '+447840258823'],
    ['+44 7840 258823', '+447840258823'],
    ['+44 (0)20 8759 9036', '+442087599036'],
    ['0044 20 8759 9036', '+442087599036'],
    ['020-8759-9036', '+442087599036'],
  ])('reads the UK number %s as %s', (input, expected) => {
    expect(toE164(input, [GB])).toBe(expected);
  });

  it.each(['0784025882', '12345', '07840 258823 ext 2', '+44 0', 'phone'])('refuses %s as a UK number', (input) => {
    expect(toE164(input, [GB])).toBeUndefined();
  });

  it('reads US numbers with or without the 1', () => {
    expect(toE164('(415) 555-2671', [US])).toBe('+14155552671');
    expect(toE164('1 415 555 2671', [US])).toBe('+14155552671');
    expect(toE164('(015) 555-2671', [US])).toBeUndefined();
  });

  it('takes another country’s number only when the field takes that country', () => {
    expect(toE164('+33 1 23 45 67 89', [GB])).toBeUndefined();
    expect(toE164('+33 1 23 45 67 89', [GB, phonePlan('FR')])).toBe('+33123456789');
  });

  it('reads a number typed without its code as the chosen country’s, by default the first', () => {
    const plans = [GB, phonePlan('IN')];
    expect(toE164('07840 258823', plans)).toBe('+447840258823');
    expect(toE164('098950 12345', plans, 'IN')).toBe('+919895012345');
    expect(toE164('98950 12345', plans, 'IN')).toBe('+919895012345');
    expect(toE164('+91 98950 12345', plans)).toBe('+919895012345');
    expect(toE164('+44 7840 258823', plans, 'IN')).toBe('+447840258823');
  });

  it('keeps a leading digit that is the trunk prefix when the number needs it', () => {
    // Russia's trunk is 8, and its freephone numbers start with 8.
    expect(toE164('8 800 555 35 35', [phonePlan('RU')])).toBe('+78005553535');
    expect(toE164('800 555 35 35', [phonePlan('RU')])).toBe('+78005553535');
    expect(toE164('+7 800 555 35 35', [phonePlan('RU')])).toBe('+78005553535');
    // Italy has no trunk prefix: the 0 of a landline is part of the number.
    expect(toE164('06 6982 1234', [phonePlan('IT')])).toBe('+390669821234');
  });
});

describe('phonePlan, worked out on the relay by libphonenumber-js', () => {
  it('gives the calling code and trunk prefix', () => {
    expect(phonePlan('GB')).toMatchObject({ country: 'GB', code: '44', trunk: '0' });
    expect(phonePlan('US')).toMatchObject({ country: 'US', code: '1', trunk: '1' });
    expect(phonePlan('IN')).toMatchObject({ country: 'IN', code: '91', trunk: '0' });
    expect(phonePlan('IT')).toMatchObject({ country: 'IT', code: '39', trunk: '' });
  });

  it('shapes every country that shares the calling code, so a UK field takes Jersey numbers', () => {
    expect(toE164('01534 612345', [phonePlan('GB')])).toBe('+441534612345');
    expect(exactE164('+441534612345')).toBe('+441534612345');
    expect(toE164('+1 604 555 0123', [phonePlan('US')])).toBe('+16045550123');
  });

  it('begins with the built-in plans’ shapes, which are the library’s own for GB and US', () => {
    expect(phonePlan('GB').shape.startsWith(GB.shape)).toBe(true);
    expect(phonePlan('US').shape.startsWith(US.shape)).toBe(true);
    expect({ ...phonePlan('GB'), shape: GB.shape }).toEqual(GB);
    expect({ ...phonePlan('US'), shape: US.shape }).toEqual(US);
  });
});

describe('exactE164, the relay’s exact check', () => {
  it('refuses a number of the right length that no one can have', () => {
    expect(exactE164('+91000000000')).toBeUndefined();
    expect(exactE164('+910000000000')).toBeUndefined();
    expect(exactE164('+44784025882')).toBeUndefined();
  });

  it('gives a valid number back in E.164', () => {
    expect(exactE164('+919895012345')).toBe('+919895012345');
    expect(exactE164('+447840258823')).toBe('+447840258823');
    expect(exactE164('+442087599036')).toBe('+442087599036');
  });
});
